"""`{% error_summary %}`: every refused form on the page, summarised at the top (the GOV.UK pattern).

A form sent back with errors shows, first thing in the page, "There is a problem" and each error as a
link to its field. static/homelearning/errors.js moves focus to the summary, so a keyboard or screen
reader user lands on it; without JavaScript it is still the first thing in the page.
"""

from __future__ import annotations

from django import template
from django.forms import BaseForm
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

register = template.Library()


def _forms_with_errors(context: template.Context) -> list[BaseForm]:
    found: list[BaseForm] = []
    seen: set[int] = set()
    for value in context.flatten().values():
        if isinstance(value, BaseForm) and value.is_bound and value.errors and id(value) not in seen:
            seen.add(id(value))
            found.append(value)
    return found


def summary_items(forms: list[BaseForm]) -> list[dict[str, str]]:
    items: list[dict[str, str]] = []
    for form in forms:
        for message in form.non_field_errors():
            items.append({"message": str(message), "href": ""})
        for name, errors in form.errors.items():
            if name == "__all__":
                continue
            field = form.fields.get(name)
            bound = form[name] if field is not None else None
            href = ""
            if bound is not None:
                widget_id = bound.id_for_label or bound.auto_id
                href = f"#{widget_id}" if widget_id else ""
            label = str(field.label) if field is not None and field.label else ""
            for message in errors:
                items.append({"message": f"{label}: {message}" if label else str(message), "href": href})
    return items


@register.simple_tag(takes_context=True)
def error_summary(context: template.Context) -> SafeString:
    items = summary_items(_forms_with_errors(context))
    if not items:
        return SafeString("")
    # render_to_string escapes every value and returns a SafeString of our own template's markup.
    rendered: SafeString = render_to_string("core/_error_summary.html", {"items": items})
    return rendered
