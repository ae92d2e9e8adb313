"""Once installed the default guide languages by importing the live module.

Frozen as a no-op: the languages are data now (guides/content/languages.toml), installed by the step
that runs after every `migrate` (guides.languages.install_default_languages, see docs/content.md).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("guides", "0004_guide_languages_translations_recordings")]

    operations: list = []
