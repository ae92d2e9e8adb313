"""A whole province's worth of realistic data for the browser tests that open every page.

The demo data (`langso.site.demo`: four communes, one user per role, teams, visits, a smartphone
programme with handovers) is the base, made through the same services as the app. On top of it come the
things the demo leaves out but some page needs: the tables the data migrations filled (transactional
tests flush them), a campaign with targets and a weekly report, a certificate, a citizen's one-time code,
a conflict from a phone, a registry import and a device import waiting for confirmation, a catalogue
draft. Every object a page needs is returned in `SiteData` so a URL can be built from it.
"""

from __future__ import annotations

import datetime
import io
import uuid
from dataclasses import dataclass, field
from typing import Any

# The demo users, by role, that the page table signs in as.
USERNAMES = {
    "province_staff": "tinh.thainguyen",
    "commune_officer": "xa.nghiata",
    "team_leader": "totruong.banCau",
    "team_member": "thanhvien.banCau",
    "telecom_partner": "vienthong.daklak",
    "auditor": "kiemtra.thainguyen",
    "administrator": "quantri",
}
NGHIA_TA = 2071  # Thái Nguyên (province 19): where the officer, the team and the programme's handovers are


@dataclass
class SiteData:
    users: dict[str, Any]
    commune: Any
    village: Any
    household: Any
    resident: Any
    team: Any
    member: Any
    signal: Any
    conflict: Any
    import_job: Any
    device_import: Any
    certificate: Any
    citizen_code: str
    skills_programme: Any
    draft_skill_code: str
    guide_code: str
    guide_missing_skill: str
    programme: Any
    candidate: Any
    allocation: Any
    follow_up: Any
    campaign: Any
    target: Any
    audited_user: Any
    extra: dict[str, Any] = field(default_factory=dict)
    group_session: Any = None
    invitation: Any = None
    outside_list: Any = (
        None  # a police list of the commune (langso.outside_lists), one row waiting for review
    )
    outside_entry: Any = None


