"""API tokens expire, and a revoked token says why.

Tokens made before this migration expire 90 days after they were made (the new default lifetime),
or at once if that is already past: a token that old should be made again.

The column becomes required, and the constraints arrive, in 0003: on PostgreSQL the rows this one
updates leave trigger events pending until its transaction ends, and a table with pending trigger
events cannot be altered in the same transaction.
"""

import datetime

from django.db import migrations, models
from django.db.models import DateTimeField, ExpressionWrapper, F


def expire_old_tokens(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True).update(
        expires_at=ExpressionWrapper(F("created_at") + datetime.timedelta(days=90), output_field=DateTimeField())
    )
    ApiToken.objects.filter(revoked_at__isnull=False, revoked_because="").update(revoked_because="owner")


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_api_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_because",
            field=models.CharField(
                blank=True,
                choices=[
                    ("owner", "revoked by its owner"),
                    ("password", "the password was reset or changed"),
                    ("role_removed", "a role was taken away"),
                    ("left", "the owner left the school's staff"),
                ],
                max_length=12,
            ),
        ),
        migrations.RunPython(expire_old_tokens, migrations.RunPython.noop),
    ]
