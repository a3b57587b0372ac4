"""API tokens: the expiry is required, a revoked token says why, and a token expires after it was made."""

from django.db import migrations, models
from django.db.models import F, Q


class Migration(migrations.Migration):
    dependencies = [("api", "0002_token_expiry")]

    operations = [
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(),
        ),
        migrations.AddConstraint(
            model_name="apitoken",
            constraint=models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoked_because=""), name="api_token_revoked_has_reason"
            ),
        ),
        migrations.AddConstraint(
            model_name="apitoken",
            constraint=models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="api_token_expires_later"
            ),
        ),
    ]
