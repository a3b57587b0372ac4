def test_home_for_each_persona(world, client_for):
    for user in [world.head, world.teacher, world.ta, world.office, world.parent, world.dsl, world.senior]:
        response = client_for(user).get("/")
        assert response.status_code == 200, (user, response.status_code, response.get("Location"))
