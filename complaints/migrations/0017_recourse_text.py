"""Where else the customer can go (PROCESS.md): the company's text in versions,
like the privacy notice, with a first version naming the consumer arbitration
committees, the consumer courts (their monetary limits change every year) and,
for electronic-communication services, the BTK. Managers publish new versions;
staff read them."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# The first version: no amounts (they change every year and would go stale);
# publishing a corrected text in the admin makes version 2.
TEXT_TR = """Kararımızı yeterli bulmazsanız ya da başvurunuzun sonucundan memnun kalmazsanız bize yeniden yazabileceğiniz gibi aşağıdaki yollara da başvurabilirsiniz. Bunun için onayımız gerekmez.

Tüketici Hakem Heyeti
Uyuşmazlığın değeri, Ticaret Bakanlığınca her yıl belirlenip Resmî Gazete'de ilan edilen parasal sınırın altındaysa, yerleşim yerinizdeki veya işlemi yaptığınız yerdeki il ya da ilçe tüketici hakem heyetine başvurmanız gerekir. Başvuruyu şahsen veya e-Devlet (www.turkiye.gov.tr) üzerinden Tüketici Bilgi Sistemi (TÜBİS) ile yapabilirsiniz; başvuru ücretsizdir.

Tüketici mahkemeleri
Parasal sınırın üzerindeki uyuşmazlıklar için tüketici mahkemesinde dava açabilirsiniz. Dava açmadan önce arabulucuya başvurmanız kanunen zorunludur.

Parasal sınırlar her yıl değişir. Güncel tutarları Ticaret Bakanlığının duyurularından (www.ticaret.gov.tr) veya e-Devlet'ten öğrenebilirsiniz.

Bilgi Teknolojileri ve İletişim Kurumu (BTK)
İnternet ve diğer elektronik haberleşme hizmetlerimizle ilgili şikâyetleriniz için Bilgi Teknolojileri ve İletişim Kurumuna www.btk.gov.tr adresinden veya e-Devlet üzerinden başvurabilirsiniz."""

TEXT_EN = """If you do not find our decision sufficient, or you are not satisfied with how your application ended, you may write to us again, and you may also apply to the bodies below. You do not need our consent to do so.

Consumer arbitration committees (Tüketici Hakem Heyeti)
If the value of the dispute is below the monetary limit that the Ministry of Trade sets every year and publishes in the Official Gazette, you must apply to the consumer arbitration committee of the province or district where you live or where the transaction took place. You can apply in person or through e-Devlet (www.turkiye.gov.tr), in the Consumer Information System (TÜBİS); applying is free of charge.

Consumer courts (Tüketici Mahkemesi)
Disputes above that limit can be taken to the consumer court. Before you file a lawsuit, the law requires you to apply to a mediator.

The monetary limits change every year. You can find the current amounts in the announcements of the Ministry of Trade (www.ticaret.gov.tr) or on e-Devlet.

Information and Communication Technologies Authority (BTK)
For complaints about our internet and other electronic-communication services, you can apply to the Information and Communication Technologies Authority (Bilgi Teknolojileri ve İletişim Kurumu, BTK) at www.btk.gov.tr or through e-Devlet."""


def publish_first_version(apps, schema_editor):
    RecourseText = apps.get_model("complaints", "RecourseText")
    if not RecourseText.objects.exists():
        RecourseText.objects.create(version=1, text_tr=TEXT_TR, text_en=TEXT_EN)


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); the
    # groups need these now.
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


GRANTS = {
    "Agent": ["view_recoursetext"],
    "Representative": ["view_recoursetext"],
    "Manager": ["view_recoursetext", "add_recoursetext"],
}


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0016_whatsapp_channel"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="RecourseText",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.PositiveIntegerField(editable=False, unique=True, verbose_name="version")),
                ("text_tr", models.TextField(verbose_name="text (Turkish)")),
                ("text_en", models.TextField(verbose_name="text (English)")),
                ("published_at", models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="published at")),
                ("published_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="published by")),
            ],
            options={
                "verbose_name": "where else to apply",
                "verbose_name_plural": "where else to apply",
                "ordering": ["-version"],
                "abstract": False,
                "default_permissions": ("add", "view"),
            },
        ),
        migrations.RunPython(publish_first_version, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
