"""The 12 priority criteria of PROCESS.md, a starting root-cause taxonomy, and
the staff groups with their permissions. All editable afterwards."""

from django.db import migrations

CATEGORIES = [
    # code, Turkish, English, default priority
    ("unlawful-practice", "Yasalara aykırı uygulamalar", "Practices contrary to the law", "high"),
    (
        "operations-stopped",
        "Müşterinin faaliyetlerinin durması",
        "Problems that stop the customer's operations",
        "high",
    ),
    (
        "reputation-damage",
        "Kurumsal itibarı zedeleyecek durumlar",
        "Situations that damage corporate reputation",
        "high",
    ),
    (
        "operations-disrupted",
        "Müşterinin faaliyetlerinin aksaması",
        "Problems that disrupt the customer's operations",
        "normal",
    ),
    ("financial", "Finansal konular", "Financial matters", "normal"),
    (
        "contract-breach",
        "Sözleşmeye aykırı durumlar",
        "Situations contrary to the contract",
        "normal",
    ),
    (
        "communication",
        "İletişim veya bilgi akışı sorunları",
        "Communication or information-flow problems",
        "normal",
    ),
    (
        "staff-behaviour",
        "Çalışan davranışlarından kaynaklanan sorunlar",
        "Problems caused by the behaviour of company staff",
        "normal",
    ),
    (
        "customer-regulation-breach",
        "Yasal mevzuata aykırı durumlar",
        "Situations contrary to legal regulations",
        "low",
    ),
    (
        "outside-scope",
        "Faaliyet alanı dışında kalan konular",
        "Subjects outside the company's field of activity",
        "low",
    ),
    (
        "request-against-contract",
        "Sözleşme hükümlerine aykırı istekler",
        "Requests contrary to the contract between the parties",
        "low",
    ),
    (
        "company-not-at-fault",
        "Şirketin kusuru olmayan durumlar",
        "Situations where the company is not at fault",
        "low",
    ),
]

ROOT_CAUSES = [
    ("process", "Süreç hatası", "Process failure"),
    ("technical", "Teknik arıza", "Technical fault"),
    ("human-error", "İnsan hatası", "Human error"),
    ("communication", "İletişim eksikliği", "Communication gap"),
    ("third-party", "Üçüncü taraf / tedarikçi", "Third party / supplier"),
    ("policy", "Politika veya sözleşme hükmü", "Policy or contract term"),
    ("customer-side", "Müşteri kaynaklı", "On the customer's side"),
    ("no-fault", "Kusur bulunamadı", "No fault found"),
]

AGENT = [
    "complaints.view_complaint",
    "complaints.add_complaint",
    "complaints.change_complaint",
    "complaints.view_customer",
    "complaints.change_customer",
    "complaints.view_category",
    "complaints.view_rootcause",
    "complaints.view_complaintmessage",
    "complaints.add_complaintmessage",
    "complaints.view_complaintevent",
    "complaints.acknowledge_complaint",
    "complaints.classify_complaint",
    "complaints.assign_complaint",
    "complaints.analyse_complaint",
    "complaints.respond_complaint",
    "complaints.notify_decision_complaint",
]
REPRESENTATIVE = AGENT + [
    "complaints.close_complaint",
    "complaints.reopen_complaint",
    "complaints.reprioritize_complaint",
]
MANAGER = [
    "complaints.view_complaint",
    "complaints.view_customer",
    "complaints.view_complaintmessage",
    "complaints.view_complaintevent",
    "complaints.assign_complaint",
    "complaints.reprioritize_complaint",
    "complaints.view_category",
    "complaints.add_category",
    "complaints.change_category",
    "complaints.view_rootcause",
    "complaints.add_rootcause",
    "complaints.change_rootcause",
]
GROUPS = {"Agent": AGENT, "Representative": REPRESENTATIVE, "Manager": MANAGER}


def ensure_permissions(apps):
    # Permissions are normally created after all migrations (post_migrate); the
    # groups below need them now.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def seed(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    RootCause = apps.get_model("complaints", "RootCause")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for position, (code, tr, en, priority) in enumerate(CATEGORIES):
        Category.objects.update_or_create(
            code=code,
            defaults={
                "name_tr": tr,
                "name_en": en,
                "default_priority": priority,
                "position": position,
            },
        )
    for position, (code, tr, en) in enumerate(ROOT_CAUSES):
        RootCause.objects.update_or_create(
            code=code, defaults={"name_tr": tr, "name_en": en, "position": position}
        )
    ensure_permissions(apps)
    for name, perms in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
