"""Change triggers: every write to these tables moves its commune's change sequence
(see langso/registry/change_tracking.py)."""

from django.db import migrations

from langso.registry.change_tracking import TrackCommuneChanges


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_telecom_operator"),
        ("places", "0001_initial"),
        ("registry", "0006_resident_notes_import_changes"),
    ]

    operations = [
        # A role given or taken changes whose worklist holds which households.
        TrackCommuneChanges(table="accounts_roleassignment", column="id", scope="units"),
        TrackCommuneChanges(table="places_village", column="commune_id"),
        TrackCommuneChanges(table="registry_household", column="commune_id"),
        TrackCommuneChanges(table="registry_resident", column="commune_id"),
    ]
