from django.db import migrations

# The 2024 English attendance codes (School Attendance (Pupil Registration) (England) Regulations 2024).
CODES = [
    ("/", "Present (morning)", "attendance", True),
    ("\\", "Present (afternoon)", "attendance", True),
    ("L", "Late, before the register closed", "attendance", True),
    ("K", "Attending education provision arranged by the local authority", "attendance", False),
    ("V", "Attending an educational visit or trip", "attendance", False),
    ("P", "Participating in an approved sporting activity", "attendance", False),
    ("W", "Attending work experience", "attendance", False),
    ("B", "Attending any other approved educational activity", "attendance", False),
    ("D", "Dual registered, at another school", "not_counted", False),
    ("C1", "Leave: regulated performance or employment abroad", "authorised", False),
    ("M", "Leave: medical or dental appointment", "authorised", False),
    ("J1", "Leave: interview", "authorised", False),
    ("S", "Leave: study leave", "authorised", False),
    ("X", "Non-compulsory school age pupil not required to attend", "not_counted", False),
    ("C2", "Leave: compulsory school age pupil on a temporary part-time timetable", "authorised", False),
    ("C", "Leave: exceptional circumstances", "authorised", False),
    ("T", "Parent travelling for occupational purposes", "authorised", False),
    ("R", "Religious observance", "authorised", False),
    ("I", "Illness (not medical or dental appointment)", "authorised", False),
    ("E", "Suspended or permanently excluded, no alternative provision", "authorised", False),
    ("Q", "Unable to attend: lack of access arrangements", "not_counted", False),
    ("Y1", "Unable to attend: transport normally provided not available", "not_counted", False),
    ("Y2", "Unable to attend: widespread disruption to travel", "not_counted", False),
    ("Y3", "Unable to attend: part of the school premises closed", "not_counted", False),
    ("Y4", "Unable to attend: whole school site unexpectedly closed", "not_counted", False),
    ("Y5", "Unable to attend: criminal justice detention", "not_counted", False),
    ("Y6", "Unable to attend: public health guidance or law", "not_counted", False),
    ("Y7", "Unable to attend: any other unavoidable cause", "not_counted", False),
    ("G", "Holiday not granted by the school", "unauthorised", False),
    ("N", "Reason for absence not yet provided", "unauthorised", False),
    ("O", "Absent in other or unknown circumstances", "unauthorised", False),
    ("U", "Arrived in school after the register closed", "unauthorised", False),
    ("Z", "Prospective pupil not on admission register", "not_counted", False),
    ("#", "Planned whole or partial school closure", "not_counted", False),
]


def seed(apps, schema_editor):
    AbsenceCode = apps.get_model("provision", "AbsenceCode")
    for code, meaning, category, present in CODES:
        AbsenceCode.objects.update_or_create(
            code=code, defaults={"meaning": meaning, "category": category, "is_present": present}
        )


def unseed(apps, schema_editor):
    apps.get_model("provision", "AbsenceCode").objects.filter(code__in=[c[0] for c in CODES]).delete()


class Migration(migrations.Migration):
    dependencies = [("provision", "0001_closures_cases_register")]
    operations = [migrations.RunPython(seed, unseed)]
