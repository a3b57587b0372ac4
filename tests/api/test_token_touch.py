import datetime

import time_machine

from homelearning.api.models import ApiToken
from homelearning.api.services import token_touch
from tests.api.builders import live_token

NOON = datetime.datetime(2026, 1, 12, 12, 0, tzinfo=datetime.UTC)


def test_records_use_at_most_once_a_minute(world):
    with time_machine.travel(NOON, tick=False):
        token, _ = live_token(world.teacher)
        token_touch(token=token)
        assert ApiToken.objects.get(pk=token.pk).last_used_at == NOON
    with time_machine.travel(NOON + datetime.timedelta(seconds=50), tick=False):
        token_touch(token=ApiToken.objects.get(pk=token.pk))
        assert ApiToken.objects.get(pk=token.pk).last_used_at == NOON
    later = NOON + datetime.timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        token_touch(token=ApiToken.objects.get(pk=token.pk))
        assert ApiToken.objects.get(pk=token.pk).last_used_at == later


def test_a_stale_copy_does_not_write_twice(world, django_assert_num_queries):
    with time_machine.travel(NOON, tick=False):
        token, _ = live_token(world.teacher)
        stale = ApiToken.objects.get(pk=token.pk)
        token_touch(token=token)
        # The in-memory copy still says "never used"; the conditional update finds nothing to change.
        with django_assert_num_queries(1):
            token_touch(token=stale)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == NOON
