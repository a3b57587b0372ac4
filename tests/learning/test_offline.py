"""The server's side of offline plans (issue 16): which pages the service worker may keep, and the worker itself."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.learning.conftest import TODAY
from tests.personas import World

pytestmark = pytest.mark.usefixtures("term")


def test_only_a_parents_plan_pages_may_be_kept(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    parent = client_for(world.parent)
    for url in ("/", f"/children/{world.amy.code}/", f"/children/{world.amy.code}/learning/{TODAY.isoformat()}/"):
        response = parent.get(url)
        assert response.status_code == 200 and response["Offline-Cacheable"] == "1", url
        assert 'id="offline-note"' in response.content.decode()
    for url in (reverse("journal:child", args=[world.amy.code]), reverse("people:phone_list")):
        assert "Offline-Cacheable" not in parent.get(url), url  # forms and accounts: online only
    # Another family's child: refused, and never marked.
    assert "Offline-Cacheable" not in parent.get(f"/children/{world.cara.code}/")
    for persona in ("teacher", "head", "office"):
        staff = client_for(getattr(world, persona))
        for url in ("/", f"/pupils/{world.amy.code}/"):
            assert "Offline-Cacheable" not in staff.get(url), (persona, url)


def test_the_worker_is_served_from_the_root_with_the_files_it_keeps(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/sw.js")
    script = response.content.decode()
    assert response["Content-Type"].startswith("text/javascript") and response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]  # a new version reaches phones at once
    assert "__ASSETS__" not in script and '"/static/homelearning/site.css"' in script
    assert client.post("/sw.js").status_code == 405


def test_the_manifest(client) -> None:  # type: ignore[no-untyped-def]
    data = client.get("/manifest.webmanifest").json()
    assert data["start_url"] == "/" and data["display"] == "standalone"
    assert {i["sizes"] for i in data["icons"]} == {"192x192", "512x512"}


def test_signing_out_asks_the_browser_to_forget_the_site(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.parent)
    response = client.post(reverse("account_logout"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert "Clear-Site-Data" not in client.get("/accounts/login/")
