"""The four roles as groups. Each role holds the permissions of the ones below it."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["outlet", "speaker", "source", "claim", "evidence", "claimstatuschange", "verdict",
          "checkrun"]
READER = [f"view_{m}" for m in MODELS]
EDITOR = READER + [
    "add_outlet", "change_outlet", "add_speaker", "change_speaker", "add_source",
    "change_source", "add_claim", "change_claim", "add_evidence",
]
FACT_CHECKER = EDITOR + ["change_evidence", "add_verdict"]
ADMIN = FACT_CHECKER + [
    "delete_outlet", "delete_speaker", "delete_source", "delete_claim", "delete_evidence",
]
ROLES = {"reader": READER, "editor": EDITOR, "fact_checker": FACT_CHECKER, "admin": ADMIN}


def create_roles(apps, schema_editor):
    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="facts", codename__in=codenames)
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("facts", "0002_verdicts_append_only"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
