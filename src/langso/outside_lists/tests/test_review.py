"""The review of uncertain rows: an officer confirms one of the people a row could be, or says the
registry has no one; only an officer of the row's own units sees it or decides it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from langso.accounts.tests.factories import PASSWORD
from langso.core.models import AuditEntry
from langso.outside_lists import services
from langso.outside_lists.imports import list_upload
from langso.outside_lists.models import EntryStatus, ListEntry, ListSource, OutsideEvidence
from langso.outside_lists.tests.conftest import PLATFORM_FILE, POLICE_FILE, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(world):
    list_upload(
        acting_user=world["staff"],
        source=ListSource.PLATFORM,
        province=world["commune"].province,
        commune=None,
        upload=upload(PLATFORM_FILE),
    )
    return world


def _hoa() -> ListEntry:
    return ListEntry.objects.get(full_name="Nông Thị Hoa")


def _client(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_an_officer_confirms_one_of_the_candidates_and_the_person_gets_the_evidence(imported):
    hoa_2 = imported["people"]["hoa_2"]
    entry = services.entry_resolve(acting_user=imported["officer"], entry=_hoa(), resident_id=hoa_2.pk)
    assert (entry.status, entry.resident, entry.match_how) == (EntryStatus.CONFIRMED, hoa_2, "officer")
    assert OutsideEvidence.objects.filter(resident=hoa_2, source=ListSource.PLATFORM).count() == 1
    assert not OutsideEvidence.objects.filter(resident=imported["people"]["hoa_1"]).exists()
    assert AuditEntry.objects.filter(object_id=str(entry.pk), action="update").exists()
    with pytest.raises(ValidationError, match="đã được xử lý"):  # decided once
        services.entry_resolve(acting_user=imported["officer"], entry=entry, resident_id=hoa_2.pk)


def test_a_person_who_is_not_a_candidate_cannot_be_confirmed(imported):
    with pytest.raises(ValidationError, match="danh sách gợi ý"):
        services.entry_resolve(
            acting_user=imported["officer"], entry=_hoa(), resident_id=imported["people"]["pao"].pk
        )
    assert (
        _hoa().status == EntryStatus.REVIEW
        and not OutsideEvidence.objects.filter(
            resident=imported["people"]["pao"], source=ListSource.PLATFORM, entry=_hoa()
        ).exists()
    )


def test_rejecting_sends_the_row_to_the_unmatched_report_of_its_commune(imported, client):
    services.entry_resolve(acting_user=imported["officer"], entry=_hoa(), reject=True)
    assert _hoa().status == EntryStatus.REJECTED
    page = _client(client, imported["officer"]).get(
        reverse("outside_lists:unmatched"), {"commune": imported["commune"].code}
    )
    text = page.content.decode()
    assert "Nông Thị Hoa" in text and "Đặng Thị Nguyệt" in text
    assert "Phùng Văn Khải" not in text  # another commune's row


def test_an_officer_of_another_commune_cannot_see_or_resolve_the_review_items(imported, client):
    other = imported["other_officer"]
    with pytest.raises(Http404):
        services.entry_resolve(acting_user=other, entry=_hoa(), reject=True)
    c = _client(client, other)
    page = c.get(reverse("outside_lists:review"))
    assert page.status_code == 200 and "Nông Thị Hoa" not in page.content.decode()
    answer = c.post(reverse("outside_lists:entry", args=[_hoa().pk]), {"action": "reject"})
    assert answer.status_code == 404
    assert _hoa().status == EntryStatus.REVIEW
    # Their own commune's unmatched row is theirs; Nghĩa Tá's are not.
    text = c.get(
        reverse("outside_lists:unmatched"), {"commune": imported["other_commune"].code}
    ).content.decode()
    assert "Phùng Văn Khải" in text and "Đặng Thị Nguyệt" not in text
    xlsx = c.get(reverse("outside_lists:unmatched_xlsx"))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_the_review_page_resolves_a_row_for_the_commune_officer(imported, client):
    c = _client(client, imported["officer"])
    page = c.get(reverse("outside_lists:review"))
    text = page.content.decode()
    assert "Nông Thị Hoa" in text and "Triệu Văn Sình" in text and "Ma Văn Sinh" in text
    hoa_1, entry_id = imported["people"]["hoa_1"], _hoa().pk
    answer = c.post(
        reverse("outside_lists:entry", args=[entry_id]), {"action": "confirm", "resident": hoa_1.pk}
    )
    assert answer.status_code == 302
    assert _hoa().resident == hoa_1
    after = c.get(reverse("outside_lists:review")).content.decode()
    assert f'id="entry-{entry_id}"' not in after and "Đã ghi quyết định cho Nông Thị Hoa" in after


def test_the_upload_page_imports_a_police_list_for_the_officers_commune(world, client):
    c = _client(client, world["officer"])
    answer = c.post(
        reverse("outside_lists:lists"),
        {"source": ListSource.POLICE, "province": world["commune"].province_id, "file": upload(POLICE_FILE)},
    )
    assert answer.status_code == 302
    page = c.get(answer["Location"]).content.decode()
    assert "Khớp chắc chắn" in page and "chưa ở mức 2" in page
    again = c.post(
        reverse("outside_lists:lists"),
        {"source": ListSource.POLICE, "province": world["commune"].province_id, "file": upload(POLICE_FILE)},
    )
    assert again.status_code == 200 and "nhập lại không thay đổi gì" in again.content.decode()
