"""Every role × every address of the app, checked against the single statement of who may do what:
ROLE_PERMISSIONS (the capabilities of each role) and URL_ACCESS (the capability each address needs),
both in langso.accounts.access.

Each role is held by a user whose units cover the data the addresses point at (a demo province from
tests/browser/site_data.py), so the answer depends on the role only:
- a role whose capabilities include the address's gets it: no 401, 403 or 404, and no detour to the
  sign-in page;
- any other role gets 403 (a JSON 403 from the API);
- an anonymous visitor is sent to the sign-in page (the API answers 401), except on public addresses.
Addresses that only take POST are posted to with an empty form inside a transaction that is rolled
back, so an allowed action is attempted (and refused for its empty form) without changing the data.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from langso.accounts.access import (
    ROLE_PERMISSIONS,
    TWO_FACTOR_ROLES,
    URL_ACCESS,
    URL_LEVEL,
    URL_OWN,
    Access,
    url_access,
)
from langso.accounts.models import Role, RoleAssignment, User
from langso.accounts.tests.factories import PASSWORD
from langso.accounts.tests.helpers import confirmed_device
from tests.browser.site_data import SiteData, build_site

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
ANONYMOUS = "anonymous"
ALLOWED_STATUSES = {200, 201, 204, 301, 302, 303, 400, 409, 422}

Kwargs = Callable[[SiteData, User], dict[str, Any]]


@pytest.fixture(autouse=True)
def national_instance(settings: Any) -> None:
    """The national tier's receiving address answers only on a national instance (elsewhere 404)."""
    settings.NATIONAL_INSTANCE = True


def _step(data: SiteData) -> Any:
    from langso.guides.models import GuideStep

    return GuideStep.objects.filter(guide__skill_code=data.guide_code).order_by("pk").first()


def _tay(data: SiteData) -> str:
    """Tày switched on, the data's guide translated into it and its first step recorded (approved)."""
    from langso.guides.languages import install_default_languages
    from langso.guides.models import GuideLanguage, StepRecording, StepTranslation

    install_default_languages()  # a transactional test flushed the migration's rows
    # Written once: the crawl calls this for every URL while the live server may hold SQLite's lock.
    if GuideLanguage.objects.filter(code="tay", active=False).exists():
        GuideLanguage.objects.filter(code="tay").update(active=True)
    step = _step(data)
    for s in step.guide.steps.all():
        StepTranslation.objects.get_or_create(
            step=s, language_id="tay", defaults={"text": f"Bước {s.number}"}
        )
    if not StepRecording.objects.filter(step=step, language_id="tay").exists():
        StepRecording.objects.create(
            step=step,
            language_id="tay",
            text=f"Bước {step.number}",
            recorded_by=data.member.user,  # a member of the data's village: reviewers of its units hear it
            audio=b"OggS",
            content_type="audio/ogg",
            size=4,
            sha256="0" * 64,
            status="approved",
        )
    return "tay"


def _recording(data: SiteData) -> Any:
    from langso.guides.models import StepRecording

    _tay(data)
    return StepRecording.objects.filter(step=_step(data), language_id="tay").first()


def _own_device(data: SiteData, user: User) -> dict[str, Any]:
    from langso.teams.models import DeviceToken

    device = DeviceToken.objects.filter(user=user).first()
    return {"device_id": device.pk if device else uuid.uuid4()}


def _held(data: SiteData) -> Any:
    """A record that came from a revoked phone in the data's commune."""
    from langso.teams.models import HeldRecord

    held = HeldRecord.objects.filter(commune=data.commune).first()
    if held is None:
        held = HeldRecord.objects.create(
            id=uuid.uuid4(),
            kind="signal",
            data={"village_id": str(data.village.pk), "description": "Cuối thôn"},
            commune=data.commune,
            province_id=data.commune.province_id,
        )
    return held


def _own_device_import(data: SiteData, user: User) -> Any:
    """A copy of the waiting device import made by `user` (an import is opened only by its maker)."""
    from langso.devices.models import DeviceImport

    mine = DeviceImport.objects.filter(created_by=user).first()
    if mine is None:
        mine = DeviceImport.objects.get(pk=data.device_import.pk)
        mine.pk = None
        mine.id = None
        mine.created_by = user
        mine.save()
    return mine


