"""The DSL team sees waiting concerns on their home page; a concern's link says who it is about (issue 19)."""

from __future__ import annotations

from django.urls import reverse

from tests.personas import World
from tests.safeguarding import builders


def test_the_dsl_home_page_says_how_many_concerns_wait(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    builders.raised_concern(world)
    builders.raised_concern(world)
    builders.acknowledged_concern(world)
    page = client_for(world.dsl).get("/").content.decode()
    assert "2 safeguarding concerns not yet acknowledged." in page
    assert reverse("safeguarding:dashboard") in page
    # A number only: no child is named on the home page.
    assert "Amy Parker" not in page.split("not yet acknowledged", 1)[0].rsplit("<p", 1)[1]


def test_others_see_nothing_of_it(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    builders.raised_concern(world)
    for user in (world.teacher, world.office, world.senior):
        page = client_for(user).get("/").content.decode()
        assert "not yet acknowledged" not in page and "No safeguarding concern is waiting" not in page


def test_nothing_waiting_is_said_plainly(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    page = client_for(world.dsl).get("/").content.decode()
    assert "No safeguarding concern is waiting to be acknowledged." in page


def test_a_concerns_link_names_the_children_not_its_age(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    concern = builders.raised_concern(world)
    builders.confirm_mfa(client_for(world.dsl), world.dsl)
    for url in (reverse("safeguarding:dashboard"), reverse("safeguarding:concern_list")):
        page = client_for(world.dsl).get(url).content.decode()
        href = reverse("safeguarding:concern_detail", args=[concern.code])
        link = page.split(f'<a href="{href}">', 1)[1].split("</a>", 1)[0]
        assert "Open the concern about" in link and "ago" not in link
        assert any(link_pupil.pupil.full_name in link for link_pupil in concern.pupil_links.all())
