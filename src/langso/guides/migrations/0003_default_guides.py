from django.db import migrations


def install(apps, schema_editor):
    from langso.guides.services import install_default_guides

    install_default_guides(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("guides", "0002_guide_edited_flag")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
