from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "homelearning.privacy"
    label = "privacy"
    verbose_name = "Data protection"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from homelearning.privacy.middleware import mark_signed_in

        # Session bookkeeping only (the idle clock), not a business rule.
        user_logged_in.connect(mark_signed_in, dispatch_uid="privacy.mark_signed_in")
