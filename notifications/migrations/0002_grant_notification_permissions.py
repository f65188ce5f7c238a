from django.db import migrations

PERMISSIONS = ["notifications.view_notification", "notifications.retry_notification"]
GROUPS = ["Agent", "Representative", "Manager"]


def ensure_permissions(apps):
    # Permissions are normally created after all migrations (post_migrate); the
    # groups below need them now.
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("notifications")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ensure_permissions(apps)
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        for perm in PERMISSIONS:
            app_label, codename = perm.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("complaints", "0002_seed_categories_root_causes_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
