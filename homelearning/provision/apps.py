from django.apps import AppConfig


class ProvisionConfig(AppConfig):
    name = "homelearning.provision"
    label = "provision"
    verbose_name = "Who receives remote education"
