from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "homelearning.live"
    label = "live"
    verbose_name = "Live sessions"
