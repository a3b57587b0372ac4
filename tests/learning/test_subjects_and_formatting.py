from __future__ import annotations

import pytest

from homelearning.learning.formatting import format_instructions
from homelearning.learning.models import Subject


@pytest.mark.django_db
def test_the_six_areas_and_the_foundation_subjects_are_data() -> None:
    top = list(Subject.objects.filter(parent__isnull=True).values_list("name", flat=True))
    assert top == ["Maths", "Reading", "Writing", "Spelling/Phonics", "Foundation Subjects", "Wellbeing"]
    foundation = Subject.objects.get(code="foundation")
    assert list(foundation.children.values_list("name", flat=True)) == [
        "Science",
        "History",
        "Geography",
        "Art",
        "Music",
        "Design Technology",
        "IT",
    ]


def test_script_and_html_are_escaped() -> None:
    html = format_instructions('<script>alert(1)</script> <img src=x onerror="boom()"> <a href="javascript:x">y</a>')
    assert "<script" not in html
    assert "<img" not in html
    assert "<a " not in html
    assert "&lt;script&gt;" in html


def test_bullets_bold_and_line_breaks() -> None:
    html = format_instructions("Count to **ten**.\nThen count back.\n\n- apples\n* pears")
    assert html == "<p>Count to <strong>ten</strong>.<br>Then count back.</p><ul><li>apples</li><li>pears</li></ul>"


def test_bold_cannot_smuggle_markup() -> None:
    html = format_instructions("**<b onclick=x>hi</b>**")
    assert html == "<p><strong>&lt;b onclick=x&gt;hi&lt;/b&gt;</strong></p>"
