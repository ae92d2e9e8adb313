"""The PostgreSQL change triggers learn to hold their bumps while a transaction asks them to
(registry.changes.held_bumps): their functions are created again from change_tracking.create_sql.
SQLite's triggers are unchanged."""

from django.db import migrations

from langso.registry.change_tracking import create_sql, declared_operations


def recreate_pg_triggers(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    existing = set(connection.introspection.table_names())
    for table, operation in declared_operations(connection).items():
        if table in existing:
            for statement in create_sql(connection.vendor, operation):
                schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("registry", "0009_forget_deleted_commune_counters")]

    # Backwards, the new functions stay: with nothing holding, they bump exactly as the old ones did.
    operations = [migrations.RunPython(recreate_pg_triggers, migrations.RunPython.noop)]
