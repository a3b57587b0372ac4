"""The register code table (CodeRule), and the reason kept beside each register mark.

The codes are those of The School Attendance (Pupil Registration) (England) Regulations 2024 and the
DfE's "Working together to improve school attendance" (August 2024):
- a closure for public-health reasons (an infectious disease, on public-health guidance or law) is Y6,
  whatever its scope; any other closure is Y4 when the whole site is unexpectedly closed and Y3 when
  part of the premises is;
- an individual case is coded for its own reason. The first code listed for a reason is the usual one;
  the decision-maker can choose any of the others.

Marks made before this migration keep the code they were exported with; they get the reason of the
closure or case that made them.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery

WHOLE, YEAR_GROUPS, CLASSES = "whole", "year_groups", "classes"
PART = (YEAR_GROUPS, CLASSES)

CLOSURE_RULES = [
    # (reason, scopes, code, when)
    ("public_health", (WHOLE, *PART), "Y6", "Unable to attend in accordance with public-health guidance or law."),
    ("government_guidance", (WHOLE,), "Y4", "The whole school site is unexpectedly closed (not for public health)."),
    ("government_guidance", PART, "Y3", "Part of the school premises is closed (not for public health)."),
    ("extreme_weather", (WHOLE,), "Y4", "The whole school site is unexpectedly closed."),
    ("extreme_weather", PART, "Y3", "Part of the school premises is closed."),
    ("critical_incident", (WHOLE,), "Y4", "The whole school site is unexpectedly closed."),
    ("critical_incident", PART, "Y3", "Part of the school premises is closed."),
]

CASE_RULES = [
    # (reason, [(code, when), ...]): the first is the usual code.
    (
        "medical",
        [
            ("I", "Illness: the pupil's medical condition keeps them from school."),
            ("C2", "A temporary part-time timetable agreed as part of the reintegration plan."),
        ],
    ),
    (
        "mobility",
        [
            ("C", "Leave of absence the school grants in exceptional circumstances: the pupil is not ill, "
             "but cannot get to or around the school site for now."),
            ("I", "Illness: an injury under treatment keeps the pupil from school."),
            ("C2", "A temporary part-time timetable while the pupil returns."),
            ("Y7", "Unable to attend because of another unavoidable cause."),
        ],
    ),
    ("short_illness", [("I", "Illness (not a medical or dental appointment).")]),
    (
        "holiday",
        [
            ("G", "A holiday in term time that the school has not granted."),
            ("C", "Leave granted in exceptional circumstances."),
        ],
    ),
    ("misbehaviour", [("E", "Suspended or permanently excluded, with no alternative provision made.")]),
]


def rules():
    for reason, scopes, code, when in CLOSURE_RULES:
        for scope in scopes:
            yield {"kind": "closure", "reason": reason, "scope": scope, "absence_code_id": code}, True, when
    for reason, codes in CASE_RULES:
        for n, (code, when) in enumerate(codes):
            yield {"kind": "case", "reason": reason, "scope": "", "absence_code_id": code}, n == 0, when


def seed(apps, schema_editor):
    # Re-runnable (tests/reference_data.py runs it again after a flush).
    CodeRule = apps.get_model("provision", "CodeRule")
    for keys, usual, when in rules():
        CodeRule.objects.update_or_create(**keys, defaults={"is_usual": usual, "when": when})


def reasons_beside_marks(apps, schema_editor):
    RegisterMark = apps.get_model("provision", "RegisterMark")
    Closure = apps.get_model("provision", "Closure")
    Case = apps.get_model("provision", "Case")
    RegisterMark.objects.filter(closure__isnull=False).update(
        reason=Subquery(Closure.objects.filter(pk=OuterRef("closure_id")).values("reason")[:1])
    )
    RegisterMark.objects.filter(case__isnull=False).update(
        reason=Subquery(Case.objects.filter(pk=OuterRef("case_id")).values("reason")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("provision", "0002_seed_absence_codes")]

    operations = [
        migrations.CreateModel(
            name="CodeRule",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("closure", "Closure"), ("case", "Individual case")], max_length=10)),
                ("reason", models.CharField(max_length=30)),
                ("scope", models.CharField(blank=True, max_length=20)),
                ("is_usual", models.BooleanField(default=False)),
                (
                    "when",
                    models.CharField(
                        help_text="When this code is the right one, in the guidance's terms.", max_length=300
                    ),
                ),
                (
                    "absence_code",
                    models.ForeignKey(
                        on_delete=models.deletion.PROTECT, related_name="+", to="provision.absencecode"
                    ),
                ),
            ],
            options={"ordering": ("kind", "reason", "scope", "-is_usual", "absence_code")},
        ),
        migrations.AddConstraint(
            model_name="coderule",
            constraint=models.UniqueConstraint(
                fields=("kind", "reason", "scope", "absence_code"), name="code_rule_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="coderule",
            constraint=models.UniqueConstraint(
                condition=Q(is_usual=True), fields=("kind", "reason", "scope"), name="code_rule_one_usual"
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.AddField(
            model_name="registermark",
            name="reason",
            field=models.CharField(default="", max_length=30),
            preserve_default=False,
        ),
        migrations.RunPython(reasons_beside_marks, migrations.RunPython.noop),
    ]
