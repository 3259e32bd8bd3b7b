from django.db import migrations


def load(apps, schema_editor):
    from khcn.research.classifications import load_plan_groups

    load_plan_groups(apps.get_model("research", "PlanGroup"))


class Migration(migrations.Migration):
    dependencies = [
        ("research", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
