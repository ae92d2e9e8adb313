"""A run of home visits from one phone's batch, checked with a fixed number of queries and written in bulk.

A phone sends up to 100 records at a time; stored one by one, each visit cost a dozen statements
(household, members, catalogue, assignment, membership, visit, people present, skill record, current
level, certificates, change counter, audit) and held its commune's change counter until it committed.
Here the whole run is checked with the same rules as `teams.visits.visit_record` (`visit_errors`),
against what a handful of queries fetched for all of it, and the good visits are written with one
INSERT per table (core.bulk) and one INSERT of the audit trail (still one line per visit and per skill
record). The change triggers hold their bumps while the run is written (registry.changes.held_bumps):
each commune's counter moves once for the run, in one statement just before the commit, so another
batch of the same commune waits on its counter row only for that bump and the commit.

What stays the same as one by one: one result per record, in order; a bad record is refused with its
reasons and never blocks the others; a UUID already stored is a duplicate (same content) or refused
(other content). If a bulk write fails anyway (the same UUID arriving from two phones at the same
moment, a person's first level in a skill written by two batches at once), the run's writes are rolled
back and its good visits are stored one by one (`visit_record`, each in its own savepoint), so the
results stay exact.

Visits that correct a fact or find the household without a smartphone take the per-record path in
`field.sync` (they lock and compare the facts they change); they are rare.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.access import Perm, units_q
from langso.accounts.models import User
from langso.core import audit, bulk
from langso.core.models import AuditAction, AuditEntry
from langso.registry import changes
from langso.registry.models import Household, Resident
from langso.skills.certificates import _issue, meets
from langso.skills.models import (
    Certificate,
    CertificateProgramme,
    CurrentSkillLevel,
    Evidence,
    Skill,
    SkillRecord,
)
from langso.skills.rules import Observation, current_levels
from langso.skills.selectors import published_skills
from langso.teams import visits as team_visits
from langso.teams.models import (
    DeviceToken,
    FactConflict,
    HouseholdAssignment,
    TeamMember,
    Visit,
    VisitService,
    VisitSkill,
)
from langso.teams.synced import SyncConflict, content_hash

# (status, errors, notes) for each visit of the run, in order.
Outcome = tuple[str, dict[str, list[str]], list[str]]


@dataclass
class _Good:
    """A visit that passed every check and is not stored yet."""

    index: int
    data: team_visits.VisitInput
    digest: str
    household: Household
    members: dict[uuid.UUID, Resident]
    visited_on: datetime.date
    follow_up_on: datetime.date | None
    present: list[uuid.UUID]


def store_visits(
    *, user: User, device: DeviceToken | None, visits: list[team_visits.VisitInput]
) -> list[Outcome]:
    """Store a run of visits recorded by `user` (distinct UUIDs, none correcting a fact or saying the
    household has no smartphone). Returns one outcome per visit, in order."""
    outcomes: list[Outcome | None] = [None] * len(visits)
    if not visits:
        return []
    scope_q = units_q(user, Perm.VISIT_RECORD)
    # Only the columns the checks and the rows need: a hundred households and their people, read as
    # whole rows, cost more in parsing than in the database.
    households = {
        h.pk: h
        for h in Household.objects.filter(scope_q)
        .filter(pk__in={v.household_id for v in visits})
        .only("id", "code", "village_id", "commune_id", "province_id")
    }
    members_of: dict[uuid.UUID, dict[uuid.UUID, Resident]] = defaultdict(dict)
    people = Resident.objects.filter(household_id__in=list(households)).only(
        "id", "household_id", "village_id", "commune_id", "province_id"
    )
    for resident in people:
        members_of[resident.household_id][resident.pk] = resident
    skills = {s.code: s for s in published_skills()}
    stored = dict(Visit.objects.filter(pk__in=[v.id for v in visits]).values_list("pk", "content_hash"))

    good: list[_Good] = []
    duplicates: list[int] = []
    for index, data in enumerate(visits):
        household = households.get(data.household_id)
        if household is None:
            outcomes[index] = (
                "rejected",
                {"household": [_("Không tìm thấy hộ này trong phạm vi của bạn.")]},
                [],
            )
            continue
        members = members_of[household.pk]
        errors, visited_on, follow_up_on, present = team_visits.visit_errors(data, household, members, skills)
        if errors:
            outcomes[index] = ("rejected", errors, [])
            continue
        digest = content_hash(data.payload())
        if data.id in stored:
            if stored[data.id] != digest:
                outcomes[index] = ("rejected", {"id": [SyncConflict(data.id).message]}, [])
            else:
                duplicates.append(index)
            continue
        assert visited_on is not None  # visit_errors reports a missing date
        good.append(_Good(index, data, digest, household, members, visited_on, follow_up_on, present))

    if duplicates:
        notes = _conflict_notes([visits[i].id for i in duplicates])
        for index in duplicates:
            outcomes[index] = ("duplicate", {}, notes.get(visits[index].id, []))

    if good:
        try:
            # The counters are bumped once per commune, last: the counter row is locked only for the
            # bump and the commit, not while the run's tables are written.
            with transaction.atomic(), changes.held_bumps():
                _write(user=user, device=device, good=good, skills=skills)
        except (IntegrityError, DataError):
            # Someone stored one of these at the same moment, or a row the checks could not foresee:
            # one by one, each in its own savepoint, gives every record its exact result.
            for item in good:
                outcomes[item.index] = _one_by_one(user, device, item.data)
        else:
            for item in good:
                outcomes[item.index] = ("stored", {}, [])
    return [o for o in outcomes if o is not None]


def _one_by_one(user: User, device: DeviceToken | None, data: team_visits.VisitInput) -> Outcome:
    try:
        _visit, outcome = team_visits.visit_record(acting_user=user, device=device, data=data)
    except ValidationError as error:
        return (
            "rejected",
            error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages},
            [],
        )
    except SyncConflict as conflict:
        return ("rejected", {"id": [conflict.message]}, [])
    notes = _conflict_notes([data.id]).get(data.id, []) if outcome == "duplicate" else []
    return (outcome, {}, notes)


def _conflict_notes(visit_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    """What the member should know about corrections their stored visits made (one query)."""
    notes: dict[uuid.UUID, list[str]] = {}
    for conflict in FactConflict.objects.filter(visit_id__in=visit_ids).select_related("resident"):
        notes.setdefault(conflict.visit_id, []).append(team_visits.conflict_note(conflict))
    return notes


def _memberships(user: User) -> list[TeamMember]:
    return list(TeamMember.objects.filter(user=user, is_active=True).select_related("team"))


def _write(*, user: User, device: DeviceToken | None, good: list[_Good], skills: dict[str, Skill]) -> None:
    """Every table once for the whole run."""
    assigned = dict(
        HouseholdAssignment.objects.filter(household_id__in={g.household.pk for g in good}).values_list(
            "household_id", "member__team_id"
        )
    )
    memberships = _memberships(user)
    recorder = user if getattr(user, "is_authenticated", False) else None
    today = timezone.localdate()
    note = _("Buổi hướng dẫn tại nhà")

    visits: list[Visit] = []
    present: list[Any] = []
    records: list[SkillRecord] = []
    visit_skills: list[VisitSkill] = []
    visit_services: list[VisitService] = []
    lines: list[AuditEntry] = []
    reprs: dict[tuple[str, int], str] = {}
    for item in good:
        data, household = item.data, item.household
        team_id, member = team_visits.visit_member(memberships, household, assigned.get(household.pk))
        visit = Visit(
            **team_visits.visit_values(
                data,
                digest=item.digest,
                device=device,
                user=user,
                household=household,
                team_id=team_id,
                member=member,
                visited_on=item.visited_on,
                follow_up_on=item.follow_up_on,
            )
        )
        visits.append(visit)
        present += [
            Visit.present.through(visit_id=data.id, resident_id=pid) for pid in dict.fromkeys(item.present)
        ]
        for taught in data.skills:
            resident = item.members[taught.resident_id]
            skill = skills[taught.skill_code]
            record = SkillRecord(
                resident=resident,
                skill=skill,
                skill_code=skill.code,
                level=taught.level,
                evidence=Evidence.OBSERVED,
                recorded_on=min(item.visited_on, today),
                recorded_by=recorder,
                note=note,
                province_id=resident.province_id,
                commune_id=resident.commune_id,
                village_id=resident.village_id,
            )
            records.append(record)
            visit_skills.append(
                VisitSkill(
                    visit_id=data.id,
                    resident_id=taught.resident_id,
                    skill_code=taught.skill_code,
                    level=taught.level,
                    skill_record_id=record.pk,
                )
            )
            lines.append(
                audit.entry(
                    actor=user,
                    action=AuditAction.CREATE,
                    obj=record,
                    # str(record), once per skill and level: its translated level label is dear.
                    object_repr=reprs.get((skill.code, taught.level))
                    or reprs.setdefault((skill.code, taught.level), str(record)[:200]),
                    resident_id=resident.pk,
                    changes={
                        "skill": skill.code,
                        "level": taught.level,
                        "evidence": Evidence.OBSERVED,
                        "recorded_on": record.recorded_on.isoformat(),
                    },
                )
            )
        visit_services += [
            VisitService(visit_id=data.id, resident_id=s.resident_id, service=s.service)
            for s in set(data.services)
        ]
        lines.append(
            audit.entry(
                actor=user,
                action=AuditAction.CREATE,
                obj=visit,
                changes={
                    "household": household.code,
                    "visited_on": str(item.visited_on),
                    "skills": len(data.skills),
                },
            )
        )

    # Current levels are locked before the history is read, so two batches teaching the same person
    # the same skill at once cannot leave the older level standing.
    touched = {r.resident_id for r in records}
    held_levels = {
        (c.resident_id, c.skill_code): c
        for c in CurrentSkillLevel.objects.select_for_update()
        .filter(resident_id__in=touched)
        .order_by("resident_id", "skill_code")
    }
    history = _history(records)

    # One INSERT per table, without bulk_create's value-by-value compilation (core.bulk).
    bulk.insert(visits)
    bulk.insert(present)
    bulk.insert(records)
    bulk.insert(visit_skills)
    bulk.insert(visit_services)
    _update_current_levels(records, history, held_levels)
    _issue_due_certificates(user, records, held_levels)
    audit.record_many(lines)


def _history(records: list[SkillRecord]) -> dict[tuple[uuid.UUID, str], list[Observation]]:
    """The stored history of every (person, skill) the run teaches, oldest first, then the run's own."""
    pairs = {(r.resident_id, r.skill_code) for r in records}
    history: dict[tuple[uuid.UUID, str], list[Observation]] = defaultdict(list)
    stored = (
        SkillRecord.objects.filter(
            resident_id__in={p[0] for p in pairs}, skill_code__in={p[1] for p in pairs}
        )
        .order_by("created_at")
        .values_list("resident_id", "skill_code", "level", "evidence", "recorded_on")
    )
    for resident_id, code, level, evidence, recorded_on in stored:
        if (resident_id, code) in pairs:
            seen = history[(resident_id, code)]
            seen.append(Observation(code, level, evidence, recorded_on, len(seen)))
    for r in records:
        seen = history[(r.resident_id, r.skill_code)]
        seen.append(Observation(r.skill_code, r.level, r.evidence, r.recorded_on, len(seen)))
    return history


