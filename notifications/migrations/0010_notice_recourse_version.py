# The version of "where else you can go" each rejection and closure notice carried.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0017_recourse_text'),
        ('notifications', '0009_whatsapp_medium'),
    ]

    operations = [
        migrations.AddField(
            model_name='notification',
            name='recourse_text',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='complaints.recoursetext', verbose_name='where-else-to-apply version sent'),
        ),
    ]
