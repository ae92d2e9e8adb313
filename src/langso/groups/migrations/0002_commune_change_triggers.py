"""Change triggers: a group session and its attendance move their commune's change sequence
(see langso/registry/change_tracking.py), like visits and help-desk sessions."""

from django.db import migrations

from langso.registry.change_tracking import TrackCommuneChanges


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0001_group_sessions_invitations"),
        ("registry", "0007_commune_change_triggers"),
    ]

    operations = [
        TrackCommuneChanges(table="groups_groupsession", column="commune_id"),
        TrackCommuneChanges(
            table="groups_attendance", column="session_id", via=("groups_groupsession", "id", "commune_id")
        ),
        TrackCommuneChanges(
            table="groups_groupsessionskill", column="session_id", via=("groups_groupsession", "id", "commune_id")
        ),
    ]
