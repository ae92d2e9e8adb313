from typing import TYPE_CHECKING, Any

from langso.accounts.access import Perm, has_perm, scope_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from langso.accounts.models import User


def home_summary(*, user: "User | AnonymousUser") -> dict[str, Any]:
    """Counts of what the user may see, for the home page."""
    from langso.places.models import Village
    from langso.registry.models import Household, Resident

    summary: dict[str, Any] = {}
    if has_perm(user, Perm.PLACES_VIEW):
        scope = scope_for(user, Perm.PLACES_VIEW)
        summary["villages"] = Village.objects.filter(
            scope.q(province="commune__province_id", commune="commune_id", village="id")
        ).count()
    if has_perm(user, Perm.REGISTRY_VIEW):
        scope = scope_for(user, Perm.REGISTRY_VIEW)
        unit_q = scope.q(province="province_id", commune="commune_id", village="village_id")
        summary["households"] = Household.objects.filter(unit_q).count()
        summary["residents"] = Resident.objects.filter(unit_q).count()
    return summary
