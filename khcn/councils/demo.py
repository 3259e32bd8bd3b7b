"""Demo councils for Hưng Yên: council-member accounts (hoidong2..hoidong7, invented scientists
at real institutions) and one 2024 technology-appraisal council to click through.

The 2024 identification council is not made here: research/demo.py makes it through
councils.services, with these members. Idempotent: everything is looked up by natural keys.
"""

from __future__ import annotations

import datetime as dt

from khcn.accounts import roles
from khcn.accounts.models import User
from khcn.accounts.services import user_set_roles
from khcn.core import demo
from khcn.councils import services
from khcn.councils.models import Council, CouncilMember
from khcn.directory.models import OfficialDocument, Organisation, Person

# (username, full name, academic title, degree, position, institution, kind if the institution is new)
SCIENTISTS = [
    (
        "hoidong2",
        "Nguyễn Thị Lan Anh",
        "PGS",
        "TS",
        "Trưởng bộ môn Công nghệ thực phẩm",
        "Trường Đại học Bách khoa Hà Nội",
        Organisation.Kind.UNIVERSITY,
    ),
    (
        "hoidong3",
        "Phạm Văn Hùng",
        "",
        "TS",
        "Giảng viên chính, Khoa Cơ khí",
        "Trường Đại học Sư phạm Kỹ thuật Hưng Yên",
        None,
    ),
    (
        "hoidong4",
        "Lương Thị Thu Hà",
        "",
        "TS",
        "Nghiên cứu viên chính",
        "Viện Cây lương thực và Cây thực phẩm",
        Organisation.Kind.RESEARCH_INSTITUTE,
    ),
    (
        "hoidong5",
        "Đoàn Văn Tiến",
        "",
        "ThS",
        "Phó Giám đốc",
        "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ Hưng Yên",
        None,
    ),
    ("hoidong6", "Cao Thị Bích Ngọc", "", "TS", "Giảng viên", "Trường Đại học Y Dược Thái Bình", None),
    ("hoidong7", "Mai Xuân Trường", "", "ThS", "Nghiên cứu viên", "Học viện Nông nghiệp Việt Nam", None),
]

for _username, _name, *_rest in SCIENTISTS:
    demo.add_login(_username, f"Thành viên hội đồng ({_name})")

COUNCIL_NAME = "Hội đồng tư vấn thẩm định công nghệ dự án đầu tư năm 2024"

# (number, issuer, date, subject, object title)
REQUESTS = [
    (
        "68/CV-TBS",
        "Công ty Cổ phần Tập đoàn ThaiBinh Seed",
        dt.date(2024, 4, 22),
        "Đề nghị cho ý kiến về công nghệ dự án Nhà máy chế biến hạt giống công nghệ cao",
        "Ý kiến về công nghệ dự án Nhà máy chế biến hạt giống công nghệ cao (Công ty CP Tập đoàn ThaiBinh Seed)",
    ),
    (
        "12/CV-HTX",
        "Hợp tác xã nhãn lồng Hồng Nam",
        dt.date(2024, 4, 25),
        "Đề nghị cho ý kiến về công nghệ dự án Xưởng sơ chế, bảo quản nhãn lồng sau thu hoạch",
        "Ý kiến về công nghệ dự án Xưởng sơ chế, bảo quản nhãn lồng sau thu hoạch (HTX nhãn lồng Hồng Nam)",
    ),
]


def _scientists() -> tuple[dict[str, Person], int]:
    created = 0
    people: dict[str, Person] = {}
    for username, full_name, title, degree, position, org_name, kind in SCIENTISTS:
        org = Organisation.objects.filter(name=org_name).first()
        if org is None:
            org = Organisation.objects.create(name=org_name, kind=kind or Organisation.Kind.OTHER)
            created += 1
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username, password=demo.DEMO_PASSWORD, full_name=full_name, email=f"{username}@khcn.local"
            )
            created += 1
        user_set_roles(user=user, role_codes=[roles.COUNCIL_MEMBER])
        person = Person.objects.filter(user=user).first()
        if person is None:
            person = Person.objects.create(
                full_name=full_name,
                academic_title=title,
                degree=degree,
                position=position,
                organisation=org,
                user=user,
                email=user.email,
                public_profile_consent=True,
            )
            created += 1
        people[username] = person
    khanh = Person.objects.filter(user__username="hoidong").first()
    if khanh is not None:
        people["hoidong"] = khanh
    return people, created


