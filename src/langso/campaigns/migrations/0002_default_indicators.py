"""Once installed the shipped indicators by importing the live indicator library.

Frozen as a no-op: the indicators are data now (campaigns/content/indicators.toml), installed and
updated by the step that runs after every `migrate` (campaigns.services.install_default_indicators, see
docs/content.md). A migration must mean the same thing forever, so it no longer reads the live content.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_indicators_snapshots_campaigns_targets")]

    operations: list = []
