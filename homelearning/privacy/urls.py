from django.urls import path

from homelearning.privacy import views

app_name = "privacy"
urlpatterns = [
    path("privacy/requests/", views.sar_list, name="sar_list"),
    path("privacy/requests/<slug:code>/", views.sar_detail, name="sar_detail"),
    path("privacy/requests/<slug:code>/download", views.sar_download, name="sar_download"),
    path("privacy/requests/<slug:code>/sent", views.sar_complete, name="sar_complete"),
    path("privacy/retention/", views.retention, name="retention"),
    path("privacy/retention/dry-run", views.retention_dry_run, name="retention_dry_run"),
    path("privacy/retention/run", views.retention_pass, name="retention_pass"),
    path("privacy/device/", views.device_confirm, name="device_confirm"),
    path("privacy/devices/", views.device_overview, name="device_overview"),
    path("privacy/sign-in/", views.sign_in_settings, name="sign_in_settings"),
    path("privacy/policy/", views.policy, name="policy_in_force"),
    path("privacy/notice/", views.notice, name="notice"),
]
