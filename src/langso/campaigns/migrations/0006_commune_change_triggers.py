"""Change triggers: every write to these tables moves its commune's change sequence
(see langso/registry/change_tracking.py)."""

from django.db import migrations

from langso.registry.change_tracking import TrackCommuneChanges


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_commune_change_triggers"),
        ("campaigns", "0005_more_shipped_indicators_and_averages"),
    ]

    operations = [
        TrackCommuneChanges(table="campaigns_steeringcommittee", column="commune_id"),
        # What an indicator counts is part of every commune's numbers.
        TrackCommuneChanges(table="campaigns_indicator", column="id", scope="all"),
    ]
