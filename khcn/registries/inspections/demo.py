"""Demo inspections and checks. The 2023 figures of the seed are computed from these individual
records: 12 inspections covering 112 establishments, checks at 148 establishments, fines totalling
7,500,000 đồng. A 2025 check (after the inspectorate reform) has an unpaid fine past its deadline,
so the reminders have something to show.

Every inspected establishment is INVENTED (demo-realism.md: never attach an inspection, a finding
or a sanction to a real enterprise). The three sanctioned ones carry the Vietnamese placeholder
names "Nguyễn Văn A", "Trần Thị B", "Lê Văn C"; the others are generated "brand + number" names.
Legal grounds name the decree but not the article, which is marked as sample data.
"""

from __future__ import annotations

import datetime as dt
from itertools import count

from khcn.accounts.models import User
from khcn.core import demo
from khcn.directory.models import AdministrativeUnit, OfficialDocument, Organisation, Person
from khcn.registries.inspections import services
from khcn.registries.inspections.models import Finding, InspectedEstablishment, Inspection, Sanction

D = dt.date
TT = Inspection.Kind.INSPECTION
KT = Inspection.Kind.CHECK
FLD = Inspection.Field
OUT = InspectedEstablishment.Outcome
SO = "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
GROUND = "NĐ 119/2017/NĐ-CP, sửa đổi, bổ sung bởi NĐ 126/2021/NĐ-CP (điều, khoản: dữ liệu mẫu)"

BRANDS = [
    "An Phát",
    "Bình Minh",
    "Cát Tường",
    "Đại Thành",
    "Đông Á",
    "Gia Huy",
    "Hải Nam",
    "Hòa Bình",
    "Hồng Hà",
    "Hưng Thịnh",
    "Khánh An",
    "Kim Ngân",
    "Long Vân",
    "Mai Anh",
    "Minh Khang",
    "Nam Tiến",
    "Ngọc Lan",
    "Phú Cường",
    "Phúc Lộc",
    "Quang Vinh",
    "Sao Mai",
    "Tân Tiến",
    "Thái Sơn",
    "Thành Công",
    "Thiên Ân",
    "Thuận Phát",
    "Toàn Thắng",
    "Trường An",
    "Việt Tiến",
    "Xuân Mai",
]
# Communes of today's Hưng Yên where the invented establishments are.
COMMUNES = ["Phố Hiến", "Mỹ Hào", "Khoái Châu", "Như Quỳnh", "Tống Trân", "Văn Giang", "Sơn Nam", "Hồng Châu"]

# category: (name prefix, organisation kind)
CATEGORIES = {
    "fuel": ("Cửa hàng xăng dầu", Organisation.Kind.ENTERPRISE),
    "helmet": ("Cửa hàng mũ bảo hiểm", Organisation.Kind.HOUSEHOLD_BUSINESS),
    "toys": ("Cửa hàng đồ chơi trẻ em", Organisation.Kind.HOUSEHOLD_BUSINESS),
    "xray": ("Phòng khám đa khoa", Organisation.Kind.ENTERPRISE),
    "steel": ("Cửa hàng vật liệu thép", Organisation.Kind.HOUSEHOLD_BUSINESS),
    "market": ("Quầy hàng chợ", Organisation.Kind.HOUSEHOLD_BUSINESS),
    "electric": ("Cửa hàng điện máy", Organisation.Kind.HOUSEHOLD_BUSINESS),
    "gas": ("Cửa hàng gas", Organisation.Kind.HOUSEHOLD_BUSINESS),
    "tech": ("Công ty TNHH Công nghệ", Organisation.Kind.ENTERPRISE),
    "brand": ("Cơ sở kinh doanh hàng tiêu dùng", Organisation.Kind.HOUSEHOLD_BUSINESS),
    "water": ("Đơn vị cấp nước sạch", Organisation.Kind.ENTERPRISE),
    "goods": ("Cửa hàng tạp hóa", Organisation.Kind.HOUSEHOLD_BUSINESS),
}

