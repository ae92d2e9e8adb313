"""Writes of smartphone programmes. Each takes the acting user, validates, writes and records the audit
entry in the same transaction.

Allocation is the one place where two officers may act at once. It is safe because:
- the commune's quota row is locked first (`select_for_update`), so the count of places used that the
  service reads cannot change until it commits: no quota place is given twice;
- a free device is picked with `select_for_update(skip_locked=True)`: two officers never wait for, nor
  take, the same handset;
- partial unique indexes (one active allocation per device, one per recipient in a programme) make the
  database refuse a double even if some other code path forgets the locks.
On SQLite (one commune laptop) writes are serialised by IMMEDIATE transactions, which gives the same result.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from langso.accounts.access import Perm, scope_for
from langso.accounts.models import User
from langso.core import audit
from langso.core.models import AuditAction
from langso.core.text import clean_text
from langso.core.validators import normalize_phone
from langso.devices import rules
from langso.devices.models import (
    Allocation,
    AllocationKind,
    AllocationStatus,
    Candidate,
    CandidateList,
    CommuneQuota,
    Condition,
    Device,
    DeviceStatus,
    FollowUp,
    ListStatus,
    Outcome,
    Per,
    Programme,
    Source,
    recipient_key,
)
from langso.places.models import Commune
from langso.registry.models import Household, Resident, SmartphoneSource
from langso.registry.services import resident_smartphone_set

# The signed handover record, photographed on a phone or scanned. Kept in the database rather than
# under MEDIA: it is personal data that must only be served through the scoped view (never a public
# media URL), it is backed up and restored with the rows it belongs to, and a phone photo shrunk for
# upload is small. Larger files are refused with a message saying how to make them smaller.
MAX_SCAN_BYTES = 2 * 1024 * 1024
SCAN_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png", b"%PDF-": "application/pdf"}

PROGRAMME_FIELDS = [
    "name",
    "funder",
    "province",
    "starts_on",
    "ends_on",
    "device_models",
    "package_sim",
    "package_data_gb",
    "package_months",
    "package_notes",
    "training_required",
    "training_notes",
    "poverty_classes",
    "poverty_max_age_years",
    "min_age",
    "require_no_smartphone",
    "exclude_earlier_recipients",
    "per",
    "elderly_age",
    "weight_poor",
    "weight_near_poor",
    "weight_elderly",
    "weight_disability",
    "weight_minority",
    "weight_no_phone_visit",
    "cash_allowed",
    "cash_amount",
]


def _in_scope(
    user: User, perm: str, *, commune_id: int | None, province_id: int | None, village_id: Any = None
) -> bool:
    """Whether the user's units for `perm` cover this place (a village only where one is given)."""
    scope = scope_for(user, perm)
    return (
        scope.everything
        or (commune_id is not None and commune_id in scope.commune_codes)
        or (province_id is not None and province_id in scope.province_codes)
        or (village_id is not None and village_id in scope.village_ids)
    )


def _require(
    user: User, perm: str, *, commune_id: int | None, province_id: int | None, village_id: Any = None
) -> None:
    if not _in_scope(user, perm, commune_id=commune_id, province_id=province_id, village_id=village_id):
        raise PermissionDenied


def may_manage_programme(user: User, programme: Programme | None, province_id: int | None = None) -> bool:
    """Province staff manage their province's programmes; a national programme only administrators."""
    province_id = programme.province_id if programme is not None else province_id
    scope = scope_for(user, Perm.PROGRAMME_MANAGE)
    return scope.everything or (province_id is not None and province_id in scope.province_codes)


# --- Programmes and quotas ---------------------------------------------------------------------------


