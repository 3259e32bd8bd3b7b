"""Default rule sets, one per kind of council, so a clean checkout can run every council.

The values live in khcn/councils/defaults.py (also used to re-seed an emptied table). Change
them there only for a fresh install's defaults; a database that already has rule sets is changed
in the back office, or by a new data migration for a new regime.
"""

from __future__ import annotations

from django.db import migrations

from khcn.councils.defaults import VALID_FROM, seed_defaults


def seed(apps, schema_editor):
    seed_defaults(apps.get_model("councils", "RuleSet"), apps.get_model("councils", "RuleCriterion"))


def unseed(apps, schema_editor):
    RuleSet = apps.get_model("councils", "RuleSet")
    RuleCriterion = apps.get_model("councils", "RuleCriterion")
    seeded = RuleSet.objects.filter(valid_from=VALID_FROM, councils__isnull=True)
    RuleCriterion.objects.filter(rule_set__in=seeded).delete()
    # Historical models have no Record.delete() guard; only unused seed rows are removed.
    seeded.delete()


class Migration(migrations.Migration):
    dependencies = [("councils", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
