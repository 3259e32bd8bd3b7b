"""Seed the rules for carrying out tasks, one per legal regime (tasks.md §3).

The values follow national patterns (6-monthly reports; one extension, asked at least 30 days
before the end, at most 6 months for tasks up to 24 months and 12 months for longer ones; the
acceptance dossier within 30 days of the end; results registered within 30 days of the
recognition). The provincial texts were not read: each row says so, and staff may edit them.
"""

import datetime as dt

from django.db import migrations

UNVERIFIED = "[chưa xác minh] "
RULES = [
    (
        "LKHCN2013_HY2017",
        "Quy định thực hiện nhiệm vụ – Hưng Yên (QĐ 03/2017/QĐ-UBND)",
        UNVERIFIED + "Theo mẫu quốc gia: TT 04/2015/TT-BKHCN (kiểm tra, điều chỉnh, gia hạn); "
        "TT 11/2014/TT-BKHCN (nghiệm thu); TT 14/2014/TT-BKHCN (đăng ký kết quả, 30 ngày); "
        "TT 03/2023/TT-BTC (quyết toán). Cần đối chiếu QĐ 03/2017/QĐ-UBND tỉnh Hưng Yên.",
        dt.date(2017, 1, 1),
    ),
    (
        "LKHCN2013_TB2020",
        "Quy định thực hiện nhiệm vụ – Thái Bình (QĐ 16/2020/QĐ-UBND)",
        UNVERIFIED + "Theo mẫu quốc gia như trên. Cần đối chiếu QĐ 16/2020/QĐ-UBND tỉnh Thái Bình.",
        dt.date(2020, 1, 1),
    ),
    (
        "LKHCNDMST2025",
        "Quy định thực hiện nhiệm vụ – Luật KH,CN&ĐMST 93/2025/QH15",
        UNVERIFIED + "Luật 93/2025/QH15 (hiệu lực 01/10/2025), NĐ 265/2025/NĐ-CP; giữ giá trị theo mẫu cũ "
        "cho đến khi có văn bản hướng dẫn của tỉnh.",
        dt.date(2025, 10, 1),
    ),
]


def seed(apps, schema_editor):
    ExecutionRule = apps.get_model("research", "ExecutionRule")
    for regime, name, basis, valid_from in RULES:
        if not ExecutionRule.objects.filter(legal_regime=regime).exists():
            ExecutionRule.objects.create(legal_regime=regime, name=name, legal_basis=basis, valid_from=valid_from)


class Migration(migrations.Migration):
    dependencies = [("research", "0003_execution")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
