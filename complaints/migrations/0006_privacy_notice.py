"""The privacy notice (aydınlatma metni): versions edited in the admin, a first
version with the company's details left as placeholders, and the version each
complaint records. Managers publish new versions; staff read them."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# The first version. The bracketed details are the company's to fill in (the
# data controller's registered name, address, MERSİS number and the contact
# for applications); publishing the corrected text in the admin makes version 2.
TEXT_TR = """Kişisel Verilerin Korunması Hakkında Aydınlatma Metni

Veri sorumlusu
6698 sayılı Kişisel Verilerin Korunması Kanunu ("KVKK") uyarınca veri sorumlusu Key İnternet'tir ([ticaret unvanı], [adres], MERSİS no: [numara]).

Hangi verileri işliyoruz
Başvurunuzda verdiğiniz adınız, e-posta adresiniz ve/veya telefon numaranız, başvurunuzun konusu ve açıklaması, bizimle yazışmalarınız ve gönderdiğiniz dosyalar, başvurunuza verdiğimiz yanıtlar ve kararınız (kabul veya ret), memnuniyet anketine verdiğiniz puanlar.

Hangi amaçlarla işliyoruz
İstek, görüş ve şikâyetinizi almak, kaydetmek ve size takip numarası vermek; sınıflandırmak, incelemek, kök neden analizi yapmak ve çözüm önerisi ile kararımızı size bildirmek; başvurunuzun durumu hakkında sizi bilgilendirmek; şikâyet sürecinden memnuniyetinizi ölçen kısa bir anket göndermek (şikâyetin ele alınmasının bir parçasıdır, her davette tek tıkla bırakabilirsiniz); sorunların tekrarlanmasını önlemek için istatistik üretmek (anonim); mevzuattan doğan yükümlülüklerimizi yerine getirmek.

Hukuki sebep ve toplama yöntemi
Verileriniz web formu, e-posta, SMS, telefon, yüz yüze görüşme veya API aracılığıyla, kısmen otomatik yollarla toplanır. KVKK 5/2 maddesindeki sebeplere dayanırız: bir sözleşmenin kurulması veya ifasıyla doğrudan ilgili olması (c), hukuki yükümlülüğümüzü yerine getirmemiz (ç), bir hakkın tesisi, kullanılması veya korunması (e) ve temel hak ve özgürlüklerinize zarar vermemek kaydıyla meşru menfaatimiz (f; memnuniyet anketi ve hizmet iyileştirme). Başvurunuz için açık rıza istemiyoruz; pazarlama amaçlı bir izin istenirse bu, başvurudan ayrı ve isteğe bağlı olarak sorulur.

Kimlere aktarılabilir
Bildirimlerin gönderilmesi ve sistemin barındırılması için çalıştığımız hizmet sağlayıcılara (e-posta ve SMS gönderim hizmetleri, bunların bir kısmı yurt dışında olup KVKK 9. madde kapsamında) ve talep hâlinde yetkili kamu kurum ve kuruluşlarına (ör. Tüketici Hakem Heyetleri, mahkemeler, Bilgi Teknolojileri ve İletişim Kurumu) kanunen gereken ölçüde aktarılabilir.

Saklama süresi
Kişisel verileriniz başvurunuz kapandıktan sonra 730 gün (2 yıl) saklanır; bu süre kişisel veri saklama ve imha politikamızda belirlenmiştir. Süre dolunca verileriniz yerinde anonim hâle getirilir; yalnızca kimseyle ilişkilendirilemeyen istatistikler kalır.

KVKK 11. madde kapsamındaki haklarınız
Kişisel verilerinizin işlenip işlenmediğini öğrenme; işlenmişse buna ilişkin bilgi talep etme; işlenme amacını ve bunların amacına uygun kullanılıp kullanılmadığını öğrenme; yurt içinde veya yurt dışında aktarıldığı üçüncü kişileri bilme; eksik veya yanlış işlenmişse düzeltilmesini isteme; KVKK 7. madde çerçevesinde silinmesini veya yok edilmesini isteme; düzeltme, silme veya yok etme işlemlerinin aktarıldığı üçüncü kişilere bildirilmesini isteme; münhasıran otomatik sistemlerle analiz edilmesi suretiyle aleyhinize bir sonucun ortaya çıkmasına itiraz etme; kanuna aykırı işlenmesi sebebiyle zarara uğramanız hâlinde zararın giderilmesini talep etme haklarına sahipsiniz.

