from django.urls import path

from homelearning.live import views

app_name = "live"
urlpatterns = [
    path("live/", views.session_list, name="session_list"),
    path("live/classes/<slug:class_code>/new", views.session_new, name="session_new"),
    path("live/sessions/<slug:code>/", views.session_detail, name="session_detail"),
    path("live/sessions/<slug:code>/end", views.session_end, name="session_end"),
    path("live/sessions/<slug:code>/cancel", views.session_cancel, name="session_cancel"),
    path("live/sessions/<slug:code>/join", views.staff_join, name="staff_join"),
    path("live/sessions/<slug:code>/room", views.staff_room, name="staff_room"),
    path(
        "live/sessions/<slug:code>/invitations/<slug:invitation_code>/<slug:decision>",
        views.invitation_decide,
        name="invitation_decide",
    ),
    path("live/bans/", views.ban_list, name="ban_list"),
    path("live/bans/<slug:code>/lift", views.ban_lift, name="ban_lift"),
    path("live/pupils/<slug:pupil_code>/ban", views.ban_new, name="ban_new"),
    path("live/recipients/", views.recipient_list, name="recipient_list"),
    path("live/recipients/<slug:pupil_code>", views.recipient_change, name="recipient_change"),
    path("live/settings", views.live_settings, name="live_settings"),
    path("live/invitations/<slug:code>/", views.invitation, name="invitation"),
    path("live/invitations/<slug:code>/room", views.demo_room, name="demo_room"),
    path("live/invitations/<slug:code>/calendar.ics", views.invitation_calendar, name="invitation_calendar"),
]
