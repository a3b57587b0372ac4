from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "homelearning.api"
    label = "api"
    verbose_name = "The JSON API"
