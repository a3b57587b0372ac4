from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "homelearning.journal"
    label = "journal"
    verbose_name = "Work and feedback"