def programme_save(*, acting_user: User, programme: Programme | None = None, **values: Any) -> Programme:
    unknown = set(values) - set(PROGRAMME_FIELDS)
    if unknown:
        raise TypeError(f"unknown programme fields: {sorted(unknown)}")
    province = values.get("province", programme.province if programme else None)
    if not may_manage_programme(acting_user, None, province_id=getattr(province, "pk", province)):
        raise PermissionDenied
    if programme is not None and not may_manage_programme(acting_user, programme):
        raise PermissionDenied
    creating = programme is None
    programme = programme or Programme(created_by=acting_user)
    before = audit.snapshot(programme) if not creating else {}
    for name, value in values.items():
        if isinstance(value, str):
            value = clean_text(value) if name != "device_models" else value.strip()
        setattr(programme, name, value)
    if not programme.cash_allowed:
        programme.cash_amount = None
    elif not programme.cash_amount:
        raise ValidationError({"cash_amount": _("Hãy ghi mức hỗ trợ tiền khi cho phép hỗ trợ tiền.")})
    if programme.starts_on and programme.ends_on and programme.ends_on < programme.starts_on:
        raise ValidationError({"ends_on": _("Ngày kết thúc phải sau ngày bắt đầu.")})
    programme.full_clean()
    with transaction.atomic():
        programme.save()
        audit.record(
            actor=acting_user,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            obj=programme,
            changes=audit.diff(before, audit.snapshot(programme)),
        )
    return programme


def quota_set(*, acting_user: User, programme: Programme, commune: Commune, quota: int) -> CommuneQuota:
    if not may_manage_programme(acting_user, programme):
        raise PermissionDenied
    if programme.province_id and commune.province_id != programme.province_id:
        raise ValidationError(_("Xã/phường này không thuộc tỉnh của chương trình."))
    with transaction.atomic():
        row = CommuneQuota.objects.select_for_update().filter(programme=programme, commune=commune).first()
        used = Allocation.objects.filter(
            programme=programme, commune=commune, status=AllocationStatus.ACTIVE
        ).count()
        if quota < used:
            raise ValidationError(
                _("Xã đã bàn giao %(used)s suất; chỉ tiêu không thể nhỏ hơn số đó.") % {"used": used}
            )
        before = row.quota if row else None
        row = row or CommuneQuota(programme=programme, commune=commune, province_id=commune.province_id)
        row.quota = quota
        row.full_clean()
        row.save()
        audit.record(
            actor=acting_user,
            action=AuditAction.UPDATE if before is not None else AuditAction.CREATE,
            obj=row,
            object_repr=f"{programme} — {commune}",
            changes={"quota": [before, quota]},
        )
    return row


# --- Candidate lists ---------------------------------------------------------------------------------


def household_facts(*, programme: Programme, households: list[Household]) -> dict[Any, rules.HouseholdFacts]:
    """The registry facts the rules read, for many households in a few grouped queries."""
    from langso.teams.models import Visit

    ids = [h.pk for h in households]
    members: dict[Any, list[rules.PersonFacts]] = {i: [] for i in ids}
    for row in Resident.objects.filter(household_id__in=ids).values(
        "id", "household_id", "birth_year", "owns_smartphone", "has_disability", "ethnic_group"
    ):
        members[row["household_id"]].append(
            rules.PersonFacts(
                row["id"],
                row["birth_year"],
                row["owns_smartphone"],
                row["has_disability"],
                row["ethnic_group"],
            )
        )
    supported_households: set[Any] = set()
    supported_persons: dict[Any, set[Any]] = {}
    earlier = Allocation.objects.filter(household_id__in=ids).exclude(programme=programme)
    for household_id, key in earlier.values_list("household_id", "recipient_key"):
        if key.startswith("H:") or programme.per == Per.HOUSEHOLD:
            supported_households.add(household_id)
        else:
            supported_persons.setdefault(household_id, set()).add(_uuid(key[2:]))
    no_phone = set(
        Visit.objects.filter(household_id__in=ids, no_phone=True).values_list("household_id", flat=True)
    )
    return {
        h.pk: rules.HouseholdFacts(
            id=h.pk,
            poverty=h.poverty,
            poverty_year=h.poverty_year,
            members=tuple(members[h.pk]),
            supported_before=h.pk in supported_households,
            persons_supported_before=frozenset(supported_persons.get(h.pk, ())),
            visit_found_no_phone=h.pk in no_phone,
        )
        for h in households
    }


def _uuid(text: str) -> Any:
    import uuid

    return uuid.UUID(text)


