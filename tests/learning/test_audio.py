"""A teacher's recorded clip on an activity (issue 16, step 3): M4A or MP3, sniffed from its bytes, at most
LEARNING_AUDIO_MAX_SECONDS, stored with every tag removed, served to the class's families with an <audio>
player that needs no script."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4

from homelearning.core.errors import ServiceError
from homelearning.learning import services
from homelearning.learning.audio import clean_audio, sniff_audio
from homelearning.learning.models import Resource
from homelearning.people.models import Staff
from tests.learning.audio_files import m4a, mp3
from tests.learning.conftest import planned_day
from tests.personas import World

UPLOAD = reverse("learning:resource_upload")


@pytest.mark.parametrize(("make", "suffix", "reader"), [(mp3, "mp3", MP3), (m4a, "m4a", MP4)])
def test_a_recording_loses_every_tag(make, suffix: str, reader) -> None:  # type: ignore[no-untyped-def]
    data = make(3)
    assert reader(io.BytesIO(data)).tags  # what a phone writes: a title, the app, a place
    assert sniff_audio(data[:16]) == suffix
    clean = clean_audio(data, suffix)
    assert clean.suffix == suffix and 2.5 < clean.seconds < 3.5
    assert not reader(io.BytesIO(clean.data)).tags
    for secret in (b"Patel", b"Acacia", b"iPhone", b"+51.5072"):
        assert secret not in clean.data


def test_too_long_empty_or_unreadable_recordings_are_refused(settings) -> None:  # type: ignore[no-untyped-def]
    settings.LEARNING_AUDIO_MAX_SECONDS = 60
    with pytest.raises(ServiceError, match="at most 1 min long; this one is 1 min 30 s"):
        clean_audio(mp3(90), "mp3")
    with pytest.raises(ServiceError, match="cannot be read"):
        clean_audio(b"ID3" + bytes(50), "mp3")
    with pytest.raises(ServiceError, match="cannot be read"):
        clean_audio(m4a(2)[:40], "m4a")


def test_a_teacher_uploads_a_voice_memo_and_the_family_hears_it(world: World, client_for, term) -> None:  # type: ignore[no-untyped-def]
    teacher = client_for(world.teacher)
    response = teacher.post(
        UPLOAD, {"up-title": "Story, chapter 3", "up-file": SimpleUploadedFile("New Recording 12.m4a", m4a(4))}
    )
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.kind == Resource.Kind.AUDIO and resource.file.name.endswith(f"{resource.code}.m4a")
    with resource.file.open("rb") as f:
        assert not MP4(io.BytesIO(f.read())).tags
    plan = planned_day(world.oak, world.teacher, minutes=(30,))
    services.activity_update(
        activity=plan.activities.get(),
        by=Staff.objects.get(user=world.teacher),
        subject=plan.activities.get().subject,
        title="Listen to the story",
        minutes=30,
        resources=[resource],
    )
    page = client_for(world.parent).get(reverse("home")).content.decode()
    url = reverse("learning:resource_file", args=[resource.code])
    assert f'<audio controls preload="none" aria-label="Story, chapter 3"><source src="{url}">' in page
    assert f'<a href="{url}">Listen to Story, chapter 3</a>' in page  # without a player: a link
    served = client_for(world.parent).get(url)
    assert served.status_code == 200 and served["Content-Type"] == "audio/mp4"
    assert client_for(world.outsider_parent).get(url).status_code == 404


def test_an_mp3_is_served_as_mp3_and_a_bad_recording_changes_nothing(world: World, client_for, settings) -> None:  # type: ignore[no-untyped-def]
    teacher = client_for(world.teacher)
    teacher.post(UPLOAD, {"up-title": "Song", "up-file": SimpleUploadedFile("song.mp3", mp3(2))})
    resource = Resource.objects.get()
    assert resource.file.name.endswith(".mp3")
    assert teacher.get(reverse("learning:resource_file", args=[resource.code]))["Content-Type"] == "audio/mpeg"
    settings.LEARNING_AUDIO_MAX_SECONDS = 10
    response = teacher.post(UPLOAD, {"up-title": "Long", "up-file": SimpleUploadedFile("long.mp3", mp3(20))})
    assert response.status_code == 400 and "at most 10 s long; this one is 20 s." in response.content.decode()
    assert Resource.objects.count() == 1
