"""Small helpers shared by views: permission gates, pagination, and error mapping."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.functional import cached_property

from langso.accounts.access import has_perm
from langso.accounts.http import AuthenticatedHttpRequest


def require_perm(perm: str) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Sign-in required, and a role that grants `perm` somewhere; otherwise 403."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not has_perm(request.user, perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP rows: a province-wide list needs "more than 10,000", not a full count."""

    object_list: QuerySet[Any]  # only a queryset counts a slice without fetching it

    @cached_property
    def count(self) -> int:
        return self.object_list[: COUNT_CAP + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.count > COUNT_CAP


def paginate(request: HttpRequest, queryset: Any, per_page: int | None = None) -> Page:
    paginator = CappedPaginator(queryset, per_page or settings.REGISTRY_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def apply_validation_error(form: BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, field by field where the field exists."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def pick_commune(request: AuthenticatedHttpRequest, *, perm: str, picker_template: str) -> Any:
    """The commune a page is about: `?commune=` inside the user's units (404 otherwise), the user's
    only commune, or, when they cover several (or searched), the picker page to choose one.
    Returns a Commune or an HttpResponse to send as it is."""
    from django.http import Http404
    from django.shortcuts import render

    from langso.places.selectors import commune_get, commune_list

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
