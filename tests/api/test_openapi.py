def test_openapi_json_is_served_and_lists_the_endpoints(world, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Home Learning API"
    assert schema["info"]["version"] == "1"
    assert {"/api/v1/me", "/api/v1/classes", "/api/v1/pupils"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["ApiTokenAuth"] == {"type": "http", "scheme": "bearer"}
    params = {p["name"] for p in schema["paths"]["/api/v1/pupils"]["get"]["parameters"]}
    assert params == {"class", "limit", "offset"}


def test_no_docs_page_loading_from_a_cdn(world, client):
    assert client.get("/api/v1/docs").status_code == 404
