from django.apps import AppConfig


class TranslationConfig(AppConfig):
    name = "homelearning.translation"
    label = "translation"
    verbose_name = "Machine translation of the school's own words"
    default_auto_field = "django.db.models.BigAutoField"
