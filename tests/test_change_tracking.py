"""Every write a worklist or a number can show moves its commune's change sequence.

The tables are not listed by hand: the first test runs every fact of `campaigns/facts.py` and a phone's
worklist download over the demo data, reads the tables out of the SQL they ran, and fails when one of
them has no change trigger in the database. The second writes a row of every tracked table through
`save`, `bulk_create`, `update`, `bulk_update` and `delete` (and a raw `DELETE`) and fails when the
number of the row's commune does not move. The third makes sure a new model with a path to a commune,
village, household or person is tracked or named below with the reason it need not be.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from langso.registry.change_tracking import tracked_tables
from langso.registry.changes import current_values

pytestmark = pytest.mark.django_db

UNIT_MODELS = {
    "places.Province",
    "places.Commune",
    "places.Village",
    "registry.Household",
    "registry.Resident",
}

# Models with a path to a unit that neither a fact nor a phone's worklist reads, and why.
UNTRACKED = {
    "places.Province": "the units are loaded from vietnam-provinces; a reload recomputes everything",
    "places.Commune": "the units are loaded from vietnam-provinces; a reload recomputes everything",
    "registry.ImportJob": "the job's own progress; the rows it writes are tracked",
    "registry.ImportColumnMapping": "how a commune's Excel columns map to fields: read by the import only",
    "registry.CommuneChangeCounter": "the sequence itself",
    "registry.Consent": "read live where a purpose needs it (a candidate list is made live)",
    "skills.Certificate": "read live on a person's page and the certificate pages",
    "skills.CitizenAccessCode": "a citizen's one-time code: read live by the citizen page",
    "teams.SignalReportEvent": "the report's history, read live; the report row is tracked",
    "teams.HeldRecord": "a record from a revoked phone waiting for the commune: not counted until accepted",
    "teams.FactConflict": "a value a phone disagreed on, read live on the conflicts page",
    "campaigns.Campaign": "targets and their campaign are read live next to the cached values",
    "campaigns.Target": "read live next to the cached values",
    "campaigns.WeeklyReport": "a stored document of one day",
    "campaigns.CommuneRollup": "the cache's own bookkeeping",
    "devices.CandidateList": "read live on the programme pages; a handover (tracked) is what counts",
    "devices.Candidate": "read live on the programme pages; a handover (tracked) is what counts",
    "devices.Device": "the inventory, read live; a handover (tracked) is what counts",
    "devices.DeviceImport": "the job's own progress; the devices it writes are inventory",
    "devices.FieldFollowUp": "the phone's copy of a follow-up; the follow-up row is tracked",
    "groups.AttendanceSkill": "the level set for one attendee; the skill record it writes is tracked",
    "groups.Invitation": "who was asked to come, read live on the session and invitation pages",
    "groups.InvitedPerson": "who was asked to come, read live on the session and invitation pages",
    "outside_lists.OutsideList": "the upload's own record; the evidence it writes is tracked",
    "outside_lists.ListEntry": "a list's rows, read live on the review and unmatched pages; evidence is tracked",
}
# Tables a fact or a worklist reads that are not per-commune data.
NOT_COMMUNE_DATA = {
    "places_province": "the units themselves",
    "places_commune": "the units themselves",
    "accounts_user": "a member's display name",
    "teams_devicetoken": "the phone's own key (what it last received)",
    "registry_communechangecounter": "the sequence itself",
    "campaigns_currentvalue": "the cache itself",
    "campaigns_communerollup": "the cache's own bookkeeping",
}


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True
    from langso.site.demo import load_demo_data

    load_demo_data(households_per_village=3)
    _extra_rows()


def _extra_rows() -> None:
    """Rows of the tracked tables the demo does not make."""
    from langso.accounts.models import User
    from langso.campaigns.services import committee_save
    from langso.places.models import Commune
    from langso.registry.models import Consent, Resident

    officer = User.objects.get(username="xa.nghiata")
    person = Resident.objects.filter(commune_id=2071).order_by("sort_key").first()
    Consent.objects.create(
        resident=person, purpose="contact", recorded_on=timezone.localdate(), recorded_by=officer
    )
    committee_save(
        acting_user=officer,
        commune=Commune.objects.get(code=2071),
        established_on=timezone.localdate(),
        decision="Quyết định 12/QĐ-UBND",
    )
    _outside_evidence(officer, person)


def _outside_evidence(officer: Any, person: Any) -> None:
    """The person on a commune police list of level-2 activations (langso.outside_lists)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from langso.outside_lists.imports import list_upload
    from langso.outside_lists.models import OutsideEvidence
    from langso.outside_lists.services import evidence_write

    born = person.birth_date.strftime("%d/%m/%Y") if person.birth_date else str(person.birth_year or 1970)
    text = f"Họ tên;Ngày sinh;Số CCCD;Thôn\r\n{person.full_name};{born};{person.cccd or ''};{person.village.name}\r\n"
    outside = list_upload(
        acting_user=officer,
        source="police",
        province=person.commune.province,
        commune=person.commune,
        upload=SimpleUploadedFile("cong-an.csv", text.encode()),
    )
    if not OutsideEvidence.objects.exists():  # a namesake made the row wait for review
        evidence_write(acting_user=officer, entry=outside.entries.get(), resident=person)


