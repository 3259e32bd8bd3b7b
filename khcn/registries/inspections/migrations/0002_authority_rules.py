"""Who may record which kind of campaign, by date, as data (editable in the back office, with
history). Sources (registries.md §0, §13):

- Until 30/06/2025 the department's own inspectorate (Thanh tra Sở) inspected (Luật Thanh tra
  2004, 2010 (56/2010/QH12) and 2022 (11/2022/QH15) [R: start date of the first rule]).
- Luật Thanh tra 2025 (84/2025/QH15), in force 01/07/2025, abolishes the Sở-level inspectorate and
  "thanh tra chuyên ngành": inspections belong to the provincial inspectorate (Thanh tra tỉnh).
- Checks (kiểm tra nhà nước về đo lường, chất lượng, nhãn hàng hóa...) continue throughout.
"""

import datetime as dt

from django.db import migrations
from django.utils import timezone

RULES = [
    (
        "inspection",
        dt.date(2004, 10, 1),
        dt.date(2025, 7, 1),
        True,
        "Luật Thanh tra 2004, 2010 (56/2010/QH12), 2022 (11/2022/QH15): thanh tra sở, thanh tra chuyên ngành",
        "",
        "[R] Ngày bắt đầu lấy theo Luật Thanh tra 2004; chỉ để các cuộc thanh tra cũ được ghi nhận.",
    ),
    (
        "inspection",
        dt.date(2025, 7, 1),
        None,
        False,
        "Luật Thanh tra 2025 (84/2025/QH15), hiệu lực 01/07/2025",
        "từ ngày 01/07/2025, Luật Thanh tra 2025 (84/2025/QH15) bỏ thanh tra sở và thanh tra chuyên ngành; "
        "thanh tra do Thanh tra tỉnh thực hiện. Hãy ghi nhận là cuộc kiểm tra, hoặc ghi số quyết định của "
        "Thanh tra tỉnh ở mục “Cuộc thanh tra liên quan của Thanh tra tỉnh” của cuộc kiểm tra phối hợp.",
        "",
    ),
    (
        "check",
        dt.date(2004, 10, 1),
        None,
        True,
        "Luật Chất lượng sản phẩm, hàng hóa 2007; Luật Đo lường 2011; kiểm tra chuyên ngành của Sở (tiếp tục sau 01/07/2025)",
        "",
        "",
    ),
]


def seed(apps, schema_editor):
    Rule = apps.get_model("inspections", "InspectionAuthorityRule")
    Historical = apps.get_model("inspections", "HistoricalInspectionAuthorityRule")
    for kind, valid_from, valid_to, allowed, basis, refusal, note in RULES:
        rule, created = Rule.objects.get_or_create(
            kind=kind,
            valid_from=valid_from,
            defaults={"valid_to": valid_to, "allowed": allowed, "legal_basis": basis, "refusal_message": refusal, "note": note},
        )
        if created:
            # The rule's history starts with its creation, as if entered in the back office.
            values = {f.attname: getattr(rule, f.attname) for f in rule._meta.concrete_fields}
            Historical.objects.create(
                **values, history_date=timezone.now(), history_type="+", history_change_reason="Quy tắc ban đầu (migration)"
            )


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
