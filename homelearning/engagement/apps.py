from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "homelearning.engagement"
    label = "engagement"
    verbose_name = "Engagement and the termly report"
    default_auto_field = "django.db.models.BigAutoField"
