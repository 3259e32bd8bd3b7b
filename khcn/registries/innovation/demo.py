"""Demo innovation records. The 2023 figures of the seed are computed from these individual records:
3 start-ups supported, 3 enterprises at the Red River Delta Techfest (Nam Định), trainings totalling
1,500 trainees, 1 creative start-up day with the provincial youth union. (The 15 news items are
the news app's articles.)

The start-ups are invented names (support decisions are facts about a firm; we do not make them up
for real firms). Real public institutions appear only as hosts of an event.
"""

from __future__ import annotations

import datetime as dt

from khcn.accounts.models import User
from khcn.core import demo
from khcn.directory.models import AdministrativeUnit, Organisation
from khcn.registries.innovation import services
from khcn.registries.innovation.models import Event, EventParticipation, StartupSupport, Training

D = dt.date
S = StartupSupport.SupportKind
ENTERPRISE = Organisation.Kind.ENTERPRISE
SAMPLE = "Dữ liệu mẫu."

# (name, address, commune name in today's Hưng Yên)
STARTUPS = [
    ("Công ty TNHH Khởi nghiệp Nhãn Vàng Phố Hiến", "Phường Phố Hiến, tỉnh Hưng Yên", "Phố Hiến"),
    ("Công ty Cổ phần Dược liệu Xanh Nghĩa Trai", "Xã Như Quỳnh, tỉnh Hưng Yên", "Như Quỳnh"),
    ("Công ty TNHH Công nghệ Nông nghiệp Số Khoái Châu", "Xã Khoái Châu, tỉnh Hưng Yên", "Khoái Châu"),
    ("Công ty TNHH Tự động hóa Mỹ Hào Tech", "Phường Mỹ Hào, tỉnh Hưng Yên", "Mỹ Hào"),
    ("Công ty TNHH Thực phẩm Sạch Tống Trân", "Xã Tống Trân, tỉnh Hưng Yên", "Tống Trân"),
]

# (enterprise index, year, kind, project, stage, amount in đồng)
SUPPORTS = [
    (0, 2023, S.TECHNOLOGY, "Long nhãn sấy lạnh đóng gói truy xuất nguồn gốc", StartupSupport.Stage.MARKET, 50_000_000),
    (1, 2023, S.IP, "Trà cúc chi Nghĩa Trai", StartupSupport.Stage.PROTOTYPE, 45_000_000),
    (
        2,
        2023,
        S.CONSULTING,
        "Nền tảng nhật ký canh tác điện tử cho hợp tác xã",
        StartupSupport.Stage.PROTOTYPE,
        60_000_000,
    ),
    (2, 2024, S.PROMOTION, "Nền tảng nhật ký canh tác điện tử cho hợp tác xã", StartupSupport.Stage.MARKET, 40_000_000),
    (4, 2024, S.STANDARDS, "Thực phẩm chế biến từ gà Đông Tảo", StartupSupport.Stage.MARKET, 55_000_000),
]

# (name, kind, start, end, location, unit, organisers, by department, techfest, attendees, participant indexes)
EVENTS = [
    (
        "Techfest vùng Đồng bằng sông Hồng năm 2023",
        Event.Kind.FAIR,
        D(2023, 9, 8),
        D(2023, 9, 9),
        "Tỉnh Nam Định",
        "",
        "Bộ Khoa học và Công nghệ; UBND tỉnh Nam Định",
        False,
        True,
        None,
        [0, 1, 3],
    ),
    (
        "Ngày hội khởi nghiệp đổi mới sáng tạo học sinh, sinh viên tỉnh Hưng Yên năm 2023",
        Event.Kind.STARTUP_DAY,
        D(2023, 10, 27),
        None,
        "Trường Đại học Sư phạm Kỹ thuật Hưng Yên",
        "Khoái Châu",
        "Sở Khoa học và Công nghệ; Tỉnh đoàn Hưng Yên",
        True,
        False,
        600,
        [0, 2],
    ),
    (
        "Hội thảo kết nối hệ sinh thái khởi nghiệp đổi mới sáng tạo tỉnh Hưng Yên năm 2024",
        Event.Kind.WORKSHOP,
        D(2024, 6, 14),
        None,
        "Sở Khoa học và Công nghệ tỉnh Hưng Yên",
        "Phố Hiến",
        "Sở Khoa học và Công nghệ",
        True,
        False,
        120,
        [2, 4],
    ),
]