def _latest(programme: Programme, commune: Commune, *, lock: bool = False) -> CandidateList | None:
    lists = CandidateList.objects.filter(programme=programme, commune=commune)
    if lock:
        lists = lists.select_for_update()
    return lists.order_by("-version").first()


def _new_version(
    acting_user: User, programme: Programme, commune: Commune, latest: CandidateList | None
) -> CandidateList:
    """A draft: version 1, or a copy of the latest (approved) version with its candidates."""
    draft = CandidateList.objects.create(
        programme=programme,
        commune=commune,
        province_id=commune.province_id,
        version=(latest.version + 1) if latest else 1,
        based_on=latest,
        created_by=acting_user,
    )
    if latest is not None:
        Candidate.objects.bulk_create(
            Candidate(
                candidate_list=draft,
                household_id=c.household_id,
                resident_id=c.resident_id,
                score=c.score,
                reasons=c.reasons,
                source=c.source,
                added_reason=c.added_reason,
                removed=c.removed,
                removed_reason=c.removed_reason,
            )
            for c in latest.candidates.all()
        )
    audit.record(actor=acting_user, action=AuditAction.CREATE, obj=draft, note=f"v{draft.version}")
    return draft


def draft_for(*, acting_user: User, programme: Programme, commune: Commune) -> CandidateList:
    """The commune's draft list, made if needed: a change after approval starts a new version."""
    _require(acting_user, Perm.CANDIDATES_EDIT, commune_id=commune.pk, province_id=commune.province_id)
    with transaction.atomic():
        latest = _latest(programme, commune, lock=True)
        if latest is not None and latest.status == ListStatus.DRAFT:
            return latest
        return _new_version(acting_user, programme, commune, latest)


def candidate_list_generate(
    *, acting_user: User, programme: Programme, commune: Commune, today: datetime.date | None = None
) -> CandidateList:
    """Fill the draft from the rules. Manual additions and removals (with their reasons) are kept."""
    today = today or timezone.localdate()
    programme_rules = rules.Rules.of(programme)
    with transaction.atomic():
        draft = draft_for(acting_user=acting_user, programme=programme, commune=commune)
        households = list(
            Household.objects.filter(commune=commune, poverty__in=sorted(programme_rules.poverty_classes))
        )
        facts = household_facts(programme=programme, households=households)
        assessments = rules.ranked(a for f in facts.values() for a in rules.assess(f, programme_rules, today))
        existing = {c.recipient_key: c for c in draft.candidates.all()}
        wanted = set()
        new = []
        for a in assessments:
            key = recipient_key(a.household_id, a.resident_id)
            wanted.add(key)
            reasons = [r.as_dict() for r in a.reasons]
            held = existing.get(key)
            if held is None:
                new.append(
                    Candidate(
                        candidate_list=draft,
                        household_id=a.household_id,
                        resident_id=a.resident_id,
                        score=a.score,
                        reasons=reasons,
                    )
                )
            elif held.score != a.score or held.reasons != reasons:
                held.score, held.reasons = a.score, reasons
                held.save(update_fields=["score", "reasons"])
        Candidate.objects.bulk_create(new, batch_size=500)
        gone = [
            c.pk
            for k, c in existing.items()
            if c.source == Source.RULES and not c.removed and k not in wanted
        ]
        Candidate.objects.filter(pk__in=gone).delete()
        draft.generated_at = timezone.now()
        draft.save(update_fields=["generated_at", "updated_at"])
        audit.record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=draft,
            note=f"generated: {len(new)} new, {len(gone)} no longer eligible",
        )
    return draft


def _editable(candidate_list: CandidateList) -> None:
    if candidate_list.status != ListStatus.DRAFT:
        raise ValidationError(
            _(
                "Danh sách đã được phê duyệt nên không sửa được. Hãy tạo phiên bản mới để sửa; phiên bản mới cần được phê duyệt lại."
            )
        )


