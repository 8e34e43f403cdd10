"""Printed registers laid out in the background: who asked, what for, and the file
once made (`registry/tasks.py`)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0005_search'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='RegisterExport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('direction', models.CharField(choices=[('in', 'Incoming'), ('out', 'Outgoing')], max_length=3, verbose_name='direction')),
                ('extension', models.CharField(default='pdf', max_length=4, verbose_name='format')),
                ('parameters', models.JSONField(default=dict, verbose_name='parameters')),
                ('period_start', models.DateField(verbose_name='from')),
                ('period_end', models.DateField(verbose_name='until')),
                ('rows', models.PositiveIntegerField(default=0, verbose_name='documents')),
                ('status', models.CharField(choices=[('pending', 'Waiting for its turn'), ('running', 'Being prepared'), ('done', 'Ready'), ('failed', 'Failed')], default='pending', max_length=8, verbose_name='status')),
                ('file', models.FileField(blank=True, max_length=200, upload_to='registry-exports/%Y/%m/%d/', verbose_name='file')),
                ('secrecy', models.PositiveSmallIntegerField(choices=[(0, 'Not classified'), (1, 'Confidential'), (2, 'Secret'), (3, 'Top secret')], default=0, verbose_name='secrecy')),
                ('task_id', models.CharField(blank=True, editable=False, max_length=64)),
                ('requested_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='requested at')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                ('error', models.TextField(blank=True, verbose_name='error')),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
            ],
            options={
                'verbose_name': 'register export',
                'verbose_name_plural': 'register exports',
                'ordering': ['-requested_at', '-pk'],
                'indexes': [models.Index(fields=['requested_at'], name='registerexport_requested')],
            },
        ),
    ]
