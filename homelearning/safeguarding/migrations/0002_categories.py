from django.db import migrations

CONCERN_CATEGORIES = [
    ("physical", "Physical abuse", False),
    ("emotional", "Emotional abuse", False),
    ("sexual", "Sexual abuse or exploitation", False),
    ("neglect", "Neglect", False),
    ("online", "Online safety", False),
    ("domestic", "Domestic abuse", False),
    ("mental-health", "Mental health and wellbeing", False),
    ("attendance", "Not seen or not engaging", False),
    ("family-report", "Worry reported by a parent or carer", True),
    ("other", "Other", False),
]
REASONS = [
    ("cp-plan", "Child protection plan"),
    ("child-in-need", "Child in need"),
    ("looked-after", "Looked after child"),
    ("ehc-plan", "EHC plan"),
    ("young-carer", "Young carer"),
    ("other", "Other"),
]


def add(apps, schema_editor):
    ConcernCategory = apps.get_model("safeguarding", "ConcernCategory")
    VulnerabilityReason = apps.get_model("safeguarding", "VulnerabilityReason")
    for position, (slug, name, for_families) in enumerate(CONCERN_CATEGORIES):
        ConcernCategory.objects.update_or_create(
            slug=slug, defaults={"name": name, "position": position, "for_families": for_families}
        )
    for position, (slug, name) in enumerate(REASONS):
        VulnerabilityReason.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})


def remove(apps, schema_editor):
    apps.get_model("safeguarding", "ConcernCategory").objects.filter(slug__in=[c[0] for c in CONCERN_CATEGORIES]).delete()
    apps.get_model("safeguarding", "VulnerabilityReason").objects.filter(slug__in=[r[0] for r in REASONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("safeguarding", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
