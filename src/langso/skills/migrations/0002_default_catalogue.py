"""Once installed the default catalogue by importing the live catalogue module.

Frozen as a no-op: the shipped catalogue is data now (skills/content/catalogue.toml), installed and
updated by the step that runs after every `migrate` (skills.services.install_default_catalogue, see
docs/content.md). A migration must mean the same thing forever, so it no longer reads the live content.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("skills", "0001_skills_catalogue_records_rules")]

    operations: list = []
