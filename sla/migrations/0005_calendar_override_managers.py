"""The Manager group edits the calendar overrides (bridge days, extra holidays,
half days), not only superusers; saving one recomputes the open complaints'
due dates over that date (sla.recompute)."""

from django.db import migrations

GRANTS = {
    "Manager": [
        "add_calendaroverride",
        "change_calendaroverride",
        "delete_calendaroverride",
        "view_calendaroverride",
    ]
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); the
    # group needs these now.
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("sla")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for codename in codenames:
            group.permissions.add(
                Permission.objects.get(content_type__app_label="sla", codename=codename)
            )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="sla", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0004_daily_figures"),
        ("complaints", "0002_seed_categories_root_causes_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
