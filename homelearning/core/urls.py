from django.urls import path

from homelearning.core import views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_list, name="audit_list"),
    path("emails/", views.email_list, name="email_list"),
    path("emails/<slug:code>/resend", views.email_resend, name="email_resend"),
    path("dev/outbox/", views.outbox, name="outbox"),
]