def _tables_in(sql_list: list[str]) -> set[str]:
    names = set(connection.introspection.table_names())
    found = set()
    for sql in sql_list:
        found |= {n for n in re.findall(r'"([a-z_0-9]+)"', sql) if n in names}
    return found


def _fact_params() -> Iterator[tuple[str, dict[str, Any]]]:
    from langso.campaigns.facts import FACTS

    samples = {
        "skill": "vneid_level2",
        "area": "identity",
        "field": "mobile_4g",
        "level": 3,
        "days": 14,
        "way": "police",
    }
    for name, fact in FACTS.items():
        yield name, {p: samples[p] for p in fact.params}


def test_every_table_a_fact_or_a_worklist_reads_carries_the_change_triggers(demo):
    from langso.accounts.models import User
    from langso.campaigns.facts import FACTS, FactContext
    from langso.field.worklist import worklist_for_device
    from langso.teams import selectors
    from langso.teams.models import DeviceToken

    ctx = FactContext(day=timezone.localdate(), commune_code=2071)
    with CaptureQueriesContext(connection) as queries:
        for name, params in _fact_params():
            FACTS[name].count(ctx, **params)
        member = User.objects.get(username="thanhvien.banCau")
        selectors.worklist(user=member)
        device = DeviceToken.objects.create(user=member, name="Điện thoại thử", token_hash=uuid.uuid4().hex)
        worklist_for_device(device=device)
    read = _tables_in([q["sql"] for q in queries.captured_queries])

    assert {"registry_resident", "teams_visit", "devices_allocation"} <= read  # the capture works
    missing = read - tracked_tables(connection) - set(NOT_COMMUNE_DATA)
    assert not missing, f"read by a fact or a worklist but written without moving the commune: {missing}"


def _models_with_unit_path() -> set[str]:
    """Models whose foreign keys (directly or through other models) reach a commune or below."""
    labels: set[str] = set()
    changed = True
    while changed:
        changed = False
        for model in apps.get_models(include_auto_created=True):
            label = model._meta.label
            if label in labels or not model.__module__.startswith("langso."):
                continue
            targets = {f.related_model._meta.label for f in model._meta.concrete_fields if f.is_relation}
            if label in UNIT_MODELS or targets & (UNIT_MODELS | labels):
                labels.add(label)
                changed = True
    return labels


