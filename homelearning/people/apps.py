from typing import Any

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "homelearning.people"
    label = "people"
    verbose_name = "The school and its people"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        user_logged_out.connect(_forget_phone_on_sign_out, dispatch_uid="people.forget_phone_on_sign_out")


def _forget_phone_on_sign_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from homelearning.people.phones import phone_signed_out

    session = getattr(request, "session", None)
    phone_signed_out(session_key=session.session_key if session is not None else None)
