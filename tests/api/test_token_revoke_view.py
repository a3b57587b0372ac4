from homelearning.api.models import ApiToken
from homelearning.core.models import AuditEvent
from tests.api.builders import live_token


def url(token: ApiToken) -> str:
    return f"/api/tokens/{token.code}/revoke"


def is_live(token: ApiToken) -> bool:
    return ApiToken.objects.get(pk=token.pk).is_live


class TestPermissions:
    def test_anonymous_is_sent_to_sign_in(self, world, client_for):
        token, _ = live_token(world.teacher)
        response = client_for(None).post(url(token))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        assert is_live(token)

    def test_a_parent_is_refused(self, world, client_for):
        token, _ = live_token(world.teacher)
        assert client_for(world.parent).post(url(token)).status_code == 403
        assert is_live(token)

    def test_a_colleagues_token_is_not_found(self, world, client_for):
        token, _ = live_token(world.teacher)
        # Not even the headteacher revokes someone else's token from this page.
        for user in [world.teacher_ash, world.head]:
            assert client_for(user).post(url(token)).status_code == 404
        assert is_live(token)

    def test_another_schools_token_is_not_found(self, world, client_for):
        token, _ = live_token(world.outsider_teacher)
        assert client_for(world.head).post(url(token)).status_code == 404
        mine, _ = live_token(world.teacher)
        assert client_for(world.outsider_head).post(url(mine)).status_code == 404
        assert is_live(token)
        assert is_live(mine)

    def test_the_owner_revokes(self, world, client_for):
        token, _ = live_token(world.teacher)
        client = client_for(world.teacher)
        response = client.post(url(token), follow=True)
        assert response.redirect_chain == [("/api/tokens/", 302)]
        assert "is revoked" in response.content.decode()
        assert not is_live(token)
        assert ApiToken.objects.get(pk=token.pk).revoked_by == world.teacher


def test_get_is_refused(world, client_for):
    token, _ = live_token(world.teacher)
    assert client_for(world.teacher).get(url(token)).status_code == 405
    assert is_live(token)


def test_revoking_twice_says_so_and_changes_nothing(world, client_for):
    token, _ = live_token(world.teacher)
    client = client_for(world.teacher)
    client.post(url(token))
    revoked_at = ApiToken.objects.get(pk=token.pk).revoked_at
    response = client.post(url(token), follow=True)
    assert "already revoked" in response.content.decode()
    assert ApiToken.objects.get(pk=token.pk).revoked_at == revoked_at
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


def test_unknown_code_is_not_found(world, client_for):
    assert client_for(world.teacher).post("/api/tokens/no-such-token/revoke").status_code == 404
