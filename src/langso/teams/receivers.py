"""Teams' reactions to the registry's events (connected in TeamsConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from langso.registry.models import Resident
from langso.teams.models import HelpDeskSession


def keep_help_desk_counts(sender: Any, *, resident: Resident, **kwargs: Any) -> None:
    """Help-desk sessions stay counted for the commune when the person leaves the registry: they
    become anonymous walk-ins (a session must name someone)."""
    HelpDeskSession.objects.filter(resident=resident).update(
        resident=None, walk_in_name=_("Người đã rời khỏi sổ"), walk_in_birth_year=None
    )
