"""A parent's home page keeps its news panels rendered (core.family), and every change they show appears at once:
feedback given, a call asked for and made, a closure declared and ended, a live session booked and cancelled."""

from __future__ import annotations

import datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from homelearning.journal import services as journal
from homelearning.live import services as live
from homelearning.live.models import LiveSession
from homelearning.privacy import services as privacy
from homelearning.provision import services as provision
from tests.engagement.builders import MON, TUE, WED, at, snow_week
from tests.personas import World
from tests.provision.builders import ensure_absence_codes, school_terms


def _home(client) -> str:  # type: ignore[no-untyped-def]
    return client.get("/").content.decode()


def test_each_change_shows_at_once_and_an_unchanged_page_reads_no_news(world: World, client_for) -> None:
    with time_machine.travel(at(MON, 8), tick=False):
        parent = client_for(world.parent)
        assert "is closed today" not in _home(parent)
        with CaptureQueriesContext(connection) as warm:
            _home(parent)
        tables = " ".join(q["sql"] for q in warm.captured_queries)
        for table in ("journal_feedback", "journal_callrequest", "live_invitation", "provision_registermark"):
            assert f'FROM "{table}"' not in tables, f"{table} read although nothing changed"
        assert 'FROM "privacy_privacysettings"' not in tables  # the remember-this-phone setting is cached

        closure = snow_week(world)
        assert "is closed today" in _home(parent)

        item = journal.work_submit(pupil=world.amy, by=world.parent, by_label="Pat Parker", note="Story")
        journal.feedback_give(item=item, by=world.staff(world.teacher), text="Lovely")
        assert "gave Amy feedback" in _home(parent)

        call = journal.call_request(pupil=world.ben, by=world.parent, by_label="Pat Parker", reason="Reading")
        assert "You asked for a call about Ben" in _home(parent)
        journal.call_log(call=call, by=world.staff(world.teacher_ash), outcome="spoke")
        assert "You asked for a call about Ben" not in _home(parent)

        session = live.session_schedule(
            by=world.staff(world.teacher),
            school_class=world.oak,
            kind=LiveSession.Kind.STORY_TIME,
            title="Snow story",
            starts_at=at(TUE, 10),
            minutes=30,
            monitor=world.staff(world.ta),
            pupils=[world.amy],
        )
        assert "Snow story for Amy" in _home(parent)
        live.session_cancel(session=session, by=world.staff(world.teacher))
        assert "Snow story for Amy" not in _home(parent)

    with time_machine.travel(at(TUE, 8), tick=False):
        parent = client_for(world.parent)
        assert "is closed today" in _home(parent)
        provision.closure_end(closure=closure, last_day=MON, by=world.staff(world.head))  # school open again today
        assert "is closed today" not in _home(parent)

    # Another family of the school is not shown this family's news (the panels are kept per parent).
    with time_machine.travel(at(MON, 9), tick=False):
        assert "gave Amy feedback" not in _home(client_for(world.other_parent))


def test_panels_are_kept_a_minute_at_most_for_what_no_service_announces(world: World, client_for) -> None:
    ensure_absence_codes()
    school_terms(world)
    with time_machine.travel(at(MON, 8), tick=False) as clock:
        parent = client_for(world.parent)
        item = journal.work_submit(pupil=world.amy, by=world.parent, by_label="Pat Parker", note="Story")
        journal.feedback_give(item=item, by=world.staff(world.teacher), text="Lovely")
        assert "gave Amy feedback" in _home(parent)
        item.feedback.all().delete()  # as retention would, with no service telling the panels
        assert "gave Amy feedback" in _home(parent)
        clock.shift(datetime.timedelta(seconds=61))
        assert "gave Amy feedback" not in _home(parent)


def test_the_remember_this_phone_offer_follows_the_headteachers_setting(world: World, client_for) -> None:
    with time_machine.travel(at(WED, 8), tick=False):
        parent = client_for(world.parent)
        assert "Remember this phone?" in _home(parent)
        current = privacy.settings_for(world.school)
        privacy.sign_in_settings_set(
            school=world.school,
            by=world.head,
            api_token_days=current.api_token_days,
            extra_mfa_roles=current.extra_mfa_roles,
            carer_remember_days=0,
        )
        assert "Remember this phone?" not in _home(parent)
    assert TUE < WED


def test_a_childs_card_is_never_stale_its_inputs_are_its_key(world: World, client_for) -> None:
    from homelearning.people.models import Staff

    with time_machine.travel(at(WED, 8), tick=False) as clock:
        parent = client_for(world.parent)
        assert "Mr Teal" in _home(parent)
        Staff.objects.filter(user=world.teacher).update(surname="Teal-Jones")  # a change no service announces
        clock.shift(datetime.timedelta(seconds=61))  # the children and their teachers are kept a minute
        page = _home(parent)
        assert "Mr Teal-Jones" in page and "Mr Teal," not in page
        parent.post("/language/", {"language": "pl", "next": "/"})
        assert "Wyślij" in _home(parent)  # the same card in Polish, not the English one kept


def test_a_child_linked_to_a_carer_shows_at_once(world: World, client_for) -> None:
    from homelearning.people import services as people
    from homelearning.people.models import Pupil

    with time_machine.travel(at(WED, 8), tick=False):
        parent = client_for(world.other_parent)
        assert "Dora" not in _home(parent)
        dora = Pupil.objects.create(
            school=world.school,
            school_class=world.ash,
            legal_first_name="Dora",
            surname="Quinn",
            date_of_birth=datetime.date(2019, 5, 5),
        )
        carer = world.cara.carer_links.select_related("carer").first().carer  # type: ignore[union-attr]
        people.carer_link(
            pupil=dora, first_name=carer.first_name, surname=carer.surname, email=carer.email, relationship="mother"
        )
        assert "Dora" in _home(parent)
