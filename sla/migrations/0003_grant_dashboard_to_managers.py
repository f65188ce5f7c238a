"""The Manager group sees the SLA dashboard (PROCESS.md, "Who uses it")."""

from django.db import migrations

PERMISSION = ("sla", "view_dashboard")


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); the
    # group needs this one now.
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("sla")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_label, codename = PERMISSION
    permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    group, _ = Group.objects.get_or_create(name="Manager")
    group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_label, codename = PERMISSION
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    group = Group.objects.filter(name="Manager").first()
    if permission is not None and group is not None:
        group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0002_sla_dashboard"),
        ("complaints", "0002_seed_categories_root_causes_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
