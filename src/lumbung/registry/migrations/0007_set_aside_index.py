"""Where a first load keeps the DDL of the indexes it builds after its rows (registry.first_load)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0006_region_prefix_columns'),
    ]

    operations = [
        migrations.CreateModel(
            name='SetAsideIndex',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=128, unique=True, verbose_name='name')),
                ('kind', models.CharField(max_length=8, verbose_name='kind')),
                ('table', models.CharField(max_length=64, verbose_name='table')),
                ('sql', models.TextField(verbose_name='definition')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='set aside at')),
            ],
            options={
                'verbose_name': 'index set aside by a first load',
                'verbose_name_plural': 'indexes set aside by a first load',
                'default_permissions': (),
            },
        ),
    ]
