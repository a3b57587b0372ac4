"""`manage.py totp_code <email>`: the current authenticator code of a demo account, for signing in."""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Print the current six-digit authenticator (TOTP) code of a demo account. Demo mode only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The account's email address, as printed by seed_demo.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            # Reading a second factor back out of the database defeats it: only ever for the demo.
            raise CommandError("totp_code only works in demo mode (DEMO_MODE=true).")
        email = str(options["email"]).strip().lower()
        authenticator = Authenticator.objects.filter(user__email=email, type=Authenticator.Type.TOTP).first()
        if authenticator is None:
            raise CommandError(f"No account with the address {email} has an authenticator.")
        secret = decrypt(authenticator.data["secret"])
        now = int(time.time())
        period = app_settings.TOTP_PERIOD
        self.stdout.write(format_hotp_value(hotp_value(secret, now // period)))
        self.stderr.write(f"(valid for about {period - now % period} more seconds; each code works once)")
