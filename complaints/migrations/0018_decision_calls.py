"""A decision given by phone is a record of its own: the number called, when,
by whom, whether the customer was reached and what they answered. Agents and
representatives record calls; managers read them."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


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
    "Agent": ["view_decisioncall", "add_decisioncall"],
    "Representative": ["view_decisioncall", "add_decisioncall"],
    "Manager": ["view_decisioncall"],
}


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0017_recourse_text'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.CreateModel(
            name='DecisionCall',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('phone', models.CharField(max_length=20, verbose_name='number called')),
                ('called_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='called at')),
                ('outcome', models.CharField(choices=[('reached', 'Reached the customer'), ('not_reached', 'Did not reach the customer')], max_length=12, verbose_name='outcome')),
                ('answer', models.CharField(blank=True, choices=[('accepted', 'Accepted'), ('rejected', 'Rejected')], max_length=10, verbose_name="customer's answer on the call")),
                ('answer_reason', models.TextField(blank=True, verbose_name='reason given for the answer')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('caller', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='called by')),
                ('complaint', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='decision_calls', to='complaints.complaint', verbose_name='complaint')),
            ],
            options={
                'verbose_name': 'decision call',
                'verbose_name_plural': 'decision calls',
                'ordering': ['-called_at', '-id'],
                'default_permissions': ('add', 'view'),
                'indexes': [models.Index(fields=['complaint', 'called_at'], name='decisioncall_complaint')],
                'constraints': [models.CheckConstraint(condition=models.Q(('outcome__in', ['reached', 'not_reached'])), name='decisioncall_outcome_valid'), models.CheckConstraint(condition=models.Q(('answer__in', ['accepted', 'rejected', ''])), name='decisioncall_answer_valid'), models.CheckConstraint(condition=models.Q(('answer', ''), ('outcome', 'reached'), _connector='OR'), name='decisioncall_answer_needs_reached')],
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
