from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "homelearning.sso"
    label = "sso"
    verbose_name = "Staff single sign-on"
    default_auto_field = "django.db.models.BigAutoField"
