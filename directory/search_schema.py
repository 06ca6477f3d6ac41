"""The search index's database objects, per engine (migration 0013).

SQLite: an external-content FTS5 table with the trigram tokenizer over
``directory_organisation.search_index``, kept in step by three triggers.
SQLite's schema editor rebuilds a table for some later migrations and drops
its triggers with it, so ``ensure_sqlite_index`` runs after every ``migrate``
(post_migrate) and puts back (and refills) what is missing.

PostgreSQL: a pg_trgm GIN index on ``search_index`` (LIKE '%...%' uses it).
"""

FTS_TABLE = "directory_organisation_fts"
TABLE = "directory_organisation"

SQLITE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    f"search_index, content='{TABLE}', content_rowid='id', tokenize='trigram')"
)
SQLITE_TRIGGERS = {
    f"{FTS_TABLE}_insert": (
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON {TABLE} BEGIN "
        f"INSERT INTO {FTS_TABLE}(rowid, search_index) VALUES (new.id, new.search_index); END"
    ),
    f"{FTS_TABLE}_delete": (
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON {TABLE} BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_index) "
        f"VALUES ('delete', old.id, old.search_index); END"
    ),
    f"{FTS_TABLE}_update": (
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE OF search_index "
        f"ON {TABLE} BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_index) "
        f"VALUES ('delete', old.id, old.search_index); "
        f"INSERT INTO {FTS_TABLE}(rowid, search_index) VALUES (new.id, new.search_index); END"
    ),
}
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS] + [
    f"DROP TABLE IF EXISTS {FTS_TABLE}"
]

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS org_search_index_trgm "
    f"ON {TABLE} USING gin (search_index gin_trgm_ops)",
    # The german tsvector of migration 0003 is no longer searched: the stems
    # come from directory.analysis, the same on both engines.
    f"DROP TRIGGER IF EXISTS directory_organisation_search_vector_trigger ON {TABLE}",
    "DROP FUNCTION IF EXISTS directory_organisation_search_vector()",
    "DROP INDEX IF EXISTS org_search_vector_gin",
    "DROP INDEX IF EXISTS org_name_trgm",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS org_search_index_trgm"]


def ensure_sqlite_index(connection) -> bool:
    """Create the FTS5 table and its triggers where missing; refill the table
    when anything was missing. True when something was put back."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        if TABLE not in present:
            return False
        missing = FTS_TABLE not in present or any(t not in present for t in SQLITE_TRIGGERS)
        if not missing:
            return False
        cursor.execute(SQLITE_TABLE)
        for statement in SQLITE_TRIGGERS.values():
            cursor.execute(statement)
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    return True
