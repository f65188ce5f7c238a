"""Staff who handle complaints see what arrived on the inbound channels and its
attachments (read-only: the rows are records)."""

from django.db import migrations

PERMISSIONS = ["view_inboundmessage", "view_inboundattachment"]
GROUPS = ["Agent", "Representative", "Manager"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); the
    # groups need them now.
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("intake")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(
        Permission.objects.filter(content_type__app_label="intake", codename__in=PERMISSIONS)
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0002_inbound_messages"),
        ("complaints", "0002_seed_categories_root_causes_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
