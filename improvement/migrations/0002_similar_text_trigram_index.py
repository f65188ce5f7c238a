"""Similar complaints (PostgreSQL): the pg_trgm extension and a GIN trigram
index on subject + description, the very expression
improvement.selectors.recurrence.TEXT_SQL queries. A no-op elsewhere (SQLite
in development matches words instead)."""

from django.db import migrations

INDEX = "improvement_complaint_text_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON complaints_complaint "
        "USING gin ((subject || ' ' || description) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("improvement", "0001_initial"),
        ("complaints", "0003_sla_targets_and_markers"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
