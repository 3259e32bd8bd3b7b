"""Seed the Ministry statistics regimes: TT 15/2018/TT-BKHCN (10 forms; the department's five are
seeded) and TT 45/2025/TT-BKHCN (form codes not yet seen: seeded as the same indicators, marked).

Each line names a metric key (docs/metrics.md); its figure is computed from the records. Lines
whose key no app declares yet print "chưa ghi nhận" rather than a number.
"""

import datetime as dt

from django.db import migrations

TASKS = [
    ("1", "Nhiệm vụ KH&CN thực hiện trong năm", "research.plan_tasks", "nhiệm vụ"),
    ("1.1", "Trong đó: chuyển tiếp từ năm trước", "research.plan_tasks_carried_over", "nhiệm vụ"),
    ("1.2", "Trong đó: mở mới trong năm", "research.plan_tasks_new", "nhiệm vụ"),
    ("2", "Kinh phí kế hoạch năm cho nhiệm vụ", "research.plan_budget_total", "đồng"),
    ("3", "Kinh phí NSNN đã cấp trong năm", "research.budget_disbursed", "đồng"),
    ("4", "Nhiệm vụ được đánh giá, nghiệm thu trong năm", "research.tasks_accepted", "nhiệm vụ"),
    ("4.1", "Trong đó: xếp loại Xuất sắc", "research.tasks_accepted_excellent", "nhiệm vụ"),
    ("4.2", "Trong đó: xếp loại Đạt", "research.tasks_accepted_passed", "nhiệm vụ"),
    ("4.3", "Trong đó: xếp loại Không đạt", "research.tasks_failed", "nhiệm vụ"),
    ("5", "Kết quả nhiệm vụ được đăng ký", "research.results_registered", "kết quả"),
    ("6", "Kết quả được ứng dụng (lượt ghi nhận)", "research.result_applications", "lượt"),
]
TRANSFER = [
    ("1", "Giấy chứng nhận đăng ký chuyển giao công nghệ cấp mới", "technology.transfer_certificates_new", "giấy"),
    ("2", "Giấy chứng nhận gia hạn, sửa đổi, bổ sung", "technology.transfer_certificates_amended", "giấy"),
    ("3", "Giá trị hợp đồng chuyển giao công nghệ", "technology.transfer_contract_value", "đồng"),
    ("4", "Dự án đầu tư được cho ý kiến về công nghệ", "technology.opinions", "dự án"),
]
IP = [
    ("1", "Nhãn hiệu, kiểu dáng được hỗ trợ đăng ký", "ip.supported_marks", "đơn"),
    ("1.1", "Trong đó: đã được cấp văn bằng", "ip.supported_marks_granted", "văn bằng"),
    ("2", "Tổ chức được hỗ trợ", "ip.support_organisations", "tổ chức"),
    ("3", "Cá nhân được hỗ trợ", "ip.support_individuals", "cá nhân"),
    ("4", "Kinh phí hỗ trợ", "ip.support_amount", "đồng"),
    ("5", "Giấy chứng nhận quyền sử dụng chỉ dẫn địa lý", "ip.gi_certificates", "giấy"),
    ("6", "Giấy chứng nhận quyền sử dụng nhãn hiệu chứng nhận", "ip.certification_mark_certificates", "giấy"),
]
TDC = [
    ("1", "Thông báo tiếp nhận công bố hợp quy", "quality.announcements_regulation", "thông báo"),
    ("2", "Thông báo tiếp nhận công bố hợp chuẩn", "quality.announcements_standard", "thông báo"),
    ("3", "Hồ sơ kiểm tra chất lượng hàng nhập khẩu", "quality.import_registrations", "hồ sơ"),
    ("3.1", "Trong đó: lô hàng không đạt", "quality.import_non_conforming", "lô"),
    ("4", "Phương tiện đo được kiểm định", "metrology.verified", "phương tiện"),
    ("4.1", "Trong đó: đạt, được cấp giấy chứng nhận, tem", "metrology.passed", "phương tiện"),
    ("4.2", "Trong đó: không đạt, loại bỏ", "metrology.rejected", "phương tiện"),
    ("5", "Cơ sở được kiểm tra về đo lường, chất lượng", "inspections.checked_establishments", "cơ sở"),
]
RADIATION = [
    ("1", "Giấy phép tiến hành công việc bức xạ đã cấp", "radiation.licences_issued", "giấy phép"),
    ("1.1", "Trong đó: cấp mới", "radiation.licences_issued.new", "giấy phép"),
    ("1.2", "Trong đó: gia hạn", "radiation.licences_issued.renewal", "giấy phép"),
    ("1.3", "Trong đó: sửa đổi, bổ sung", "radiation.licences_issued.amendment", "giấy phép"),
    ("1.4", "Trong đó: cấp lại", "radiation.licences_issued.reissue", "giấy phép"),
    ("2", "Chứng chỉ nhân viên bức xạ đã cấp", "radiation.worker_certificates_issued", "chứng chỉ"),
    ("3", "Người được tập huấn an toàn bức xạ", "radiation.trainees", "người"),
    ("4", "Điểm quan trắc phông phóng xạ môi trường", "radiation.survey_points", "điểm"),
]
FORMS_2018 = [
    ("04/KHCN-NV", "Nhiệm vụ khoa học và công nghệ", TASKS),
    ("06/KHCN-CG", "Chuyển giao công nghệ", TRANSFER),
    ("08/KHCN-SHTT", "Sở hữu trí tuệ", IP),
    ("09/KHCN-TDC", "Tiêu chuẩn, đo lường, chất lượng", TDC),
    ("10/KHCN-NLAT", "Năng lượng nguyên tử, an toàn bức xạ và hạt nhân", RADIATION),
]
REGIMES = [
    (
        "TT15-2018",
        "Chế độ báo cáo thống kê ngành KH&CN (Thông tư 15/2018/TT-BKHCN)",
        "Thông tư 15/2018/TT-BKHCN: 10 biểu (01/KHCN-TC … 10/KHCN-NLAT); Sở gửi các biểu thuộc lĩnh vực "
        "mình quản lý. Nội dung chỉ tiêu ở đây rút gọn theo số liệu hệ thống có; [chưa xác minh] đối chiếu "
        "nguyên văn từng biểu.",
        dt.date(2019, 1, 1),
        dt.date(2025, 12, 31),
        "[chưa xác minh] 15/02 năm sau",
        [(code, title, lines) for code, title, lines in FORMS_2018],
    ),
    (
        "TT45-2025",
        "Chế độ báo cáo thống kê KH,CN&ĐMST (Thông tư 45/2025/TT-BKHCN)",
        "[chưa xác minh] Thông tư 45/2025/TT-BKHCN (hệ thống chỉ tiêu, chế độ báo cáo; ưu tiên dùng lại dữ "
        "liệu hành chính). Chưa thấy số hiệu biểu: tạm dùng các chỉ tiêu của TT 15/2018, cán bộ sửa khi có "
        "văn bản.",
        dt.date(2026, 1, 1),
        None,
        "[chưa xác minh]",
        [(f"{code} (tạm)", title, lines) for code, title, lines in FORMS_2018],
    ),
]


def seed(apps, schema_editor):
    Regime = apps.get_model("reports", "StatisticsRegime")
    Form = apps.get_model("reports", "StatisticsForm")
    Line = apps.get_model("reports", "StatisticsLine")
    for code, name, basis, valid_from, valid_to, deadline, forms in REGIMES:
        if Regime.objects.filter(code=code).exists():
            continue
        regime = Regime.objects.create(
            code=code, name=name, legal_basis=basis, valid_from=valid_from, valid_to=valid_to, deadline=deadline
        )
        for order, (form_code, title, lines) in enumerate(forms, start=1):
            form = Form.objects.create(regime=regime, code=form_code, title=title, order=order)
            Line.objects.bulk_create(
                Line(form=form, order=i, number=number, label=label, metric_key=key, unit=unit)
                for i, (number, label, key, unit) in enumerate(lines, start=1)
            )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_statistics")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