def test_every_model_with_a_path_to_a_commune_is_tracked_or_says_why_not():
    tracked = tracked_tables(connection)
    untracked = []
    for label in sorted(_models_with_unit_path()):
        model = apps.get_model(label)
        if model._meta.db_table in tracked:
            assert not UNTRACKED.get(label), f"{label} is tracked: drop it from UNTRACKED"
            continue
        if not UNTRACKED.get(label):
            untracked.append(label)
    assert not untracked, (
        f"{untracked} reach a commune but carry no change trigger: add a TrackCommuneChanges migration "
        "(registry/change_tracking.py) or say in UNTRACKED why no worklist or number reads them"
    )


def _commune_moved(obj: models.Model) -> list[int]:
    """The commune whose sequence the row's writes must move."""
    from langso.places.models import Commune

    if getattr(obj, "commune_id", None):
        return [obj.commune_id]
    for parent in ("village", "team", "household", "visit", "resident"):
        if getattr(obj, f"{parent}_id", None):
            return [getattr(obj, parent).commune_id]
    if getattr(obj, "province_id", None):
        return [Commune.objects.filter(province_id=obj.province_id).order_by("code")[0].code]
    return [2071]  # national rows: every commune moves, 2071 among them


def _tracked_models() -> list[type[models.Model]]:
    tracked = tracked_tables(connection)
    return sorted(
        (m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in tracked),
        key=lambda m: m._meta.db_table,
    )


class _Rollback(Exception):
    pass


def test_each_tracked_table_moves_its_commune_on_every_kind_of_write(demo):
    from langso.registry.models import Resident

    checked = []
    for model in _tracked_models():
        rows = model.objects.all()
        if model is Resident:
            rows = rows.filter(commune_id=2071)
        obj = rows.order_by("pk").first()
        assert obj is not None, f"the demo has no row of {model._meta.label}: add one in _extra_rows()"
        communes = _commune_moved(obj)
        field = next(f for f in model._meta.concrete_fields if not f.primary_key)

        def moved(write, *, label, communes=communes, model=model) -> None:
            before = current_values(communes)
            write()
            after = current_values(communes)
            assert all(after[c] > before[c] for c in communes), f"{model._meta.label}: {label} moved nothing"

        try:
            with transaction.atomic():
                moved(lambda obj=obj: obj.save(), label="save()")
                moved(
                    lambda obj=obj, f=field, m=model: m.objects.filter(pk=obj.pk).update(
                        **{f.attname: F(f.attname)}
                    ),
                    label="QuerySet.update()",
                )
                moved(
                    lambda obj=obj, f=field, m=model: m.objects.bulk_update([obj], [f.name]),
                    label="bulk_update()",
                )
                moved(
                    lambda obj=obj, m=model: m.objects.filter(pk=obj.pk)._raw_delete(m.objects.db),
                    label="DELETE",
                )
                moved(lambda obj=obj, m=model: m.objects.bulk_create([obj]), label="bulk_create()")
                moved(lambda obj=obj: _orm_delete(obj), label="delete()")
                raise _Rollback
        except _Rollback:
            pass
        checked.append(model._meta.label)
    assert len(checked) >= 20


def _orm_delete(obj: models.Model) -> None:
    from django.db import IntegrityError
    from django.db.models import ProtectedError, RestrictedError

    try:
        with transaction.atomic():
            obj.delete()
    except (ProtectedError, RestrictedError, IntegrityError):
        # Rows other rows depend on (or a person whose help-desk sessions need a name once the person
        # goes, which the erasure service writes): the raw DELETE above already proved the trigger.
        with transaction.atomic():
            type(obj).objects.filter(pk=obj.pk)._raw_delete(type(obj).objects.db)


def test_a_write_in_one_commune_moves_only_that_commune(demo):
    from langso.places.tests.factories import VillageFactory, commune

    before = current_values([2071, 24301])
    VillageFactory(commune=commune(2071))
    after = current_values([2071, 24301])
    assert after[2071] > before[2071] and after[24301] == before[24301]


