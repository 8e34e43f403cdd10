from typing import Any

from django.apps import AppConfig, apps
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def refresh_sqlite_statistics(using: str = "default", **kwargs: Any) -> None:
    """SQLite plans queries from the statistics ANALYZE leaves, and has none until it
    is run: without them, the register of a million documents is read through the
    organization index and sorted whole (4 s) instead of walked newest first (3 ms).
    So every `migrate` refreshes them: about 3 s at a million documents. (Sampling
    with `analysis_limit` is faster but misjudged the organization index by a factor
    of 2,000 and brought the 4 s plan back.) PostgreSQL's autovacuum keeps its own."""
    connection = connections[using]
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    # The signal comes once per app: refresh once, after the last one.
    if connection.vendor != "sqlite" or kwargs.get("sender") is not with_models[-1]:
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit=0")
        cursor.execute("ANALYZE")


class CoreConfig(AppConfig):
    name = "vanphong.core"
    label = "core"
    verbose_name = _("Organizations and people")

    def ready(self) -> None:
        post_migrate.connect(refresh_sqlite_statistics, dispatch_uid="vanphong.sqlite_statistics")