# (decision number, decision date, kind, field, subject, start, end, category, establishments)
CAMPAIGNS = [
    (
        "08/QĐ-TTr",
        D(2023, 2, 20),
        TT,
        FLD.MEASUREMENT,
        "Thanh tra đo lường, chất lượng xăng dầu tại các cửa hàng bán lẻ",
        D(2023, 3, 1),
        D(2023, 3, 20),
        "fuel",
        12,
    ),
    (
        "12/QĐ-TTr",
        D(2023, 3, 10),
        TT,
        FLD.LABELLING,
        "Thanh tra chất lượng, nhãn hàng hóa mũ bảo hiểm cho người đi mô tô, xe máy",
        D(2023, 3, 20),
        D(2023, 4, 5),
        "helmet",
        8,
    ),
    (
        "15/QĐ-TTr",
        D(2023, 4, 3),
        TT,
        FLD.QUALITY,
        "Thanh tra chất lượng đồ chơi trẻ em lưu thông trên thị trường",
        D(2023, 4, 10),
        D(2023, 4, 28),
        "toys",
        8,
    ),
    (
        "19/QĐ-TTr",
        D(2023, 4, 20),
        TT,
        FLD.RADIATION,
        "Thanh tra an toàn bức xạ trong sử dụng thiết bị X-quang chẩn đoán y tế",
        D(2023, 5, 4),
        D(2023, 5, 25),
        "xray",
        10,
    ),
    (
        "23/QĐ-TTr",
        D(2023, 5, 15),
        TT,
        FLD.QUALITY,
        "Thanh tra chất lượng thép làm cốt bê tông lưu thông trên thị trường",
        D(2023, 5, 22),
        D(2023, 6, 9),
        "steel",
        8,
    ),
    (
        "27/QĐ-TTr",
        D(2023, 6, 1),
        TT,
        FLD.MEASUREMENT,
        "Thanh tra đo lường đối với cân sử dụng trong mua bán tại chợ",
        D(2023, 6, 12),
        D(2023, 6, 30),
        "market",
        15,
    ),
    (
        "31/QĐ-TTr",
        D(2023, 7, 3),
        TT,
        FLD.QUALITY,
        "Thanh tra chất lượng thiết bị điện, điện tử",
        D(2023, 7, 10),
        D(2023, 7, 28),
        "electric",
        10,
    ),
    (
        "35/QĐ-TTr",
        D(2023, 8, 1),
        TT,
        FLD.QUALITY,
        "Thanh tra chất lượng, đo lường khí dầu mỏ hóa lỏng (LPG)",
        D(2023, 8, 8),
        D(2023, 8, 25),
        "gas",
        10,
    ),
    (
        "39/QĐ-TTr",
        D(2023, 8, 28),
        TT,
        FLD.TECHNOLOGY,
        "Thanh tra hoạt động chuyển giao công nghệ của doanh nghiệp",
        D(2023, 9, 5),
        D(2023, 9, 22),
        "tech",
        6,
    ),
    (
        "43/QĐ-TTr",
        D(2023, 9, 18),
        TT,
        FLD.IP,
        "Thanh tra việc chấp hành pháp luật về sở hữu công nghiệp",
        D(2023, 9, 25),
        D(2023, 10, 13),
        "brand",
        8,
    ),
    (
        "48/QĐ-TTr",
        D(2023, 10, 16),
        TT,
        FLD.MEASUREMENT,
        "Thanh tra đo lường, chất lượng xăng dầu (đợt 2)",
        D(2023, 10, 23),
        D(2023, 11, 10),
        "fuel",
        9,
    ),
    (
        "52/QĐ-TTr",
        D(2023, 11, 13),
        TT,
        FLD.MEASUREMENT,
        "Thanh tra đo lường đối với đồng hồ đo nước lạnh của đơn vị cấp nước",
        D(2023, 11, 20),
        D(2023, 12, 8),
        "water",
        8,
    ),
    # Checks (kiểm tra) of 2023: 148 establishments.
    (
        "61/QĐ-SKHCN",
        D(2023, 2, 27),
        KT,
        FLD.STANDARDS,
        "Kiểm tra nhà nước về đo lường, chất lượng xăng dầu",
        D(2023, 3, 6),
        D(2023, 4, 28),
        "fuel",
        40,
    ),
    (
        "74/QĐ-SKHCN",
        D(2023, 4, 17),
        KT,
        FLD.QUALITY,
        "Kiểm tra chất lượng, nhãn hàng hóa thiết bị điện, điện tử",
        D(2023, 4, 24),
        D(2023, 6, 16),
        "electric",
        30,
    ),
    (
        "90/QĐ-SKHCN",
        D(2023, 6, 5),
        KT,
        FLD.MEASUREMENT,
        "Kiểm tra đo lường đối với phương tiện đo nước sạch",
        D(2023, 6, 12),
        D(2023, 7, 14),
        "water",
        18,
    ),
    (
        "105/QĐ-SKHCN",
        D(2023, 7, 24),
        KT,
        FLD.MEASUREMENT,
        "Kiểm tra đo lường đối với cân tại chợ và cơ sở kinh doanh",
        D(2023, 7, 31),
        D(2023, 9, 29),
        "market",
        35,
    ),
    (
        "131/QĐ-SKHCN",
        D(2023, 10, 2),
        KT,
        FLD.LABELLING,
        "Kiểm tra chất lượng, nhãn hàng hóa lưu thông trên thị trường",
        D(2023, 10, 9),
        D(2023, 12, 15),
        "goods",
        25,
    ),
    # After the reform: the department checks; inspections are the provincial inspectorate's.
    (
        "214/QĐ-SKHCN",
        D(2025, 9, 8),
        KT,
        FLD.STANDARDS,
        "Kiểm tra đo lường, chất lượng xăng dầu quý III",
        D(2025, 9, 15),
        D(2025, 9, 30),
        "fuel",
        6,
    ),
]

