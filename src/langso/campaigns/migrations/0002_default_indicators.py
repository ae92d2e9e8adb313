from django.db import migrations


def install(apps, schema_editor):
    from langso.campaigns.library import install_default_indicators

    install_default_indicators(apps.get_model("campaigns", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_indicators_snapshots_campaigns_targets")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
