"""The validity rules the registry starts with, as data (editable in the back office, with history).

registries.md §4 (c): the term of a use-right certificate is set by provincial rules, "often 3–5
years [U]". 5 years is recorded for both the GI "Hưng Yên" and the certification mark "Long nhãn
Hưng Yên" and marked [chưa xác minh]; the department corrects it, or adds a rule from the date a
new provincial decision applies.
"""

import datetime as dt

from django.db import migrations
from django.utils import timezone

BASIS = "Quy chế quản lý, sử dụng CDĐL “Hưng Yên” cho sản phẩm nhãn lồng / nhãn hiệu chứng nhận “Long nhãn Hưng Yên” của tỉnh [chưa xác minh số, ngày văn bản]"
RULES = [
    ("gi", dt.date(2015, 1, 1), 60, BASIS, "Thời hạn 5 năm chưa đối chiếu văn bản của tỉnh [chưa xác minh]."),
    ("certification_mark", dt.date(2015, 1, 1), 60, BASIS, "Thời hạn 5 năm chưa đối chiếu quy chế sử dụng nhãn hiệu chứng nhận [chưa xác minh]."),
]


def seed(apps, schema_editor):
    Rule = apps.get_model("ip", "UseRightValidityRule")
    Historical = apps.get_model("ip", "HistoricalUseRightValidityRule")
    for kind, valid_from, months, basis, note in RULES:
        rule, created = Rule.objects.get_or_create(
            kind=kind, valid_from=valid_from, defaults={"months": months, "legal_basis": basis, "note": note}
        )
        if created:
            # The rule's history starts with its creation, as if it had been entered in the back office.
            values = {f.attname: getattr(rule, f.attname) for f in rule._meta.concrete_fields}
            Historical.objects.create(
                **values, history_date=timezone.now(), history_type="+", history_change_reason="Quy tắc ban đầu (migration)"
            )


def unseed(apps, schema_editor):
    Rule = apps.get_model("ip", "UseRightValidityRule")
    for kind, valid_from, *_rest in RULES:
        Rule.objects.filter(kind=kind, valid_from=valid_from).delete()


class Migration(migrations.Migration):
    dependencies = [("ip", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
