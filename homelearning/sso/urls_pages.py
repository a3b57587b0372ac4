from django.urls import path

from homelearning.sso import views_settings

app_name = "sso"

urlpatterns = [
    path("settings/staff-sign-in/", views_settings.sign_in_settings, name="settings"),
]
