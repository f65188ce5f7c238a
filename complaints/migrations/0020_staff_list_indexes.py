"""The staff list at a million complaints (issue 15): indexes for its default
order and filters, and for each kind of search (complaints.search).

Portable indexes are declared on the model. Two exist on PostgreSQL only
(elsewhere the search falls back to icontains and these are no-ops):

- ``complaint_contact_email_lower``: ``lower(contact_email)`` with pattern
  operators, so that an address and its beginning are index lookups whatever
  the database's collation;
- ``complaint_text_search``: GIN over the full-text document of the subject,
  the description and the name given, Turkish letters folded; the very
  expression complaints.search.DOCUMENT_SQL queries (unqualified here).
"""

import datetime

import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models

FOLD_FROM = "İIıŞşĞğÜüÖöÇçÂâÎîÛû"
FOLD_TO = "iiissgguuooccaaiiuu"

POSTGRES_INDEXES = {
    "complaint_contact_email_lower": (
        "CREATE INDEX IF NOT EXISTS complaint_contact_email_lower ON complaints_complaint "
        "(lower(contact_email) text_pattern_ops)"
    ),
    "complaint_text_search": (
        "CREATE INDEX IF NOT EXISTS complaint_text_search ON complaints_complaint USING gin "
        "(to_tsvector('simple'::regconfig, translate("
        "subject || ' ' || description || ' ' || contact_name, "
        f"'{FOLD_FROM}', '{FOLD_TO}')))"
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in POSTGRES_INDEXES.values():
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in POSTGRES_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


OPEN_STAGES = [
    "received",
    "acknowledged",
    "classified",
    "tracking",
    "in_analysis",
    "responded",
    "decision_notified",
]


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0019_acknowledgement_undelivered"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("stage__in", OPEN_STAGES)),
                fields=["-received_at", "-id"],
                name="complaint_open_received",
            ),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("contact_phone", ""), _negated=True),
                fields=["contact_phone"],
                name="complaint_contact_phone",
            ),
        ),
        # Each filter with the list's order (the single-column ones are their prefix).
        migrations.RemoveIndex(model_name="complaint", name="complaint_priority"),
        migrations.RemoveIndex(model_name="complaint", name="complaint_kind"),
        migrations.RemoveIndex(model_name="complaint", name="complaint_channel"),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                fields=["priority", "-received_at", "-id"], name="complaint_priority_recv"
            ),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(fields=["kind", "-received_at", "-id"], name="complaint_kind_recv"),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                fields=["channel", "-received_at", "-id"], name="complaint_channel_recv"
            ),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                fields=["category", "-received_at", "-id"], name="complaint_category_recv"
            ),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                fields=["assignee", "-received_at", "-id"], name="complaint_assignee_recv"
            ),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(
                django.db.models.functions.comparison.Coalesce(
                    "resolution_due_at",
                    models.Value(
                        datetime.datetime(9999, 12, 31, 0, 0, tzinfo=datetime.timezone.utc),
                        output_field=models.DateTimeField(),
                    ),
                ),
                models.F("id"),
                name="complaint_due_sort",
            ),
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
