"""Demo data for initiatives, 2023 (seed: facts.md, "initiatives"). The figures are computed by the
system from these records, never typed:

- the provincial initiative council met twice (two sessions, each a council of the initiatives
  kind with its own meeting), and its members voted on 45 applications;
- the computed results recommend 42 of them (19 in June, 23 in November); 3 are not recommended;
- the People's Committee recognised the 42 by two decisions;
- 3 recognised initiatives were supported for wider application (Phù Cừ and Văn Giang high
  schools among them).

Real public institutions are the units of the recommended initiatives; the three that are not
recommended come from invented units ("(demo)"), as demo-realism.md asks. Authors and council
members are invented people. Everything goes through the services (and the councils app's), so
the workflow, its events and the history are real; the applications and their authors are written
in bulk with history. Idempotent: skipped when the 2023 applications exist.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from khcn.accounts.models import User
from khcn.core import demo
from khcn.councils import services as council_services
from khcn.councils.models import Council, CouncilMember
from khcn.directory.models import OfficialDocument, Organisation, Person
from khcn.lib.text import fold
from khcn.registries.initiatives import services
from khcn.registries.initiatives.models import Initiative

K = Organisation.Kind
F = Initiative.Field

PHU_CU = "Trường THPT Phù Cừ"
VAN_GIANG = "Trường THPT Văn Giang"
CHUYEN = "Trường THPT chuyên Hưng Yên"
HOSPITAL = "Bệnh viện Đa khoa tỉnh Hưng Yên"
SAN_NHI = "Bệnh viện Sản Nhi Hưng Yên"
CDC = "Trung tâm Kiểm soát bệnh tật tỉnh Hưng Yên"
SPKT = "Trường Đại học Sư phạm Kỹ thuật Hưng Yên"
EDUCATION_DEPT = "Sở Giáo dục và Đào tạo tỉnh Hưng Yên"
AGRI_DEPT = "Sở Nông nghiệp và Phát triển nông thôn tỉnh Hưng Yên"
APPLIED_CENTRE = "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ Hưng Yên"
PROVINCE = "Ủy ban nhân dân tỉnh Hưng Yên"

# (title, unit, field). The first 19 go before the June session, the rest before November's.
RECOMMENDED = [
    (
        "Thiết kế và sử dụng bài tập thực tiễn trong dạy học môn Hóa học lớp 12 nhằm phát triển năng lực học sinh",
        PHU_CU,
        F.EDUCATION,
    ),
    ("Ứng dụng phần mềm mô phỏng trong dạy học chủ đề Điện xoay chiều, Vật lí 12", VAN_GIANG, F.EDUCATION),
    ("Tổ chức câu lạc bộ nghiên cứu khoa học kỹ thuật cho học sinh trung học phổ thông", CHUYEN, F.EDUCATION),
    ("Quy trình chăm sóc người bệnh sau phẫu thuật thay khớp háng tại khoa Chấn thương chỉnh hình", HOSPITAL, F.HEALTH),
    ("Áp dụng bảng kiểm an toàn phẫu thuật cải tiến giảm sai sót chuyên môn", HOSPITAL, F.HEALTH),
    ("Mô hình tư vấn dinh dưỡng cho bà mẹ mang thai có đái tháo đường thai kỳ", SAN_NHI, F.HEALTH),
    ("Giải pháp giám sát dịch sốt xuất huyết dựa vào cộng đồng tại các xã trọng điểm", CDC, F.HEALTH),
    ("Chế tạo mô hình thực hành điều khiển khí nén – điện khí nén phục vụ đào tạo", SPKT, F.ENGINEERING),
    ("Xây dựng phần mềm quản lý thiết bị thí nghiệm dùng chung", SPKT, F.ENGINEERING),
    ("Đổi mới sinh hoạt chuyên môn theo nghiên cứu bài học ở trường trung học phổ thông", EDUCATION_DEPT, F.EDUCATION),
    (
        "Số hóa quy trình tiếp nhận, trả kết quả hồ sơ thi đua, khen thưởng ngành giáo dục",
        EDUCATION_DEPT,
        F.ADMINISTRATION,
    ),
    ("Quy trình nhân giống nhãn chín muộn bằng phương pháp ghép cải tiến", AGRI_DEPT, F.AGRICULTURE),
    ("Giải pháp quản lý sâu đục quả vải lai chín sớm bằng bẫy bả sinh học", AGRI_DEPT, F.AGRICULTURE),
    ("Quy trình nuôi trồng nấm sò trên giá thể phụ phẩm nông nghiệp quy mô hộ", APPLIED_CENTRE, F.AGRICULTURE),
    ("Ứng dụng chế phẩm vi sinh xử lý chất thải chăn nuôi gà Đông Tảo", APPLIED_CENTRE, F.AGRICULTURE),
    ("Dạy học theo dự án chủ đề bảo vệ môi trường làng nghề trong môn Địa lí 11", PHU_CU, F.EDUCATION),
    ("Hướng dẫn học sinh ôn thi tốt nghiệp môn Ngữ văn bằng sơ đồ tư duy", VAN_GIANG, F.EDUCATION),
    ("Rút ngắn thời gian chờ khám tại khoa Khám bệnh bằng hệ thống xếp hàng tự động", HOSPITAL, F.HEALTH),
    ("Chăm sóc trẻ sơ sinh non tháng bằng phương pháp Kangaroo tại bệnh viện", SAN_NHI, F.HEALTH),
    # November session
    ("Xây dựng ngân hàng câu hỏi đánh giá năng lực môn Toán 10 theo chương trình mới", PHU_CU, F.EDUCATION),
    ("Giáo dục kỹ năng sống cho học sinh qua hoạt động trải nghiệm tại địa phương", VAN_GIANG, F.EDUCATION),
    ("Ứng dụng trí tuệ nhân tạo hỗ trợ chấm bài luận tiếng Anh", CHUYEN, F.EDUCATION),
    ("Quy trình tiệt khuẩn dụng cụ nội soi tập trung", HOSPITAL, F.HEALTH),
    ("Cải tiến quy trình cấp phát thuốc nội trú giảm thời gian chờ", HOSPITAL, F.HEALTH),
    ("Sàng lọc sơ sinh bằng giọt máu gót chân tại tuyến huyện", SAN_NHI, F.HEALTH),
    ("Bản đồ số giám sát ổ dịch bệnh truyền nhiễm trên nền tảng GIS", CDC, F.HEALTH),
    ("Thiết kế bộ thí nghiệm cảm biến IoT cho học phần Đo lường điện", SPKT, F.ENGINEERING),
    ("Hệ thống tưới nhỏ giọt điều khiển từ xa cho vườn nhãn", SPKT, F.ENGINEERING),
    ("Robot hỗ trợ phân loại sản phẩm trong phòng thực hành tự động hóa", SPKT, F.ENGINEERING),
    ("Tổ chức thi giáo viên dạy giỏi trực tuyến cấp tỉnh", EDUCATION_DEPT, F.EDUCATION),
    ("Quy trình kiểm tra nội bộ trường học bằng phần mềm", EDUCATION_DEPT, F.ADMINISTRATION),
    ("Mô hình liên kết sản xuất nhãn lồng theo tiêu chuẩn VietGAP", AGRI_DEPT, F.AGRICULTURE),
    ("Quy trình phòng trừ tổng hợp bệnh chổi rồng hại nhãn", AGRI_DEPT, F.AGRICULTURE),
    ("Sản xuất phân hữu cơ vi sinh từ bã nấm", APPLIED_CENTRE, F.AGRICULTURE),
    ("Bảo quản nhãn quả tươi bằng màng bao sinh học", APPLIED_CENTRE, F.AGRICULTURE),
    ("Ứng dụng lớp học đảo ngược trong dạy học môn Lịch sử 12", PHU_CU, F.EDUCATION),
    ("Phát triển năng lực tự học môn Sinh học qua hệ thống học liệu số", VAN_GIANG, F.EDUCATION),
    ("Phương pháp bồi dưỡng học sinh giỏi Tin học theo chuyên đề", CHUYEN, F.EDUCATION),
    ("Tập phục hồi chức năng sớm cho người bệnh đột quỵ não", HOSPITAL, F.HEALTH),
    ("Tư vấn nuôi con bằng sữa mẹ qua mạng xã hội cho sản phụ sau sinh", SAN_NHI, F.HEALTH),
    ("Quy trình tiêm chủng an toàn tại điểm tiêm lưu động", CDC, F.HEALTH),
    (
        "Chuẩn hóa quy trình cấp giấy chứng nhận đăng ký hoạt động khoa học và công nghệ",
        APPLIED_CENTRE,
        F.ADMINISTRATION,
    ),
]
NOT_RECOMMENDED = [
    # (title, invented unit, session index)
    ("Sổ theo dõi công văn đến bằng bảng tính", "Trường THCS Đông Kết (demo)", 0),
    ("Sắp xếp lại kho lưu trữ hồ sơ của đơn vị", "Trung tâm Dịch vụ nông nghiệp Bãi Sậy (demo)", 1),
    ("Trang trí lớp học theo chủ đề từng tháng", "Trường Tiểu học Lạc Hồng (demo)", 1),
]
FIRST_SESSION_SIZE = 19

# (decision number, date, issuer, session index)
DECISIONS = [("1452/QĐ-UBND", dt.date(2023, 7, 14), 0), ("2786/QĐ-UBND", dt.date(2023, 12, 8), 1)]
SESSIONS = [
    ("Hội đồng sáng kiến tỉnh Hưng Yên năm 2023 (đợt 1)", "118/QĐ-UBND", dt.date(2023, 5, 22), dt.date(2023, 6, 16)),
    ("Hội đồng sáng kiến tỉnh Hưng Yên năm 2023 (đợt 2)", "2305/QĐ-UBND", dt.date(2023, 10, 9), dt.date(2023, 11, 17)),
]
# (index in RECOMMENDED, where, amount, date)
WIDER = [
    (0, "Trường THPT Phù Cừ và Trường THPT Văn Giang", 30_000_000, dt.date(2023, 12, 15)),
    (1, "Trường THPT Văn Giang và Trường THPT Phù Cừ", 30_000_000, dt.date(2023, 12, 15)),
    (3, "Các trung tâm y tế tuyến huyện (Khoái Châu, Văn Lâm, Kim Động)", 45_000_000, dt.date(2023, 12, 20)),
]
COUNCIL_MEMBERS = [
    ("Trịnh Minh Đức", "Phó Chủ tịch UBND tỉnh (demo)", CouncilMember.Role.CHAIR),
    ("Hà Thị Thu Hằng", "Giám đốc Sở Khoa học và Công nghệ (demo)", CouncilMember.Role.VICE_CHAIR),
    ("Tạ Quang Huy", "Phó Giám đốc Sở Giáo dục và Đào tạo (demo)", CouncilMember.Role.MEMBER),
    ("Kiều Văn Tâm", "Phó Giám đốc Sở Y tế (demo)", CouncilMember.Role.MEMBER),
    ("Mạc Thị Thanh Nga", "Trưởng ban Thi đua – Khen thưởng tỉnh (demo)", CouncilMember.Role.SCIENTIFIC_SECRETARY),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Vũ", "Đỗ", "Bùi", "Đặng", "Hoàng", "Ngô", "Đinh", "Lương", "Chu", "Tạ"]
MIDDLE = ["Thị", "Văn", "Thị Minh", "Đức", "Thị Thanh", "Quốc", "Thu", "Hồng"]
GIVEN = [
    "Anh",
    "Bích",
    "Chi",
    "Dung",
    "Duyên",
    "Hạnh",
    "Hiền",
    "Hòa",
    "Huyền",
    "Khánh",
    "Lâm",
    "Loan",
    "Mạnh",
    "Nhung",
    "Oanh",
    "Phương",
    "Quân",
    "Sang",
    "Thơm",
    "Trang",
    "Tùng",
    "Uyên",
    "Vinh",
    "Yến",
]


def _staff() -> User:
    staff = User.objects.filter(username="qlkh").first() or User.objects.filter(is_superuser=True).first()
    assert staff is not None, "directory demo makes the users first"
    return staff


def _organisation(name: str) -> Organisation:
    org = Organisation.objects.filter(name=name).first()
    if org is None:
        if name.startswith(("Trường Đại học", "Học viện")):
            kind = K.UNIVERSITY
        elif name.startswith("Trung tâm Ứng dụng"):
            kind = K.RESEARCH_INSTITUTE
        else:
            kind = K.STATE_AGENCY
        org = Organisation.objects.create(name=name, kind=kind, address="Tỉnh Hưng Yên")
    return org


def _authors(staff: User, units: list[Organisation], counts: list[int]) -> list[list[Person]]:
    """Invented authors at each initiative's unit (1–3 per initiative), written in bulk."""
    people: list[Person] = []
    lists: list[list[Person]] = []
    n = 0
    for unit, count in zip(units, counts, strict=True):
        mine = []
        for _ in range(count):
            name = f"{FAMILY[n % len(FAMILY)]} {MIDDLE[(n // 2) % len(MIDDLE)]} {GIVEN[(n * 5) % len(GIVEN)]}"
            person = Person(full_name=name, organisation=unit, name_folded=fold(name))
            mine.append(person)
            people.append(person)
            n += 1
        lists.append(mine)
    # bulk_create skips save(), so name_folded is set above.
    bulk_create_with_history(people, Person, default_user=staff, default_change_reason="Dữ liệu mẫu")
    return lists


