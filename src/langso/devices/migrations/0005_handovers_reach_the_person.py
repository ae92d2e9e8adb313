"""Handovers made before the write-through existed reach the person now: an active device handover sets
"owns a smartphone" (source: the handover, on its date); a device returned, or found lost, broken or sold
at a follow-up, asks the next visit to check."""

from django.db import migrations

GONE = ("lost", "broken", "sold")


def handovers_reach_the_person(apps, schema_editor):
    Allocation = apps.get_model("devices", "Allocation")
    FollowUp = apps.get_model("devices", "FollowUp")
    Resident = apps.get_model("registry", "Resident")
    active = Allocation.objects.filter(kind="device", status="active", resident__isnull=False)
    for allocation in active.order_by("handed_over_on"):
        gone = (
            FollowUp.objects.filter(allocation=allocation, outcome__in=GONE, done_on__isnull=False)
            .order_by("-done_on")
            .first()
        )
        if gone is not None:
            Resident.objects.filter(pk=allocation.resident_id, smartphone_source__in=["", "handover"]).update(
                owns_smartphone=False, smartphone_source="lost", smartphone_on=gone.done_on, smartphone_to_check=True
            )
        else:
            Resident.objects.filter(pk=allocation.resident_id, smartphone_source="").update(
                owns_smartphone=True, smartphone_source="handover", smartphone_on=allocation.handed_over_on
            )
    returned = Allocation.objects.filter(kind="device", status="returned", resident__isnull=False)
    for allocation in returned:
        if not active.filter(resident_id=allocation.resident_id).exists():
            Resident.objects.filter(pk=allocation.resident_id, smartphone_source="").update(
                smartphone_source="returned", smartphone_on=allocation.returned_on, smartphone_to_check=True
            )


class Migration(migrations.Migration):
    dependencies = [
        ("devices", "0004_commune_change_triggers"),
        ("registry", "0008_resident_smartphone_source"),
    ]

    operations = [
        migrations.RunPython(handovers_reach_the_person, migrations.RunPython.noop),
    ]
