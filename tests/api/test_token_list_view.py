import re

from homelearning.api.models import ApiToken
from homelearning.api.services import MAX_LIVE_TOKENS
from homelearning.core.models import AuditEvent
from tests.api.builders import database_contains, live_token, revoked_token

URL = "/api/tokens/"


def _secret_in(content: str) -> str:
    match = re.search(r'value="(hl_[A-Za-z0-9_-]+)"', content)
    assert match, "no secret on the page"
    return match.group(1)


class TestPermissions:
    def test_anonymous_is_sent_to_sign_in(self, world, client_for):
        client = client_for(None)
        assert client.get(URL).status_code == 302
        response = client.post(URL, {"name": "Sneaky"})
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        assert not ApiToken.objects.exists()

    def test_a_parent_cannot_make_tokens(self, world, client_for):
        client = client_for(world.parent)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"name": "Sneaky"}).status_code == 403
        assert not ApiToken.objects.exists()

    def test_lists_only_my_own_tokens_in_this_school(self, world, client_for):
        live_token(world.teacher, name="Mine")
        live_token(world.teacher_ash, name="A colleague's")
        live_token(world.outsider_head, name="Another school's")
        response = client_for(world.teacher).get(URL)
        assert response.status_code == 200
        content = response.content.decode()
        assert "Mine" in content
        assert "A colleague&#x27;s" not in content
        assert "Another school" not in content

    def test_another_schools_head_sees_only_theirs(self, world, client_for):
        live_token(world.head, name="Head's token")
        response = client_for(world.outsider_head).get(URL)
        assert response.status_code == 200
        assert "Head&#x27;s token" not in response.content.decode()

    def test_every_member_of_staff_may_have_tokens(self, world, client_for):
        for user in [world.head, world.ta, world.office, world.dsl, world.outsider_teacher]:
            response = client_for(user).post(URL, {"name": "Mine"})
            assert response.status_code == 200, user
        assert ApiToken.objects.count() == 5


class TestCreate:
    def test_shows_the_secret_once(self, world, client_for):
        client = client_for(world.teacher)
        response = client.post(URL, {"name": "Reading records"})
        assert response.status_code == 200
        content = response.content.decode()
        secret = _secret_in(content)
        assert "Copy your new token now" in content
        assert "only time" in content
        assert "no-store" in response["Cache-Control"]
        token = ApiToken.objects.get()
        assert token.name == "Reading records"
        assert token.staff.user == world.teacher
        assert token.prefix == secret[:8]
        # Never again: not on the list page, not anywhere in the database.
        again = client.get(URL).content.decode()
        assert secret not in again
        assert token.prefix in again
        assert database_contains(secret) == []

    def test_the_list_shows_use_and_revocation(self, world, client_for):
        revoked_token(world.teacher, name="Old one")
        live_token(world.teacher, name="New one")
        content = client_for(world.teacher).get(URL).content.decode()
        assert "Old one" in content
        assert "Revoked" in content
        assert "New one" in content
        assert "Never" in content
        assert content.count('scope="col"') == 7  # name, prefix, made, works until, last used, status, actions
        assert "<caption" in content

    def test_empty_name_changes_nothing(self, world, client_for):
        response = client_for(world.teacher).post(URL, {"name": "   "})
        assert response.status_code == 200
        content = response.content.decode()
        assert "Give the token a name" in content
        assert 'aria-invalid="true"' in content
        assert "hl_" not in content
        assert not ApiToken.objects.exists()

    def test_too_long_name_changes_nothing(self, world, client_for):
        response = client_for(world.teacher).post(URL, {"name": "x" * 81})
        assert "at most 80 characters" in response.content.decode()
        assert not ApiToken.objects.exists()

    def test_eleventh_token_is_refused(self, world, client_for):
        for n in range(MAX_LIVE_TOKENS):
            live_token(world.teacher, name=f"Token {n}")
        response = client_for(world.teacher).post(URL, {"name": "One too many"})
        assert response.status_code == 200
        content = response.content.decode()
        assert "already have 10 tokens" in content
        assert "Copy your new token now" not in content
        assert ApiToken.objects.count() == MAX_LIVE_TOKENS
        assert AuditEvent.objects.filter(action="api_token.create").count() == MAX_LIVE_TOKENS

    def test_other_methods_are_refused(self, world, client_for):
        assert client_for(world.teacher).put(URL).status_code == 405
