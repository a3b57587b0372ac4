from django.db import migrations

# The six areas of the remote learning policy (ENT-02); Foundation Subjects has sub-subjects.
AREAS = [
    ("maths", "Maths", []),
    ("reading", "Reading", []),
    ("writing", "Writing", []),
    ("spelling-phonics", "Spelling/Phonics", []),
    (
        "foundation",
        "Foundation Subjects",
        [
            ("science", "Science"),
            ("history", "History"),
            ("geography", "Geography"),
            ("art", "Art"),
            ("music", "Music"),
            ("design-technology", "Design Technology"),
            ("it", "IT"),
        ],
    ),
    ("wellbeing", "Wellbeing", []),
]


def add_subjects(apps, schema_editor):
    Subject = apps.get_model("learning", "Subject")
    position = 0
    for code, name, children in AREAS:
        position += 10
        parent, _ = Subject.objects.update_or_create(code=code, defaults={"name": name, "position": position})
        for child_code, child_name in children:
            position += 1
            Subject.objects.update_or_create(
                code=child_code, defaults={"name": child_name, "position": position, "parent": parent}
            )


def remove_subjects(apps, schema_editor):
    Subject = apps.get_model("learning", "Subject")
    Subject.objects.filter(parent__isnull=False).delete()
    Subject.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_initial")]

    operations = [migrations.RunPython(add_subjects, remove_subjects)]
