"""Change triggers: every write to these tables moves its commune's change sequence
(see langso/registry/change_tracking.py)."""

from django.db import migrations

from langso.registry.change_tracking import TrackCommuneChanges


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_commune_change_triggers"),
        ("skills", "0005_default_certificate_programme"),
    ]

    operations = [
        TrackCommuneChanges(table="skills_skillrecord", column="commune_id"),
        TrackCommuneChanges(table="skills_currentskilllevel", column="commune_id"),
        # A rule of a province moves that province, a national rule (no province) every commune.
        TrackCommuneChanges(table="skills_skillrule", column="province_id", scope="province"),
        # The catalogue (areas, the 5 basic skills) is part of every commune's numbers.
        TrackCommuneChanges(table="skills_skill", column="id", scope="all"),
        # Publishing a catalogue changes the skills every phone offers.
        TrackCommuneChanges(table="skills_catalogueversion", column="id", scope="all"),
    ]