def candidate_add(
    *,
    acting_user: User,
    programme: Programme,
    commune: Commune,
    household: Household,
    resident: Resident | None = None,
    reason: str,
    today: datetime.date | None = None,
) -> Candidate:
    """An officer adds a household (or person) the rules left out; the reason is required."""
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do bổ sung.")})
    if household.commune_id != commune.pk:
        raise ValidationError(_("Hộ này không thuộc xã/phường của danh sách."))
    if programme.per == Per.ADULT and resident is None:
        raise ValidationError(
            {"resident": _("Chương trình cấp cho từng người: hãy chọn người nhận trong hộ.")}
        )
    if programme.per == Per.HOUSEHOLD:
        resident = None
    if resident is not None and resident.household_id != household.pk:
        raise ValidationError({"resident": _("Người này không thuộc hộ đã chọn.")})
    today = today or timezone.localdate()
    with transaction.atomic():
        draft = draft_for(acting_user=acting_user, programme=programme, commune=commune)
        facts = household_facts(programme=programme, households=[household])[household.pk]
        found = [
            a
            for a in rules.assess(facts, rules.Rules.of(programme), today)
            if a.resident_id == (resident.pk if resident else None)
        ]
        score = found[0].score if found else 0
        reasons = [r.as_dict() for r in found[0].reasons] if found else []
        held = draft.candidates.filter(household=household, resident=resident).first()
        if held is not None and not held.removed:
            raise ValidationError(_("Hộ/người này đã có trong danh sách."))
        if held is not None:
            held.removed, held.removed_reason = False, ""
            held.source, held.added_reason = Source.MANUAL, reason
            candidate = held
        else:
            candidate = Candidate(
                candidate_list=draft,
                household=household,
                resident=resident,
                score=score,
                reasons=reasons,
                source=Source.MANUAL,
                added_reason=reason,
            )
        candidate.full_clean(exclude=["candidate_list", "household", "resident"])
        candidate.save()
        audit.record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=candidate,
            resident_id=resident.pk if resident else None,
            object_repr=f"{draft}: {household.code}",
            note=reason,
        )
    return candidate


def candidate_remove(*, acting_user: User, candidate: Candidate, reason: str) -> Candidate:
    """Take someone off the draft list with a written reason; the row stays, marked, so it is seen."""
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do loại khỏi danh sách.")})
    candidate_list = candidate.candidate_list
    _require(
        acting_user,
        Perm.CANDIDATES_EDIT,
        commune_id=candidate_list.commune_id,
        province_id=candidate_list.province_id,
    )
    _editable(candidate_list)
    if Allocation.objects.filter(
        programme_id=candidate_list.programme_id,
        recipient_key=candidate.recipient_key,
        status=AllocationStatus.ACTIVE,
    ).exists():
        raise ValidationError(_("Hộ/người này đã nhận bàn giao nên không loại được khỏi danh sách."))
    with transaction.atomic():
        candidate.removed, candidate.removed_reason = True, reason
        candidate.save(update_fields=["removed", "removed_reason"])
        audit.record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=candidate,
            resident_id=candidate.resident_id,
            object_repr=f"{candidate_list}: {candidate.household.code}",
            note=reason,
        )
    return candidate


def candidate_list_approve(
    *, acting_user: User, candidate_list: CandidateList, decision: str
) -> CandidateList:
    """Record the commune committee's approval: the list is locked; the version it replaces is superseded."""
    _require(
        acting_user,
        Perm.CANDIDATES_APPROVE,
        commune_id=candidate_list.commune_id,
        province_id=candidate_list.province_id,
    )
    decision = clean_text(decision)
    if not decision:
        raise ValidationError({"decision": _("Hãy ghi số, ngày của quyết định phê duyệt.")})
    with transaction.atomic():
        locked = CandidateList.objects.select_for_update().get(pk=candidate_list.pk)
        _editable(locked)
        if not locked.candidates.filter(removed=False).exists():
            raise ValidationError(_("Danh sách chưa có ai: không phê duyệt được."))
        CandidateList.objects.filter(
            programme_id=locked.programme_id, commune_id=locked.commune_id, status=ListStatus.APPROVED
        ).update(status=ListStatus.SUPERSEDED)
        locked.status = ListStatus.APPROVED
        locked.approved_at = timezone.now()
        locked.approved_by = acting_user
        locked.decision = decision
        locked.full_clean()
        locked.save()
        audit.record(
            actor=acting_user, action=AuditAction.UPDATE, obj=locked, note=f"approved: {decision}"[:300]
        )
    return locked


