"""Fast accent-insensitive name search on PostgreSQL; nothing to do on SQLite.

Residents keep `name_folded` (lower case, no diacritics, đ -> d, made by langso.core.text.fold), and
the search filters `name_folded LIKE '%…%'`. A B-tree cannot serve a pattern with a leading
wildcard; a GIN trigram index (pg_trgm) can. See langso.registry.search for how they are used:

- resident_name_folded_trgm: trigrams of every resident's name (counts, searches in a commune);
- resident_province_sort_search, resident_commune_sort_search: (province or commune, sort_key, id)
  with name_folded included, so a list is read in Vietnamese order straight from the index, and a
  search within one commune checks names there without touching the table;
- registry_resident_name: each distinct name of each province once (about 13 times fewer rows than
  residents, since names repeat), with its sort_key and a trigram index. A province-wide search
  finds the first matching names in order there, then their residents by sort_key. Triggers keep it
  filled on every INSERT and UPDATE of residents; a name whose residents are gone stays, harmlessly
  (it matches no one), until a later clean-up.

`unaccent` is installed too, for ad-hoc SQL by analysts (the application folds in Python, the same on
both databases). CREATE INDEX CONCURRENTLY cannot run inside a migration's transaction: on a big live
table, create the indexes by hand first with CONCURRENTLY and these names; this migration then skips
them (IF NOT EXISTS).
"""

from django.db import migrations

TRIGRAM_INDEX = "resident_name_folded_trgm"
SORT_INDEX = "resident_province_sort_search"
COMMUNE_SORT_INDEX = "resident_commune_sort_search"

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON registry_resident USING gin (name_folded gin_trgm_ops)",
    f"CREATE INDEX IF NOT EXISTS {SORT_INDEX} ON registry_resident (province_id, sort_key, id) INCLUDE (name_folded)",
    f"CREATE INDEX IF NOT EXISTS {COMMUNE_SORT_INDEX} ON registry_resident (commune_id, sort_key, id) INCLUDE (name_folded)",
    """
    CREATE TABLE IF NOT EXISTS registry_resident_name (
        province_id integer NOT NULL,
        sort_key varchar(250) NOT NULL,
        name_folded varchar(100) NOT NULL,
        PRIMARY KEY (province_id, sort_key, name_folded)
    )
    """,
    "CREATE INDEX IF NOT EXISTS registry_resident_name_trgm ON registry_resident_name USING gin (name_folded gin_trgm_ops)",
    # Sorted inserts: two imports adding the same new names lock them in the same order, never a deadlock.
    """
    CREATE OR REPLACE FUNCTION registry_resident_name_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO registry_resident_name (province_id, sort_key, name_folded)
        SELECT DISTINCT province_id, sort_key, name_folded FROM changed_residents
        ORDER BY province_id, sort_key, name_folded
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END
    $$
    """,
    "DROP TRIGGER IF EXISTS registry_resident_name_insert ON registry_resident",
    """
    CREATE TRIGGER registry_resident_name_insert AFTER INSERT ON registry_resident
    REFERENCING NEW TABLE AS changed_residents FOR EACH STATEMENT
    EXECUTE FUNCTION registry_resident_name_sync()
    """,
    "DROP TRIGGER IF EXISTS registry_resident_name_update ON registry_resident",
    """
    CREATE TRIGGER registry_resident_name_update AFTER UPDATE ON registry_resident
    REFERENCING NEW TABLE AS changed_residents FOR EACH STATEMENT
    EXECUTE FUNCTION registry_resident_name_sync()
    """,
    """
    INSERT INTO registry_resident_name (province_id, sort_key, name_folded)
    SELECT DISTINCT province_id, sort_key, name_folded FROM registry_resident
    ON CONFLICT DO NOTHING
    """,
]

DROP = [
    "DROP TRIGGER IF EXISTS registry_resident_name_update ON registry_resident",
    "DROP TRIGGER IF EXISTS registry_resident_name_insert ON registry_resident",
    "DROP FUNCTION IF EXISTS registry_resident_name_sync()",
    "DROP TABLE IF EXISTS registry_resident_name",
    f"DROP INDEX IF EXISTS {COMMUNE_SORT_INDEX}",
    f"DROP INDEX IF EXISTS {SORT_INDEX}",
    f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}",
    # The extensions stay: other objects may use them, and they cost nothing.
]


def create_search_structures(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in CREATE:
        schema_editor.execute(statement)


def drop_search_structures(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_search_structures, drop_search_structures, elidable=False),
    ]
