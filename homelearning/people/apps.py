from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "homelearning.people"
    label = "people"
    verbose_name = "The school and its people"