# The sanctioned establishments: (decision number of the campaign, placeholder name, category)
SANCTIONED = {
    "08/QĐ-TTr": "Cửa hàng xăng dầu của Hộ kinh doanh Nguyễn Văn A",
    "31/QĐ-TTr": "Cửa hàng điện máy của Hộ kinh doanh Trần Thị B",
    "105/QĐ-SKHCN": "Quầy hàng chợ của Hộ kinh doanh Lê Văn C",
    "214/QĐ-SKHCN": "Cửa hàng xăng dầu của Hộ kinh doanh Phạm Văn D",
}

# (campaign decision, sanction number, date, violation, finding kind, amount, due, status, paid on)
SANCTIONS = [
    (
        "08/QĐ-TTr",
        "05/QĐ-XPHC",
        D(2023, 3, 24),
        "Sử dụng cột đo xăng dầu có chứng chỉ kiểm định hết hiệu lực",
        Finding.Violation.MEASUREMENT,
        2_500_000,
        D(2023, 4, 7),
        Sanction.Status.PAID,
        D(2023, 4, 3),
    ),
    (
        "31/QĐ-TTr",
        "11/QĐ-XPHC",
        D(2023, 8, 2),
        "Kinh doanh thiết bị điện chưa có dấu hợp quy",
        Finding.Violation.STANDARDS,
        3_000_000,
        D(2023, 8, 16),
        Sanction.Status.PAID,
        D(2023, 8, 14),
    ),
    (
        "105/QĐ-SKHCN",
        "17/QĐ-XPHC",
        D(2023, 10, 4),
        "Sử dụng cân không bảo đảm yêu cầu đo lường trong mua bán",
        Finding.Violation.MEASUREMENT,
        2_000_000,
        D(2023, 10, 18),
        Sanction.Status.PAID,
        D(2023, 10, 16),
    ),
    (
        "214/QĐ-SKHCN",
        "03/QĐ-XPHC",
        D(2025, 10, 3),
        "Kinh doanh xăng không bảo đảm chất lượng công bố",
        Finding.Violation.QUALITY,
        1_500_000,
        D(2025, 10, 17),
        Sanction.Status.UNPAID,
        None,
    ),
]

TEAM = ["Vũ Thị Thu", "Nguyễn Đức Anh", "Lê Thị Bích"]


def _communes() -> list[AdministrativeUnit | None]:
    found: list[AdministrativeUnit | None] = []
    for name in COMMUNES:
        found.append(
            AdministrativeUnit.objects.filter(
                level=AdministrativeUnit.Level.COMMUNE, valid_to__isnull=True, parent__code="33", name__iendswith=name
            )
            .order_by("code")
            .first()
        )
    return found or [None]


def _organisation(name: str, kind: str, unit: AdministrativeUnit | None) -> tuple[Organisation, bool]:
    address = f"{unit.name}, tỉnh Hưng Yên" if unit else "Tỉnh Hưng Yên"
    return Organisation.objects.get_or_create(
        name=name, defaults={"kind": kind, "address": address, "administrative_unit": unit}
    )


