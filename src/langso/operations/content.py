"""The one step that puts the shipped content into a database: after every `migrate`, and on demand.

Shipped content (the skills catalogue and its rules, the guide languages, the guides, the indicators)
lives in reviewed TOML files inside the package (`<app>/content/`, docs/content.md). Data migrations
used to install it by importing the live modules, so an already-migrated database never saw a
corrected guide, and an old migration changed meaning whenever the module did. Now each app has one
idempotent installer, and this module runs them in dependency order:

- as a `post_migrate` handler (OperationsConfig.ready), so `migrate` — run by `make run`, `make demo`,
  a deployment (docs/deploy.md) and the test database's creation — always ends with the content
  current, even when it had no migration to apply;
- as `manage.py install_content`, which does the same and prints what changed and what is waiting
  for province staff to review (their edits are never overwritten).

A flush (transactional tests) also sends `post_migrate`, without a plan: then nothing is installed,
as before, and a test that needs the content installs it itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor

from langso.campaigns.services import indicators_to_review, install_default_indicators
from langso.campaigns.shipped import shipped_indicators
from langso.guides.languages import install_default_languages
from langso.guides.models import Guide
from langso.guides.services import install_default_guides, shipped_version_changed
from langso.guides.shipped import load_languages, shipped_guides
from langso.registry.change_tracking import ensure_change_triggers
from langso.skills.catalogue import install_default_catalogue, shipped_catalogue_changed
from langso.skills.shipped import shipped_catalogue


@dataclass
class InstallReport:
    catalogue_version: int = 0
    languages_added: int = 0
    guides: list[str] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    # Rows province staff changed whose shipped version changed since: kept, listed for review.
    guides_to_review: list[str] = field(default_factory=list)
    indicators_to_review: list[str] = field(default_factory=list)
    catalogue_to_review: bool = False


def install_content() -> InstallReport:
    """Install or update every kind of shipped content; a second run changes nothing.

    Every file is read and checked before anything is written, and the writes are one transaction:
    a broken file leaves the database as it was (ContentError names the file and the key)."""
    shipped_catalogue(), load_languages(), shipped_guides(), shipped_indicators()
    report = InstallReport()
    with transaction.atomic():
        report.catalogue_version = install_default_catalogue().number
        report.languages_added = install_default_languages()
        report.guides = install_default_guides()
        report.indicators = install_default_indicators()
    report.guides_to_review = [
        g.skill_code for g in Guide.objects.filter(edited=True) if shipped_version_changed(g)
    ]
    report.indicators_to_review = [i.code for i in indicators_to_review()]
    report.catalogue_to_review = shipped_catalogue_changed()
    return report


def database_is_current(using: str = DEFAULT_DB_ALIAS) -> bool:
    """True when every migration is applied. The installers use today's models, so after a `migrate`
    to an older migration (going back) they wait for the tables to have today's shape."""
    executor = MigrationExecutor(connections[using])
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def after_migrate(sender: Any, *, plan: Any = None, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """post_migrate handler: a `migrate` (which passes its plan, maybe empty) ends with the content
    installed; a flush (no plan) leaves the tables empty, as it found them."""
    # The models' managers write to the default database; a second database is not ours to fill.
    if plan is None or using != DEFAULT_DB_ALIAS or not database_is_current(using):
        return
    # This app's signal may come before the registry's (INSTALLED_APPS order): the change triggers a
    # rebuilt SQLite table lost go back first, so the content's writes move the communes' counters.
    ensure_change_triggers(using)
    install_content()
