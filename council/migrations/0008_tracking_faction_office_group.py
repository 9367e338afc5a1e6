"""Create the group of the role Fraktionsgeschäftsstelle (council.roles.Role.FACTION_OFFICE)."""

from django.db import migrations

GROUP = "Fraktionsgeschäftsstelle"


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=GROUP)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [("council", "0007_mail_dispatch_subscription")]

    operations = [migrations.RunPython(create_group, remove_group)]
