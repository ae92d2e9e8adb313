"""Change triggers: every write to these tables moves its commune's change sequence
(see langso/registry/change_tracking.py)."""

from django.db import migrations

from langso.registry.change_tracking import TrackCommuneChanges


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_commune_change_triggers"),
        ("teams", "0003_device_sign_out_worklist_state_held_records"),
    ]

    operations = [
        TrackCommuneChanges(table="teams_team", column="commune_id"),
        TrackCommuneChanges(
            table="teams_teammember", column="team_id", via=("teams_team", "id", "commune_id")
        ),
        TrackCommuneChanges(
            table="teams_householdassignment",
            column="household_id",
            via=("registry_household", "id", "commune_id"),
        ),
        TrackCommuneChanges(table="teams_visit", column="commune_id"),
        TrackCommuneChanges(
            table="teams_visit_present", column="visit_id", via=("teams_visit", "id", "commune_id")
        ),
        TrackCommuneChanges(
            table="teams_visitskill", column="visit_id", via=("teams_visit", "id", "commune_id")
        ),
        TrackCommuneChanges(
            table="teams_visitservice", column="visit_id", via=("teams_visit", "id", "commune_id")
        ),
        TrackCommuneChanges(table="teams_helpdesksession", column="commune_id"),
        TrackCommuneChanges(table="teams_signalreport", column="commune_id"),
    ]
