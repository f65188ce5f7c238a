"""Data-subject requests (KVKK article 11): exporting everything held about a
customer and anonymising them now, both granted to the Manager group."""

from django.db import migrations

GRANTS = {"Manager": ["export_customer", "anonymise_customer"]}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); the
    # group needs these now.
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("complaints")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for codename in codenames:
            group.permissions.add(
                Permission.objects.get(content_type__app_label="complaints", codename=codename)
            )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="complaints", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0007_retention_markers"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="customer",
            options={
                "permissions": [
                    ("export_customer", "Can export everything held about a customer"),
                    ("anonymise_customer", "Can anonymise a customer now"),
                ],
                "verbose_name": "customer",
                "verbose_name_plural": "customers",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
