"""Demo data for the IP registry, 2023 (seed: facts.md, "intellectual property"). The figures are
computed by the system from these records, never typed:

- support for registering marks and designs: 5 organisations and 1 individual, 24 marks and
  designs in all;
- 60 certificates of the right to use the GI "Hưng Yên" for longan (the longan cooperatives of
  Hưng Yên city and invented growing households) and 2 of the certification mark "Long nhãn
  Hưng Yên";
- two GI certificates from early 2022, so the renewal reminders have something to show.

Real cooperatives appear (demo-realism.md §2); application numbers, areas and households are
invented, and no refusal or revocation is attached to anyone. Idempotent: each part is skipped
when its records exist.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from khcn.accounts.models import User
from khcn.core import demo
from khcn.directory.models import AdministrativeUnit, OfficialDocument, Organisation, Person
from khcn.registries.ip import services
from khcn.registries.ip.models import IPSupportCase, Mark, UseRightCertificate, UseRightKind

K = Organisation.Kind
MK = Mark.Kind
MS = Mark.Status
DEPARTMENT = "Sở Khoa học và Công nghệ tỉnh Hưng Yên"

DONG_TAO = "Hợp tác xã chăn nuôi và kinh doanh gà Đông Tảo"
QUYET_THANG = "Hợp tác xã cây ăn quả đặc sản Quyết Thắng"
HONG_NAM = "Hợp tác xã nhãn lồng Hồng Nam"
TIEN_CHAU = "Hợp tác xã nhãn lồng Tiên Châu"
NE_CHAU = "Hợp tác xã nhãn lồng Nễ Châu"
PHUONG_THUONG = "Hợp tác xã sản xuất và tiêu thụ nhãn lồng Phương Thượng"
FOOD_COMPANY = "Công ty TNHH Thực phẩm truyền thống Phố Hiến (demo)"
INDIVIDUAL = "Đào Văn Lực"

# (applicant, support amount in đồng, [(mark name, kind, Nice classes, status)])
SUPPORT_2023 = [
    (
        DONG_TAO,
        48_000_000,
        [
            ("Gà Đông Tảo Khoái Châu", MK.TRADEMARK, "29, 31", MS.GRANTED),
            ("Trứng gà Đông Tảo", MK.TRADEMARK, "29", MS.PUBLISHED),
            ("Đông Tảo Farm", MK.TRADEMARK, "31, 35", MS.ACCEPTED),
            ("Bao bì hộp quà gà Đông Tảo", MK.INDUSTRIAL_DESIGN, "09-03", MS.GRANTED),
            ("Gà Đông Tảo chế biến sẵn", MK.TRADEMARK, "29", MS.FILED),
        ],
    ),
    (
        QUYET_THANG,
        36_000_000,
        [
            ("Nhãn Quyết Thắng", MK.TRADEMARK, "31", MS.GRANTED),
            ("Long nhãn Quyết Thắng", MK.TRADEMARK, "29", MS.PUBLISHED),
            ("Vải lai Quyết Thắng", MK.TRADEMARK, "31", MS.ACCEPTED),
            ("Hộp đựng long nhãn", MK.INDUSTRIAL_DESIGN, "09-03", MS.FILED),
        ],
    ),
    (
        TIEN_CHAU,
        34_000_000,
        [
            ("Nhãn lồng Tiên Châu", MK.TRADEMARK, "31", MS.PUBLISHED),
            ("Long nhãn Tiên Châu", MK.TRADEMARK, "29", MS.ACCEPTED),
            ("Mật ong hoa nhãn Tiên Châu", MK.TRADEMARK, "30", MS.FILED),
            ("Giỏ đựng nhãn quà biếu", MK.INDUSTRIAL_DESIGN, "09-05", MS.ACCEPTED),
        ],
    ),
    (
        PHUONG_THUONG,
        32_000_000,
        [
            ("Nhãn lồng Phương Thượng", MK.TRADEMARK, "31", MS.ACCEPTED),
            ("Long nhãn Phương Thượng", MK.TRADEMARK, "29", MS.FILED),
            ("Nhãn sấy Phương Thượng", MK.TRADEMARK, "29", MS.FILED),
            ("Hộp long nhãn Phương Thượng", MK.INDUSTRIAL_DESIGN, "09-03", MS.FILED),
        ],
    ),
    (
        FOOD_COMPANY,
        30_000_000,
        [
            ("Tương Phố Hiến", MK.TRADEMARK, "30", MS.PUBLISHED),
            ("Chè long nhãn Phố Hiến", MK.TRADEMARK, "30", MS.ACCEPTED),
            ("Chai đựng tương", MK.INDUSTRIAL_DESIGN, "09-01", MS.FILED),
            ("Nhãn hàng Phố Hiến Xưa", MK.TRADEMARK, "29, 30", MS.FILED),
        ],
    ),
    (
        INDIVIDUAL,
        15_000_000,
        [
            ("Rượu nếp cái hoa vàng Đào Lực", MK.TRADEMARK, "33", MS.ACCEPTED),
            ("Bình gốm đựng rượu", MK.INDUSTRIAL_DESIGN, "09-01", MS.FILED),
            ("Đào Lực", MK.TRADEMARK, "33", MS.FILED),
        ],
    ),
]

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lương"]
MIDDLE = ["Văn", "Thị", "Đình", "Quang", "Minh", "Hữu", "Thị Thu", "Văn Đức"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hòa",
    "Hùng",
    "Khang",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quý",
    "Sơn",
    "Tâm",
    "Thắng",
    "Thảo",
    "Thịnh",
    "Toàn",
    "Trung",
    "Tuấn",
    "Vân",
    "Xuân",
    "Yến",
]

# Old communes (before the 2025 reform) where the households' orchards are.
GROWING_COMMUNES = ["Xã Hồng Nam", "Xã Quảng Châu", "Xã Liên Phương", "Xã Bảo Khê", "Xã Hàm Tử"]
COOPERATIVES = [
    (HONG_NAM, "Xã Hồng Nam"),
    (TIEN_CHAU, "Thành phố Hưng Yên"),
    (NE_CHAU, "Thành phố Hưng Yên"),
    (PHUONG_THUONG, "Thành phố Hưng Yên"),
    (QUYET_THANG, "Thành phố Hưng Yên"),
]


def _staff() -> User:
    staff = User.objects.filter(username="qlcn").first() or User.objects.filter(is_superuser=True).first()
    assert staff is not None, "directory demo makes the users first"
    return staff


def _unit(name: str) -> AdministrativeUnit | None:
    return (
        AdministrativeUnit.objects.filter(name=name, valid_to__isnull=False)
        .exclude(level=AdministrativeUnit.Level.PROVINCE)
        .order_by("code")
        .first()
    )


def _organisation(name: str) -> Organisation:
    org = Organisation.objects.filter(name=name).first()
    if org is None:
        kind = K.ENTERPRISE if name.startswith("Công ty") else K.COOPERATIVE
        org = Organisation.objects.create(name=name, kind=kind, address="Tỉnh Hưng Yên")
    return org


def _person(full_name: str) -> Person:
    person = Person.objects.filter(full_name=full_name).first() or Person.objects.create(full_name=full_name)
    if person.residence_id is None and full_name == INDIVIDUAL:
        # A rice-wine maker of Kim Động (as the district was in 2023): the report by area finds him.
        person.residence = AdministrativeUnit.objects.filter(name="Huyện Kim Động", valid_to__isnull=False).first()
        person.save(update_fields=["residence"])
    return person


def _support(staff: User) -> int:
    if IPSupportCase.objects.filter(year=2023).exists():
        return 0
    department = Organisation.objects.filter(name=DEPARTMENT).first()
    decision = None
    if department is not None:
        decision, _created = OfficialDocument.objects.get_or_create(
            issuer=department,
            number="71/QĐ-SKHCN",
            defaults={
                "date": dt.date(2023, 6, 12),
                "kind": OfficialDocument.Kind.DECISION,
                "signer": "Giám đốc Sở",
                "subject": "Hỗ trợ kinh phí đăng ký bảo hộ nhãn hiệu, kiểu dáng công nghiệp năm 2023",
            },
        )
    serial = 0
    for applicant, amount, marks in SUPPORT_2023:
        organisation = None if applicant == INDIVIDUAL else _organisation(applicant)
        person = _person(applicant) if applicant == INDIVIDUAL else None
        made = []
        for name, kind, classes, status in marks:
            serial += 1
            filed = dt.date(2023, 7, 3) + dt.timedelta(days=serial * 3)
            prefix = "3" if kind == MK.INDUSTRIAL_DESIGN else "4"
            granted = status == MS.GRANTED
            made.append(
                Mark(
                    name=name,
                    kind=kind,
                    nice_classes=classes,
                    filing_number=f"{prefix}-2023-{31200 + serial * 17:05d}",
                    filing_date=filed,
                    status=status,
                    status_checked_on=dt.date(2024, 1, 10),
                    registration_number=f"{prefix}-0{480000 + serial}" if granted else "",
                    grant_date=dt.date(2023, 12, 20) if granted else None,
                )
            )
        services.support_case_open(
            by=staff,
            year=2023,
            support_amount=amount,
            marks=made,
            applicant_organisation=organisation,
            applicant_person=person,
            decision=decision,
        )
    return len(SUPPORT_2023)


def _household_names(n: int) -> list[str]:
    names: list[str] = []
    i = 0
    while len(names) < n:
        name = f"{FAMILY[i % len(FAMILY)]} {MIDDLE[(i // 3) % len(MIDDLE)]} {GIVEN[(i * 7) % len(GIVEN)]}"
        if name not in names:
            names.append(name)
        i += 1
    return names


def _households(names: list[str]) -> list[Person]:
    existing = {p.full_name: p for p in Person.objects.filter(full_name__in=names, organisation__isnull=True)}
    people = []
    for name in names:
        person = existing.get(name) or Person.objects.create(full_name=name, position="Chủ hộ trồng nhãn")
        people.append(person)
    return people


def _use_rights(staff: User) -> int:
    if UseRightCertificate.objects.filter(number__endswith="/2023/GCN-CDĐL").exists():
        return 0
    certificates: list[UseRightCertificate] = []
    gi = UseRightKind.GEOGRAPHICAL_INDICATION
    number = 0
    for index, (name, unit_name) in enumerate(COOPERATIVES):
        number += 1
        certificates.append(
            UseRightCertificate(
                kind=gi,
                number=f"{number:02d}/2023/GCN-CDĐL",
                holder_organisation=_organisation(name),
                product=UseRightCertificate.Product.FRESH_LONGAN,
                growing_area=f"Vùng nhãn của {name}",
                area_unit=_unit(unit_name),
                area_ha=Decimal(12 + index * 6),
                tree_count=1800 + index * 450,
                output_tonnes=Decimal(90 + index * 25),
                stamps_issued=20_000 + index * 5_000,
                issue_date=dt.date(2023, 6, 20),
            )
        )
    for index, person in enumerate(_households(_household_names(55))):
        number += 1
        commune = GROWING_COMMUNES[index % len(GROWING_COMMUNES)]
        area = Decimal("0.30") + Decimal(index % 8) * Decimal("0.22")
        certificates.append(
            UseRightCertificate(
                kind=gi,
                number=f"{number:02d}/2023/GCN-CDĐL",
                holder_person=person,
                product=UseRightCertificate.Product.FRESH_LONGAN,
                growing_area=f"Vườn nhãn hộ {person.full_name}, {commune.lower()}",
                area_unit=_unit(commune),
                area_ha=area,
                tree_count=int(area * 160),
                output_tonnes=(area * Decimal("7.5")).quantize(Decimal("0.01")),
                stamps_issued=1_500 + (index % 6) * 250,
                issue_date=dt.date(2023, 7, 3) + dt.timedelta(days=(index % 11) * 7),
            )
        )
    for index, name in enumerate((HONG_NAM, TIEN_CHAU), start=1):
        certificates.append(
            UseRightCertificate(
                kind=UseRightKind.CERTIFICATION_MARK,
                number=f"{index:02d}/2023/GCN-NHCN",
                holder_organisation=_organisation(name),
                product=UseRightCertificate.Product.DRIED_LONGAN,
                growing_area=f"Cơ sở sấy long nhãn của {name}",
                area_unit=_unit(dict(COOPERATIVES)[name]),
                output_tonnes=Decimal(18 + index * 4),
                stamps_issued=8_000,
                issue_date=dt.date(2023, 9, 15),
            )
        )
    # Two older certificates whose renewal falls due (reminders in due.py).
    for index, person in enumerate(_households(["Lê Văn Thuận", "Phạm Thị Huệ"]), start=1):
        certificates.append(
            UseRightCertificate(
                kind=gi,
                number=f"{index:02d}/2022/GCN-CDĐL",
                holder_person=person,
                product=UseRightCertificate.Product.FRESH_LONGAN,
                growing_area=f"Vườn nhãn hộ {person.full_name}, xã Hồng Nam",
                area_unit=_unit("Xã Hồng Nam"),
                area_ha=Decimal("0.80"),
                issue_date=dt.date(2022, 1, 20) + dt.timedelta(days=26 * (index - 1)),
            )
        )
    services.certificate_bulk_create(certificates=certificates, by=staff, reason="Dữ liệu mẫu")
    return len(certificates)


@demo.register
@transaction.atomic
def load() -> str:
    staff = _staff()
    cases = _support(staff)
    certificates = _use_rights(staff)
    return f"{cases} hồ sơ hỗ trợ SHTT mới, {certificates} giấy chứng nhận quyền sử dụng mới"
