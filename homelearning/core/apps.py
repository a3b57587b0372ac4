from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "homelearning.core"
    label = "core"
    verbose_name = "Audit, calendar, email and shared helpers"