def _update_current_levels(
    records: list[SkillRecord],
    history: dict[tuple[uuid.UUID, str], list[Observation]],
    held: dict[tuple[uuid.UUID, str], CurrentSkillLevel],
) -> None:
    """The rule of skills.rules over each touched history; one UPDATE and one INSERT for the run.
    `held` is brought up to date (the certificates read it)."""
    people = {r.resident_id: r.resident for r in records}
    changed: list[CurrentSkillLevel] = []
    new: list[CurrentSkillLevel] = []
    for (resident_id, code), observations in history.items():
        level = current_levels(observations)[code]
        row = held.get((resident_id, code))
        if row is None:
            resident = people[resident_id]
            held[(resident_id, code)] = CurrentSkillLevel(
                resident_id=resident_id,
                skill_code=code,
                level=level.level,
                evidence=level.evidence,
                recorded_on=level.recorded_on,
                province_id=resident.province_id,
                commune_id=resident.commune_id,
                village_id=resident.village_id,
            )
            new.append(held[(resident_id, code)])
        elif (row.level, row.evidence, row.recorded_on) != (level.level, level.evidence, level.recorded_on):
            row.level, row.evidence, row.recorded_on = level.level, level.evidence, level.recorded_on
            changed.append(row)
    if changed:
        CurrentSkillLevel.objects.bulk_update(changed, ["level", "evidence", "recorded_on"])
    if new:
        bulk.insert(new)


def _issue_due_certificates(
    user: User, records: list[SkillRecord], held: dict[tuple[uuid.UUID, str], CurrentSkillLevel]
) -> None:
    """`certificates.issue_due_certificates` for every person the run taught: two queries for all of
    them, then one certificate at a time for those who just completed a programme (rare)."""
    if not records:
        return
    programmes = list(CertificateProgramme.objects.filter(active=True))
    if not programmes:
        return
    people = {r.resident_id: r.resident for r in records}
    levels: dict[uuid.UUID, dict[str, int]] = defaultdict(dict)
    for (resident_id, code), row in held.items():
        levels[resident_id][code] = row.level
    holding: dict[uuid.UUID, set[Any]] = defaultdict(set)
    for resident_id, programme_id in Certificate.objects.filter(
        resident_id__in=list(people), revoked_at__isnull=True
    ).values_list("resident_id", "programme_id"):
        holding[resident_id].add(programme_id)
    for resident_id, resident in people.items():
        for programme in programmes:
            if programme.pk not in holding[resident_id] and meets(
                programme.required_levels, levels[resident_id]
            ):
                _issue(resident=resident, programme=programme, levels=levels[resident_id], acting_user=user)