def approved_list(programme: Programme, commune_id: int) -> CandidateList | None:
    return (
        CandidateList.objects.filter(programme=programme, commune_id=commune_id, status=ListStatus.APPROVED)
        .order_by("-version")
        .first()
    )


# --- Inventory ---------------------------------------------------------------------------------------


def device_values(
    *, imei: Any, model_name: Any, sim_number: Any = "", condition: str = Condition.NEW
) -> dict[str, Any]:
    """Normalised values of one device, or a ValidationError by field (shared with the import)."""
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    try:
        values["imei"] = rules.normalize_imei(imei)
    except ValidationError as error:
        errors["imei"] = error.messages
    values["model_name"] = clean_text(str(model_name or ""))[:100]
    if not values["model_name"]:
        errors["model_name"] = [_("Thiếu mẫu máy.")]
    try:
        values["sim_number"] = normalize_phone(str(sim_number or "")) if sim_number else ""
    except ValidationError as error:
        errors["sim_number"] = error.messages
    if condition not in Condition.values:
        errors["condition"] = [_("Tình trạng không hợp lệ.")]
    values["condition"] = condition
    if errors:
        raise ValidationError(errors)
    return values


def device_add(
    *,
    acting_user: User,
    programme: Programme,
    commune: Commune | None,
    imei: Any,
    model_name: str,
    sim_number: str = "",
    condition: str = Condition.NEW,
) -> Device:
    _require_inventory(acting_user, programme, commune)
    values = device_values(imei=imei, model_name=model_name, sim_number=sim_number, condition=condition)
    held = Device.objects.filter(imei=values["imei"]).select_related("programme").first()
    if held is not None:
        raise ValidationError({"imei": _imei_taken_message(held, programme)})
    device = Device(programme=programme, commune=commune, **values)
    device.full_clean()
    with transaction.atomic():
        device.save()
        audit.record(actor=acting_user, action=AuditAction.CREATE, obj=device)
    return device


def _imei_taken_message(held: Device, programme: Programme) -> str:
    if held.programme_id == programme.pk:
        return _("IMEI này đã có trong kho của chương trình.")
    return _(
        "IMEI này đã được nhập cho chương trình khác (%(name)s): một máy không thể thuộc hai chương trình."
    ) % {"name": held.programme.name}


def _require_inventory(user: User, programme: Programme, commune: Commune | None) -> None:
    if commune is not None:
        _require(user, Perm.DEVICES_INVENTORY, commune_id=commune.pk, province_id=commune.province_id)
    elif not may_manage_programme(user, programme):
        # The central store of a programme belongs to whoever manages the programme.
        raise PermissionDenied


# --- Allocation and handover -------------------------------------------------------------------------


@dataclass(frozen=True)
class Handover:
    handed_over_on: datetime.date
    giver_name: str
    giver_title: str = ""
    receiver: Resident | None = None
    training_attended: bool = False
    training_on: datetime.date | None = None


