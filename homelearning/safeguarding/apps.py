from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "homelearning.safeguarding"
    label = "safeguarding"
    verbose_name = "Safeguarding"
