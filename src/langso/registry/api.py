"""Registry API: the same selectors as the pages, so the same jurisdiction rules."""

from __future__ import annotations

import datetime
import uuid

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from langso.accounts.access import Perm, has_perm
from langso.accounts.http import AuthenticatedHttpRequest
from langso.registry import selectors
from langso.registry.models import Resident

router = Router(tags=["registry"])

MAX_PAGE = 100
# Numbers that reach the database stay within its integer columns (a larger one made SQLite raise
# OverflowError and PostgreSQL an out-of-range error: a 500). Found by the schema fuzzing.
MAX_CODE = 2**31 - 1
MAX_OFFSET = 10**9


class ResidentOut(Schema):
    id: uuid.UUID
    full_name: str
    birth_year: int | None
    birth_date: datetime.date | None
    sex: str
    household_id: uuid.UUID
    village_id: uuid.UUID
    commune_code: int
    phone: str
    owns_smartphone: bool
    cccd_masked: str


class ResidentPage(Schema):
    count: int
    results: list[ResidentOut]


class ResidentQuery(Schema):
    q: str = ""
    village: uuid.UUID | None = None
    commune: int | None = Field(None, ge=0, le=MAX_CODE)
    poverty: str = ""
    age_group: str = ""
    sex: str = ""
    ethnic_group: str = ""
    offset: int = Field(0, le=MAX_OFFSET)
    limit: int = 25


class HouseholdOut(Schema):
    id: uuid.UUID
    code: str
    village_id: uuid.UUID
    commune_code: int
    address: str
    head_id: uuid.UUID | None


class HouseholdPage(Schema):
    count: int
    results: list[HouseholdOut]


def _resident_out(resident: Resident) -> ResidentOut:
    return ResidentOut(
        id=resident.pk,
        full_name=resident.full_name,
        birth_year=resident.birth_year,
        birth_date=resident.birth_date,
        sex=resident.sex,
        household_id=resident.household_id,
        village_id=resident.village_id,
        commune_code=resident.commune_id,
        phone=resident.phone,
        owns_smartphone=resident.owns_smartphone,
        cccd_masked=resident.masked_cccd,
    )


def _require(request: HttpRequest, perm: str) -> None:
    if not has_perm(request.user, perm):
        raise HttpError(403, "Bạn không có quyền xem dữ liệu này.")


@router.get("/residents", response=ResidentPage, summary="Tìm người dân trong phạm vi của người dùng")
def list_residents(request: AuthenticatedHttpRequest, params: Query[ResidentQuery]) -> ResidentPage:
    _require(request, Perm.REGISTRY_VIEW)
    filters = selectors.ResidentFilters(
        q=params.q[:100],
        village_id=params.village,
        commune_code=params.commune,
        poverty=params.poverty,
        age_group=params.age_group,
        sex=params.sex,
        ethnic_group=params.ethnic_group,
    )
    qs = selectors.resident_list(user=request.user, filters=filters)
    offset = max(params.offset, 0)
    limit = min(max(params.limit, 1), MAX_PAGE)
    return ResidentPage(count=qs.count(), results=[_resident_out(r) for r in qs[offset : offset + limit]])


@router.get("/residents/{resident_id}", response=ResidentOut, summary="Một người dân")
def get_resident(request: AuthenticatedHttpRequest, resident_id: uuid.UUID) -> ResidentOut:
    _require(request, Perm.REGISTRY_VIEW)
    return _resident_out(selectors.resident_get(user=request.user, resident_id=resident_id))


@router.get("/households", response=HouseholdPage, summary="Các hộ trong phạm vi của người dùng")
def list_households(
    request: AuthenticatedHttpRequest,
    q: str = "",
    village: uuid.UUID | None = None,
    offset: int = Query(0, le=MAX_OFFSET),  # type: ignore[type-arg]  # ninja's Query as a default
    limit: int = 25,
) -> HouseholdPage:
    _require(request, Perm.REGISTRY_VIEW)
    qs = selectors.household_list(
        user=request.user, filters=selectors.HouseholdFilters(q=q[:100], village_id=village)
    )
    offset, limit = max(offset, 0), min(max(limit, 1), MAX_PAGE)
    return HouseholdPage(
        count=qs.count(),
        results=[
            HouseholdOut(
                id=h.pk,
                code=h.code,
                village_id=h.village_id,
                commune_code=h.commune_id,
                address=h.address,
                head_id=h.head_id,
            )
            for h in qs[offset : offset + limit]
        ],
    )


@router.get("/households/{household_id}", response=HouseholdOut, summary="Một hộ")
def get_household(request: AuthenticatedHttpRequest, household_id: uuid.UUID) -> HouseholdOut:
    _require(request, Perm.REGISTRY_VIEW)
    h = selectors.household_get(user=request.user, household_id=household_id)
    return HouseholdOut(
        id=h.pk,
        code=h.code,
        village_id=h.village_id,
        commune_code=h.commune_id,
        address=h.address,
        head_id=h.head_id,
    )
