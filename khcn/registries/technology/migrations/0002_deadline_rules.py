"""The deadline rules the registry starts with, as data (editable in the back office, with history).

Sources and doubts (registries.md §1, §2):
- Transfer filing: Luật Chuyển giao công nghệ 2017 (07/2017/QH14, in force 01/07/2018), Điều 31:
  the party files for registration within 90 days of signing the transfer agreement. The
  amendment passed on 10/12/2025 was not checked: add a rule with its valid_from if it changes.
- Opinion answer: registries.md §1 gives no number ("track the deadline in the request [U]").
  15 days is the usual time for agencies consulted on an investment project [chưa xác minh];
  the department corrects it here.
"""

import datetime as dt

from django.db import migrations
from django.utils import timezone

RULES = [
    (
        "transfer_filing",
        dt.date(2018, 7, 1),
        90,
        False,
        "Luật Chuyển giao công nghệ 2017 (07/2017/QH14), Điều 31",
        "Hồ sơ đăng ký chuyển giao công nghệ nộp trong 90 ngày kể từ ngày ký văn bản giao kết chuyển giao "
        "công nghệ. Áp dụng cả cho hồ sơ gia hạn, sửa đổi, bổ sung (tính từ ngày ký văn bản sửa đổi) "
        "[chưa xác minh với Luật sửa đổi 2025].",
    ),
    (
        "opinion_answer",
        dt.date(2018, 7, 1),
        15,
        False,
        "Luật Chuyển giao công nghệ 2017, Chương II; Luật Đầu tư [chưa xác minh số ngày]",
        "Thời hạn Sở trả lời văn bản lấy ý kiến về công nghệ dự án đầu tư. Số ngày chưa đối chiếu văn bản; "
        "Sở sửa bản ghi này khi xác định được.",
    ),
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("technology", "DeadlineRule")
    Historical = apps.get_model("technology", "HistoricalDeadlineRule")
    for kind, valid_from, days, working_days, basis, note in RULES:
        rule, created = DeadlineRule.objects.get_or_create(
            kind=kind,
            valid_from=valid_from,
            defaults={"days": days, "working_days": working_days, "legal_basis": basis, "note": note},
        )
        if created:
            # The rule's history starts with its creation, as if it had been entered in the back office.
            values = {f.attname: getattr(rule, f.attname) for f in rule._meta.concrete_fields}
            Historical.objects.create(
                **values,
                history_date=timezone.now(),
                history_type="+",
                history_change_reason="Quy tắc ban đầu (migration)",
            )


def unseed(apps, schema_editor):
    DeadlineRule = apps.get_model("technology", "DeadlineRule")
    for kind, valid_from, *_rest in RULES:
        DeadlineRule.objects.filter(kind=kind, valid_from=valid_from).delete()


class Migration(migrations.Migration):
    dependencies = [("technology", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