def allocate(
    *,
    acting_user: User,
    candidate: Candidate,
    handover: Handover,
    kind: str = AllocationKind.DEVICE,
    device: Device | None = None,
) -> Allocation:
    """Give an approved candidate a device (or the cash contribution) and record the handover."""
    candidate_list = candidate.candidate_list
    _require(
        acting_user,
        Perm.DEVICES_ALLOCATE,
        commune_id=candidate_list.commune_id,
        province_id=candidate_list.province_id,
    )
    programme = Programme.objects.get(pk=candidate_list.programme_id)  # its current rules
    receiver = handover.receiver or candidate.resident or candidate.household.head
    if candidate.resident_id and receiver is not None and receiver.pk != candidate.resident_id:
        raise ValidationError(
            {"receiver": _("Chương trình cấp cho từng người: người nhận phải là người trong danh sách.")}
        )
    if receiver is None:
        raise ValidationError({"receiver": _("Hãy chọn người nhận máy trong hộ.")})
    if receiver.household_id != candidate.household_id:
        raise ValidationError({"receiver": _("Người nhận phải là thành viên của hộ trong danh sách.")})
    if not clean_text(handover.giver_name):
        raise ValidationError({"giver_name": _("Hãy ghi tên người giao.")})
    if programme.training_required and not handover.training_attended:
        raise ValidationError(
            {"training_attended": _("Chương trình yêu cầu người nhận dự tập huấn trước khi nhận máy.")}
        )
    if kind == AllocationKind.CASH and not programme.cash_allowed:
        raise ValidationError({"kind": _("Chương trình này không cho phép hỗ trợ tiền thay cho máy.")})
    key = candidate.recipient_key
    household = candidate.household
    with transaction.atomic():
        # 1. The quota row: every allocation in this commune waits here, so the count below is exact.
        quota = (
            CommuneQuota.objects.select_for_update()
            .filter(programme_id=programme.pk, commune_id=candidate_list.commune_id)
            .first()
        )
        if quota is None:
            raise ValidationError(_("Xã/phường chưa được giao chỉ tiêu trong chương trình này."))
        current = CandidateList.objects.get(pk=candidate_list.pk)
        if current.status != ListStatus.APPROVED:
            raise ValidationError(
                _("Chỉ bàn giao cho người trong danh sách đã được phê duyệt (bản mới nhất).")
            )
        if Candidate.objects.filter(pk=candidate.pk, removed=True).exists():
            raise ValidationError(_("Hộ/người này đã bị loại khỏi danh sách."))
        used = Allocation.objects.filter(
            programme_id=programme.pk, commune_id=candidate_list.commune_id, status=AllocationStatus.ACTIVE
        ).count()
        if used >= quota.quota:
            raise ValidationError(
                _("Xã đã dùng hết chỉ tiêu (%(quota)s suất).") % {"quota": quota.quota}, code="quota_full"
            )
        if Allocation.objects.filter(
            programme_id=programme.pk, recipient_key=key, status=AllocationStatus.ACTIVE
        ).exists():
            raise ValidationError(
                _("Hộ/người này đã nhận bàn giao trong chương trình."), code="recipient_taken"
            )
        picked = None
        if kind == AllocationKind.DEVICE:
            # 2. A free device, skipping any another officer has just locked. The commune's own store
            # first, then the programme's central store.
            free = (
                Device.objects.select_for_update(skip_locked=True)
                .filter(programme_id=programme.pk, status=DeviceStatus.IN_STOCK)
                .exclude(condition=Condition.DAMAGED)
                .filter(Q(commune_id=candidate_list.commune_id) | Q(commune__isnull=True))
            )
            if device is not None:
                free = free.filter(pk=device.pk)
            picked = free.order_by(F("commune_id").asc(nulls_last=True), "imei").first()
            if picked is None:
                raise ValidationError(
                    _("Máy này vừa được giao cho người khác hoặc không còn trong kho.")
                    if device is not None
                    else _("Không còn máy trong kho của xã và kho chung."),
                    code="no_device",
                )
            picked.status = DeviceStatus.HANDED_OVER
            picked.commune_id = candidate_list.commune_id
            picked.save(update_fields=["status", "commune", "updated_at"])
        allocation = Allocation(
            programme=programme,
            candidate=candidate,
            household=household,
            resident=receiver,
            recipient_key=key,
            village_id=household.village_id,
            commune_id=household.commune_id,
            province_id=household.province_id,
            kind=kind,
            device=picked,
            cash_amount=programme.cash_amount if kind == AllocationKind.CASH else None,
            handed_over_on=handover.handed_over_on,
            receiver_name=receiver.full_name,
            giver_name=clean_text(handover.giver_name),
            giver_title=clean_text(handover.giver_title),
            training_attended=handover.training_attended,
            training_on=handover.training_on,
            created_by=acting_user,
        )
        allocation.full_clean(exclude=["candidate", "household", "resident", "device", "programme"])
        try:
            with transaction.atomic():
                allocation.save()
        except IntegrityError as exc:
            # Another path got there first; the unique indexes said no.
            raise ValidationError(_("Hộ/người này hoặc máy này vừa được bàn giao."), code="taken") from exc
        _schedule_follow_ups(allocation)
        if kind == AllocationKind.DEVICE:
            # The person now owns a smartphone: the registry, the worklist and the numbers say so at once.
            resident_smartphone_set(
                acting_user=acting_user,
                resident=receiver,
                owns=True,
                source=SmartphoneSource.HANDOVER,
                on=handover.handed_over_on,
                note=programme.name,
            )
        audit.record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=allocation,
            resident_id=receiver.pk,
            changes={"device": str(picked.imei) if picked else None, "kind": kind},
        )
    return allocation


