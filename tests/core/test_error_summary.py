"""A refused form is summarised at the top of the page, each error a link to its field (issue 19)."""

from __future__ import annotations

import re

from django.urls import reverse

from homelearning.safeguarding.models import Concern
from tests.personas import World


def test_a_refused_worry_is_summarised_first_with_links_to_each_field(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.parent).post(
        reverse("safeguarding:carer_report"), {"pupils": [world.amy.code], "seen_or_heard": "He seemed frightened."}
    )
    assert response.status_code == 400
    page = response.content.decode()
    main = page.split('<main id="main"', 1)[1]
    # The summary comes before the page's heading.
    assert main.index('id="error-summary"') < main.index("<h1")
    assert "There is a problem" in main
    summary = main.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert links == [
        ("id_happened_at", "When it happened, as near as you know: Say when it happened, as near as you know.")
    ]
    assert 'id="id_happened_at"' in page  # the link's target exists
    assert not Concern.objects.exists()


def test_a_page_without_errors_has_no_summary(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    page = client_for(world.parent).get(reverse("safeguarding:carer_report")).content.decode()
    assert "error-summary" not in page and "There is a problem" not in page


def test_errors_from_the_whole_form_are_listed_too(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    from homelearning.api.services import MAX_LIVE_TOKENS
    from tests.api.builders import live_token

    for n in range(MAX_LIVE_TOKENS):
        live_token(world.teacher, name=f"Sheet {n}")
    response = client_for(world.teacher).post(reverse("api:token_list"), {"name": "One too many"})
    summary = response.content.decode().split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert f"You already have {MAX_LIVE_TOKENS} tokens in use." in summary
