"""Create the Django groups that carry the roles of council.roles.Role.

Groups are reference data the permission checks rely on, so they exist in every
installation; users are never created here (the demo loader makes the demo users).
"""

from django.db import migrations

ROLE_GROUPS = ["Sachbearbeitung", "Bereichsleitung", "Ratsbüro"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("council", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
