"""The history is append-only and complaints are kept, at the database: triggers
on PostgreSQL and SQLite refuse UPDATE and DELETE of history rows and DELETE of
complaints, except through complaints.privacy_guard.history_unlocked (the
anonymisation of complaints). See complaints/privacy_guard.py."""

import django.db.models.deletion
from django.db import migrations, models


def install(apps, schema_editor):
    from complaints.privacy_guard import history_guard_install

    history_guard_install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from complaints.privacy_guard import history_guard_uninstall

    history_guard_uninstall(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0011_grant_attachment_view_to_staff_groups'),
    ]

    operations = [
        migrations.AlterField(
            model_name='complaintevent',
            name='complaint',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='complaints.complaint', verbose_name='complaint'),
        ),
        migrations.AlterField(
            model_name='complaintmessage',
            name='complaint',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='messages', to='complaints.complaint', verbose_name='complaint'),
        ),
        migrations.RunPython(install, uninstall),
    ]
