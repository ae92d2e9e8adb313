"""A deleted commune takes its change counter with it, whatever order the deletes come in."""

from django.db import migrations

from langso.registry.change_tracking import ForgetDeletedCommunes


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0001_initial"),
        ("registry", "0008_resident_smartphone_source"),
    ]

    operations = [ForgetDeletedCommunes()]
