"""Journal background work: the carers' daily feedback digest and the sweep of files no row names."""

from __future__ import annotations

from django_tasks import task


@task()
def feedback_digest() -> int:
    """Daily: one email per carer who chose a digest, listing the feedback given since the last one."""
    from homelearning.journal.services import feedback_digests_send

    return feedback_digests_send()


@task()
def orphan_files_sweep() -> int:
    """Daily: remove journal files left on disk by a rolled-back submission."""
    from homelearning.journal.services import orphan_files_sweep as sweep

    return sweep()
