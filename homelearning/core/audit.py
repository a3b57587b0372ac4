"""Writing the audit log. Services call `audit()` for every sensitive action or view."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from homelearning.core.models import AuditEvent

if TYPE_CHECKING:
    from homelearning.people.models import School, User


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, trusting X-Forwarded-For only as far as our own proxies."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def _event(
    *,
    action: str,
    actor: User | None,
    school: School | None,
    target: models.Model | None,
    request: HttpRequest | None,
    details: dict[str, Any] | None,
) -> AuditEvent:
    target_type = target_code = target_label = ""
    if target is not None:
        target_type = target._meta.label_lower
        target_code = str(getattr(target, "code", None) or target.pk)
        target_label = str(target)[:200]
    actor_label = ""
    if actor is not None and actor.is_authenticated:
        actor_label = actor.email
    else:
        actor = None
    return AuditEvent(
        school=school,
        actor=actor,
        actor_label=actor_label,
        action=action,
        target_type=target_type,
        target_code=target_code,
        target_label=target_label,
        ip=client_ip(request) if request is not None else None,
        details=details or {},
    )


def audit(
    *,
    action: str,
    actor: User | None,
    school: School | None,
    target: models.Model | None = None,
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    event = _event(action=action, actor=actor, school=school, target=target, request=request, details=details)
    event.save(force_insert=True)
    return event


def audit_many(
    *,
    action: str,
    actor: User | None,
    school: School | None,
    targets: Sequence[tuple[models.Model, dict[str, Any] | None]],
    request: HttpRequest | None = None,
) -> list[AuditEvent]:
    """One entry per target, exactly as `audit` writes each, in one INSERT."""
    return AuditEvent.objects.bulk_create(
        [_event(action=action, actor=actor, school=school, target=t, request=request, details=d) for t, d in targets]
    )