@demo.register
def load() -> str:
    people, created = _scientists()
    if Council.objects.filter(name=COUNCIL_NAME, year=2024).exists() or "hoidong" not in people:
        return f"{created} bản ghi mới; {Council.objects.count()} hội đồng"

    staff = User.objects.filter(username="qlcn").first() or User.objects.filter(is_superuser=True).first()
    assert staff is not None  # directory/demo.py runs first and makes both
    department = Organisation.objects.get(name="Sở Khoa học và Công nghệ tỉnh Hưng Yên")
    decision, _ = OfficialDocument.objects.get_or_create(
        issuer=department,
        number="52/QĐ-SKHCN",
        defaults={
            "date": dt.date(2024, 5, 6),
            "kind": OfficialDocument.Kind.DECISION,
            "signer": "Nguyễn Văn Minh",
            "signer_position": "Giám đốc Sở",
            "subject": "Thành lập Hội đồng tư vấn thẩm định công nghệ dự án đầu tư năm 2024",
        },
    )
    council = services.council_create(
        kind=Council.Kind.TECHNOLOGY_APPRAISAL, year=2024, name=COUNCIL_NAME, by=staff, decision=decision
    )
    R = CouncilMember.Role
    seats = [
        ("hoidong", R.CHAIR),
        ("hoidong2", R.VICE_CHAIR),
        ("hoidong3", R.REVIEWER_1),
        ("hoidong4", R.REVIEWER_2),
        ("hoidong5", R.MEMBER),
        ("hoidong6", R.MEMBER),
        ("hoidong7", R.SCIENTIFIC_SECRETARY),
    ]
    members = {
        username: services.council_member_add(council=council, person=people[username], role=role, by=staff)
        for username, role in seats
    }
    officer = Person.objects.filter(user=staff).first()
    secretary = None
    if officer is not None:
        secretary = services.council_member_add(council=council, person=officer, role=R.ADMIN_SECRETARY, by=staff)

    objects = []
    for number, issuer_name, date, subject, title in REQUESTS:
        issuer = Organisation.objects.get(name=issuer_name)
        letter, _ = OfficialDocument.objects.get_or_create(
            issuer=issuer,
            number=number,
            defaults={"date": date, "kind": OfficialDocument.Kind.OFFICIAL_LETTER, "subject": subject},
        )
        objects.append(services.council_object_add(council=council, target=letter, by=staff, title=title))

    # hoidong6 was away; everyone else sat.
    services.meeting_record(
        council=council,
        date=dt.date(2024, 5, 20),
        place="Phòng họp tầng 3, Sở Khoa học và Công nghệ tỉnh Hưng Yên",
        present=[m for username, m in members.items() if username != "hoidong6"] + ([secretary] if secretary else []),
        by=staff,
    )

    def user_of(username: str) -> User:
        user = members[username].person.user
        assert user is not None  # made above by _scientists()
        return user

    def vote(username: str, obj_index: int, choice: str, comments: str = "") -> None:
        services.score_sheet_submit(
            council_object=objects[obj_index],
            member=members[username],
            by=user_of(username),
            vote=choice,
            comments=comments,
        )

    # The seed plant: decided (5 of 6 present members say the technology meets the requirements).
    vote("hoidong", 0, "recommend", "Dây chuyền sấy, tách tạp và đóng gói tiên tiến, phù hợp quy hoạch.")
    vote("hoidong2", 0, "recommend")
    vote("hoidong3", 0, "recommend", "Cần bổ sung phương án xử lý bụi của khâu làm sạch hạt.")
    vote("hoidong4", 0, "not_recommend", "Chưa rõ nguồn gốc và năm sản xuất của thiết bị sấy.")
    vote("hoidong5", 0, "recommend")
    vote("hoidong7", 0, "recommend")
    # The longan facility: a reviewer declared a conflict; the chair (demo login "hoidong") has
    # not voted yet, so the result waits for them.
    services.conflict_declare(
        council_object=objects[1],
        member=members["hoidong4"],
        reason="Đã tham gia tư vấn lập thuyết minh công nghệ của dự án.",
        by=user_of("hoidong4"),
    )
    vote("hoidong2", 1, "recommend")
    vote("hoidong3", 1, "recommend", "Công nghệ xông SO2 cần kiểm soát dư lượng theo quy chuẩn.")
    vote("hoidong5", 1, "recommend")
    vote("hoidong7", 1, "not_recommend")
    return f"{created} bản ghi mới; hội đồng mẫu “{COUNCIL_NAME}” với {len(members)} thành viên, 2 đối tượng"
