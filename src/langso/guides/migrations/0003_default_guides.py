"""Once installed the default guides by importing the live guide content.

Frozen as a no-op: the guides are data files now (guides/content/guides/*.toml), installed and updated
by the step that runs after every `migrate` (guides.services.install_default_guides, see
docs/content.md). A migration must mean the same thing forever, so it no longer reads the live content.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("guides", "0002_guide_edited_flag")]

    operations: list = []