def _skill_record(data: SiteData) -> Any:
    """One of the data's person's skill records (voiding it is what the address does)."""
    from langso.skills.models import SkillRecord
    from langso.skills.services import skill_record_add

    record = SkillRecord.objects.filter(resident=data.resident).first()
    return record or skill_record_add(
        acting_user=None, resident=data.resident, skill_code="video_call", level=2
    )


def _weekly_report(data: SiteData) -> Any:
    from langso.campaigns.models import WeeklyReport

    return WeeklyReport.objects.filter(campaign=data.campaign).first()


def _national_target(data: SiteData) -> Any:
    from langso.campaigns.models import Indicator
    from langso.national.models import NationalTarget

    target, _created = NationalTarget.objects.get_or_create(
        indicator=Indicator.objects.get(code="adults_vneid2"),
        province_code=None,
        defaults={"value": 60, "deadline": timezone.localdate()},
    )
    return target


def _national_report(data: SiteData) -> Any:
    """A stored weekly report of the country (its file's content does not matter here)."""
    from langso.national.models import NationalWeeklyReport

    report, _created = NationalWeeklyReport.objects.get_or_create(
        week_start=timezone.localdate(), defaults={"pdf": b"%PDF-1.4"}
    )
    return report


# How to fill each address's parameters from the data (addresses without parameters need no line).
KWARGS: dict[str, Kwargs] = {
    "accounts:audit_resident": lambda d, u: {"resident_id": d.resident.pk},
    "accounts:audit_user": lambda d, u: {"user_id": d.users["commune_officer"].pk},
    "places:commune": lambda d, u: {"code": d.commune.code},
    "places:village_create": lambda d, u: {"code": d.commune.code},
    "places:village": lambda d, u: {"village_id": d.village.pk},
    "places:village_edit": lambda d, u: {"village_id": d.village.pk},
    "places:coverage_edit": lambda d, u: {"village_id": d.village.pk},
    "registry:resident": lambda d, u: {"resident_id": d.resident.pk},
    "registry:resident_edit": lambda d, u: {"resident_id": d.resident.pk},
    "registry:resident_delete": lambda d, u: {"resident_id": d.resident.pk},
    "registry:resident_reveal_cccd": lambda d, u: {"resident_id": d.resident.pk},
    "registry:consent_create": lambda d, u: {"resident_id": d.resident.pk},
    "registry:household": lambda d, u: {"household_id": d.household.pk},
    "registry:household_edit": lambda d, u: {"household_id": d.household.pk},
    "registry:import_template": lambda d, u: {"kind": "residents"},
    "registry:import_job": lambda d, u: {"job_id": d.import_job.pk},
    "registry:import_confirm": lambda d, u: {"job_id": d.import_job.pk},
    "registry:import_retry": lambda d, u: {"job_id": d.import_job.pk},
    "registry:import_columns": lambda d, u: {"job_id": d.import_job.pk},
    "registry:import_refused": lambda d, u: {"job_id": d.import_job.pk},
    "skills:draft_skill_edit": lambda d, u: {"code": d.draft_skill_code},
    "skills:record_create": lambda d, u: {"resident_id": d.resident.pk},
    "skills:record_void": lambda d, u: {"resident_id": d.resident.pk, "record_id": _skill_record(d).pk},
    "skills:rule": lambda d, u: {"key": "cong-dan-so"},
    "skills:access_code_create": lambda d, u: {"resident_id": d.resident.pk},
    "skills:certificate_pdf": lambda d, u: {"certificate_id": d.certificate.pk},
    "skills:certificate_revoke": lambda d, u: {"certificate_id": d.certificate.pk},
    "skills:programme_edit": lambda d, u: {"programme_id": d.skills_programme.pk},
    "skills_public:verify": lambda d, u: {"code": d.certificate.verification_code},
    "groups:session": lambda d, u: {"session_id": d.group_session.pk},
    "groups:invitation": lambda d, u: {"invitation_id": d.invitation.pk},
    "groups:invitation_print": lambda d, u: {"invitation_id": d.invitation.pk},
    "guides:guide": lambda d, u: {"skill_code": d.guide_code},
    "guides:quiz": lambda d, u: {"skill_code": d.guide_code},
    "guides:edit": lambda d, u: {"skill_code": d.guide_code},
    "guides:review_shipped": lambda d, u: {"skill_code": d.guide_code},
    "guides:handout": lambda d, u: {"skill_code": d.guide_code},
    "guides:step_audio": lambda d, u: {"step_id": _step(d).pk},
    "guides:translate": lambda d, u: {"skill_code": d.guide_code, "lang": _tay(d)},
    "guides:record": lambda d, u: {"skill_code": d.guide_code, "lang": _tay(d)},
    "guides:step_recording": lambda d, u: {"lang": _tay(d), "step_id": _step(d).pk},
    "guides:recording_audio": lambda d, u: {"recording_id": _recording(d).pk},
    "guides:recording_review": lambda d, u: {"recording_id": _recording(d).pk},
    "teams_conflicts:resolve": lambda d, u: {"conflict_id": d.conflict.pk},
    "teams_conflicts:held_decide": lambda d, u: {"held_id": _held(d).pk},
    "field:device_revoke": _own_device,
    "teams:team": lambda d, u: {"team_id": d.team.pk},
    "teams:team_edit": lambda d, u: {"team_id": d.team.pk},
    "teams:team_assign": lambda d, u: {"team_id": d.team.pk},
    "teams:member_set_active": lambda d, u: {"member_id": d.member.pk},
    "teams:household_visits": lambda d, u: {"household_id": d.household.pk},
    "teams:signal": lambda d, u: {"report_id": d.signal.pk},
    "teams:signal_move": lambda d, u: {"report_id": d.signal.pk},
    "devices:programme": lambda d, u: {"programme_id": d.programme.pk},
    "devices:programme_edit": lambda d, u: {"programme_id": d.programme.pk},
    "devices:candidates": lambda d, u: {"programme_id": d.programme.pk, "code": d.commune.code},
    "devices:inventory": lambda d, u: {"programme_id": d.programme.pk},
    "devices:report": lambda d, u: {"programme_id": d.programme.pk},
    "devices:report_xlsx": lambda d, u: {"programme_id": d.programme.pk},
    "devices:report_pdf": lambda d, u: {"programme_id": d.programme.pk},
    "devices:allocate": lambda d, u: {"candidate_id": d.candidate.pk},
    "devices:allocation": lambda d, u: {"allocation_id": d.allocation.pk},
    "devices:handover_pdf": lambda d, u: {"allocation_id": d.allocation.pk},
    "devices:allocation_scan": lambda d, u: {"allocation_id": d.allocation.pk},
    "devices:allocation_return": lambda d, u: {"allocation_id": d.allocation.pk},
    "devices:import": lambda d, u: {"job_id": _own_device_import(d, u).pk},
    "devices:import_refused": lambda d, u: {"job_id": _own_device_import(d, u).pk},
    "devices:follow_up": lambda d, u: {"follow_up_id": d.follow_up.pk},
    "campaigns:dashboard": lambda d, u: {"campaign_id": d.campaign.pk},
    "national:province": lambda d, u: {"province": d.commune.province_id},
    "national:commune": lambda d, u: {"commune": d.commune.code},
    "national:target_edit": lambda d, u: {"target_id": _national_target(d).pk},
    "national:target_delete": lambda d, u: {"target_id": _national_target(d).pk},
    "national:report_download": lambda d, u: {"report_id": _national_report(d).pk},
    "campaigns:commune_dashboard": lambda d, u: {"campaign_id": d.campaign.pk, "code": d.commune.code},
    "campaigns:edit": lambda d, u: {"campaign_id": d.campaign.pk},
    "campaigns:target_create": lambda d, u: {"campaign_id": d.campaign.pk},
    "campaigns:target_edit": lambda d, u: {"campaign_id": d.campaign.pk, "target_id": d.target.pk},
    "campaigns:target_delete": lambda d, u: {"campaign_id": d.campaign.pk, "target_id": d.target.pk},
    "campaigns:report": lambda d, u: {"campaign_id": d.campaign.pk},
    "campaigns:report_download": lambda d, u: {"report_id": _weekly_report(d).pk, "file_format": "pdf"},
    "campaigns:drill": lambda d, u: {"indicator_code": "adults_vneid2", "level": "commune", "unit": d.commune.code},
    "outside_lists:list": lambda d, u: {"list_id": d.outside_list.pk},
    "outside_lists:entry": lambda d, u: {"entry_id": d.outside_entry.pk},
    "operations:person_export": lambda d, u: {"resident_id": d.resident.pk},
    "operations:person_erase": lambda d, u: {"resident_id": d.resident.pk},
    "api:list_villages": lambda d, u: {"code": d.commune.code},
    "api:get_village": lambda d, u: {"village_id": d.village.pk},
    "api:get_resident": lambda d, u: {"resident_id": d.resident.pk},
    "api:get_household": lambda d, u: {"household_id": d.household.pk},
    "api:device_revoke": _own_device,
}  # fmt: skip

