"""Every URL that takes a date answers 404 outside the window of dates Home Learning accepts, never 500;
every form's date gives a clear message."""

from __future__ import annotations

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from homelearning.core import clock
from homelearning.core.dates import DayConverter, DayField, window
from tests.personas import World

BAD_DAYS = ["0001-01-01", "9999-12-31", "2026-02-30", "2026-13-01"]


def dated_routes() -> list[tuple[str, str]]:
    """(name, route with {day}) for every URL pattern with a `day` converter, walked from the root."""
    found: list[tuple[str, str]] = []

    def walk(patterns: list, prefix: str, namespace: str) -> None:  # type: ignore[type-arg]
        for entry in patterns:
            route = str(entry.pattern)
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, prefix + route, ns)
            elif isinstance(entry, URLPattern):
                converters = getattr(entry.pattern, "converters", {})
                if any(isinstance(c, DayConverter) for c in converters.values()):
                    found.append((f"{namespace}{entry.name}", prefix + route))

    walk(get_resolver().url_patterns, "/", "")
    return found


def test_the_walk_finds_the_dated_pages() -> None:
    names = {name for name, _ in dated_routes()}
    assert {"learning:plan_day", "learning:child_day", "learning:pupil_day", "learning:week_copy"} <= names
    assert len(names) == 9


def _fill(route: str, world: World, day: str) -> str:
    codes = {"code": world.oak.code}
    if route.startswith("/pupils/") or route.startswith("/children/"):
        codes = {"code": world.amy.code}
    return route.replace("<slug:code>", codes["code"]).replace("<day:day>", day)


@pytest.mark.parametrize("day", BAD_DAYS)
def test_every_dated_url_is_404_outside_the_window(world: World, client_for, day: str) -> None:  # type: ignore[no-untyped-def]
    teacher, parent = client_for(world.teacher), client_for(world.parent)
    for name, route in dated_routes():
        url = _fill(route, world, day)
        client = parent if name == "learning:child_day" else teacher
        assert client.get(url).status_code == 404, (url, "GET")
        assert client.post(url, {}).status_code in {404, 405}, (url, "POST")


def test_a_week_or_day_in_the_query_string_is_404_outside_the_window(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    client = client_for(world.teacher)
    week = reverse("learning:class_week", args=[world.oak.code])
    for day in BAD_DAYS:
        assert client.get(week, {"week": day}).status_code == 404
    assert client.get(week, {"week": clock.today().isoformat()}).status_code == 200


def test_inside_the_window_the_pages_open(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    first, last = window()
    client = client_for(world.parent)
    for day in (first, clock.today(), last):
        url = _fill("/children/<slug:code>/learning/<day:day>/", world, day.isoformat())
        assert client.get(url).status_code == 200, day
    beyond = last + datetime.timedelta(days=1)
    assert client.get(_fill("/children/<slug:code>/learning/<day:day>/", world, beyond.isoformat())).status_code == 404


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_a_form_date_outside_the_window_is_a_clear_message(value: str) -> None:
    from django import forms

    class Form(forms.Form):
        day = DayField()

    form = Form({"day": value})
    assert not form.is_valid()
    first, last = window()
    assert form.errors["day"] == [f"Choose a date between {first:%-d %B %Y} and {last:%-d %B %Y}."]
    assert Form({"day": "2026-02-30"}).errors["day"] == ["Enter a valid date."]
    assert Form({"day": clock.today().isoformat()}).is_valid()


def test_the_entitlement_report_refuses_far_dates_with_a_message(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    response = client_for(world.head).get(
        reverse("learning:entitlement"), {"date_from": "0001-01-01", "date_to": "9999-12-31"}
    )
    assert response.status_code in {200, 400}
    assert b"Choose a date between" in response.content
