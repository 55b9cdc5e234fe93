"""Joins the four migrations that followed 0002 in parallel: access-path indexes, analyst grants,
owners' claims and the officers' workspace."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0003_access_path_indexes"),
        ("registry", "0003_analyst_grants"),
        ("registry", "0003_claim"),
        ("registry", "0003_workspace"),
    ]

    operations = []
