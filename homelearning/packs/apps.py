from django.apps import AppConfig


class PacksConfig(AppConfig):
    name = "homelearning.packs"
    label = "packs"
    verbose_name = "Paper learning packs"
