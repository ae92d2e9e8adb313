"""A certificate programme's required levels decide what a phone suggests teaching (the worklist's
"what to teach today"): changing one moves every commune's change sequence, so phones download it
(see langso/registry/change_tracking.py)."""

from django.db import migrations

from langso.registry.change_tracking import TrackCommuneChanges


class Migration(migrations.Migration):
    dependencies = [
        ("skills", "0008_evidence_group_session"),
    ]

    operations = [
        TrackCommuneChanges(table="skills_certificateprogramme", column="id", scope="all"),
    ]
