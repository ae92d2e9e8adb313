"""Shipped guides are data files: a changed file reaches a database that is already migrated on the
next `migrate`; a guide the province edited is kept and flagged for review; a broken file is refused
with the file and the key named."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from langso.core.content import ContentError
from langso.core.models import AuditEntry
from langso.guides import shipped
from langso.guides.models import Guide, GuideStep
from langso.guides.services import (
    QuestionInput,
    StepInput,
    guide_review_shipped,
    guide_save,
    shipped_version_changed,
)
from langso.operations.content import install_content

QR_TITLE = 'title = "Thanh toán bằng mã QR"'
QR_STEP_2 = "Đưa camera vào mã QR của cửa hàng, giữ yên đến khi máy đọc xong."


@pytest.fixture
def guides_dir(tmp_path: Path, monkeypatch: Any) -> Path:
    """A copy of the shipped guide files that a test may change, read instead of the real ones."""
    directory = tmp_path / "guides"
    shutil.copytree(shipped.GUIDES_DIR, directory)
    monkeypatch.setattr(shipped, "GUIDES_DIR", directory)
    shipped.shipped_guides.cache_clear()
    yield directory
    shipped.shipped_guides.cache_clear()


def _edit_file(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    shipped.shipped_guides.cache_clear()  # as a new release's process would read it


def _province_edit(staff: Any) -> Guide:
    return guide_save(
        acting_user=staff,
        skill_code="qr_payment",
        title="QR của tỉnh",
        steps=[StepInput("Bước riêng của tỉnh: hỏi cán bộ xã trước khi quét mã lạ.")],
        questions=[QuestionInput(f"Câu {n} của tỉnh?", [{"vi": "Có"}, {"vi": "Không"}], 0) for n in range(3)],
    )


@pytest.mark.django_db(transaction=False)
def test_a_changed_shipped_guide_reaches_an_already_migrated_database_on_the_next_migrate(guides_dir) -> None:
    guide = Guide.objects.get(skill_code="qr_payment")
    first = guide.steps.get(number=1)
    GuideStep.objects.filter(pk=first.pk).update(audio=b"mp3", audio_text_hash="h")
    old_hash = guide.shipped_hash
    _edit_file(guides_dir / "qr_payment.toml", QR_TITLE, 'title = "Trả tiền bằng mã QR"')
    _edit_file(guides_dir / "qr_payment.toml", QR_STEP_2, "Đưa camera vào mã QR, giữ yên điện thoại.")
    new_file = (guides_dir / "zalo_groups.toml").read_text(encoding="utf-8")
    (guides_dir / "zalo_official.toml").write_text(
        new_file.replace('skill_code = "zalo_groups"', 'skill_code = "zalo_official"'), encoding="utf-8"
    )

    call_command("migrate", verbosity=0)  # nothing to migrate: the step after it still runs

    guide.refresh_from_db()
    assert guide.title == "Trả tiền bằng mã QR"
    assert guide.steps.get(number=2).text == "Đưa camera vào mã QR, giữ yên điện thoại."
    assert guide.shipped_hash != old_hash and not shipped_version_changed(guide)
    first.refresh_from_db()
    assert bytes(first.audio) == b"mp3", "an unchanged step keeps its recording"
    assert Guide.objects.filter(skill_code="zalo_official").exists(), "a new shipped guide is added"


@pytest.mark.django_db
def test_a_province_edited_guide_is_kept_and_flagged_when_its_shipped_version_changes(
    guides_dir, province_staff, client
) -> None:
    _province_edit(province_staff)
    assert not shipped_version_changed(Guide.objects.get(skill_code="qr_payment"))
    _edit_file(guides_dir / "qr_payment.toml", QR_STEP_2, "Đưa camera vào mã QR, giữ yên điện thoại.")

    call_command("migrate", verbosity=0)

    guide = Guide.objects.get(skill_code="qr_payment")
    assert guide.title == "QR của tỉnh"
    assert list(guide.steps.values_list("text", flat=True)) == [
        "Bước riêng của tỉnh: hỏi cán bộ xã trước khi quét mã lạ."
    ]
    assert shipped_version_changed(guide)
    assert install_content().guides_to_review == ["qr_payment"]
    client.force_login(province_staff)
    manage = client.get(reverse("guides:manage")).content.decode()
    assert "Bản gốc đi kèm phần mềm đã thay đổi ở các hướng dẫn tỉnh đã sửa" in manage
    edit = client.get(reverse("guides:edit", args=["qr_payment"])).content.decode()
    assert "Bản gốc đi kèm phần mềm đã thay đổi." in edit
    assert "Đưa camera vào mã QR, giữ yên điện thoại." in edit, "the new shipped text is shown to compare"


@pytest.mark.django_db
def test_staff_keep_their_guide_and_the_flag_clears_until_the_next_shipped_change(
    guides_dir, province_staff, client
) -> None:
    _province_edit(province_staff)
    _edit_file(guides_dir / "qr_payment.toml", QR_TITLE, 'title = "Trả tiền bằng mã QR"')
    install_content()
    client.force_login(province_staff)

    response = client.post(reverse("guides:review_shipped", args=["qr_payment"]), {"choice": "keep"})

    assert response.status_code == 302
    guide = Guide.objects.get(skill_code="qr_payment")
    assert guide.title == "QR của tỉnh" and guide.edited and not shipped_version_changed(guide)
    assert AuditEntry.objects.filter(note="kept the province's version").exists()
    assert (
        "Bản gốc đi kèm phần mềm đã thay đổi."
        not in client.get(reverse("guides:edit", args=["qr_payment"])).content.decode()
    )
    _edit_file(guides_dir / "qr_payment.toml", QR_STEP_2, "Một câu mới của bản gốc.")
    assert shipped_version_changed(Guide.objects.get(skill_code="qr_payment"))


@pytest.mark.django_db
def test_staff_take_the_shipped_guide_and_it_follows_its_file_again(guides_dir, province_staff) -> None:
    guide = _province_edit(province_staff)
    _edit_file(guides_dir / "qr_payment.toml", QR_TITLE, 'title = "Trả tiền bằng mã QR"')
    install_content()

    guide = guide_review_shipped(acting_user=province_staff, guide=guide, take_shipped=True)

    content = shipped.shipped_guides()
    qr = next(g for g in content if g.skill_code == "qr_payment")
    assert (guide.title, guide.edited, guide.shipped_hash) == ("Trả tiền bằng mã QR", False, qr.hash)
    assert list(guide.steps.values_list("text", flat=True)) == [s.text for s in qr.steps]
    assert guide.questions.count() == len(qr.questions)


@pytest.mark.django_db
def test_a_commune_officer_cannot_settle_a_review(client, officer, province_staff, guides_dir) -> None:
    _province_edit(province_staff)
    _edit_file(guides_dir / "qr_payment.toml", QR_TITLE, 'title = "Trả tiền bằng mã QR"')
    client.force_login(officer)

    response = client.post(reverse("guides:review_shipped", args=["qr_payment"]), {"choice": "shipped"})

    assert response.status_code == 403
    guide = Guide.objects.get(skill_code="qr_payment")
    assert guide.title == "QR của tỉnh" and shipped_version_changed(guide)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (("skill_code =", "skill_code = = "), "not valid TOML"),
        ((f'text = "{QR_STEP_2}"\n', ""), "steps #2.text: missing"),
        (("correct = 0", "correct = 7"), "questions #1.correct: is 7; must be between 0 and"),
        (('theme = "teal"', 'theme = "pink"'), "steps #1.illustration: Màu “pink” không có"),
        (("summary_en =", "sumary_en ="), "sumary_en: unknown key"),
        (('skill_code = "qr_payment"', 'skill_code = "qr_pay"'), "skill_code: is “qr_pay” but the file"),
        (("correct = 0", 'correct = "0"'), "questions #1.correct: must be a whole number, not str"),
    ],
)
def test_an_invalid_guide_file_is_refused_naming_the_file_and_the_key(tmp_path, change, where) -> None:
    path = tmp_path / "qr_payment.toml"
    shutil.copy(shipped.GUIDES_DIR / "qr_payment.toml", path)
    old, new = change
    _edit_file(path, old, new)

    with pytest.raises(ContentError) as error:
        shipped.load_guide(path)

    assert str(error.value).startswith(f"{path}: ")
    assert where in str(error.value)


@pytest.mark.django_db
def test_install_content_stops_on_a_broken_file_and_writes_nothing(guides_dir) -> None:
    _edit_file(guides_dir / "passwords.toml", 'title = "', 'title = 3 # "')
    before = list(Guide.objects.values_list("skill_code", "title"))

    with pytest.raises(CommandError, match=r"passwords\.toml: title: must be a string"):
        call_command("install_content")

    assert list(Guide.objects.values_list("skill_code", "title")) == before


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ('code = "tay"', 'code = "en"', "languages #7.code: “en” must be lower-case ASCII"),
        ('code = "nung"', 'code = "tay"', "languages #8.code: “tay” appears twice"),
        ('code = "vi"', 'code = "viet"', "languages: must include Vietnamese"),
    ],
)
def test_an_invalid_languages_file_is_refused_naming_the_file_and_the_key(tmp_path, old, new, where) -> None:
    path = tmp_path / "languages.toml"
    shutil.copy(shipped.LANGUAGES_FILE, path)
    _edit_file(path, old, new)

    with pytest.raises(ContentError) as error:
        shipped.load_languages(path)

    assert str(error.value).startswith(f"{path}: ") and where in str(error.value)