# (topic, area, audience, date, location, unit, organisers, trainees): 2023 adds up to 1,500.
TRAININGS = [
    (
        "Xác lập và khai thác quyền sở hữu trí tuệ cho doanh nghiệp, hợp tác xã",
        Training.Area.IP,
        "Doanh nghiệp, hợp tác xã",
        D(2023, 3, 23),
        "Phường Phố Hiến",
        "Phố Hiến",
        "Sở Khoa học và Công nghệ",
        120,
    ),
    (
        "Khởi nghiệp đổi mới sáng tạo cho đoàn viên thanh niên",
        Training.Area.STARTUP,
        "Đoàn viên thanh niên",
        D(2023, 4, 17),
        "Phường Phố Hiến",
        "Phố Hiến",
        "Sở Khoa học và Công nghệ; Tỉnh đoàn Hưng Yên",
        250,
    ),
    (
        "Bảo hộ nhãn hiệu tập thể, chỉ dẫn địa lý cho hộ sản xuất",
        Training.Area.IP,
        "Hợp tác xã, hộ sản xuất",
        D(2023, 5, 18),
        "Xã Khoái Châu",
        "Khoái Châu",
        "Sở Khoa học và Công nghệ",
        180,
    ),
    (
        "Thương mại điện tử cho sản phẩm nông nghiệp đặc sản",
        Training.Area.DIGITAL,
        "Hợp tác xã, hộ kinh doanh",
        D(2023, 7, 11),
        "Xã Như Quỳnh",
        "Như Quỳnh",
        "Sở Khoa học và Công nghệ",
        150,
    ),
    (
        "Từ ý tưởng đến dự án khởi nghiệp cho sinh viên",
        Training.Area.STARTUP,
        "Sinh viên",
        D(2023, 8, 22),
        "Trường Đại học Sư phạm Kỹ thuật Hưng Yên",
        "Khoái Châu",
        "Sở Khoa học và Công nghệ; Tỉnh đoàn Hưng Yên",
        300,
    ),
    (
        "Quản trị đổi mới sáng tạo trong cơ quan nhà nước",
        Training.Area.INNOVATION,
        "Cán bộ quản lý các sở, ngành, địa phương",
        D(2023, 10, 9),
        "Phường Phố Hiến",
        "Phố Hiến",
        "Sở Khoa học và Công nghệ",
        110,
    ),
    (
        "Sở hữu trí tuệ trong hoạt động sản xuất, kinh doanh",
        Training.Area.IP,
        "Doanh nghiệp",
        D(2023, 11, 15),
        "Phường Mỹ Hào",
        "Mỹ Hào",
        "Sở Khoa học và Công nghệ",
        200,
    ),
    (
        "Khởi nghiệp từ sản phẩm nông nghiệp địa phương",
        Training.Area.STARTUP,
        "Đoàn viên thanh niên, hộ sản xuất",
        D(2023, 12, 6),
        "Xã Tống Trân",
        "Tống Trân",
        "Sở Khoa học và Công nghệ; Tỉnh đoàn Hưng Yên",
        190,
    ),
    (
        "Sở hữu trí tuệ cho doanh nghiệp khởi nghiệp",
        Training.Area.IP,
        "Doanh nghiệp khởi nghiệp",
        D(2024, 4, 10),
        "Phường Phố Hiến",
        "Phố Hiến",
        "Sở Khoa học và Công nghệ",
        140,
    ),
]


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
    by = User.objects.filter(is_superuser=True).order_by("pk").first()
    if by is None:
        return "bỏ qua: chưa có tài khoản quản trị"
    created = 0
    enterprises = []
    for name, address, unit_name in STARTUPS:
        org, was_created = Organisation.objects.get_or_create(
            name=name, defaults={"kind": ENTERPRISE, "address": address, "administrative_unit": _unit(unit_name)}
        )
        created += was_created
        enterprises.append(org)
    for index, year, kind, project, stage, amount in SUPPORTS:
        if StartupSupport.objects.filter(enterprise=enterprises[index], year=year, support_kind=kind).exists():
            continue
        services.startup_support_save(
            support=StartupSupport(
                enterprise=enterprises[index],
                year=year,
                support_kind=kind,
                project=project,
                stage=stage,
                amount=amount,
                note=SAMPLE,
            ),
            by=by,
        )
        created += 1
    for (
        name,
        event_kind,
        start,
        end,
        location,
        unit_name,
        organisers,
        by_department,
        techfest,
        attendees,
        members,
    ) in EVENTS:
        event = Event.objects.filter(name=name, start_date=start).first()
        if event is None:
            event = services.event_save(
                event=Event(
                    name=name,
                    kind=event_kind,
                    start_date=start,
                    end_date=end,
                    location=location,
                    administrative_unit=_unit(unit_name),
                    organisers=organisers,
                    organised_by_department=by_department,
                    is_techfest=techfest,
                    attendee_count=attendees,
                    note=SAMPLE,
                ),
                by=by,
            )
            created += 1
        for index in members:
            if not EventParticipation.objects.filter(event=event, organisation=enterprises[index]).exists():
                services.event_participant_add(event=event, organisation=enterprises[index], by=by)
                created += 1
    for topic, area, audience, date, location, unit_name, organisers, trainees in TRAININGS:
        if Training.objects.filter(topic=topic, date=date).exists():
            continue
        services.training_save(
            training=Training(
                topic=topic,
                area=area,
                audience=audience,
                date=date,
                location=location,
                administrative_unit=_unit(unit_name),
                organisers=organisers,
                trainee_count=trainees,
                note=SAMPLE,
            ),
            by=by,
        )
        created += 1
    return (
        f"{created} bản ghi mới; {StartupSupport.objects.count()} lượt hỗ trợ, {Training.objects.count()} lớp tập huấn"
    )
