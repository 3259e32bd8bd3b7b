"""Demo data for the technology registry, 2023 (seed: facts.md, "technology", "technology
transfer"). The figures are computed by the system from these records, never typed:

- opinions on the technology of 38 investment projects (41 answer letters: three projects were
  asked about twice), two of them answered after the deadline rule;
- 3 technology appraisal councils (councils app), each meeting once in 2023 and voting on the
  projects put before it;
- 3 workshops with 500 attendees in all;
- 1 transfer registration certificate and 1 of extension/amendment (of a 2021 certificate).

Real institutions and industrial parks appear where they help an official recognise the province;
transfer parties, every "không đồng ý" and every late answer belong to invented organisations
("(demo)"), as demo-realism.md asks. Idempotent: each part is skipped when its records exist.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from khcn.accounts.models import User
from khcn.core import demo
from khcn.councils import services as council_services
from khcn.councils.models import Council, CouncilMember
from khcn.directory.models import AdministrativeUnit, OfficialDocument, Organisation, Person
from khcn.registries.technology import services
from khcn.registries.technology.models import (
    InvestmentProject,
    TechnologyOpinion,
    TechnologyTransferCertificate,
    Workshop,
)

K = Organisation.Kind
C = TechnologyOpinion.Conclusion
DEPARTMENT = "Sở Khoa học và Công nghệ tỉnh Hưng Yên"

# (name, kind, is foreign-invested). Real firms only with favourable answers.
INVESTORS = [
    ("Công ty Cổ phần Daikin Air Conditioning (Việt Nam)", K.ENTERPRISE, True),
    ("Công ty Cổ phần Tập đoàn Hòa Phát", K.ENTERPRISE, False),
    ("Công ty Cổ phần Tập đoàn ThaiBinh Seed", K.ENTERPRISE, False),
    ("Hợp tác xã nhãn lồng Hồng Nam", K.COOPERATIVE, False),
    ("Công ty TNHH Điện tử Phố Nối (demo)", K.ENTERPRISE, True),
    ("Công ty TNHH Bao bì Thăng Long Hưng Yên (demo)", K.ENTERPRISE, True),
    ("Công ty TNHH Linh kiện ô tô Yên Mỹ (demo)", K.ENTERPRISE, True),
    ("Công ty Cổ phần Thực phẩm Văn Lâm (demo)", K.ENTERPRISE, False),
    ("Công ty TNHH Nhựa kỹ thuật Như Quỳnh (demo)", K.ENTERPRISE, True),
    ("Công ty Cổ phần Dược phẩm Phố Hiến (demo)", K.ENTERPRISE, False),
    ("Công ty TNHH Dệt may Mỹ Hào (demo)", K.ENTERPRISE, True),
    ("Công ty Cổ phần Vật liệu điện Kim Động (demo)", K.ENTERPRISE, False),
    ("Công ty TNHH Cơ khí chính xác Liêu Xá (demo)", K.ENTERPRISE, True),
    ("Công ty TNHH Chế biến nông sản Khoái Châu (demo)", K.ENTERPRISE, False),
    ("Công ty TNHH Thiết bị y tế Ân Thi (demo)", K.ENTERPRISE, True),
    ("Công ty Cổ phần Năng lượng xanh Tiên Lữ (demo)", K.ENTERPRISE, False),
]

# (project name, investor index, commune or district then, industrial park, sector, technology)
PROJECTS = [
    (
        "Mở rộng nhà máy sản xuất điều hòa không khí giai đoạn 2",
        0,
        "Xã Liêu Xá",
        "KCN Thăng Long II",
        "Điện lạnh",
        "Dây chuyền lắp ráp, hàn ống đồng tự động; thử kín bằng heli",
    ),
    (
        "Nhà máy sản xuất máy nén điều hòa không khí",
        0,
        "Xã Liêu Xá",
        "KCN Thăng Long II",
        "Điện lạnh",
        "Gia công cơ khí CNC, lắp ráp máy nén biến tần",
    ),
    (
        "Đầu tư xây dựng và kinh doanh hạ tầng KCN Phố Nối A mở rộng",
        1,
        "Xã Nghĩa Hiệp",
        "KCN Phố Nối A",
        "Hạ tầng khu công nghiệp",
        "Hệ thống xử lý nước thải tập trung, công suất 6.000 m³/ngày",
    ),
    (
        "Nhà máy chế biến hạt giống công nghệ cao",
        2,
        "Xã Nghĩa Hiệp",
        "",
        "Nông nghiệp",
        "Dây chuyền sấy, tách tạp, phân loại và đóng gói hạt giống",
    ),
    (
        "Xưởng sơ chế, bảo quản nhãn lồng sau thu hoạch",
        3,
        "Xã Hồng Nam",
        "",
        "Nông nghiệp",
        "Sơ chế, làm lạnh nhanh, bảo quản khí quyển kiểm soát",
    ),
    (
        "Nhà máy sản xuất bảng mạch điện tử",
        4,
        "Xã Nghĩa Hiệp",
        "KCN Phố Nối A",
        "Điện tử",
        "Dây chuyền SMT, hàn sóng, kiểm tra AOI",
    ),
    ("Nhà máy sản xuất bao bì giấy carton", 5, "Xã Liêu Xá", "KCN Thăng Long II", "Bao bì", "Máy sóng 5 lớp, in flexo"),
    (
        "Nhà máy sản xuất phụ tùng ô tô",
        6,
        "Xã Liêu Xá",
        "KCN Thăng Long II",
        "Cơ khí ô tô",
        "Dập, hàn robot, sơn tĩnh điện",
    ),
    ("Nhà máy chế biến thực phẩm đông lạnh", 7, "Thị trấn Như Quỳnh", "", "Thực phẩm", "Cấp đông IQF, kho lạnh -25 °C"),
    ("Nhà máy sản xuất linh kiện nhựa kỹ thuật", 8, "Thị trấn Như Quỳnh", "", "Nhựa", "Ép phun chính xác, khuôn nóng"),
    (
        "Nhà máy sản xuất thuốc viên đạt GMP-WHO",
        9,
        "Xã Bảo Khê",
        "",
        "Dược phẩm",
        "Dập viên, bao phim, đóng vỉ tự động",
    ),
    ("Nhà máy may xuất khẩu", 10, "Phường Dị Sử", "", "Dệt may", "Máy may công nghiệp điều khiển số, cắt tự động"),
    ("Nhà máy sản xuất dây cáp điện", 11, "Xã Nghĩa Hiệp", "", "Vật liệu điện", "Kéo, ủ, bọc cách điện XLPE"),
    (
        "Nhà máy gia công chi tiết cơ khí chính xác",
        12,
        "Xã Liêu Xá",
        "KCN Thăng Long II",
        "Cơ khí",
        "Trung tâm gia công CNC 5 trục",
    ),
    ("Nhà máy chế biến nông sản sấy khô", 13, "Xã Hàm Tử", "", "Nông nghiệp", "Sấy bơm nhiệt, đóng gói hút chân không"),
    (
        "Nhà máy sản xuất vật tư y tế tiêu hao",
        14,
        "Phường Phùng Chí Kiên",
        "",
        "Thiết bị y tế",
        "Ép phun, tiệt trùng EO",
    ),
    (
        "Trang trại điện mặt trời mái nhà kết hợp kho lạnh",
        15,
        "Xã Liên Phương",
        "",
        "Năng lượng",
        "Pin quang điện đơn tinh thể, biến tần hòa lưới",
    ),
]
# More projects for the same investors, to reach 38 projects (generated names, invented firms).
EXTRA_PROJECT_TOPICS = [
    ("Mở rộng dây chuyền sản xuất", "Dây chuyền tự động hóa bổ sung"),
    ("Nhà xưởng sản xuất mới", "Thiết bị mới 100%, xuất xứ Nhật Bản, Hàn Quốc"),
    ("Đầu tư đổi mới công nghệ", "Thay thế thiết bị cũ bằng thiết bị tiết kiệm năng lượng"),
]

# Projects asked about twice in 2023 (a second round after the investor changed the project).
SECOND_ROUND = {5, 9, 12}
# Answered after the deadline: invented investors only.
LATE = {7, 21}
CONDITIONAL = {2, 13, 20, 30}
DISAGREE = {27}

COUNCILS = [
    # (decision number, decision date, meeting date, project indexes)
    ("18/QĐ-SKHCN", dt.date(2023, 3, 6), dt.date(2023, 3, 20), [0, 5]),
    ("62/QĐ-SKHCN", dt.date(2023, 7, 10), dt.date(2023, 7, 24), [9]),
    ("97/QĐ-SKHCN", dt.date(2023, 10, 16), dt.date(2023, 10, 30), [12, 27]),
]

WORKSHOPS = [
    (
        "Hội thảo giới thiệu, kết nối cung – cầu công nghệ năm 2023",
        dt.date(2023, 5, 18),
        168,
        "Hội trường Sở Khoa học và Công nghệ",
    ),
    (
        "Hội thảo chuyển giao công nghệ và đổi mới công nghệ trong doanh nghiệp",
        dt.date(2023, 8, 24),
        171,
        "Trung tâm Hội nghị tỉnh Hưng Yên",
    ),
    (
        "Hội thảo nâng cao năng lực xác lập, khai thác quyền sở hữu trí tuệ cho sản phẩm đặc sản",
        dt.date(2023, 11, 9),
        161,
        "Thành phố Hưng Yên",
    ),
]


def _staff() -> User:
    staff = User.objects.filter(username="qlcn").first() or User.objects.filter(is_superuser=True).first()
    assert staff is not None, "directory demo makes the users first"
    return staff


def _unit(name: str) -> AdministrativeUnit | None:
    # 2023 records name the units of that time (before the 2025 reform).
    return (
        AdministrativeUnit.objects.filter(name=name, valid_to__isnull=False)
        .exclude(level=AdministrativeUnit.Level.PROVINCE)
        .order_by("code")
        .first()
    )


def _organisation(name: str, kind: str) -> Organisation:
    org = Organisation.objects.filter(name=name).first()
    return org or Organisation.objects.create(name=name, kind=kind)


def _projects(staff: User) -> list[InvestmentProject]:
    investors = [_organisation(name, kind) for name, kind, _fdi in INVESTORS]
    specs = list(PROJECTS)
    # Invented investors (index 4 and up) get further projects until there are 38.
    n = 0
    while len(specs) < 38:
        topic, technology = EXTRA_PROJECT_TOPICS[n % len(EXTRA_PROJECT_TOPICS)]
        investor_index = 4 + n % (len(INVESTORS) - 4)
        base = PROJECTS[investor_index]
        specs.append((f"{topic} – {base[0].lower()}", investor_index, base[2], base[3], base[4], technology))
        n += 1
    existing = {p.code: p for p in InvestmentProject.objects.filter(code__startswith="HY-CN-2023-")}
    new = []
    for index, (name, investor_index, unit_name, park, sector, technology) in enumerate(specs, start=1):
        code = f"HY-CN-2023-{index:03d}"
        if code in existing:
            continue
        project = InvestmentProject(
            code=code,
            name=name,
            investor=investors[investor_index],
            location=_unit(unit_name),
            industrial_park=park,
            is_fdi=INVESTORS[investor_index][2],
            sector=sector,
            technology=technology,
        )
        project.full_clean()
        new.append(project)
    if new:
        from simple_history.utils import bulk_create_with_history

        bulk_create_with_history(new, InvestmentProject, default_user=staff, default_change_reason="Dữ liệu mẫu")
    return list(InvestmentProject.objects.filter(code__startswith="HY-CN-2023-").order_by("code"))


def _opinions(staff: User, projects: list[InvestmentProject]) -> int:
    if TechnologyOpinion.objects.filter(project__in=projects).exists():
        return 0
    opinions = []
    letter = 100
    for index, project in enumerate(projects):
        rounds = [("Chấp thuận chủ trương đầu tư", index)]
        if index in SECOND_ROUND:
            rounds.append(("Điều chỉnh chủ trương đầu tư lần 1", index + 40))
        for stage, seed in rounds:
            # Requests spread over 2023; answers 5–12 days later, or 18 for the late ones.
            request = dt.date(2023, 1, 9) + dt.timedelta(days=(seed * 8) % 340)
            delay = 18 if seed in LATE else 5 + seed % 8
            letter += 7
            conclusion = C.AGREE
            if seed in CONDITIONAL:
                conclusion = C.CONDITIONAL
            elif seed in DISAGREE:
                conclusion = C.DISAGREE
            opinions.append(
                TechnologyOpinion(
                    project=project,
                    stage=stage,
                    request_number=f"{seed + 11}/CV-NĐT",
                    request_date=request,
                    answer_number=f"{letter}/SKHCN-QLCN",
                    answer_date=request + dt.timedelta(days=delay),
                    conclusion=conclusion,
                    equipment_origin="Nhật Bản" if project.is_fdi else "Việt Nam, Trung Quốc",
                    equipment_year=2022,
                    remarks=(
                        "Công nghệ, thiết bị không thuộc danh mục hạn chế chuyển giao; thiết bị mới 100%."
                        if conclusion == C.AGREE
                        else "Đề nghị nhà đầu tư bổ sung thông tin về xuất xứ, năm sản xuất thiết bị."
                    ),
                )
            )
    services.opinion_bulk_create(opinions=opinions, by=staff, reason="Dữ liệu mẫu")
    return len(opinions)


def _council_people() -> list[Person]:
    """The council members of the councils demo (hoidong…hoidong7), or invented experts."""
    usernames = ["hoidong"] + [f"hoidong{i}" for i in range(2, 8)]
    people = list(Person.objects.filter(user__username__in=usernames).order_by("user__username"))
    names = [
        "Nguyễn Văn Thành (demo)",
        "Trần Thị Minh (demo)",
        "Lê Quang Hưng (demo)",
        "Phạm Thu Trang (demo)",
        "Hoàng Văn Sơn (demo)",
    ]
    for name in names[len(people) :]:
        person = Person.objects.filter(full_name=name).first() or Person.objects.create(
            full_name=name, degree=Person.Degree.DOCTOR
        )
        people.append(person)
    return people[:5]


def _councils(staff: User, projects: list[InvestmentProject]) -> int:
    department = Organisation.objects.filter(name=DEPARTMENT).first()
    if department is None:
        return 0
    people = _council_people()
    roles = [
        CouncilMember.Role.CHAIR,
        CouncilMember.Role.VICE_CHAIR,
        CouncilMember.Role.MEMBER,
        CouncilMember.Role.MEMBER,
        CouncilMember.Role.SCIENTIFIC_SECRETARY,
    ]
    made = 0
    for number, decided_on, met_on, project_indexes in COUNCILS:
        name = f"Hội đồng tư vấn đánh giá công nghệ dự án đầu tư (Quyết định {number})"
        if Council.objects.filter(name=name).exists():
            continue
        decision, _created = OfficialDocument.objects.get_or_create(
            issuer=department,
            number=number,
            defaults={
                "date": decided_on,
                "kind": OfficialDocument.Kind.DECISION,
                "signer": "Giám đốc Sở",
                "subject": "Thành lập Hội đồng tư vấn đánh giá công nghệ dự án đầu tư",
            },
        )
        council = council_services.council_create(
            kind=Council.Kind.TECHNOLOGY_APPRAISAL, year=decided_on.year, name=name, by=staff, decision=decision
        )
        members = [
            council_services.council_member_add(council=council, person=person, role=role, by=staff)
            for person, role in zip(people, roles, strict=True)
        ]
        objects = []
        for index in project_indexes:
            opinion = TechnologyOpinion.objects.filter(project=projects[index]).order_by("request_date").first()
            if opinion is not None:
                objects.append(services.appraisal_council_attach(opinion=opinion, council=council, by=staff))
        council_services.meeting_record(
            council=council,
            date=met_on,
            place="Phòng họp Sở Khoa học và Công nghệ tỉnh Hưng Yên",
            present=members,
            by=staff,
        )
        for council_object in objects:
            opinion = TechnologyOpinion.objects.get(pk=council_object.object_id)
            favourable = opinion.conclusion != C.DISAGREE
            for position, member in enumerate(members):
                # The members' paper sheets, entered by the division; one member dissents on the
                # project the department did not agree to.
                vote = "recommend" if favourable or position == 0 else "not_recommend"
                council_services.score_sheet_submit(
                    council_object=council_object, member=member, by=staff, vote=vote, source="paper"
                )
        made += 1
    return made


def _workshops(staff: User) -> int:
    made = 0
    guests = list(Organisation.objects.filter(kind__in=[K.ENTERPRISE, K.COOPERATIVE]).order_by("name")[:12])
    for title, date, attendees, place in WORKSHOPS:
        if Workshop.objects.filter(title=title, date=date).exists():
            continue
        services.workshop_save(
            workshop=Workshop(
                title=title, kind=Workshop.Kind.WORKSHOP, date=date, place=place, attendee_count=attendees
            ),
            by=staff,
            organisations=guests,
        )
        made += 1
    return made


def _certificates(staff: User) -> int:
    if TechnologyTransferCertificate.objects.filter(number__in=["07/GCNĐKCGCN-SKHCN", "02/GCNĐKCGCN-SKHCN"]).exists():
        return 0
    transferor = _organisation("Công ty TNHH Seiko Kikai Nhật Bản (demo)", K.ENTERPRISE)
    transferee = _organisation("Công ty TNHH Cơ khí chính xác Liêu Xá (demo)", K.ENTERPRISE)
    food_from = _organisation("Viện Công nghệ thực phẩm Sông Hồng (demo)", K.RESEARCH_INSTITUTE)
    food_to = _organisation("Công ty TNHH Chế biến nông sản Khoái Châu (demo)", K.ENTERPRISE)
    original = services.transfer_certificate_issue(
        number="07/GCNĐKCGCN-SKHCN",
        transferor=transferor,
        transferor_country="Nhật Bản",
        transferee=transferee,
        technology="Công nghệ gia công chi tiết cơ khí chính xác trên máy CNC 5 trục",
        form=TechnologyTransferCertificate.Form.CONTRACT,
        contract_number="SK-LX/2021/01",
        contract_value=4_850_000_000,
        contract_signed_on=dt.date(2021, 3, 10),
        contract_end=dt.date(2024, 3, 9),
        filed_on=dt.date(2021, 4, 20),
        issue_date=dt.date(2021, 5, 12),
        signer="Phó Giám đốc Sở",
        by=staff,
    )
    services.transfer_certificate_issue(
        number="02/GCNĐKCGCN-SKHCN",
        transferor=food_from,
        transferor_country="Việt Nam",
        transferee=food_to,
        technology="Công nghệ sấy bơm nhiệt long nhãn và nông sản",
        form=TechnologyTransferCertificate.Form.CONTRACT,
        contract_number="CGCN-SH/2023/05",
        contract_value=1_260_000_000,
        contract_signed_on=dt.date(2023, 2, 14),
        contract_end=dt.date(2026, 2, 13),
        filed_on=dt.date(2023, 4, 5),
        issue_date=dt.date(2023, 4, 26),
        signer="Phó Giám đốc Sở",
        by=staff,
    )
    services.transfer_certificate_issue(
        number="05/GCNĐKCGCN-SKHCN",
        kind=TechnologyTransferCertificate.Kind.AMENDMENT,
        original=original,
        transferor=transferor,
        transferor_country="Nhật Bản",
        transferee=transferee,
        technology="Công nghệ gia công chi tiết cơ khí chính xác trên máy CNC 5 trục (gia hạn, bổ sung phụ lục)",
        form=TechnologyTransferCertificate.Form.CONTRACT,
        contract_number="SK-LX/2021/01-PL02",
        contract_value=1_150_000_000,
        contract_signed_on=dt.date(2023, 8, 1),
        contract_end=dt.date(2026, 12, 31),
        filed_on=dt.date(2023, 9, 12),
        issue_date=dt.date(2023, 10, 3),
        signer="Phó Giám đốc Sở",
        by=staff,
    )
    return 3


@demo.register
@transaction.atomic
def load() -> str:
    staff = _staff()
    projects = _projects(staff)
    opinions = _opinions(staff, projects)
    councils = _councils(staff, projects)
    workshops = _workshops(staff)
    certificates = _certificates(staff)
    return (
        f"{len(projects)} dự án ({opinions} ý kiến mới), {councils} hội đồng thẩm định công nghệ mới, "
        f"{workshops} hội thảo mới, {certificates} giấy chứng nhận CGCN mới"
    )
