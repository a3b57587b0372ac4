from django.urls import path

from homelearning.core import dates  # noqa: F401 - registers the `day` path converter
from homelearning.learning import views

app_name = "learning"
urlpatterns = [
    path("learning/", views.index, name="index"),
    path("learning/entitlement/", views.entitlement, name="entitlement"),
    path("learning/resources/", views.resource_list, name="resource_list"),
    path("learning/resources/upload", views.resource_upload, name="resource_upload"),
    path("learning/resources/<slug:code>/remove", views.resource_remove, name="resource_remove"),
    path("learning/files/<slug:code>", views.resource_file, name="resource_file"),
    path("classes/<slug:code>/learning/", views.class_week, name="class_week"),
    path("classes/<slug:code>/learning/<day:day>/", views.plan_day, name="plan_day"),
    path("classes/<slug:code>/learning/<day:day>/copy", views.plan_copy, name="plan_copy"),
    path("classes/<slug:code>/learning/<day:day>/copy-week", views.week_copy, name="week_copy"),
    path("classes/<slug:code>/learning/<day:day>/keep-template", views.template_save, name="template_save"),
    path("classes/<slug:code>/learning/<day:day>/use-template", views.template_apply, name="template_apply"),
    path("classes/<slug:code>/learning/<day:day>/preview", views.plan_preview, name="plan_preview"),
    path("learning/activities/<slug:code>/edit", views.activity_edit, name="activity_edit"),
    path("learning/activities/<slug:code>/move", views.activity_move, name="activity_move"),
    path("learning/activities/<slug:code>/delete", views.activity_delete, name="activity_delete"),
    path("pupils/<slug:code>/learning/<day:day>/", views.pupil_day, name="pupil_day"),
    path("pupils/<slug:code>/learning/<day:day>/change", views.pupil_change, name="pupil_change"),
    path("children/<slug:code>/learning/<day:day>/", views.child_day, name="child_day"),
]
