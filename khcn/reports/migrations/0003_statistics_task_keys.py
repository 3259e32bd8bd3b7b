"""Form 04/KHCN-NV: point the task lines at the keys the research app declares for them."""

from django.db import migrations

RENAMED = {
    "research.budget_disbursed": "research.state_budget_disbursed",
    "research.tasks_accepted_excellent": "research.tasks_graded_excellent",
    "research.tasks_accepted_passed": "research.tasks_graded_passed",
    "research.tasks_failed": "research.tasks_graded_failed",
}


def rename(apps, schema_editor):
    Line = apps.get_model("reports", "StatisticsLine")
    for old, new in RENAMED.items():
        for line in Line.objects.filter(metric_key=old):
            line.metric_key = new
            line.save(update_fields=["metric_key"])


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_statistics_regimes")]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
