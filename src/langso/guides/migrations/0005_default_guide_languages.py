from django.db import migrations


def install(apps, schema_editor):
    from langso.guides.languages import install_default_languages

    install_default_languages(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("guides", "0004_guide_languages_translations_recordings")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