def _xlsx(rows: list[tuple[Any, ...]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _outside_list(officer: Any, commune: Any, resident: Any) -> tuple[Any, Any]:
    """A commune police list naming the site's person by name and year only (uncertain: to review)
    and one person the registry lacks."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from langso.outside_lists.imports import list_upload
    from langso.outside_lists.models import EntryStatus

    year = resident.birth_year or 1970
    text = (
        "Họ tên công dân;Năm sinh;Thôn/xóm;Ngày kích hoạt\r\n"
        f"{resident.full_name};{year};;20/11/2026\r\n"
        "Vi Thị Không Có;1980;Bản Cáu;20/11/2026\r\n"
    )
    outside = list_upload(
        acting_user=officer,
        source="police",
        province=commune.province,
        commune=commune,
        upload=SimpleUploadedFile("cong-an-xa-muc-2.csv", text.encode()),
    )
    return outside, outside.entries.filter(status=EntryStatus.REVIEW).first()


def _wrong_check_digit(imei: str) -> str:
    return imei[:-1] + str((int(imei[-1]) + 1) % 10)


def _skill_without_guide() -> str:
    from langso.guides.models import Guide
    from langso.skills.selectors import published_skills

    # Every default skill has a guide; the "new guide" page needs one without, as after a catalogue
    # change. The guide of the last skill (not one the other pages show) is taken away.
    codes = list(published_skills().order_by("code").values_list("code", flat=True))
    with_guide = set(Guide.objects.values_list("skill_code", flat=True))
    missing = [code for code in codes if code not in with_guide]
    if missing:
        return missing[0]
    shown = {"vneid_level2", "buy_online", "qr_payment", "scam_awareness", "zalo_groups", "video_call"}
    code = [code for code in codes if code not in shown][-1]
    Guide.objects.filter(skill_code=code).delete()
    return code


def _guide_in_tay(skill_code: str, recorded_by: Any) -> None:
    """Tày switched on and one guide translated into it, with one step recorded and approved and
    another waiting for review (the pages of guides in other languages need them)."""
    import hashlib

    from langso.guides.languages import install_default_languages
    from langso.guides.models import GuideLanguage, GuideStep, StepRecording, StepTranslation

    install_default_languages()
    GuideLanguage.objects.filter(code="tay").update(active=True)
    steps = list(GuideStep.objects.filter(guide__skill_code=skill_code).order_by("number"))
    for step in steps:
        StepTranslation.objects.get_or_create(
            step=step, language_id="tay", defaults={"text": f"Bước {step.number} (tiếng Tày): {step.text}"}
        )
    if not StepRecording.objects.filter(step__guide__skill_code=skill_code, language_id="tay").exists():
        # The head of an Opus/WebM recording, as MediaRecorder writes it; enough for the pages.
        audio = b"\x1a\x45\xdf\xa3\x9f\x42\x82\x84webm\x86\x86A_OPUS" + b"\x00" * 2000
        for step, status in zip(steps[:2], ["approved", "pending"], strict=False):
            text = StepTranslation.objects.get(step=step, language_id="tay").text
            StepRecording.objects.create(
                step=step, language_id="tay", text=text, audio=audio, content_type="audio/webm",
                recorded_by=recorded_by, size=len(audio), sha256=hashlib.sha256(audio).hexdigest(), status=status,
            )  # fmt: skip


def build_site(households_per_village: int = 12) -> SiteData:
    """Fill the (flushed) test database. About 7 s on SQLite with the default size."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from langso.accounts.models import User
    from langso.campaigns.models import Indicator, WeeklyReport
    from langso.campaigns.reports import week_start
    from langso.campaigns.services import (
        campaign_create,
        committee_save,
        install_default_indicators,
        target_save,
    )
    from langso.devices import imports as device_imports
    from langso.devices.demo import demo_imei
    from langso.devices.models import Allocation, Candidate, FollowUp, Programme
    from langso.groups.models import GroupSession, Invitation
    from langso.guides.services import install_default_guides
    from langso.places.models import Commune, Province
    from langso.registry import imports as registry_imports
    from langso.registry.models import Household, Resident
    from langso.site.demo import load_demo_data
    from langso.skills.catalogue import install_default_catalogue
    from langso.skills.certificates import programme_save
    from langso.skills.citizen import access_code_create
    from langso.skills.models import Certificate, CertificateProgramme
    from langso.skills.services import catalogue_draft_start, skill_record_add
    from langso.teams.models import FactConflict, SignalReport, Team, TeamMember, Visit

    install_default_catalogue()
    install_default_guides()
    install_default_indicators()
    # The data migration made it, unless an earlier transactional test flushed it.
    basic = CertificateProgramme.objects.filter(
        name="Chứng nhận 5 kỹ năng số cơ bản"
    ).first() or programme_save(
        acting_user=None,
        programme=None,
        name="Chứng nhận 5 kỹ năng số cơ bản",
        name_en="Certificate in the 5 basic digital skills",
        issuer="Tổ công nghệ số cộng đồng — phong trào Bình dân học vụ số",
        required_levels=dict.fromkeys(
            ("vneid_level2", "buy_online", "qr_payment", "scam_awareness", "zalo_groups"), 3
        ),
        active=True,
    )
    load_demo_data(households_per_village=households_per_village)
    users = {role: User.objects.get(username=name) for role, name in USERNAMES.items()}
    officer, admin = users["commune_officer"], users["administrator"]
    commune = Commune.objects.get(code=NGHIA_TA)
    team = (
        Team.objects.filter(village__commune=commune, name__contains="Bản Cáu")
        .select_related("village")
        .get()
    )
    village = team.village
    member = TeamMember.objects.get(team=team, user=users["team_member"])
    _guide_in_tay("vneid_level2", recorded_by=member.user)
    household = Household.objects.filter(village=village).exclude(head=None).order_by("code").first()
    resident = household.head

    # A person who has the five basic skills: the certificate is issued by the skill records.
    for code in basic.required_levels:
        skill_record_add(acting_user=officer, resident=resident, skill_code=code, level=3)
    skill_record_add(acting_user=officer, resident=resident, skill_code="video_call", level=4)
    certificate = Certificate.objects.filter(resident=resident).first()
    _row, citizen_code = access_code_create(acting_user=officer, resident=resident)

    # A fact the phone changed while the office changed it too.
    visit = Visit.objects.filter(household__village=village).first() or Visit.objects.create(
        id=uuid.uuid4(),
        content_hash="a11y",
        household=household,
        village=village,
        commune=commune,
        province=commune.province,
        visited_on=timezone.localdate(),
    )
    conflict = FactConflict.objects.create(
        visit=visit,
        household=visit.household,
        field="address",
        phone_before="Thôn Bản Cáu",
        phone_after="Cạnh nhà văn hóa thôn Bản Cáu, đường liên xã Nghĩa Tá – Lương Bằng",
        server_value="Số nhà 12, Thôn Bản Cáu",
        commune=commune,
        province=commune.province,
    )
    # A visit a lost phone sent after its key was revoked, waiting for the officer.
    from langso.teams.models import HeldRecord

    HeldRecord.objects.create(
        id=uuid.uuid4(),
        kind="visit",
        data={
            "household_id": str(household.pk),
            "visited_on": str(timezone.localdate()),
            "notes": "Hướng dẫn cài VNeID cho cụ",
        },
        recorded_by=visit.recorded_by,
        commune=commune,
        province=commune.province,
    )

    # A registry import checked and waiting for the officer, with one problem row to show.
    others = list(Resident.objects.filter(household=household).order_by("sort_key"))
    rows = [
        ("Mã hộ", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Số điện thoại", "Thôn/bản"),
        (household.code, "Lục Thị Hạnh", "12/03/1990", "Nữ", "", "0912000111", village.name),
        (household.code, "Bế Văn Khôi", "31/02/1985", "Nam", "12345", "", village.name),
    ]
    job = registry_imports.job_create(
        acting_user=officer,
        kind="residents",
        commune=commune,
        upload=SimpleUploadedFile("danh-sach-nguoi-dan-ban-cau.xlsx", _xlsx(rows)),
    )
    import_job = registry_imports.job_check(job)

    programme = Programme.objects.get()
    device_import = device_imports.import_check(
        acting_user=officer,
        programme=programme,
        commune=commune,
        filename="may-dot-2.xlsx",
        data=_xlsx(
            [
                ("IMEI", "Mẫu máy", "Số thuê bao SIM", "Tình trạng"),
                (demo_imei(101), "Itel A50", "0868000101", "Mới"),
                (_wrong_check_digit(demo_imei(102)), "Itel A50", "", "Mới"),  # a typing mistake to report
            ]
        ),
    )
    allocation = Allocation.objects.filter(programme=programme).order_by("created_at").first()
    follow_up = FollowUp.objects.filter(commune=commune, done_on=None).order_by("due_on").first()
    candidate = (
        Candidate.objects.filter(candidate_list__commune=commune, removed=False, allocations__isnull=True)
        .order_by("pk")
        .first()
    )

    draft = catalogue_draft_start(acting_user=users["province_staff"])

    today = timezone.localdate()
    province = Province.objects.get(code=commune.province_id)
    campaign = campaign_create(
        acting_user=users["province_staff"],
        province=province,
        name="Cao điểm 100 ngày chuyển đổi số cộng đồng",
        starts_on=today - datetime.timedelta(days=20),
        ends_on=today + datetime.timedelta(days=80),
    )
    targets = [
        target_save(
            acting_user=users["province_staff"],
            campaign=campaign,
            indicator=Indicator.objects.get(code=code),
            value=value,
            deadline=today + datetime.timedelta(days=60),
        )
        for code, value in [("adults_reached", 58), ("adults_vneid2", 60), ("villages_with_team", 100)]
    ]
    committee_save(
        acting_user=officer,
        commune=commune,
        established_on=today - datetime.timedelta(days=90),
        decision="Quyết định số 12/QĐ-UBND",
        chair="Ma Văn Sơn",
    )
    # The report page lists the stored weekly reports. Rendering the PDF takes seconds (fonts) and the
    # page only lists the row, so the row is stored with the report's real data but no files.
    WeeklyReport.objects.create(
        campaign=campaign,
        province=province,
        week_start=week_start(today),
        as_of=today,
        comment="Tuần đầu: 3 thôn có tổ công nghệ số.",
        pdf=b"",
        xlsx=b"",
        generated_by=users["province_staff"],
    )

    outside_list, outside_entry = _outside_list(officer, commune, resident)
    return SiteData(
        outside_list=outside_list,
        outside_entry=outside_entry,
        users=users,
        commune=commune,
        village=village,
        household=household,
        resident=resident,
        team=team,
        member=member,
        signal=SignalReport.objects.order_by("created_at").first(),
        group_session=GroupSession.objects.order_by("created_at").first(),
        invitation=Invitation.objects.order_by("created_at").first(),
        conflict=conflict,
        import_job=import_job,
        device_import=device_import,
        certificate=certificate,
        citizen_code=citizen_code,
        skills_programme=CertificateProgramme.objects.get(pk=basic.pk),
        draft_skill_code=draft.skills.order_by("code").first().code,
        guide_code="vneid_level2",
        guide_missing_skill=_skill_without_guide(),
        programme=programme,
        candidate=candidate,
        allocation=allocation,
        follow_up=follow_up,
        campaign=campaign,
        target=targets[0],
        audited_user=admin,
        extra={"others": others},
    )