def _council(staff: User, name: str, decision: OfficialDocument, year: int) -> tuple[Council, list[CouncilMember]]:
    council = council_services.council_create(
        kind=Council.Kind.INITIATIVES, year=year, name=name, by=staff, decision=decision
    )
    members = []
    for full_name, position, role in COUNCIL_MEMBERS:
        person = Person.objects.filter(full_name=full_name, position=position).first() or Person.objects.create(
            full_name=full_name, position=position
        )
        members.append(council_services.council_member_add(council=council, person=person, role=role, by=staff))
    return council, members


@demo.register
@transaction.atomic
def load() -> str:
    if Initiative.objects.filter(code__startswith="SK-2023-").exists():
        return f"đã có; {Initiative.objects.count()} sáng kiến"
    staff = _staff()
    province = _organisation(PROVINCE)

    # Applications: the recommended ones in order, with the three not recommended in their sessions.
    specs: list[tuple[str, Organisation, str, int, bool]] = []
    for index, (title, unit, field) in enumerate(RECOMMENDED):
        session = 0 if index < FIRST_SESSION_SIZE else 1
        specs.append((title, _organisation(unit), field, session, True))
    for title, unit, session in NOT_RECOMMENDED:
        specs.append(
            (title, _organisation(unit), F.ADMINISTRATION if "hồ sơ" in title else F.EDUCATION, session, False)
        )
    initiatives = [
        Initiative(
            code=f"SK-2023-{number:03d}",
            title=title,
            unit=unit,
            field=field,
            year=2023,
            scope=Initiative.Scope.PROVINCE,
            first_applied_on=dt.date(2022, 9, 5) + dt.timedelta(days=number * 3),
            description=f"Sáng kiến “{title}” được áp dụng tại {unit.name} từ năm học 2022–2023.",
            benefit="Nâng cao chất lượng, tiết kiệm thời gian và chi phí; có khả năng nhân rộng trong tỉnh."
            if recommended
            else "Hiệu quả chưa được chứng minh ngoài phạm vi đơn vị.",
        )
        for number, (title, unit, field, _session, recommended) in enumerate(specs, start=1)
    ]
    authors = _authors(staff, [s[1] for s in specs], [1 + (i % 3) for i in range(len(specs))])
    saved = services.initiative_bulk_create(initiatives=initiatives, authors=authors, by=staff, reason="Dữ liệu mẫu")
    by_code = {i.code: i for i in saved}
    ordered = [by_code[i.code] for i in initiatives]

    # Two sessions of the council: each votes on its applications, then the results are applied.
    recommended_by_session: list[list[Initiative]] = [[], []]
    for session, (name, decision_number, decided_on, met_on) in enumerate(SESSIONS):
        decision, _created = OfficialDocument.objects.get_or_create(
            issuer=province,
            number=decision_number,
            defaults={
                "date": decided_on,
                "kind": OfficialDocument.Kind.DECISION,
                "signer": "Chủ tịch UBND tỉnh",
                "subject": "Thành lập Hội đồng sáng kiến tỉnh Hưng Yên năm 2023",
            },
        )
        council, members = _council(staff, name, decision, 2023)
        mine = [(initiative, spec) for initiative, spec in zip(ordered, specs, strict=True) if spec[3] == session]
        objects = services.initiative_council_add(council=council, initiatives=[i for i, _s in mine], by=staff)
        council_services.meeting_record(
            council=council, date=met_on, place="Hội trường UBND tỉnh Hưng Yên", present=members, by=staff
        )
        for council_object, (_initiative, spec) in zip(objects, mine, strict=True):
            for position, member in enumerate(members):
                # Paper sheets entered by the division: unanimous for the recommended; for the
                # others only the chair votes yes (1 of 5, under the 1/2 the rule set needs).
                yes = spec[4] or position == 0
                council_services.score_sheet_submit(
                    council_object=council_object,
                    member=member,
                    by=staff,
                    vote="recommend" if yes else "not_recommend",
                    source="paper",
                )
        services.initiatives_apply_council_results(council=council, by=staff)
        recommended_by_session[session] = [i for i, spec in mine if spec[4]]

    # Recognition by the People's Committee, one decision per session.
    for number, date, session in DECISIONS:
        group = [Initiative.objects.get(pk=i.pk) for i in recommended_by_session[session]]
        services.recognition_decision_issue(
            number=number,
            date=date,
            issuer=province,
            initiatives=group,
            signer="Chủ tịch UBND tỉnh",
            subject="Công nhận sáng kiến có phạm vi ảnh hưởng, hiệu quả áp dụng cấp tỉnh năm 2023",
            by=staff,
        )
    for index, where, amount, on in WIDER:
        services.initiative_support_wider(
            initiative=Initiative.objects.get(pk=ordered[index].pk), where=where, amount=amount, on=on, by=staff
        )
    return f"{len(saved)} sáng kiến, 2 phiên hội đồng, {len(DECISIONS)} quyết định công nhận, {len(WIDER)} sáng kiến nhân rộng"
