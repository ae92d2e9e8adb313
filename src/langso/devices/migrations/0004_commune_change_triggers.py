"""Change triggers: every write to these tables moves its commune's change sequence
(see langso/registry/change_tracking.py)."""

from django.db import migrations

from langso.registry.change_tracking import TrackCommuneChanges


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_commune_change_triggers"),
        ("devices", "0003_field_follow_ups"),
    ]

    operations = [
        # A programme's dates and name: every commune of its province.
        TrackCommuneChanges(table="devices_programme", column="province_id", scope="province"),
        TrackCommuneChanges(table="devices_communequota", column="commune_id"),
        TrackCommuneChanges(table="devices_allocation", column="commune_id"),
        TrackCommuneChanges(table="devices_followup", column="commune_id"),
    ]
