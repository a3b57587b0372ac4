from django.urls import path

from homelearning.core import health, views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_list, name="audit_list"),
    path("emails/", views.email_list, name="email_list"),
    path("emails/<slug:code>/resend", views.email_resend, name="email_resend"),
    path("dev/outbox/", views.outbox, name="outbox"),
    path("health/", health.health, name="health"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/terms/add", views.term_add, name="term_add"),
    path("calendar/terms/<int:pk>/", views.term_edit, name="term_edit"),
    path("calendar/terms/<int:pk>/delete", views.term_delete, name="term_delete"),
    path("calendar/days/add", views.day_add, name="day_add"),
    path("calendar/days/<int:pk>/delete", views.day_delete, name="day_delete"),
]
