# The lease of a running task: its worker's heartbeat and the attempts counted (lumbung.jobs.worker).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("jobs", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="taskrecord",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="taskrecord",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0),
        ),
    ]
