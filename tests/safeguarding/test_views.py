def test_parents_home_links_to_the_report_form(world, client_for):  # type: ignore[no-untyped-def]
    page = client_for(world.parent).get("/").content.decode()
    assert 'href="/safeguarding/report"' in page
