from django.apps import AppConfig


class TextsConfig(AppConfig):
    name = "homelearning.texts"
    label = "texts"
    verbose_name = "Text messages to families"
    default_auto_field = "django.db.models.BigAutoField"