Başvuru
Haklarınızı kullanmak için yazılı olarak [adres] adresine, kayıtlı elektronik posta (KEP) ile [KEP adresi] adresine veya sistemimizde kayıtlı e-posta adresinizden [kvkk@ornek.com.tr] adresine başvurabilirsiniz. Başvurunuz en geç 30 gün içinde ücretsiz sonuçlandırılır."""

TEXT_EN = """Privacy Notice on the Protection of Personal Data

Data controller
Under Law No. 6698 on the Protection of Personal Data ("KVKK") the data controller is Key İnternet ([registered company name], [address], MERSİS no: [number]).

The data we process
Your name, e-mail address and/or phone number given with your application, its subject and description, our correspondence and the files you send, our responses and your decision (acceptance or rejection), and the scores you give in the satisfaction survey.

Why we process it
To receive and record your request, feedback or complaint and give you a tracking number; to classify and examine it, analyse its root cause and tell you our solution proposal and decision; to keep you informed of its progress; to send you a short survey on how satisfied you were with the handling of your complaint (part of handling it; every invitation lets you opt out with one click); to produce statistics (anonymous) so that problems do not recur; and to meet our legal obligations.

Legal basis and how we collect it
We collect your data through the web form, e-mail, SMS, phone, in person or the API, partly by automated means. We rely on the grounds of KVKK article 5(2): it is directly related to the making or performance of a contract (c), it is necessary for our legal obligations (ç), for establishing, exercising or protecting a right (e), and for our legitimate interests provided your fundamental rights and freedoms are not harmed (f; the satisfaction survey and service improvement). We do not ask for your explicit consent to handle your application; if consent for marketing is ever asked, it is asked separately from the application and is optional.

Who it may be transferred to
To the service providers we work with to send notices and host the system (e-mail and SMS delivery services, some of them abroad, under KVKK article 9), and, on request, to authorised public bodies (e.g. consumer arbitration committees, courts, the Information and Communication Technologies Authority) to the extent the law requires.

How long we keep it
Your personal data is kept for 730 days (2 years) after your application is closed, as our personal data retention and destruction policy sets. Then it is anonymised in place: only statistics that cannot be linked to anyone remain.

Your rights under KVKK article 11
You have the right to learn whether your personal data is processed; to request information about it if so; to learn the purpose of the processing and whether it is used accordingly; to know the third parties in Turkey or abroad it is transferred to; to ask for it to be corrected if incomplete or inaccurate; to ask for it to be erased or destroyed under KVKK article 7; to ask that corrections, erasures or destructions be notified to the third parties it was transferred to; to object to a result against you arising from analysis exclusively by automated systems; and to claim compensation for damage from unlawful processing.

How to apply
To exercise your rights, write to [address], send a registered electronic mail (KEP) to [KEP address], or e-mail [kvkk@example.com.tr] from the address registered with us. Your application is answered free of charge within 30 days at the latest."""


def publish_first_version(apps, schema_editor):
    PrivacyNotice = apps.get_model("complaints", "PrivacyNotice")
    if not PrivacyNotice.objects.exists():
        PrivacyNotice.objects.create(version=1, text_tr=TEXT_TR, text_en=TEXT_EN)


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
    "Agent": ["view_privacynotice"],
    "Representative": ["view_privacynotice"],
    "Manager": ["view_privacynotice", "add_privacynotice"],
}


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0005_category_descriptions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.AddField(
            model_name='complaint',
            name='privacy_notice_given',
            field=models.CharField(blank=True, choices=[('shown', 'Shown with the form'), ('read_out', 'Read out by staff'), ('linked', 'Linked in the acknowledgement')], max_length=10, verbose_name='privacy notice given by'),
        ),
        migrations.CreateModel(
            name='PrivacyNotice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(editable=False, unique=True, verbose_name='version')),
                ('text_tr', models.TextField(verbose_name='text (Turkish)')),
                ('text_en', models.TextField(verbose_name='text (English)')),
                ('published_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='published at')),
                ('published_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='published by')),
            ],
            options={
                'verbose_name': 'privacy notice',
                'verbose_name_plural': 'privacy notices',
                'ordering': ['-version'],
                'default_permissions': ('add', 'view'),
            },
        ),
        migrations.AddField(
            model_name='complaint',
            name='privacy_notice',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='complaints.privacynotice', verbose_name='privacy notice given'),
        ),
        migrations.AddConstraint(
            model_name='complaint',
            constraint=models.CheckConstraint(condition=models.Q(('privacy_notice_given__in', ['shown', 'read_out', 'linked', ''])), name='complaint_privacy_notice_given_valid'),
        ),
        migrations.RunPython(publish_first_version, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