@demo.register
def load() -> str:
    by = User.objects.filter(is_superuser=True).order_by("pk").first()
    if by is None:
        return "bỏ qua: chưa có tài khoản quản trị"
    department, _ = Organisation.objects.get_or_create(name=SO, defaults={"kind": Organisation.Kind.STATE_AGENCY})
    province = AdministrativeUnit.objects.filter(
        level=AdministrativeUnit.Level.PROVINCE, code="33", valid_to__isnull=True
    ).first()
    team = [Person.objects.get_or_create(full_name=name, organisation=department)[0] for name in TEAM]
    communes = _communes()
    counters = {category: count(1) for category in CATEGORIES}
    created = 0
    campaigns: dict[str, Inspection] = {}
    for number, decided, kind, field, subject, start, end, category, size in CAMPAIGNS:
        decision, was_created = OfficialDocument.objects.get_or_create(
            issuer=department,
            number=number,
            defaults={
                "date": decided,
                "kind": OfficialDocument.Kind.DECISION,
                "subject": f"Quyết định {subject[0].lower()}{subject[1:]}",
            },
        )
        created += was_created
        inspection = Inspection.objects.filter(decision=decision).first()
        if inspection is None:
            inspection = services.inspection_save(
                inspection=Inspection(
                    kind=kind,
                    mode=Inspection.Mode.PLANNED,
                    field=field,
                    subject=subject,
                    decision=decision,
                    start_date=start,
                    end_date=end,
                    administrative_unit=province,
                    leader=team[0],
                    conclusion="Dữ liệu mẫu: kết luận tóm tắt của đoàn.",
                ),
                team=team[1:],
                by=by,
            )
            created += 1
        campaigns[number] = inspection
        prefix, org_kind = CATEGORIES[category]
        sanctioned = SANCTIONED.get(number)
        names = [sanctioned] if sanctioned else []
        while len(names) < size:
            n = next(counters[category])
            names.append(f"{prefix} {BRANDS[(n * 7 + len(prefix)) % len(BRANDS)]} {n:02d}")
        for i, name in enumerate(names):
            organisation, was_created = _organisation(name, org_kind, communes[i % len(communes)])
            created += was_created
            if InspectedEstablishment.objects.filter(inspection=inspection, organisation=organisation).exists():
                continue
            services.inspection_cover(
                inspection=inspection,
                organisation=organisation,
                outcome=OUT.VIOLATION if name == sanctioned else OUT.COMPLIANT,
                visited_on=start + dt.timedelta(days=i % max(1, (end - start).days + 1)),
                minutes_number=f"{i + 1:02d}/BB-{number.split('/')[0]}",
                by=by,
            )
            created += 1
    for number, sanction_number, decided, violation, violation_kind, amount, due, status, paid_on in SANCTIONS:
        inspection = campaigns[number]
        organisation = Organisation.objects.get(name=SANCTIONED[number])
        finding = Finding.objects.filter(
            inspection=inspection, organisation=organisation, description=violation
        ).first()
        if finding is None:
            finding = services.finding_save(
                finding=Finding(
                    inspection=inspection,
                    organisation=organisation,
                    description=violation,
                    violation=violation_kind,
                    remedy="Khắc phục vi phạm và báo cáo kết quả về Sở.",
                    follow_up=Finding.FollowUp.DONE if status == Sanction.Status.PAID else Finding.FollowUp.OPEN,
                    follow_up_due=due,
                    follow_up_done_on=paid_on,
                ),
                by=by,
            )
            created += 1
        if Sanction.objects.filter(decision_number=sanction_number).exists():
            continue
        services.sanction_save(
            sanction=Sanction(
                inspection=inspection,
                organisation=organisation,
                finding=finding,
                offender_kind=Sanction.Offender.INDIVIDUAL,
                offender_name=SANCTIONED[number].split("Hộ kinh doanh ")[-1],
                decision_number=sanction_number,
                decision_date=decided,
                issued_by="Chánh Thanh tra Sở" if inspection.kind == TT else "Giám đốc Sở",
                violation=violation,
                legal_ground=GROUND,
                amount=amount,
                payment_due=due,
                status=status,
                paid_on=paid_on,
            ),
            by=by,
        )
        created += 1
    return f"{created} bản ghi mới; {Inspection.objects.count()} cuộc thanh tra, kiểm tra; {Sanction.objects.count()} quyết định xử phạt"
