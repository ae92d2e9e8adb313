from typing import Any

from django.conf import settings
from django.http import HttpRequest


def langso(request: HttpRequest) -> dict[str, Any]:
    from langso.accounts.access import user_roles

    user = getattr(request, "user", None)
    roles = user_roles(user) if user is not None and user.is_authenticated else set()
    return {"DEMO_MODE": settings.DEMO_MODE, "user_roles": roles}
