from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "homelearning.privacy"
    label = "privacy"
    verbose_name = "Data protection"
