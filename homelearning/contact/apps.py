from django.apps import AppConfig


class ContactConfig(AppConfig):
    name = "homelearning.contact"
    label = "contact"
    verbose_name = "Calls and contact with families"