def _schedule_follow_ups(allocation: Allocation) -> None:
    FollowUp.objects.bulk_create(
        FollowUp(
            allocation=allocation,
            household_id=allocation.household_id,
            village_id=allocation.village_id,
            commune_id=allocation.commune_id,
            province_id=allocation.province_id,
            months=months,
            due_on=due,
        )
        for months, due in rules.follow_up_dates(allocation.handed_over_on).items()
    )


def _scan_type(data: bytes) -> str:
    for magic, content_type in SCAN_TYPES.items():
        if data.startswith(magic):
            return content_type
    raise ValidationError(_("Chỉ nhận ảnh JPEG, PNG hoặc tệp PDF của biên bản đã ký."))


def handover_scan_attach(*, acting_user: User, allocation: Allocation, data: bytes) -> Allocation:
    _require(
        acting_user,
        Perm.DEVICES_ALLOCATE,
        commune_id=allocation.commune_id,
        province_id=allocation.province_id,
    )
    if not data:
        raise ValidationError(_("Tệp trống."))
    if len(data) > MAX_SCAN_BYTES:
        raise ValidationError(
            _("Tệp quá lớn (tối đa 2 MB). Hãy chụp lại với độ phân giải thấp hơn hoặc quét ở 150 dpi.")
        )
    content_type = _scan_type(data)
    with transaction.atomic():
        allocation.scan = data
        allocation.scan_content_type = content_type
        allocation.scan_uploaded_at = timezone.now()
        allocation.save(update_fields=["scan", "scan_content_type", "scan_uploaded_at", "updated_at"])
        audit.record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=allocation,
            resident_id=allocation.resident_id,
            note=f"scan attached ({len(data)} bytes, {content_type})",
        )
    return allocation


def allocation_return(
    *, acting_user: User, allocation: Allocation, returned_on: datetime.date, condition: str = Condition.GOOD
) -> Allocation:
    """The device comes back: it returns to the commune's store, the allocation and its history stay."""
    _require(
        acting_user,
        Perm.FOLLOWUP_RECORD,
        commune_id=allocation.commune_id,
        province_id=allocation.province_id,
        village_id=allocation.village_id,
    )
    if condition not in Condition.values:
        raise ValidationError({"condition": _("Tình trạng không hợp lệ.")})
    with transaction.atomic():
        locked = Allocation.objects.select_for_update().get(pk=allocation.pk)
        if locked.status != AllocationStatus.ACTIVE:
            raise ValidationError(_("Máy đã được trả lại trước đó."))
        if returned_on < locked.handed_over_on:
            raise ValidationError(_("Ngày trả lại không thể trước ngày bàn giao."))
        locked.status = AllocationStatus.RETURNED
        locked.returned_on = returned_on
        locked.save(update_fields=["status", "returned_on", "updated_at"])
        if locked.device_id:
            Device.objects.filter(pk=locked.device_id).update(
                status=DeviceStatus.IN_STOCK,
                condition=condition,
                commune_id=locked.commune_id,
                updated_at=timezone.now(),
            )
        locked.follow_ups.filter(done_on__isnull=True, due_on__gt=returned_on).update(cancelled=True)
        _device_gone(acting_user, locked, SmartphoneSource.RETURNED, returned_on)
        audit.record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=locked,
            resident_id=locked.resident_id,
            note="returned",
        )
    return locked


