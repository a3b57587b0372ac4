from django.urls import path

from homelearning.journal import views

app_name = "journal"
urlpatterns = [
    path("journal/child/<slug:code>/", views.child_journal, name="child"),
    path("journal/emails/", views.email_choice, name="email_choice"),
    path("journal/items/<slug:code>/", views.item_detail, name="item"),
    path("journal/items/<slug:code>/feedback", views.feedback, name="feedback"),
    path("journal/items/<slug:code>/reviewed", views.mark_reviewed, name="mark_reviewed"),
    path("journal/items/<slug:code>/comment", views.comment, name="comment"),
    path("journal/items/<slug:code>/comments/<slug:comment_code>/hide", views.comment_hide, name="comment_hide"),
    path("journal/files/<slug:code>", views.work_file, name="file"),
    path("journal/child/<slug:code>/call", views.call_ask, name="call_ask"),
    path("journal/pupils/<slug:code>/paper", views.paper_returned, name="paper_returned"),
    path("journal/calls/", views.calls, name="calls"),
    path("journal/calls/<slug:code>/", views.call_log, name="call_log"),
    path("journal/inbox/", views.inbox, name="inbox"),
    path("journal/inbox/<slug:code>/", views.class_inbox, name="class_inbox"),
    path("journal/moderation/", views.moderation, name="moderation"),
    path("journal/moderation/review", views.moderation_review, name="moderation_review"),
    path("journal/moderation/<slug:code>/hide", views.moderation_hide, name="moderation_hide"),
    path("journal/moderation/<slug:code>/escalate", views.moderation_escalate, name="moderation_escalate"),
]
