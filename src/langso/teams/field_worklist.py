"""What a phone downloads: the member's worklist, whole or only what changed since its last download.

Two things make a download small and keep it the member's own:
- the communes' change sequence (`registry.changes`), read *before* the worklist: when nothing in the
  member's communes changed since the phone's cursor, the answer is `{"unchanged": true}`;
- the device remembers what it last received (a version and one hash per household): a phone that
  asks with `delta=1` and the current version gets only the households whose content changed, the ids
  that left its list, and the new order if it moved. The cursor names that version, and the version
  lives on the device's key, so a cursor from another device or another member never counts.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from typing import Any

from django.utils import timezone
from ninja import Schema

from langso.accounts.models import User
from langso.registry import changes
from langso.registry.models import Resident
from langso.skills.explain import all_rules, next_skills_many
from langso.skills.models import CurrentSkillLevel, Skill
from langso.skills.services import published_version
from langso.teams import selectors
from langso.teams.models import DeviceToken, HelpDeskOutcome, Operator, Service, Technology

# Reasons that would reveal sensitive data (poverty status) are not sent to the phone.
PHONE_HIDDEN_REASONS = frozenset({"poor"})
CURSOR_PREFIX = "v2."
META = "_meta"
ORDER = "_order"


class TeachOut(Schema):
    """A next step to teach (skills.explain.next_skills): the skill from `current` up to `target`, for
    the rules it moves the person towards (their keys; the titles come once, in `WorklistOut.rules`)."""

    skill: str
    current: int
    target: int
    because: list[str]


class WorklistPersonOut(Schema):
    id: uuid.UUID
    name: str
    birth_year: int | None
    sex: str
    owns_smartphone: bool
    skills: dict[str, int]
    teach: list[TeachOut] = []


class FollowUpOut(Schema):
    """A check on a phone (or cash) the smartphone programme handed to someone in the household."""

    id: uuid.UUID
    months: int
    due_on: datetime.date
    programme: str
    is_device: bool


class WorklistHouseholdOut(Schema):
    id: uuid.UUID
    code: str
    village: str
    address: str
    head_name: str
    reasons: list[str]
    reason_labels: list[str]
    last_visit: datetime.date | None
    follow_up_on: datetime.date | None
    people: list[WorklistPersonOut]
    device_follow_ups: list[FollowUpOut] = []


class Choice(Schema):
    code: str
    label: str


class WorklistOut(Schema):
    # Opaque: the phone sends it back as ?since= and gets {"unchanged": true} when nothing changed.
    cursor: str
    unchanged: bool = False
    # True: `households` holds only what changed; `removed` what left the list; `order` is the new
    # order when it moved (empty: unchanged); the choices below are sent only when `meta_changed`.
    partial: bool = False
    meta_changed: bool = True
    removed: list[uuid.UUID] = []
    order: list[uuid.UUID] = []
    generated_at: datetime.datetime
    user_id: str = ""
    user_name: str = ""
    households: list[WorklistHouseholdOut] = []
    villages: list[dict[str, str]] = []
    skills: list[Choice] = []
    services: list[Choice] = []
    operators: list[Choice] = []
    technologies: list[Choice] = []
    helpdesk_outcomes: list[Choice] = []
    followup_outcomes: list[Choice] = []
    communes: list[dict[str, Any]] = []
    rules: list[Choice] = []  # the rules a person's `teach` names, by key


def _choices(choices: Any) -> list[Choice]:
    return [Choice(code=value, label=str(label)) for value, label in choices]


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def parse_cursor(since: str) -> tuple[str, dict[int, int]]:
    """(version, commune sequence numbers); an old or malformed cursor has no version."""
    if since.startswith(CURSOR_PREFIX):
        version, _sep, rest = since[len(CURSOR_PREFIX) :].partition(".")
        return version, changes.parse_cursor(rest)
    return "", changes.parse_cursor(since)


def _format_cursor(version: str, values: dict[int, int]) -> str:
    return f"{CURSOR_PREFIX}{version}.{changes.format_cursor(values)}"


def _households(user: User) -> tuple[list[Any], list[WorklistHouseholdOut]]:
    """Only what a visit needs: names, birth years, smartphone, current skill levels. No CCCD,
    ethnicity, poverty status or phone numbers leave the server for the phone."""
    entries = selectors.worklist(user=user)
    people_by_household: dict[uuid.UUID, list[Resident]] = {}
    resident_ids = []
    for person in Resident.objects.filter(household_id__in=[e.household.pk for e in entries]).order_by(
        "sort_key"
    ):
        people_by_household.setdefault(person.household_id, []).append(person)
        resident_ids.append(person.pk)
    levels: dict[uuid.UUID, dict[str, int]] = {}
    for row in CurrentSkillLevel.objects.filter(resident_id__in=resident_ids).values(
        "resident_id", "skill_code", "level"
    ):
        levels.setdefault(row["resident_id"], {})[row["skill_code"]] = row["level"]
    # What to teach today, the same suggestions as the person's page and the web visit form.
    people = [p for group in people_by_household.values() for p in group]
    teach = next_skills_many(people, levels)
    labels = selectors.reason_labels()
    households = []
    for entry in entries:
        reasons = [r for r in entry.reasons if r not in PHONE_HIDDEN_REASONS]
        households.append(
            WorklistHouseholdOut(
                id=entry.household.pk,
                code=entry.household.code,
                village=entry.village_name,
                address=entry.household.address,
                head_name=entry.head_name,
                reasons=reasons,
                reason_labels=[labels[r] for r in reasons],
                last_visit=entry.last_visit,
                follow_up_on=entry.follow_up_on,
                people=[
                    WorklistPersonOut(
                        id=p.pk,
                        name=p.full_name,
                        birth_year=p.birth_year,
                        sex=p.sex,
                        owns_smartphone=p.owns_smartphone,
                        skills=levels.get(p.pk, {}),
                        teach=[
                            TeachOut(
                                skill=t.skill.code,
                                current=t.current,
                                target=t.target,
                                because=list(t.rule_keys),
                            )
                            for t in teach.get(p.pk, [])
                        ],
                    )
                    for p in people_by_household.get(entry.household.pk, [])
                ],
                device_follow_ups=[
                    FollowUpOut(
                        id=f.pk,
                        months=f.months,
                        due_on=f.due_on,
                        programme=f.allocation.programme.name,
                        is_device=f.allocation.kind == "device",
                    )
                    for f in entry.device_follow_ups
                ],
            )
        )
    return entries, households


def _meta(user: User, language: str, entries: list[Any]) -> dict[str, Any]:
    from langso.devices.models import Outcome as FollowUpOutcome

    memberships = list(selectors.memberships_of(user).select_related("team__village", "team__commune"))
    villages = {str(m.team.village_id): m.team.village.name for m in memberships}
    for entry in entries:
        villages.setdefault(str(entry.household.village_id), entry.village_name)
    communes = {m.team.commune_id: m.team.commune.name for m in memberships}
    return {
        "villages": [{"id": k, "name": v} for k, v in sorted(villages.items(), key=lambda kv: kv[1])],
        "skills": [
            Choice(code=s.code, label=s.display_name(language))
            for s in Skill.objects.filter(version=published_version()).order_by("position")
        ],
        "services": _choices(Service.choices),
        "operators": _choices(Operator.choices),
        "technologies": _choices(Technology.choices),
        "helpdesk_outcomes": _choices(HelpDeskOutcome.choices),
        "followup_outcomes": _choices(FollowUpOutcome.choices),
        "communes": [{"code": k, "name": v} for k, v in communes.items()],
        "rules": _rule_titles({m.team.commune.province_id for m in memberships}),
    }


def _rule_titles(provinces: set[int]) -> list[Choice]:
    titles: dict[str, str] = {}
    province_ids: list[int | None] = [*sorted(provinces)] or [None]  # no province: the national rules
    for province in province_ids:
        for rule in all_rules(province):
            titles.setdefault(rule.key, str(rule.title))
    return [Choice(code=key, label=title) for key, title in titles.items()]


def worklist_for_device(
    *, device: DeviceToken, since: str = "", delta: bool = False, language: str = "vi"
) -> WorklistOut:
    user = device.user
    communes = set(selectors.memberships_of(user).values_list("team__commune_id", flat=True))
    values = changes.current_values(communes)
    version, previous = parse_cursor(since[:4000])
    known = bool(version) and version == device.worklist_version
    now = timezone.now()
    if known and communes and all(previous.get(c, -1) >= v for c, v in values.items()):
        return WorklistOut(cursor=_format_cursor(version, values), unchanged=True, generated_at=now)

    entries, households = _households(user)
    meta = _meta(user, language, entries)
    hashes = {str(h.id): _digest(h.model_dump(mode="json")) for h in households}
    hashes[META] = _digest(
        {k: [c.model_dump() if isinstance(c, Schema) else c for c in v] for k, v in meta.items()}
    )
    hashes[ORDER] = _digest([str(h.id) for h in households])
    old = device.worklist_hashes or {}
    if known and hashes == old:
        return WorklistOut(cursor=_format_cursor(version, values), unchanged=True, generated_at=now)

    new_version = uuid.uuid4().hex[:16]
    DeviceToken.objects.filter(pk=device.pk).update(worklist_version=new_version, worklist_hashes=hashes)
    answer = WorklistOut(
        cursor=_format_cursor(new_version, values),
        generated_at=now,
        user_id=str(user.pk),
        user_name=str(user),
        households=households,
        **meta,
    )
    if not (known and delta):
        return answer
    answer.partial = True
    answer.households = [h for h in households if old.get(str(h.id)) != hashes[str(h.id)]]
    answer.removed = [uuid.UUID(k) for k in old if not k.startswith("_") and k not in hashes]
    answer.order = [h.id for h in households] if old.get(ORDER) != hashes[ORDER] else []
    answer.meta_changed = old.get(META) != hashes[META]
    if not answer.meta_changed:
        for name in meta:
            setattr(answer, name, [])
    return answer
