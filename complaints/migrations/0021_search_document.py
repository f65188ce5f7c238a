"""The search's document, stored (issue 15): on PostgreSQL a generated column
``search_document`` (``GENERATED ALWAYS AS (...) STORED``) holding the
full-text document of the subject, the description and the name given,
Turkish letters folded, with the GIN index ``complaint_search_document``; it
replaces 0020's expression index ``complaint_text_search``. And, portable,
``complaint_unassigned_received`` for the list's "unassigned" filter.

Why stored: when a common word's list is walked in the receipt order, each row
walked is checked against the words; with only an expression index that check
computes ``to_tsvector`` of the row's text (about 25 µs), with the column it
reads it.

The expression is complaints.search.DOCUMENT_EXPRESSION (its one home; see
there). The model does not declare the column: PostgreSQL computes it on every
insert and update, and elsewhere (SQLite in development) the search falls back
to icontains, so this migration is a no-op there. Adding the column rewrites
the table under an exclusive lock (measured at 1M: docs/performance.md).
"""

from django.db import migrations, models

OLD_INDEX = "complaint_text_search"
OLD_INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS complaint_text_search ON complaints_complaint USING gin "
    "(to_tsvector('simple'::regconfig, translate("
    "subject || ' ' || description || ' ' || contact_name, "
    "'İIıŞşĞğÜüÖöÇçÂâÎîÛû', 'iiissgguuooccaaiiuu')))"
)


def add_document(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from complaints.search import DOCUMENT_COLUMN, DOCUMENT_EXPRESSION

    schema_editor.execute(
        f"ALTER TABLE complaints_complaint ADD COLUMN {DOCUMENT_COLUMN} tsvector "
        f"GENERATED ALWAYS AS ({DOCUMENT_EXPRESSION}) STORED"
    )
    schema_editor.execute(
        "CREATE INDEX complaint_search_document ON complaints_complaint "
        f"USING gin ({DOCUMENT_COLUMN})"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")


def drop_document(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from complaints.search import DOCUMENT_COLUMN

    schema_editor.execute(OLD_INDEX_SQL)
    # Dropping the column drops its index.
    schema_editor.execute(f"ALTER TABLE complaints_complaint DROP COLUMN {DOCUMENT_COLUMN}")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0020_staff_list_indexes")]

    operations = [
        migrations.RunPython(add_document, drop_document, elidable=False),
        # The "unassigned" filter's order and date bounds (see the model).
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("assignee__isnull", True)),
                fields=["-received_at", "-id"],
                name="complaint_unassigned_received",
            ),
        ),
    ]
