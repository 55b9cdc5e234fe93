# A policy-lab run from the analysts' page is a job too (issue 12 point 7).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("jobs", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="job",
            name="kind",
            field=models.CharField(choices=[("import", "import"), ("lab", "lab run")], max_length=16,
                                   verbose_name="kind"),
        ),
    ]
