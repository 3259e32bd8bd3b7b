"""The rules the registry starts with, as data (editable in the back office, with history).

Sources and doubts (registries.md §7, §8):
- Licence term: NĐ 142/2020/NĐ-CP Điều 37 — 3 years for "other radiation work", which includes
  medical diagnostic X-ray. Luật Năng lượng nguyên tử 2025 (94/2025/QH15) applies from
  01/01/2026; its implementing decree was not checked, so the 2026 rule repeats 3 years and says
  so. Edit it when the decree is confirmed.
- Verification interval: TTLT 13/2014/TTLT-BKHCN-BYT — yearly for CT and fluoroscopy (C-arm is
  fluoroscopy), every 2 years for other diagnostic X-ray.
- Survey flags: re-measure above ~0.3 µSv/h or 3× the local median — a field heuristic [U], not a
  legal limit.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations
from django.utils import timezone

ND142 = "NĐ 142/2020/NĐ-CP, Điều 37"
LNLNT2025 = "Luật Năng lượng nguyên tử 2025 (94/2025/QH15) – nghị định hướng dẫn CHƯA đối chiếu"
TTLT13 = "TTLT 13/2014/TTLT-BKHCN-BYT"

TERMS = [
    ("medical_xray", dt.date(2021, 2, 1), 36, ND142, ""),
    ("other", dt.date(2021, 2, 1), 36, ND142, "Công việc bức xạ khác do Cục ATBXHN cấp; 5 năm với thiết bị chiếu xạ, 6–12 tháng với xuất nhập khẩu: sửa nếu theo dõi các loại này."),
    ("medical_xray", dt.date(2026, 1, 1), 36, LNLNT2025, "Tạm giữ 3 năm như NĐ 142/2020 cho đến khi đối chiếu nghị định mới; sửa bản ghi này khi có văn bản."),
    ("other", dt.date(2026, 1, 1), 36, LNLNT2025, "Tạm giữ như NĐ 142/2020 cho đến khi đối chiếu nghị định mới."),
]

# (device kind, months)
VERIFICATION = [
    ("ct", 12),
    ("fluoroscopy", 12),
    ("c_arm", 12),
    ("general", 24),
    ("dental", 24),
    ("panoramic", 24),
    ("mammography", 24),
    ("mobile", 24),
    ("bone_densitometry", 24),
    ("other", 24),
]


def _with_history(apps, model_name, obj, created):
    # The rule's history starts with its creation, as if it had been entered in the back office.
    if not created:
        return
    historical = apps.get_model("radiation", f"Historical{model_name}")
    values = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    historical.objects.create(
        **values, history_date=timezone.now(), history_type="+", history_change_reason="Quy tắc ban đầu (migration)"
    )


def seed(apps, schema_editor):
    LicenceTermRule = apps.get_model("radiation", "LicenceTermRule")
    DeviceVerificationRule = apps.get_model("radiation", "DeviceVerificationRule")
    SurveyRule = apps.get_model("radiation", "SurveyRule")
    for activity, valid_from, months, basis, note in TERMS:
        obj, created = LicenceTermRule.objects.get_or_create(
            activity=activity, valid_from=valid_from, defaults={"term_months": months, "legal_basis": basis, "note": note}
        )
        _with_history(apps, "LicenceTermRule", obj, created)
    for kind, months in VERIFICATION:
        obj, created = DeviceVerificationRule.objects.get_or_create(
            device_kind=kind,
            valid_from=dt.date(2014, 7, 1),
            defaults={"interval_months": months, "legal_basis": TTLT13, "note": "Chu kỳ kiểm định thiết bị X-quang chẩn đoán y tế."},
        )
        _with_history(apps, "DeviceVerificationRule", obj, created)
    obj, created = SurveyRule.objects.get_or_create(
        valid_from=dt.date(2023, 1, 1),
        defaults={
            "threshold_nsv_h": 300,
            "median_multiple": Decimal("3.0"),
            "min_points_for_median": 5,
            "max_plausible_nsv_h": 100_000,
            "note": "Ngưỡng kinh nghiệm để lập danh sách đo lại (0,3 µSv/h hoặc gấp 3 lần trung vị xã), không phải giới hạn pháp lý. Sở có thể sửa.",
        },
    )
    _with_history(apps, "SurveyRule", obj, created)


class Migration(migrations.Migration):
    dependencies = [("radiation", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
