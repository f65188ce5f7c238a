"""Staff who handle complaints download the customers' files (read-only)."""

from django.db import migrations

PERMISSIONS = ["view_complaintattachment"]
GROUPS = ["Agent", "Representative", "Manager"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); the
    # groups need them now.
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("complaints")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(
        Permission.objects.filter(content_type__app_label="complaints", codename__in=PERMISSIONS)
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0010_customer_conversation")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
