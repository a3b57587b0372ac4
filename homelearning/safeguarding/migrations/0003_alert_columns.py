from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("safeguarding", "0002_categories"),
    ]

    operations = [
        migrations.AddField(
            model_name="safeguardingsettings",
            name="alert_columns",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
