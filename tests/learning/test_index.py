from __future__ import annotations

import pytest
from django.urls import reverse

from tests.personas import World

URL = reverse("learning:index")


def test_index_anonymous_and_parent(world: World, client, client_for) -> None:  # type: ignore[no-untyped-def]
    assert client.get(URL).status_code == 302
    assert client_for(world.parent).get(URL).status_code == 403


@pytest.mark.parametrize(
    ("persona", "sees", "hidden"),
    [
        ("teacher", ["Oak", "Amy Parker", "Cara Quinn"], ["Ash", "Ben Parker"]),
        ("ta", ["Oak"], ["Amy Parker", "Ash"]),
        ("inclusion", ["Ben Parker", "Cara Quinn"], ["Today\u2019s plan"]),
        ("head", ["Oak", "Ash", "Ben Parker"], []),
        ("outsider_head", ["Willow"], ["Oak", "Amy Parker"]),
        ("office", ["no classes to plan"], ["Oak", "Amy Parker"]),
    ],
)
def test_index_lists_what_the_viewer_plans_and_adapts(  # type: ignore[no-untyped-def]
    world: World, client_for, persona: str, sees: list[str], hidden: list[str]
) -> None:
    page = client_for(getattr(world, persona)).get(URL).content.decode()
    main = page.split("<main", 1)[1]
    for text in sees:
        assert text in main
    for text in hidden:
        assert text not in main
