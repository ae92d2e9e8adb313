"""The commune a page is about, for pages that work on one commune at a time (help desk, drill-down)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import render

from langso.accounts.http import AuthenticatedHttpRequest
from langso.core.http import paginate, query_without_page
from langso.places.selectors import commune_get, commune_list


def pick_commune(request: AuthenticatedHttpRequest, *, perm: str, picker_template: str) -> Any:
    """The commune a page is about: `?commune=` inside the user's units (404 otherwise), the user's
    only commune, or, when they cover several (or searched), the picker page to choose one.
    Returns a Commune or an HttpResponse to send as it is."""
    user = request.user
    code = str(request.GET.get("commune") or "").strip()
    if code:
        if not code.isdigit():
            raise Http404
        return commune_get(user=user, code=int(code), perm=perm)
    communes = commune_list(user=user, perm=perm, q=str(request.GET.get("q") or "")[:100])
    first_two = list(communes[:2])
    if len(first_two) != 1 or request.GET.get("q"):
        return render(
            request,
            picker_template,
            {
                "page": paginate(request, communes),
                "query": query_without_page(request),
                "q": request.GET.get("q", ""),
            },
        )
    return first_two[0]
