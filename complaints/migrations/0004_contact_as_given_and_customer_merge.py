"""Customer identity from unverified input (issue 8 item 2).

- Each complaint keeps the contact name as given; existing complaints get their
  customer record's name, the name their notices have used so far.
- Two customer records may share an e-mail address (staff group and merge them).
- Representatives and managers may merge customer records.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

MERGERS = ["Representative", "Manager"]


def fill_contact_name(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    Customer = apps.get_model("complaints", "Customer")
    Complaint.objects.filter(contact_name="").update(
        contact_name=Subquery(Customer.objects.filter(pk=OuterRef("customer_id")).values("name")[:1])
    )


def grant_merge(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); the
    # groups need this one now.
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("complaints")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    merge = Permission.objects.get(content_type__app_label="complaints", codename="merge_customer")
    for group in Group.objects.filter(name__in=MERGERS):
        group.permissions.add(merge)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0003_sla_targets_and_markers"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="customer",
            options={
                "permissions": [("merge_customer", "Can merge customers")],
                "verbose_name": "customer",
                "verbose_name_plural": "customers",
            },
        ),
        migrations.RemoveConstraint(
            model_name="customer",
            name="customer_email_unique",
        ),
        migrations.AddField(
            model_name="complaint",
            name="contact_name",
            field=models.CharField(default="", max_length=200, verbose_name="contact name"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_contact_name, migrations.RunPython.noop),
        migrations.RunPython(grant_merge, migrations.RunPython.noop),
    ]
