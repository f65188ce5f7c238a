"""Who may do what in the improvement loop (README "Staff groups").

Managers own the corrective-action register and read the survey results, the
signals and the management review; every staff group may link similar
complaints; the Representative reads the survey results. The new Auditor
group reads everything and downloads dossiers and exports.
"""

from django.db import migrations

LINK = ["improvement.add_complaintlink", "improvement.view_complaintlink"]
SURVEY = [
    "improvement.view_surveyinvitation",
    "improvement.view_surveyresponse",
    "improvement.view_surveyoptout",
]
READ = [
    *SURVEY,
    "improvement.view_complaintlink",
    "improvement.view_recurrencesignal",
    "improvement.view_correctiveaction",
    "improvement.view_capaevent",
    "improvement.view_review",
    "improvement.export_complaints",
]
MANAGER = [
    *READ,
    *LINK,
    "improvement.add_correctiveaction",
    "improvement.change_correctiveaction",
    "improvement.verify_correctiveaction",
]
AUDITOR = [
    *READ,
    "complaints.view_complaint",
    "complaints.view_customer",
    "complaints.view_complaintmessage",
    "complaints.view_complaintevent",
    "complaints.view_category",
    "complaints.view_rootcause",
]
GROUPS = {
    "Agent": LINK,
    "Representative": [*LINK, *SURVEY],
    "Manager": MANAGER,
    "Auditor": AUDITOR,
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate).
    from django.contrib.auth.management import create_permissions

    for label in ("improvement", "complaints"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GROUPS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        for perm in perms:
            app_label, codename = perm.split(".")
            if app_label == "improvement":
                group.permissions.remove(
                    *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
                )
    Group.objects.filter(name="Auditor", permissions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("improvement", "0002_similar_text_trigram_index"),
        ("complaints", "0002_seed_categories_root_causes_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
