# The dashboard's covering index of the open complaints (docs/performance.md,
# "The last step: rendering and queries (dash2)"): the open summary's GROUP BY,
# the work queues' choice of ids and the closure panel's count of complaints
# waiting on the customer read it alone (index-only scans), not one
# heap page per open complaint. PostgreSQL only (INCLUDE); on SQLite nothing.
# Not in Complaint.Meta: it serves the SLA dashboard only, and lives with it.

from django.db import migrations

# complaints.workflow.OPEN_STAGES when written (a test checks they still match):
# the same IN list as the queries', so that the planner can use the index.
OPEN_STAGES = (
    "received",
    "acknowledged",
    "classified",
    "tracking",
    "in_analysis",
    "responded",
    "decision_notified",
)
INDEX = "sla_open_dashboard"
COLUMNS = (
    "received_at",
    "id",
    "channel",
    "category_id",
    "ack_due_at",
    "ack_met_at",
    "ack_at_risk_after",
    "resolution_due_at",
    "resolution_met_at",
    "resolution_at_risk_after",
    "resolution_paused_at",
    "waiting_on_customer_since",
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    stages = ", ".join(f"'{stage}'" for stage in OPEN_STAGES)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON complaints_complaint (stage, priority) "
        f"INCLUDE ({', '.join(COLUMNS)}) WHERE stage IN ({stages})"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0007_dashboard_histograms"),
        ("complaints", "0021_search_document"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