def test_a_national_rule_moves_every_commune_and_a_provincial_programme_only_its_province(demo):
    from langso.devices.models import Programme
    from langso.skills.models import RuleKind, SkillRule

    before = current_values([2071, 24301])
    rule = SkillRule.objects.get(kind=RuleKind.DIGITAL_CITIZEN, province__isnull=True)
    rule.save()
    middle = current_values([2071, 24301])
    assert middle[2071] > before[2071] and middle[24301] > before[24301]

    programme = Programme.objects.first()
    Programme.objects.filter(pk=programme.pk).update(province_id=19)
    after = current_values([2071, 24301])
    assert after[2071] > middle[2071]  # Thái Nguyên (19)
    assert after[24301] > middle[24301]  # it was national before the update: the old province moves too
    Programme.objects.filter(pk=programme.pk).update(name=F("name"))
    last = current_values([2071, 24301])
    assert last[2071] > after[2071] and last[24301] == after[24301]


def test_a_deleted_commune_takes_its_counter_with_it_whatever_order_the_deletes_come_in():
    """A flush deletes table by table in an order that changes from one process to the next: the
    counter table may be emptied first, then a household's delete bumps its commune again, then the
    commune goes. Its counter row must go with it, or the commit fails on the counter's foreign key."""
    from langso.places.models import Commune
    from langso.places.tests.factories import commune
    from langso.registry.models import CommuneChangeCounter
    from langso.registry.tests.factories import HouseholdFactory

    household = HouseholdFactory()
    code = household.village.commune_id
    other = commune(2071 if code != 2071 else 24301).code
    HouseholdFactory(village__commune=commune(other))
    with pytest.raises(RuntimeError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM registry_communechangecounter")
        cursor.execute("DELETE FROM registry_resident")
        cursor.execute("DELETE FROM registry_household")  # both communes still exist: both move
        assert all(value > 0 for value in current_values([code, other]).values())
        cursor.execute("DELETE FROM places_village")
        cursor.execute("DELETE FROM places_commune WHERE code = %s", [code])
        assert not CommuneChangeCounter.objects.filter(commune_id=code).exists()
        assert CommuneChangeCounter.objects.filter(commune_id=other).exists()
        assert Commune.objects.filter(code=other).exists()
        raise RuntimeError("roll back")


def test_every_table_a_migration_tracks_has_its_triggers_and_a_rebuilt_table_gets_them_back():
    """SQLite alters a table by rebuilding it, which drops its triggers: migrate puts them back."""
    from langso.registry.change_tracking import declared_operations, drop_sql, ensure_change_triggers

    declared = set(declared_operations(connection))
    assert declared == tracked_tables(connection)
    with connection.cursor() as cursor:
        for statement in drop_sql(connection.vendor, "registry_resident"):
            cursor.execute(statement)
    assert "registry_resident" not in tracked_tables(connection)

    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # nothing to apply, but post_migrate puts the triggers back
    assert tracked_tables(connection) == declared
    assert ensure_change_triggers(connection.alias) == []


@pytest.mark.parametrize("mode", ["all", "valid_only"])
def test_an_import_moves_the_commune_once_the_rows_are_written_and_a_dry_run_does_not(mode):
    """The import's writers (bulk creates and updates, chunk by chunk) carry no call of their own."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from langso.accounts.tests.factories import commune_officer
    from langso.places.tests.factories import NGHIA_TA, VillageFactory, commune
    from langso.registry import imports
    from langso.registry.tests.test_import import BC, GOOD, _xlsx

    home = commune(NGHIA_TA)
    VillageFactory(commune=home, name=BC)
    officer = commune_officer(home)
    before = current_values([NGHIA_TA])[NGHIA_TA]
    upload = SimpleUploadedFile("dan.xlsx", _xlsx(GOOD))
    job = imports.job_check(
        imports.job_create(acting_user=officer, kind="residents", commune=home, upload=upload)
    )
    assert current_values([NGHIA_TA])[NGHIA_TA] == before  # the dry run wrote nothing that counts
    imports.job_write(imports.job_confirm(acting_user=officer, job=job, mode=mode))
    assert current_values([NGHIA_TA])[NGHIA_TA] > before
