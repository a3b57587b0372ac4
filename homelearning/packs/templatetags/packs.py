"""The packs of a pupil, for the pupil's page: `{% load packs %}{% pupil_packs pupil %}`."""

from __future__ import annotations

from typing import Any

from django import template

from homelearning.packs import selectors
from homelearning.packs.access import can_manage
from homelearning.people.models import Pupil

register = template.Library()


@register.inclusion_tag("packs/_pupil_packs.html", takes_context=True)
def pupil_packs(context: dict[str, Any], pupil: Pupil) -> dict[str, Any]:
    viewer = context.get("viewer")
    packs = selectors.packs_for_pupil(pupil)
    return {
        "pupil": pupil,
        "rows": [(p, selectors.steps(p)) for p in packs],
        "can_manage": viewer is not None and can_manage(viewer),
    }
