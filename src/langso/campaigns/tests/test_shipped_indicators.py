"""The shipped indicators are a data file: a change reaches a database that is already migrated, an
indicator changed locally is kept and listed for review, and a broken file names the file and key."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from langso.campaigns import shipped
from langso.campaigns.models import Indicator
from langso.campaigns.services import indicators_to_review
from langso.core.content import ContentError

OLD_NAME = 'name = "Tỉ lệ công dân số"'
NEW_NAME = 'name = "Tỉ lệ người trưởng thành là công dân số"'


@pytest.fixture
def indicators_file(tmp_path: Path, monkeypatch: Any) -> Path:
    path = tmp_path / "indicators.toml"
    shutil.copy(shipped.INDICATORS_FILE, path)
    monkeypatch.setattr(shipped, "INDICATORS_FILE", path)
    shipped.shipped_indicators.cache_clear()
    yield path
    shipped.shipped_indicators.cache_clear()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    shipped.shipped_indicators.cache_clear()


@pytest.mark.django_db
def test_a_changed_shipped_indicator_reaches_an_already_migrated_database(indicators_file) -> None:
    _edit(indicators_file, OLD_NAME, NEW_NAME)
    _edit(
        indicators_file,
        '[[indicators]]\ncode = "adults_reached"',
        '[[indicators]]\ncode = "adults_taught"\nname = "Người được dạy"\nnumerator = "adults_reached"\n\n[[indicators]]\ncode = "adults_reached"',
    )

    call_command("migrate", verbosity=0)

    assert Indicator.objects.get(code="digital_citizens").name == NEW_NAME.split('"')[1]
    assert Indicator.objects.get(code="adults_taught").display == "percent"
    assert indicators_to_review() == []


@pytest.mark.django_db
def test_an_indicator_changed_locally_is_kept_and_listed_for_review(indicators_file) -> None:
    Indicator.objects.filter(code="digital_citizens").update(name="Công dân số (theo tiêu chí của tỉnh)")
    call_command("migrate", verbosity=0)
    assert indicators_to_review() == [], "no review while the shipped version is unchanged"
    _edit(indicators_file, OLD_NAME, NEW_NAME)

    call_command("migrate", verbosity=0)

    assert Indicator.objects.get(code="digital_citizens").name == "Công dân số (theo tiêu chí của tỉnh)"
    assert [i.code for i in indicators_to_review()] == ["digital_citizens"]


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        (
            'numerator = "adults_vneid2"',
            'numerator = "adults_vneid3"',
            "indicators #8.numerator: “adults_vneid3”",
        ),
        (
            'numerator_params = { field = "broadband" }',
            'numerator_params = { colour = "red" }',
            "numerator_params:",
        ),
        ('display = "count"', 'display = "pie"', "display: is “pie”"),
        ('code = "population_5g"', 'code = "population_4g"', "“population_4g” appears twice"),
        ("higher_is_better = false", 'higher_is_better = "no"', "higher_is_better: must be true or false"),
    ],
)
def test_an_invalid_indicators_file_is_refused_naming_the_file_and_the_key(tmp_path, old, new, where) -> None:
    path = tmp_path / "indicators.toml"
    text = shipped.INDICATORS_FILE.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")

    with pytest.raises(ContentError) as error:
        shipped.load_indicators(path)

    assert str(error.value).startswith(f"{path}: ") and where in str(error.value)
