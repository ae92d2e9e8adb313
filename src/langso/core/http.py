"""Small helpers shared by views: pagination and error mapping. Permission gates are accounts'
(`accounts.decorators.require_perm`): the foundation knows no roles."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils.functional import cached_property

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
