from __future__ import annotations

from django_tasks import task

from homelearning.sso import services


@task()
def provider_recheck(user_id: int, provider_id: str) -> str:
    """Queued by ProviderRecheckMiddleware at most every SSO_RECHECK_SECONDS for a signed-in staff session."""
    return services.provider_recheck(user_id=user_id, provider_id=provider_id)