# Query strings some pages need to know what they are about.
QUERY: dict[str, Callable[[SiteData], str]] = {
    "guides:create": lambda d: f"?skill={d.guide_missing_skill}",
    "registry:villages_export": lambda d: f"?commune={d.commune.code}",
    "teams:visit_create": lambda d: f"?household={d.household.pk}",
}
# API operations that share their address with another method's operation, and the body they send.
API_POSTS: dict[str, dict[str, Any]] = {"api:device_issue": {"name": "Điện thoại thử"}}

# Where each role is held (see _role_user), from the widest unit down.
LEVELS = ["country", "province", "commune", "village"]
ROLE_LEVEL = {
    Role.ADMINISTRATOR: "country",
    Role.PROVINCE_STAFF: "province",
    Role.TELECOM_PARTNER: "province",
    Role.AUDITOR: "province",
    Role.COMMUNE_OFFICER: "commune",
    Role.TEAM_LEADER: "village",
    Role.TEAM_MEMBER: "village",
}

# Django's admin site is checked at its front page; its model pages follow the same rule (ADMIN_SITE).
ADMIN_CHECKED_AT = "admin:index"


def _named_urls(patterns: list[Any] | None = None, namespace: str = "") -> Iterator[str]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_urls(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def _checked_urls() -> list[str]:
    return sorted({name for name in _named_urls() if not name.startswith("admin:")} | {ADMIN_CHECKED_AT})


def test_every_named_url_has_a_line_in_the_table() -> None:
    missing = sorted(name for name in set(_named_urls()) if url_access(name) is None)
    stale = sorted(name for name in URL_ACCESS if name != "admin:*" and name not in set(_named_urls()))

    assert missing == [], "add these to URL_ACCESS in langso/accounts/access.py"
    assert stale == [], "these are in URL_ACCESS but no longer in the URL configuration"


def test_every_rule_of_the_table_is_a_capability_or_an_access_rule() -> None:
    capabilities = set().union(*ROLE_PERMISSIONS.values())
    rules = {value for key, value in vars(Access).items() if key.isupper()}

    assert {rule for rule in URL_ACCESS.values() if rule not in capabilities | rules} == set()


def test_docs_permissions_is_the_table() -> None:
    from langso.accounts.access import permissions_markdown

    assert (ROOT / "docs" / "permissions.md").read_text(encoding="utf-8") == permissions_markdown(), (
        "regenerate it: .venv/bin/python manage.py permissions_table > docs/permissions.md"
    )


def _role_user(role: str, data: SiteData, *, username: str = "", full_name: str = "") -> User:
    """A user holding only `role`, at a unit that covers the data's commune, village and province."""
    where = {
        Role.PROVINCE_STAFF: {"province": data.commune.province},
        Role.COMMUNE_OFFICER: {"commune": data.commune},
        Role.TEAM_LEADER: {"village": data.village},
        Role.TEAM_MEMBER: {"village": data.village},
        Role.TELECOM_PARTNER: {"province": data.commune.province},
        Role.AUDITOR: {"province": data.commune.province},
        Role.ADMINISTRATOR: {},
    }[role]
    user = User.objects.create_user(
        username=username or f"bang-quyen-{role}",
        password=PASSWORD,
        full_name=full_name or f"Người giữ vai trò {role}",
        telecom_operator=data.signal.operator if role == Role.TELECOM_PARTNER else "",
    )
    RoleAssignment.objects.create(user=user, role=role, **where)
    if role in (Role.TEAM_LEADER, Role.TEAM_MEMBER):
        from langso.teams.models import TeamMember

        TeamMember.objects.create(
            team=data.team,
            user=user,
            full_name=user.full_name,
            role="leader" if role == Role.TEAM_LEADER else "member",
        )
    from langso.teams.services import device_token_issue

    device_token_issue(acting_user=user, name="Điện thoại thử")
    return user


def _inside_one_village(data: SiteData) -> SiteData:
    """Point the data at things in the team's village, which every role's units cover."""
    from langso.devices.models import Allocation, Programme
    from langso.teams.models import Operator, SignalReport

    village = data.village
    # The demo hands its phones over in other villages: move one handover (with a scan of its signed
    # record) to a household of this village.
    Allocation.objects.filter(pk=data.allocation.pk).update(
        household=data.household,
        resident=data.resident,
        village=village,
        scan=b"%PDF-1.4 bien ban",
        scan_content_type="application/pdf",
    )
    data.allocation = Allocation.objects.get(pk=data.allocation.pk)
    # A province's own programme, which its province staff manage (a national one: administrators).
    Programme.objects.filter(pk=data.programme.pk).update(province=data.commune.province)
    data.signal = SignalReport.objects.filter(village=village).first()
    if data.signal is None:
        from langso.teams.services import SignalReportInput, signal_report_create

        data.signal, _outcome = signal_report_create(
            acting_user=data.users["commune_officer"],
            data=SignalReportInput(
                id=uuid.uuid4(),
                village_id=village.pk,
                description="Không có sóng 4G ở cuối thôn",
                operator=Operator.VIETTEL,
                technology="4g",
                reported_on=timezone.localdate(),
            ),
        )
    _group_session_and_invitation(data)
    return data


def _group_session_and_invitation(data: SiteData) -> None:
    """A group session in the data's village that follows an invitation list (issue 15)."""
    from langso.groups import invitations, services

    officer = data.users["commune_officer"]
    data.invitation = invitations.invitation_create(
        acting_user=officer,
        rule=invitations.InvitationRule(invitations.Rule.ADULTS, village_id=data.resident.village_id),
        title="Học cài VNeID",
    )
    data.group_session, _outcome = services.session_record(
        acting_user=officer,
        data=services.SessionInput(
            id=uuid.uuid4(),
            commune_code=data.commune.code,
            held_on=timezone.localdate(),
            place_kind="cultural_house",
            organiser_kind="team",
            invitation_id=data.invitation.pk,
            attendees=(services.Attendee(data.resident.pk),),
        ),
    )


def _client_for(role: str, user: User | None) -> Client:
    """A client signed in as `user` (sign-in itself is tested in the accounts app), with the second
    factor done for the roles that need one, as after a real two-factor sign-in."""
    client = Client()
    if user is None:
        return client
    client.force_login(user)
    if role in TWO_FACTOR_ROLES:
        from django_otp import DEVICE_ID_SESSION_KEY

        session = client.session
        session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
        session.save()
    return client


def _request(client: Client, url: str, method: str, body: dict[str, Any] | None = None) -> Any:
    with transaction.atomic():
        if body is not None:
            response = client.post(url, body, content_type="application/json")
        elif method == "POST":
            response = client.post(url)
        else:
            response = client.get(url)
        transaction.set_rollback(True)
    return response


def _outcome(response: Any) -> str:
    status = response.status_code
    location = response.get("Location", "")
    if status in (301, 302, 303) and (
        reverse("accounts:login") in location or reverse("admin:login") in location
    ):
        return "sign-in"
    if status in ALLOWED_STATUSES:
        return "ok"
    return str(status)


def _url(name: str, data: SiteData, user: User) -> str:
    url = reverse(name, kwargs=KWARGS[name](data, user) if name in KWARGS else None)
    return url + QUERY[name](data) if name in QUERY else url


def _expected(name: str, rule: str, role: str) -> str:
    if rule == Access.NOBODY:
        return "404"
    if name == "accounts:logout":
        return "sign-in"  # signing out ends on the sign-in page, whoever asked
    if role == ANONYMOUS:
        if rule == Access.PUBLIC:
            return "ok"
        return "401" if name.startswith("api:") else "sign-in"
    if rule == Access.DEVICE:
        return "401"  # a session is not a device token
    if rule == Access.CERTIFICATE:
        return "ok" if "registry.view" in ROLE_PERMISSIONS[role] else "404"
    if rule in (Access.PUBLIC, Access.SIGNED_IN, Access.PASSWORD_STEP):
        return "ok"
    if rule not in ROLE_PERMISSIONS[role]:
        return "sign-in" if name.startswith("admin:") else "403"  # Django's admin asks for another account
    held_too_low = name in URL_LEVEL and LEVELS.index(ROLE_LEVEL[role]) > LEVELS.index(URL_LEVEL[name])
    if held_too_low:
        return "404"  # the same answer as for something outside the user's units
    return "ok"


@pytest.mark.slow
def test_every_role_gets_on_every_url_exactly_what_the_table_says() -> None:
    data = _inside_one_village(build_site())
    names = _checked_urls()
    users = {role: _role_user(role, data) for role in Role.values}
    admin = users[Role.ADMINISTRATOR]
    admin_client = _client_for(Role.ADMINISTRATOR, admin)

    methods = dict.fromkeys(API_POSTS, "POST")
    for name in names:
        if name not in methods:
            url = _url(name, data, admin)
            methods[name] = "POST" if _request(admin_client, url, "GET").status_code == 405 else "GET"

    wrong = []
    for role in [ANONYMOUS, *Role.values]:
        user = users.get(role)
        client = _client_for(role, user)
        for name in names:
            rule = url_access(name)
            url = _url(name, data, user or admin)
            outcome = _outcome(_request(client, url, methods[name], API_POSTS.get(name)))
            expected = _expected(name, rule, role)
            if outcome != expected:
                wrong.append(
                    f"{role:16} {methods[name]:4} {name:32} {rule:30} expected {expected}, got {outcome}"
                )
            if name in ("accounts:logout", "skills_public:me_exit", "set_language"):
                client = _client_for(role, user)  # the request ended the session or changed the language

    # What a user made is theirs alone: another user with the same capability gets 404.
    officer_client = _client_for(Role.COMMUNE_OFFICER, users[Role.COMMUNE_OFFICER])
    for name in sorted(URL_OWN):
        url = _url(name, data, users[Role.ADMINISTRATOR])
        if _outcome(_request(officer_client, url, methods[name])) != "404":
            wrong.append(f"commune_officer  {name}: someone else's, expected 404")

    assert not wrong, "\n" + "\n".join(wrong)


def test_the_field_sync_api_takes_a_device_token_and_nothing_else() -> None:
    from langso.accounts.tests.factories import user_with_role
    from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune
    from langso.teams.services import device_token_issue

    member = user_with_role(Role.TEAM_MEMBER, village=VillageFactory(commune=commune(NGHIA_TA)))
    _device, token = device_token_issue(acting_user=member, name="Điện thoại của tổ")
    client = Client()

    with_token = client.get(reverse("api:worklist"), HTTP_AUTHORIZATION=f"Bearer {token}")
    wrong_token = client.get(reverse("api:worklist"), HTTP_AUTHORIZATION="Bearer not-a-token")

    assert with_token.status_code == 200
    assert wrong_token.status_code == 401
    assert client.get(reverse("api:worklist")).status_code == 401
