"""Demo directory for Hưng Yên: the department, the People's Committee, host organisations,
people, one user per role. Real public institutions; invented people (no real officials)."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command

from khcn.accounts import roles
from khcn.accounts.models import User
from khcn.accounts.services import user_set_roles
from khcn.core import demo
from khcn.directory.models import AdministrativeUnit, OfficialDocument, Organisation, Person

K = Organisation.Kind

# (name, short name, kind, tax code, address, unit name to look up in current Hưng Yên)
ORGANISATIONS = [
    ("Ủy ban nhân dân tỉnh Hưng Yên", "UBND tỉnh", K.STATE_AGENCY, "", "Phường Phố Hiến, tỉnh Hưng Yên", "Phố Hiến"),
    (
        "Sở Khoa học và Công nghệ tỉnh Hưng Yên",
        "Sở KH&CN",
        K.STATE_AGENCY,
        "",
        "Đường An Vũ, phường Phố Hiến, tỉnh Hưng Yên",
        "Phố Hiến",
    ),
    (
        "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ Hưng Yên",
        "TT ƯDTBKH&CN",
        K.RESEARCH_INSTITUTE,
        "",
        "Phường Phố Hiến, tỉnh Hưng Yên",
        "Phố Hiến",
    ),
    (
        "Trường Đại học Sư phạm Kỹ thuật Hưng Yên",
        "ĐH SPKT Hưng Yên",
        K.UNIVERSITY,
        "",
        "Xã Khoái Châu, tỉnh Hưng Yên",
        "Khoái Châu",
    ),
    (
        "Trường Đại học Y Dược Thái Bình",
        "ĐH Y Dược Thái Bình",
        K.UNIVERSITY,
        "",
        "Phường Trần Lãm, tỉnh Hưng Yên",
        "Trần Lãm",
    ),
    ("Trung tâm Nấm Văn Giang", "", K.RESEARCH_INSTITUTE, "", "Xã Văn Giang, tỉnh Hưng Yên", "Văn Giang"),
    ("Học viện Nông nghiệp Việt Nam", "HVNN", K.UNIVERSITY, "", "Gia Lâm, Hà Nội", ""),
    ("Công ty Cổ phần Tập đoàn ThaiBinh Seed", "ThaiBinh Seed", K.ENTERPRISE, "", "Tỉnh Hưng Yên", ""),
    (
        "Hợp tác xã chăn nuôi và kinh doanh gà Đông Tảo",
        "HTX gà Đông Tảo",
        K.COOPERATIVE,
        "",
        "Xã Khoái Châu, tỉnh Hưng Yên",
        "Khoái Châu",
    ),
    (
        "Hợp tác xã nhãn lồng Hồng Nam",
        "HTX nhãn lồng Hồng Nam",
        K.COOPERATIVE,
        "",
        "Phường Phố Hiến, tỉnh Hưng Yên",
        "Phố Hiến",
    ),
]

DIVISIONS = [
    "Văn phòng Sở",
    "Phòng Quản lý khoa học",
    "Phòng Quản lý chuyên ngành",
    "Phòng Kế hoạch – Tài chính",
    "Trung tâm Thông tin và Thống kê khoa học và công nghệ",
]

# (username, role, full name, organisation name or None, label)
USERS = [
    ("lanhdao", roles.DEPARTMENT_LEADER, "Nguyễn Văn Minh", "Sở Khoa học và Công nghệ tỉnh Hưng Yên", "Lãnh đạo Sở"),
    ("qlkh", roles.SCIENCE_OFFICER, "Trần Thị Hoa", "Sở Khoa học và Công nghệ tỉnh Hưng Yên", "Phòng Quản lý khoa học"),
    (
        "qlcn",
        roles.TECHNOLOGY_OFFICER,
        "Lê Văn Tùng",
        "Sở Khoa học và Công nghệ tỉnh Hưng Yên",
        "Quản lý công nghệ và SHTT",
    ),
    (
        "tdc",
        roles.QUALITY_OFFICER,
        "Phạm Thị Lan",
        "Sở Khoa học và Công nghệ tỉnh Hưng Yên",
        "Tiêu chuẩn – Đo lường – Chất lượng",
    ),
    ("atbx", roles.RADIATION_OFFICER, "Đỗ Văn Hải", "Sở Khoa học và Công nghệ tỉnh Hưng Yên", "An toàn bức xạ"),
    ("kiemtra", roles.INSPECTOR, "Vũ Thị Thu", "Sở Khoa học và Công nghệ tỉnh Hưng Yên", "Thanh tra, kiểm tra"),
    (
        "khtc",
        roles.FINANCE_OFFICER,
        "Hoàng Văn Nam",
        "Sở Khoa học và Công nghệ tỉnh Hưng Yên",
        "Phòng Kế hoạch – Tài chính",
    ),
    ("hoidong", roles.COUNCIL_MEMBER, "Bùi Văn Khánh", "Học viện Nông nghiệp Việt Nam", "Thành viên hội đồng"),
    (
        "chutri",
        roles.HOST_USER,
        "Ngô Thị Mai",
        "Trường Đại học Sư phạm Kỹ thuật Hưng Yên",
        "Tổ chức chủ trì (ĐH SPKT Hưng Yên)",
    ),
    (
        "chutri2",
        roles.HOST_USER,
        "Đặng Văn Long",
        "Trung tâm Nấm Văn Giang",
        "Tổ chức chủ trì (Trung tâm Nấm Văn Giang)",
    ),
    ("ubnd", roles.PROVINCIAL_LEADER, "Trịnh Văn Quang", "Ủy ban nhân dân tỉnh Hưng Yên", "Lãnh đạo tỉnh (chỉ xem)"),
]

# Scientists who are not users (principal investigators, council members to be).
PEOPLE = [
    (
        "Nguyễn Thị Thanh",
        Person.AcademicTitle.ASSOCIATE_PROFESSOR,
        Person.Degree.DOCTOR,
        "Trưởng khoa Cơ khí",
        "Trường Đại học Sư phạm Kỹ thuật Hưng Yên",
    ),
    ("Trần Văn Đức", "", Person.Degree.MASTER, "Giám đốc", "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ Hưng Yên"),
    ("Lê Thị Hương", "", Person.Degree.DOCTOR, "Nghiên cứu viên", "Trung tâm Nấm Văn Giang"),
    (
        "Phạm Quang Vinh",
        Person.AcademicTitle.PROFESSOR,
        Person.Degree.DOCTOR,
        "Giảng viên cao cấp",
        "Học viện Nông nghiệp Việt Nam",
    ),
    ("Vũ Đình Thắng", "", Person.Degree.DOCTOR_MD, "Phó Trưởng khoa", "Trường Đại học Y Dược Thái Bình"),
    ("Đinh Thị Ngọc", "", Person.Degree.ENGINEER, "Giám đốc", "Hợp tác xã chăn nuôi và kinh doanh gà Đông Tảo"),
]

for _username, _role, _name, _org, _label in USERS:
    demo.add_login(_username, _label)
demo.add_login("admin", "Quản trị hệ thống (toàn quyền)")


def _unit(name: str) -> AdministrativeUnit | None:
    if not name:
        return None
    return (
        AdministrativeUnit.objects.filter(
            level=AdministrativeUnit.Level.COMMUNE, valid_to__isnull=True, parent__code="33", name__iendswith=name
        )
        .order_by("code")
        .first()
    )


@demo.register
def load() -> str:
    call_command("load_units", verbosity=0)
    call_command("load_classifications", verbosity=0)
    created = 0
    orgs: dict[str, Organisation] = {}
    for name, short, kind, tax, address, unit_name in ORGANISATIONS:
        org, was_created = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "short_name": short,
                "kind": kind,
                "tax_code": tax,
                "address": address,
                "administrative_unit": _unit(unit_name),
            },
        )
        created += was_created
        orgs[name] = org
    department = orgs["Sở Khoa học và Công nghệ tỉnh Hưng Yên"]
    for name in DIVISIONS:
        _org, was_created = Organisation.objects.get_or_create(
            name=name, parent=department, defaults={"kind": K.STATE_AGENCY}
        )
        created += was_created

    for full_name, title, degree, position, org_name in PEOPLE:
        _person, was_created = Person.objects.get_or_create(
            full_name=full_name,
            organisation=orgs[org_name],
            defaults={"academic_title": title, "degree": degree, "position": position, "public_profile_consent": True},
        )
        created += was_created

    for username, role, full_name, org_name, _label in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username, password=demo.DEMO_PASSWORD, full_name=full_name, email=f"{username}@khcn.local"
            )
            created += 1
        user_set_roles(user=user, role_codes=[role])
        if org_name and not Person.objects.filter(user=user).exists():
            Person.objects.create(full_name=full_name, organisation=orgs[org_name], user=user, email=user.email)
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser(
            username="admin", password=demo.DEMO_PASSWORD, email="admin@khcn.local", full_name="Quản trị hệ thống"
        )
        created += 1

    _document, was_created = OfficialDocument.objects.get_or_create(
        issuer=orgs["Ủy ban nhân dân tỉnh Hưng Yên"],
        number="105/QĐ-UBND",
        defaults={
            "date": dt.date(2024, 1, 15),
            "kind": OfficialDocument.Kind.DECISION,
            "signer": "Chủ tịch UBND tỉnh",
            "subject": "Phê duyệt Kế hoạch khoa học và công nghệ năm 2024 tỉnh Hưng Yên",
        },
    )
    created += was_created
    return f"{created} bản ghi mới; {Organisation.objects.count()} tổ chức, {Person.objects.count()} cá nhân, {User.objects.count()} tài khoản"
