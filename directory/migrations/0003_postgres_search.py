"""PostgreSQL only: extensions, the search-vector trigger and the search indexes.

On SQLite these operations do nothing; the simpler search path needs none.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    CREATE OR REPLACE FUNCTION directory_organisation_search_vector() RETURNS trigger AS $$
    BEGIN
      NEW.search_vector :=
        setweight(to_tsvector('pg_catalog.german',
                  coalesce(NEW.name, '') || ' ' || coalesce(NEW.short_name, '')), 'A') ||
        setweight(to_tsvector('pg_catalog.german', coalesce(NEW.search_document, '')), 'B');
      RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER directory_organisation_search_vector_trigger
    BEFORE INSERT OR UPDATE ON directory_organisation
    FOR EACH ROW EXECUTE FUNCTION directory_organisation_search_vector()
    """,
    "UPDATE directory_organisation SET search_document = search_document",
    "CREATE INDEX IF NOT EXISTS org_search_vector_gin "
    "ON directory_organisation USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS org_name_trgm "
    "ON directory_organisation USING gin (name gin_trgm_ops)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS org_name_trgm",
    "DROP INDEX IF EXISTS org_search_vector_gin",
    "DROP TRIGGER IF EXISTS directory_organisation_search_vector_trigger ON directory_organisation",
    "DROP FUNCTION IF EXISTS directory_organisation_search_vector()",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_initial_vocabulary")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
