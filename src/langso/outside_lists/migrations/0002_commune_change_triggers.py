"""Change triggers: a person's evidence from an outside list moves their commune's change sequence
(see langso/registry/change_tracking.py): "adults reached" counts it."""

from django.db import migrations

from langso.registry.change_tracking import TrackCommuneChanges


class Migration(migrations.Migration):
    dependencies = [
        ("outside_lists", "0001_outside_lists"),
        ("registry", "0009_forget_deleted_commune_counters"),
    ]

    operations = [
        TrackCommuneChanges(table="outside_lists_outsideevidence", column="commune_id"),
    ]
