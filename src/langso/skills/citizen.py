"""A citizen's own view, opened with a one-time code their team member gives them."""

from __future__ import annotations

from django.http import HttpRequest

from langso.registry.models import Resident

CITIZEN_SESSION_KEY = "citizen_resident_id"


def current_citizen(request: HttpRequest) -> Resident | None:
    """The resident whose one-time code opened this browser session, or None."""
    resident_id = request.session.get(CITIZEN_SESSION_KEY)
    if not resident_id:
        return None
    return Resident.objects.filter(pk=resident_id).first()
