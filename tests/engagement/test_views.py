"""Engagement where staff already work: the teacher's home page with "ask for a call", the DSL's weekly list,
the engagement page and its setting. Parents never see a label."""

from __future__ import annotations

import pytest
import time_machine

from homelearning.core.models import AuditEvent
from homelearning.engagement.models import EngagementSettings
from homelearning.journal.models import CallRequest
from tests.engagement.builders import MON, THU, at, snow_week
from tests.personas import World
from tests.safeguarding import builders as sg


@pytest.fixture
def snow(world: World, client_for) -> World:
    with time_machine.travel(at(MON, 7), tick=False):
        snow_week(world)
    with time_machine.travel(at(MON, 9), tick=False):
        client_for(world.parent).get("/")  # Amy and Ben opened Monday; Cara's family never has
    return world


def test_the_teacher_sees_quiet_children_and_asks_for_a_call_in_one_click(snow, client_for):
    with time_machine.travel(at(THU, 8, 30), tick=False):
        client = client_for(snow.teacher)
        page = client.get("/").content.decode()
        assert "Children gone quiet" in page
        section = page.split("Children gone quiet", 1)[1].split("</section>", 1)[0]
        assert "Cara Quinn" in section and "Not reached: 3 school days" in section
        assert "Amy Parker" in section and "Quiet: 2 school days" in section
        assert "Ben Parker" not in section  # Ash class, not his
        assert section.index("Cara Quinn") < section.index("Amy Parker")  # the least reached first

        response = client.post(f"/engagement/pupils/{snow.cara.code}/call", {"next": "/"})
        assert response.status_code == 302 and response["Location"] == "/"
        call = CallRequest.objects.get(pupil=snow.cara)
        assert call.by_staff and call.call_on == THU and call.status == CallRequest.Status.OPEN
        assert "3 school days" in call.reason
        assert AuditEvent.objects.filter(action="engagement.call.ask", actor=snow.teacher).count() == 1

        page = client.get("/").content.decode()
        assert "Call asked for" in page
        calls = page.split("Calls to make", 1)[1].split("</li>", 1)[0]
        assert "Cara Quinn" in calls  # in the call list for today

        # A second click (or a stale page) makes no second call.
        response = client.post(f"/engagement/pupils/{snow.cara.code}/call", follow=True)
        assert "already in the call list" in response.content.decode()
        assert CallRequest.objects.filter(pupil=snow.cara).count() == 1


def test_only_the_childs_own_class_staff_may_ask_and_an_unsafe_next_is_ignored(snow, client_for):
    with time_machine.travel(at(THU, 9), tick=False):
        assert client_for(snow.teacher_ash).post(f"/engagement/pupils/{snow.cara.code}/call").status_code == 404
        assert client_for(snow.parent).post(f"/engagement/pupils/{snow.cara.code}/call").status_code == 403
        assert client_for(snow.outsider_teacher).post(f"/engagement/pupils/{snow.cara.code}/call").status_code == 404
        assert not CallRequest.objects.exists()
        response = client_for(snow.ta).post(
            f"/engagement/pupils/{snow.cara.code}/call", {"next": "https://evil.example/"}
        )
        assert response["Location"] == "/"
        assert CallRequest.objects.filter(pupil=snow.cara).count() == 1


def test_parents_never_see_a_quiet_label(snow, client_for):
    with time_machine.travel(at(THU, 9), tick=False):
        client = client_for(snow.other_parent)
        page = client.get("/").content.decode()
        for word in ("quiet", "Quiet", "Not reached", "Engagement"):
            assert word not in page
        assert client.get("/engagement/").status_code == 403


def test_the_engagement_page_by_class_and_whole_school(snow, client_for):
    with time_machine.travel(at(THU, 9), tick=False):
        page = client_for(snow.teacher_ash).get("/engagement/").content.decode()
        assert "Ben Parker" in page and "Cara Quinn" not in page
        assert "When a child counts as quiet" not in page  # the setting is the headteacher's
        page = client_for(snow.senior).get("/engagement/").content.decode()
        assert all(name in page for name in ("Ben Parker", "Cara Quinn", "Amy Parker"))
        assert "Ask for a call" not in page  # not her classes: she sees, their teachers call


def test_the_headteacher_sets_n_and_bad_input_changes_nothing(snow, client_for):
    with time_machine.travel(at(THU, 9), tick=False):
        client = client_for(snow.head)
        bad_input = (("0", "between 1 and 10"), ("11", "between 1 and 10"), ("two", "whole number"), ("", "Give"))
        for bad, message in bad_input:
            response = client.post("/engagement/settings", {"quiet_after_school_days": bad})
            assert response.status_code == 400, bad
            assert message in response.content.decode()
        assert EngagementSettings.objects.get(school=snow.school).quiet_after_school_days == 2
        teacher = client_for(snow.teacher)
        assert teacher.post("/engagement/settings", {"quiet_after_school_days": "3"}).status_code == 403

        client = client_for(snow.head)
        assert client.post("/engagement/settings", {"quiet_after_school_days": "3"}).status_code == 302
        assert EngagementSettings.objects.get(school=snow.school).quiet_after_school_days == 3
        event = AuditEvent.objects.get(action="engagement.settings.change")
        assert event.details == {"quiet_after_school_days": 3, "was": 2}
        # Amy (two quiet days) is no longer listed for her teacher; Cara (three) still is.
        page = client_for(snow.teacher).get("/").content.decode()
        section = page.split("Children gone quiet", 1)[1].split("</section>", 1)[0]
        assert "Amy Parker" not in section and "Cara Quinn" in section


def test_a_vulnerable_child_not_reached_tops_the_dsl_list(snow, client_for):
    sg.seed_reference_data()
    with time_machine.travel(at(MON, 8), tick=False):
        sg.vulnerable(snow, snow.amy)  # Parker: first by name
        sg.vulnerable(snow, snow.cara)  # Quinn
    with time_machine.travel(at(THU, 9), tick=False):
        page = client_for(snow.dsl).get("/safeguarding/").content.decode()
    dsl = page.split("Contacts due from the DSL team", 1)[1].split("</table>", 1)[0]
    assert dsl.index("Cara Quinn") < dsl.index("Amy Parker")
    cara_row = dsl.split("Cara Quinn", 1)[1].split("</tr>", 1)[0]
    assert "Not reached: 3 school days" in cara_row
    amy_row = dsl.split("Amy Parker", 1)[1].split("</tr>", 1)[0]
    assert "Quiet: 2 school days" in amy_row and "last from home Mon 7 Dec" in amy_row