def follow_up_record(
    *,
    acting_user: User,
    follow_up: FollowUp,
    done_on: datetime.date,
    outcome: str,
    sim_active: bool | None,
    skills_note: str = "",
    notes: str = "",
) -> FollowUp:
    _require(
        acting_user,
        Perm.FOLLOWUP_RECORD,
        commune_id=follow_up.commune_id,
        province_id=follow_up.province_id,
        village_id=follow_up.village_id,
    )
    allocation = follow_up.allocation
    if follow_up.cancelled:
        raise ValidationError(_("Lần theo dõi này không còn cần: máy đã được trả lại."))
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Hãy chọn kết quả.")})
    if done_on < allocation.handed_over_on:
        raise ValidationError({"done_on": _("Ngày kiểm tra không thể trước ngày bàn giao.")})
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("Ngày kiểm tra không thể ở tương lai.")})
    if outcome == Outcome.RETURNED and allocation.kind != AllocationKind.DEVICE:
        raise ValidationError({"outcome": _("Hỗ trợ bằng tiền không có máy để trả lại.")})
    digital_citizen = None
    if allocation.resident is not None:
        from langso.skills.selectors import resident_skills

        digital_citizen = resident_skills(resident=allocation.resident).status.is_digital_citizen
    before = audit.snapshot(follow_up)
    with transaction.atomic():
        follow_up.done_on = done_on
        follow_up.outcome = outcome
        follow_up.sim_active = sim_active
        follow_up.skills_note = clean_text(skills_note)
        follow_up.notes = clean_text(notes)
        follow_up.digital_citizen = digital_citizen
        follow_up.recorded_by = acting_user
        follow_up.full_clean(exclude=["allocation", "household", "village", "commune", "province"])
        follow_up.save()
        audit.record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=follow_up,
            resident_id=allocation.resident_id,
            changes=audit.diff(before, audit.snapshot(follow_up)),
        )
        if outcome == Outcome.RETURNED and allocation.status == AllocationStatus.ACTIVE:
            allocation_return(acting_user=acting_user, allocation=allocation, returned_on=done_on)
        elif outcome in GONE_OUTCOMES:
            _device_gone(acting_user, allocation, SmartphoneSource.LOST, done_on)
        elif (
            outcome == Outcome.IN_USE
            and allocation.kind == AllocationKind.DEVICE
            and allocation.resident_id
            and not _owns_from_handover(allocation.resident_id)
        ):
            # Only when the person's record says otherwise (a visit wrote "no" meanwhile): a check that
            # finds the phone in use confirms the handover, it must not move its date to the check's.
            resident_smartphone_set(
                acting_user=acting_user,
                resident=allocation.resident,  # type: ignore[arg-type]  # resident_id is set
                owns=True,
                source=SmartphoneSource.HANDOVER,
                on=done_on,
                note=str(Outcome.IN_USE.label),
            )
    return follow_up


# A follow-up that finds the handed-over phone lost, broken or sold.
GONE_OUTCOMES = frozenset({Outcome.LOST, Outcome.BROKEN, Outcome.SOLD})


def _owns_from_handover(resident_id: Any) -> bool:
    return Resident.objects.filter(
        pk=resident_id, owns_smartphone=True, smartphone_source=SmartphoneSource.HANDOVER
    ).exists()


def _device_gone(acting_user: User, allocation: Allocation, source: str, on: datetime.date) -> None:
    """The programme's phone left the person: if the registry's "owns a smartphone" came from that
    handover it is no longer known to be true, and the next visit is asked to check."""
    if allocation.kind != AllocationKind.DEVICE or not allocation.resident_id:
        return
    resident = Resident.objects.get(pk=allocation.resident_id)
    from_handover = resident.smartphone_source in (SmartphoneSource.HANDOVER, "")
    resident_smartphone_set(
        acting_user=acting_user,
        resident=resident,
        owns=False if from_handover else resident.owns_smartphone,
        source=source,
        on=on,
        to_check=True,
        note=allocation.programme.name,
    )
