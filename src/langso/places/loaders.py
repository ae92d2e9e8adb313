"""Load the 34 provinces and 3,321 communes from the vietnam-provinces package (data of October 2025)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import vietnam_provinces
from django.db import transaction

from langso.core.text import clean_text, fold, place_sort_key
from langso.places.models import Commune, Province


@dataclass(frozen=True)
class LoadResult:
    provinces: int
    communes: int
    data_version: str


@transaction.atomic
def load_administrative_units() -> LoadResult:
    """Create or update every province and commune. Safe to run again: codes are the keys."""
    with open(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as handle:
        data = json.load(handle)
    province_fields = ["name", "division_type", "codename", "sort_key"]
    commune_fields = ["province_id", "name", "division_type", "codename", "name_folded", "sort_key"]
    existing_provinces = {row[0]: row[1:] for row in Province.objects.values_list("code", *province_fields)}
    existing_communes = {row[0]: row[1:] for row in Commune.objects.values_list("code", *commune_fields)}
    provinces, communes = [], []
    for item in data:
        name = clean_text(item["name"])
        provinces.append(
            Province(
                code=item["code"],
                name=name,
                division_type=clean_text(item["division_type"]),
                codename=item["codename"],
                sort_key=place_sort_key(name),
            )
        )
        for ward in item["wards"]:
            ward_name = clean_text(ward["name"])
            communes.append(
                Commune(
                    code=ward["code"],
                    province_id=item["code"],
                    name=ward_name,
                    division_type=clean_text(ward["division_type"]),
                    codename=ward["codename"],
                    name_folded=fold(ward_name),
                    sort_key=place_sort_key(ward_name),
                )
            )
    Province.objects.bulk_create([p for p in provinces if p.code not in existing_provinces])
    changed_provinces = [
        p
        for p in provinces
        if p.code in existing_provinces
        and existing_provinces[p.code] != tuple(getattr(p, f) for f in province_fields)
    ]
    Province.objects.bulk_update(changed_provinces, province_fields)
    Commune.objects.bulk_create([c for c in communes if c.code not in existing_communes], batch_size=500)
    # Only rows whose data changed are written: a re-run on an up-to-date database is read-only.
    changed_communes = [
        c
        for c in communes
        if c.code in existing_communes
        and existing_communes[c.code] != tuple(getattr(c, f) for f in commune_fields)
    ]
    Commune.objects.bulk_update(
        changed_communes, [f.removesuffix("_id") for f in commune_fields], batch_size=500
    )
    return LoadResult(len(provinces), len(communes), vietnam_provinces.__data_version__)
