from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "homelearning.learning"
    label = "learning"
    verbose_name = "Daily learning plans"
