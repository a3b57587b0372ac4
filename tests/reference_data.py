"""The rows our data migrations seed (subjects, attendance codes, concern categories, ...), put back on demand.

A transactional test (every browser test, anything using `transactional_db`) ends by flushing the
database, and the flush takes these rows with it. `restore_reference_data()` runs every `RunPython`
operation of the project's own migrations again, in migration order, so no test has to know which
app seeds what, and a new data migration is covered without touching the tests. Our data
migrations are written to be re-run (`update_or_create`); on a flushed database one that only
changes existing rows finds none to change.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.migrations import RunPython
from django.db.migrations.executor import MigrationExecutor

Seed = Callable[[Any, Any], None]


@cache
def _seeds() -> tuple[Seed, ...]:
    ours = {config.label for config in apps.get_app_configs() if config.name.startswith("homelearning.")}
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
    return tuple(
        operation.code
        for migration, _backwards in plan
        if migration.app_label in ours
        for operation in migration.operations
        if isinstance(operation, RunPython)
    )


def restore_reference_data() -> None:
    # The current models stand in for the historical ones, as the seeds only use fields that still exist.
    schema_editor = connection.schema_editor()
    for seed in _seeds():
        seed(apps, schema_editor)
