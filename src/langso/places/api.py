from __future__ import annotations

import datetime
import uuid

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from langso.accounts.access import Perm, has_perm
from langso.accounts.http import AuthenticatedHttpRequest
from langso.places import selectors
from langso.places.models import Village

router = Router(tags=["places"])


class CommuneOut(Schema):
    code: int
    name: str
    province_code: int
    province_name: str


class VillageOut(Schema):
    id: uuid.UUID
    name: str
    kind: str
    commune_code: int
    broadband: str
    mobile_4g: str
    mobile_5g: str
    coverage_checked_on: datetime.date | None


def _require(request: HttpRequest) -> None:
    if not has_perm(request.user, Perm.PLACES_VIEW):
        raise HttpError(403, "Bạn không có quyền xem dữ liệu này.")


@router.get("/communes", response=list[CommuneOut], summary="Xã/phường trong phạm vi của người dùng")
def list_communes(request: AuthenticatedHttpRequest, q: str = "") -> list[CommuneOut]:
    _require(request)
    return [
        CommuneOut(code=c.code, name=c.name, province_code=c.province_id, province_name=c.province.name)
        for c in selectors.commune_list(user=request.user, q=q[:100])[:500]
    ]


def _village_out(v: Village) -> VillageOut:
    return VillageOut(
        id=v.pk,
        name=v.name,
        kind=v.kind,
        commune_code=v.commune_id,
        broadband=v.broadband,
        mobile_4g=v.mobile_4g,
        mobile_5g=v.mobile_5g,
        coverage_checked_on=v.coverage_checked_on,
    )


@router.get("/communes/{code}/villages", response=list[VillageOut], summary="Thôn/bản của một xã")
def list_villages(request: AuthenticatedHttpRequest, code: int) -> list[VillageOut]:
    _require(request)
    commune = selectors.commune_get(user=request.user, code=code)
    return [_village_out(v) for v in selectors.village_list(user=request.user, commune=commune)]


@router.get("/villages/{village_id}", response=VillageOut, summary="Một thôn/bản")
def get_village(request: AuthenticatedHttpRequest, village_id: uuid.UUID) -> VillageOut:
    _require(request)
    return _village_out(selectors.village_get(user=request.user, village_id=village_id))
