"""Demo data for part 1 of the task lifecycle: the 2023 and 2024 plans of Hưng Yên.

Every figure the seed article states is computed by the system from these records, never typed:
78 proposals to the 2024 call; the identification council and its sheets; the 2024 plan approved
by Decision 105/QĐ-UBND of 15/01/2024 with 42 tasks (27 carried over, 15 new) in the article's
groups (15, 5, 5, 6, 3, 1, 3, 4) and a total of 27.273.000.000 đ; the 2023 plan with 50 tasks
(39 carried over from 2022, 11 new), 27 of which are the same task rows carried into 2024.
The 39 that began in 2021–2022 are also in an approved 2022 plan, their "earlier" amount being the
2022 allocation, so that the money paid out in 2022 stands on an allocation. Tasks are entered as
approved; demo_execution.py signs their contracts and carries them to results (part 2).

Real public institutions host the tasks; proposals that fail screening or the council come from
invented organisations (demo-realism.md: no failure is attached to a real body). People are
invented. Everything goes through the services, so the workflow and its history are real; the
loader is idempotent (records are looked up by natural keys before anything is created).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from khcn.accounts.models import User
from khcn.core import demo
from khcn.councils import selectors as council_selectors
from khcn.councils import services as council_services
from khcn.councils.models import Council, CouncilMember, ScoreSheet
from khcn.directory.models import AdministrativeUnit, FieldOfScience, OfficialDocument, Organisation, Person, TaskForm
from khcn.lib.dates import add_months
from khcn.research import services
from khcn.research.classifications import load_plan_groups
from khcn.research.models import Call, Level, Mode, Plan, PlanGroup, PlanItem, Proposal, Task

K = Organisation.Kind
PS = Proposal.Status

PLAN_2024_TOTAL = 27_273_000_000  # the article's figure: the allocations below are chosen to add up to it

# Real public institutions added to the directory's demo set (hosts of tasks in the plans).
EXTRA_ORGANISATIONS = [
    ("Trường Đại học Tài chính – Quản trị kinh doanh", "ĐH TC-QTKD", K.UNIVERSITY),
    ("Bảo tàng tỉnh Hưng Yên", "", K.STATE_AGENCY),
    ("Công an tỉnh Hưng Yên", "", K.STATE_AGENCY),
    ("Bộ Chỉ huy Quân sự tỉnh Hưng Yên", "", K.STATE_AGENCY),
    ("Sở Giáo dục và Đào tạo tỉnh Hưng Yên", "", K.STATE_AGENCY),
    ("Bệnh viện Đa khoa tỉnh Hưng Yên", "", K.STATE_AGENCY),
]
# Invented organisations: the proposals that are found invalid, duplicate or not recommended.
INVENTED_ORGANISATIONS = [
    ("Công ty TNHH Nông nghiệp công nghệ cao Phố Hiến (demo)", K.ENTERPRISE),
    ("Hợp tác xã dịch vụ nông nghiệp Tân Tiến (demo)", K.COOPERATIVE),
    ("Công ty Cổ phần Công nghệ sinh học Sông Hồng (demo)", K.ENTERPRISE),
    ("Viện Nghiên cứu Phát triển nông thôn Châu Giang (demo)", K.RESEARCH_INSTITUTE),
    ("Công ty TNHH Giải pháp phần mềm An Vũ (demo)", K.ENTERPRISE),
    ("Hợp tác xã chăn nuôi Đông An (demo)", K.COOPERATIVE),
    ("Công ty Cổ phần Thực phẩm sạch Kim Động (demo)", K.ENTERPRISE),
    ("Trung tâm Tư vấn và Chuyển giao công nghệ Bãi Sậy (demo)", K.OTHER),
]

SPKT = "Trường Đại học Sư phạm Kỹ thuật Hưng Yên"
YDTB = "Trường Đại học Y Dược Thái Bình"
NAM = "Trung tâm Nấm Văn Giang"
HVNN = "Học viện Nông nghiệp Việt Nam"
TBS = "Công ty Cổ phần Tập đoàn ThaiBinh Seed"
GA = "Hợp tác xã chăn nuôi và kinh doanh gà Đông Tảo"
NHAN = "Hợp tác xã nhãn lồng Hồng Nam"
UD = "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ Hưng Yên"
SO = "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
TC = "Trường Đại học Tài chính – Quản trị kinh doanh"
BT = "Bảo tàng tỉnh Hưng Yên"
CA = "Công an tỉnh Hưng Yên"
QS = "Bộ Chỉ huy Quân sự tỉnh Hưng Yên"
GD = "Sở Giáo dục và Đào tạo tỉnh Hưng Yên"
BV = "Bệnh viện Đa khoa tỉnh Hưng Yên"
# An invented host: its task is the one the acceptance council grades "failed" (demo-realism.md:
# no failure is attached to a real body).
SONGHONG = "Công ty Cổ phần Công nghệ sinh học Sông Hồng (demo)"

# Invented scientists (principal investigators), by organisation.
PEOPLE = [
    ("Nguyễn Văn Hùng", "TS", SPKT),
    ("Phạm Thị Thu Hà", "ThS", SPKT),
    ("Lê Đức Anh", "TS", SPKT),
    ("Trần Quốc Tuấn", "TS", HVNN),
    ("Đỗ Thị Minh Nguyệt", "TS", HVNN),
    ("Hoàng Văn Sơn", "ThS", UD),
    ("Vũ Thị Hạnh", "ThS", UD),
    ("Ngô Văn Thành", "BS", YDTB),
    ("Đặng Thị Lan Anh", "TS", YDTB),
    ("Bùi Quang Huy", "ThS", TC),
    ("Lương Thị Phương", "TS", TC),
    ("Phan Văn Dũng", "ThS", BT),
    ("Nguyễn Đức Thắng", "ThS", CA),
    ("Trịnh Văn Lực", "ThS", QS),
    ("Cao Thị Huyền", "ThS", GD),
    ("Đào Văn Khoa", "KS", TBS),
    ("Mai Thị Hòa", "KS", NHAN),
    ("Tạ Văn Bình", "KS", GA),
    ("Lý Thị Kim Oanh", "ThS", NAM),
    ("Chu Minh Tâm", "ThS", SO),
    ("Hà Thị Ngọc Lan", "BS", BV),
    ("Trương Văn Hậu", "ThS", SONGHONG),
]

# (title, form code, field code, host) per group, in this order inside each group: tasks that
# ended in 2023, 2022 tasks carried into 2024, 2023's new tasks, then 2024's new tasks (proposals).
# fmt: off
TASKS: dict[str, list[tuple[str, str, str, str]]] = {
    "agriculture": [
        ("Nghiên cứu ứng dụng chế phẩm sinh học xử lý phụ phẩm nông nghiệp làm phân bón hữu cơ vi sinh", "research_project", "406", UD),
        ("Nghiên cứu phòng trừ tổng hợp sâu đục quả trên vải lai chín sớm tại Phù Cừ", "research_project", "401", HVNN),
        ("Xây dựng mô hình sản xuất chuối tiêu hồng Khoái Châu bằng cây giống nuôi cấy mô", "pilot_production", "401", UD),
        ("Ứng dụng công nghệ tưới nhỏ giọt kết hợp bón phân cho vùng trồng cam, bưởi tập trung", "pilot_production", "401", UD),
        ("Nghiên cứu sản xuất thức ăn bổ sung cho lợn nái ngoại từ nguyên liệu sẵn có tại địa phương", "research_project", "402", SONGHONG),
        ("Xây dựng mô hình nuôi cá rô phi đơn tính trong ao theo hướng an toàn sinh học", "pilot_production", "405", HVNN),
        ("Ứng dụng công nghệ sấy lạnh trong chế biến long nhãn Hưng Yên", "st_project", "211", NHAN),
        ("Xây dựng mô hình nuôi ong lấy mật hoa nhãn đạt tiêu chuẩn xuất khẩu", "pilot_production", "402", NHAN),
        ("Nghiên cứu xây dựng quy trình thâm canh nhãn lồng Hưng Yên theo hướng hữu cơ phục vụ xuất khẩu", "research_project", "401", NHAN),
        ("Ứng dụng tiến bộ kỹ thuật xây dựng mô hình sản xuất gà Đông Tảo thương phẩm quy mô trang trại", "pilot_production", "402", GA),
        ("Nghiên cứu thụ tinh nhân tạo trên gà Đông Tảo và gà lai Đông Tảo tại tỉnh Hưng Yên", "research_project", "402", HVNN),
        ("Chuyển giao công nghệ sản xuất và chế biến nấm ăn, nấm dược liệu quy mô hợp tác xã", "st_project", "406", NAM),
        ("Nghiên cứu tuyển chọn giống lúa chất lượng cao thay thế giống Khang dân 18 trên địa bàn tỉnh", "research_project", "401", TBS),
        ("Xây dựng mô hình thâm canh cam, quýt ít hạt theo chuỗi giá trị tại Khoái Châu", "pilot_production", "401", UD),
        ("Nghiên cứu bảo tồn và phát triển nguồn gen cây cúc chi làng dược liệu Nghĩa Trai", "research_project", "406", HVNN),
        ("Nghiên cứu quy trình nhân giống và nuôi trồng đông trùng hạ thảo trên giá thể nhân tạo", "research_project", "406", NAM),
        ("Nghiên cứu phát triển giống lúa nếp thơm đặc sản gắn với vùng trồng tập trung", "research_project", "401", TBS),
        ("Ứng dụng IoT giám sát môi trường chuồng nuôi gà Đông Tảo thương phẩm", "st_project", "402", SPKT),
        ("Nghiên cứu giải pháp phục tráng giống nhãn lồng đặc sản tại phường Hồng Nam", "research_project", "401", HVNN),
        ("Xây dựng mô hình trồng hoa, cây cảnh chất lượng cao trong nhà màng tại Văn Giang", "pilot_production", "401", UD),
        ("Nghiên cứu quy trình sản xuất nấm linh chi đạt tiêu chuẩn dược liệu GACP-WHO", "research_project", "406", NAM),
        ("Ứng dụng chế phẩm vi sinh phòng bệnh thối rễ trên cây có múi tại vùng Khoái Châu", "research_project", "401", HVNN),
        ("Nghiên cứu chọn tạo dòng ngô nếp lai chất lượng cao phù hợp đất bãi ven sông Hồng", "research_project", "401", TBS),
    ],
    "engineering": [
        ("Ứng dụng công nghệ sản xuất gạch bê tông khí chưng áp từ tro xỉ nhiệt điện", "pilot_production", "205", UD),
        ("Nghiên cứu ứng dụng vật liệu nano bạc trong xử lý nước sinh hoạt nông thôn", "research_project", "210", SPKT),
        ("Nghiên cứu giải pháp tiết kiệm năng lượng cho hệ thống chiếu sáng công cộng đô thị", "research_project", "202", SPKT),
        ("Nghiên cứu thiết kế, chế tạo robot hàn tự động phục vụ doanh nghiệp cơ khí vừa và nhỏ", "research_project", "203", SPKT),
        ("Nghiên cứu chế tạo hệ thống điều khiển tưới tiêu thông minh cho trạm bơm nội đồng", "research_project", "202", SPKT),
        ("Nghiên cứu chế tạo thiết bị sấy nông sản dùng năng lượng mặt trời kết hợp bơm nhiệt", "research_project", "203", SPKT),
        ("Thiết kế, chế tạo dây chuyền tách hạt, sấy và đóng gói long nhãn quy mô hộ", "st_project", "203", SPKT),
        ("Ứng dụng công nghệ in 3D chế tạo khuôn mẫu cho làng nghề cơ khí", "research_project", "203", SPKT),
    ],
    "health_environment_it": [
        ("Nghiên cứu xử lý chất thải chăn nuôi bằng công nghệ khí sinh học cải tiến quy mô hộ", "research_project", "207", UD),
        ("Ứng dụng y học cổ truyền trong chăm sóc sức khỏe người cao tuổi tại trạm y tế xã", "research_project", "302", YDTB),
        ("Đánh giá hiện trạng và đề xuất giải pháp giảm thiểu ô nhiễm hệ thống kênh mương thủy lợi trên địa bàn tỉnh", "research_project", "207", UD),
        ("Nghiên cứu thực trạng và giải pháp dự phòng tăng huyết áp ở người cao tuổi tại cộng đồng", "research_project", "302", YDTB),
        ("Xây dựng cơ sở dữ liệu khoa học và công nghệ tỉnh Hưng Yên", "st_project", "102", SO),
        ("Nghiên cứu tình trạng kháng kháng sinh của vi khuẩn gây nhiễm khuẩn bệnh viện và giải pháp kiểm soát", "research_project", "301", BV),
        ("Nghiên cứu ứng dụng trí tuệ nhân tạo hỗ trợ đọc ảnh X-quang phổi tại bệnh viện tuyến tỉnh", "research_project", "102", SPKT),
        ("Xây dựng hệ thống thông tin địa lý (GIS) quản lý vùng trồng nhãn, vải của tỉnh", "st_project", "102", SPKT),
    ],
    "social_humanities": [
        ("Nghiên cứu giải pháp nâng cao chỉ số năng lực cạnh tranh cấp tỉnh (PCI) của Hưng Yên", "research_project", "502", TC),
        ("Nghiên cứu thực trạng và giải pháp phát triển kinh tế tập thể trong nông nghiệp tỉnh Hưng Yên", "research_project", "502", TC),
        ("Biên soạn tài liệu giáo dục địa phương về lịch sử, văn hóa Hưng Yên cho học sinh phổ thông", "scheme", "503", GD),
        ("Đánh giá tác động của đô thị hóa đến sinh kế người dân vùng ven đô thành phố Hưng Yên", "research_project", "504", TC),
        ("Nghiên cứu, sưu tầm và phát huy giá trị di sản văn hóa phi vật thể vùng Phố Hiến", "research_project", "601", BT),
        ("Giải pháp phát triển du lịch cộng đồng gắn với làng nghề truyền thống tỉnh Hưng Yên", "research_project", "502", TC),
        ("Nghiên cứu giải pháp nâng cao chất lượng nguồn nhân lực cho các khu công nghiệp trên địa bàn tỉnh", "research_project", "502", SPKT),
        ("Nghiên cứu giải pháp thúc đẩy chuyển đổi số trong doanh nghiệp nhỏ và vừa tỉnh Hưng Yên", "research_project", "502", TC),
        ("Nghiên cứu giải pháp xây dựng và phát triển thương hiệu nông sản chủ lực của tỉnh", "research_project", "502", TC),
        ("Nghiên cứu giá trị lịch sử, văn hóa của hệ thống đình, chùa Phố Hiến phục vụ phát triển du lịch", "research_project", "601", BT),
    ],
    "security_defence": [
        ("Nghiên cứu giải pháp bảo đảm an ninh trật tự tại các khu công nghiệp tập trung", "research_project", "505", CA),
        ("Nghiên cứu giải pháp phòng ngừa, đấu tranh với tội phạm sử dụng công nghệ cao trên địa bàn tỉnh", "research_project", "505", CA),
        ("Nghiên cứu giải pháp nâng cao hiệu quả xây dựng khu vực phòng thủ tỉnh trong tình hình mới", "research_project", "506", QS),
        ("Ứng dụng công nghệ số trong quản lý cư trú và phòng cháy, chữa cháy tại khu công nghiệp", "st_project", "505", CA),
    ],
    "national_counterpart": [
        ("Đối ứng kinh phí dự án thuộc Chương trình nông thôn miền núi: ứng dụng công nghệ sản xuất giống nhãn chất lượng cao", "st_project", "401", UD),
        ("Đối ứng kinh phí nhiệm vụ cấp quốc gia: khai thác và phát triển nguồn gen gà Đông Tảo", "research_project", "402", HVNN),
    ],
    "ip_programme": [
        ("Quản lý và phát triển chỉ dẫn địa lý “Hưng Yên” cho sản phẩm nhãn lồng", "st_project", "502", UD),
        ("Nâng cao giá trị nhãn hiệu tập thể “Tương Bần” gắn với phát triển du lịch làng nghề", "st_project", "502", UD),
        ("Tạo lập, quản lý và phát triển nhãn hiệu chứng nhận “Chuối tiêu hồng Khoái Châu”", "st_project", "502", UD),
        ("Hỗ trợ xác lập quyền sở hữu công nghiệp cho sản phẩm OCOP của tỉnh Hưng Yên", "st_project", "502", SO),
    ],
    "productivity_metrology": [
        ("Hỗ trợ doanh nghiệp áp dụng hệ thống quản lý chất lượng TCVN ISO 9001:2015 và công cụ cải tiến năng suất", "st_project", "502", SO),
        ("Ứng dụng công cụ Lean, 5S nâng cao năng suất cho doanh nghiệp chế biến nông sản", "st_project", "211", SPKT),
        ("Xây dựng hệ thống truy xuất nguồn gốc cho sản phẩm nhãn lồng và gà Đông Tảo", "st_project", "102", SPKT),
        ("Nâng cao năng lực kiểm định, hiệu chuẩn phương tiện đo nhóm 2 trên địa bàn tỉnh", "st_project", "203", SO),
        ("Hỗ trợ doanh nghiệp xây dựng tiêu chuẩn cơ sở và công bố hợp chuẩn cho sản phẩm chủ lực", "st_project", "502", SO),
        ("Nghiên cứu đánh giá năng suất các nhân tố tổng hợp (TFP) của công nghiệp chế biến tỉnh Hưng Yên", "research_project", "502", TC),
    ],
}
# fmt: on

# Per group: (ended in 2023, 2022 tasks carried into 2024, new in 2023, new in 2024). The 2024
# column is the article's split of new tasks; with the carried-over ones it gives 15, 5, 5, 6, 3,
# 1, 3, 4 tasks by group.
SPLIT: dict[str, tuple[int, int, int, int]] = {
    "agriculture": (8, 6, 4, 5),
    "engineering": (3, 2, 1, 2),
    "health_environment_it": (3, 2, 1, 2),
    "social_humanities": (4, 2, 2, 2),
    "security_defence": (1, 1, 1, 1),
    "national_counterpart": (1, 0, 0, 1),
    "ip_programme": (1, 1, 1, 1),
    "productivity_metrology": (2, 2, 1, 1),
}
# Groups whose new tasks are assigned directly to the named host (no open selection).
DIRECT_GROUPS = {"security_defence", "national_counterpart", "ip_programme", "productivity_metrology"}

# Proposals that do not become tasks (invented proposers): objects × approaches.
PROPOSAL_OBJECTS = [
    ("rau an toàn vùng bãi ven sông Hồng", "401"),
    ("lúa nếp cái hoa vàng", "401"),
    ("vịt bầu thương phẩm", "402"),
    ("cá chép lai ba máu", "405"),
    ("bò thịt chất lượng cao", "402"),
    ("khoai lang Nhật Bản", "401"),
    ("dưa lê trong nhà màng", "401"),
    ("táo đại", "401"),
    ("ổi lê", "401"),
    ("sen lấy hạt", "401"),
    ("hoa hồng cắt cành", "401"),
    ("tỏi tía", "401"),
    ("cây đinh lăng", "406"),
    ("trứng vịt muối", "211"),
    ("thịt lợn sạch", "402"),
    ("mật ong hoa bạc hà", "402"),
    ("sản phẩm mây tre đan", "502"),
    ("rượu Lạc Đạo", "211"),
]
PROPOSAL_APPROACHES = [
    "Nghiên cứu ứng dụng tiến bộ kỹ thuật trong sản xuất {o} tại tỉnh Hưng Yên",
    "Xây dựng mô hình liên kết sản xuất và tiêu thụ {o}",
    "Nghiên cứu giải pháp nâng cao giá trị gia tăng của {o}",
    "Ứng dụng công nghệ số trong quản lý vùng sản xuất {o}",
]

# 2024 call: of 78 proposals, 15 are recommended; the rest are decided as below.
N_REJECTED = 54
N_INVALID = 4
N_DUPLICATE = 3
N_MERGED = 1
N_WITHDRAWN = 1

# Council seats, in order; members are people of the council demo when it made them.
SEATS = ["chair", "vice_chair", "reviewer_1", "reviewer_2", "member", "member", "scientific_secretary"]
EXTRA_MEMBERS = [("Nguyễn Hữu Tiến", "PGS", "TS", HVNN), ("Trần Thị Bích Ngọc", "", "TS", SPKT)]


@dataclass
class Spec:
    title: str
    form: str
    field: str
    host: str
    group: str
    kind: str  # ended_2023 | carried_2024 | new_2023 | new_2024


def _specs() -> list[Spec]:
    specs: list[Spec] = []
    kinds = ("ended_2023", "carried_2024", "new_2023", "new_2024")
    for group, rows in TASKS.items():
        counts = SPLIT[group]
        assert sum(counts) == len(rows), group
        position = 0
        for kind, n in zip(kinds, counts, strict=True):
            for title, form, field, host in rows[position : position + n]:
                specs.append(Spec(title, form, field, host, group, kind))
            position += n
    return specs


def _split_total(rng: random.Random, n: int, total: int, low: int, high: int) -> list[int]:
    """n plausible amounts (whole millions) that add up exactly to `total`: random weights scaled
    to the total, the rounding remainder put on the last amount."""
    weights = [rng.randint(low, high) for _ in range(n)]
    scale = total / sum(weights)
    amounts = [round(w * scale / 1_000_000) * 1_000_000 for w in weights[:-1]]
    amounts.append(total - sum(amounts))
    assert all(a > 0 for a in amounts) and sum(amounts) == total
    return amounts


def _amounts(rng: random.Random, n: int, low: int, high: int) -> list[int]:
    return [rng.randint(low, high) * 1_000_000 for _ in range(n)]


# --- Directory additions ---------------------------------------------------------------------------


def _organisations() -> dict[str, Organisation]:
    for name, short, kind in EXTRA_ORGANISATIONS:
        Organisation.objects.get_or_create(name=name, defaults={"short_name": short, "kind": kind})
    for name, kind in INVENTED_ORGANISATIONS:
        Organisation.objects.get_or_create(name=name, defaults={"kind": kind})
    return {org.name: org for org in Organisation.objects.filter(parent__isnull=True)}


def _people(orgs: dict[str, Organisation]) -> dict[str, list[Person]]:
    by_org: dict[str, list[Person]] = {}
    for full_name, degree, org_name in PEOPLE:
        person, _created = Person.objects.get_or_create(
            full_name=full_name,
            organisation=orgs[org_name],
            defaults={"degree": degree, "public_profile_consent": True},
        )
        by_org.setdefault(org_name, []).append(person)
    return by_org


def _pi_for(host: str, people: dict[str, list[Person]], index: int) -> Person | None:
    candidates = people.get(host) or list(Person.objects.filter(organisation__name=host, user__isnull=True)[:3])
    return candidates[index % len(candidates)] if candidates else None


# --- The loader ------------------------------------------------------------------------------------


@demo.register
@transaction.atomic
def load() -> str:
    load_plan_groups()
    staff = User.objects.get(username="qlkh")
    leader = User.objects.filter(username="lanhdao").first() or staff
    orgs = _organisations()
    people = _people(orgs)
    groups = {g.code: g for g in PlanGroup.objects.all()}
    forms = {f.code: f for f in TaskForm.objects.all()}
    fields = {f.code: f for f in FieldOfScience.objects.all()}
    province = services.current_province("33")
    committee = orgs["Ủy ban nhân dân tỉnh Hưng Yên"]
    department = orgs[SO]
    specs = _specs()
    rng = random.Random(2024)

    # Allocations are drawn first, in a fixed order, so that every run gives the same numbers.
    plan_2023_specs = [s for s in specs if s.kind in ("ended_2023", "carried_2024", "new_2023")]
    plan_2024_specs = [s for s in specs if s.kind in ("carried_2024", "new_2023", "new_2024")]
    alloc_2023 = dict(
        zip((s.title for s in plan_2023_specs), _amounts(rng, len(plan_2023_specs), 250, 950), strict=True)
    )
    alloc_2024 = dict(
        zip(
            (s.title for s in plan_2024_specs),
            _split_total(rng, len(plan_2024_specs), PLAN_2024_TOTAL, 300, 1000),
            strict=True,
        )
    )
    earlier = {s.title: rng.randint(200, 800) * 1_000_000 for s in specs if s.kind in ("ended_2023", "carried_2024")}

    # 1. Tasks that began before the 2023 plan (2021–2022) or were set up for it (2023), entered
    # as approved (host, PI and budget by a decision of the People's Committee of their start
    # year): the execution demo signs their contracts and carries them on.
    approvals = {year: _document(committee, *APPROVALS[year]) for year in APPROVALS}
    rng = random.Random(2022)
    tasks: dict[str, Task] = {}
    for index, spec in enumerate(s for s in specs if s.kind != "new_2024"):
        code = f"NV-{_start_year(spec, index)}-{index + 1:03d}"
        task = Task.objects.filter(code=code).first()
        if task is None:
            state = earlier.get(spec.title, 0) + alloc_2023[spec.title] + alloc_2024.get(spec.title, 0)
            start_year = _start_year(spec, index)
            start = dt.date(start_year, rng.choice([3, 4, 5, 6]), 1)
            # Tasks that ended in 2023 ran to that year's autumn; the others run three years.
            end = dt.date(2023, rng.choice([9, 10, 11, 12]), 30) if spec.kind == "ended_2023" else _end(start, 36)
            task = services.task_register_existing(
                code=code,
                title=spec.title,
                form=forms[spec.form],
                field_of_science=fields[spec.field],
                group=groups[spec.group],
                plan_year=start_year,
                status=Task.Status.APPROVED,
                approval=approvals[start_year],
                mode=Mode.DIRECT_ASSIGNMENT if spec.group in DIRECT_GROUPS else Mode.SELECTION,
                level=Level.NATIONAL if spec.group == "national_counterpart" else Level.PROVINCIAL,
                host=orgs[spec.host],
                pi=_pi_for(spec.host, people, index),
                start=start,
                end=end,
                state_budget=state,
                state_budget_lump_sum=(state * 2 // 5) // 1_000_000 * 1_000_000,
                counterpart_budget=rng.randint(1, 4) * 100_000_000 if spec.form == "pilot_production" else 0,
                by=staff,
                reason="Nhập từ hồ sơ giấy (dữ liệu minh họa)",
            )
        tasks[spec.title] = task

    # 1b. The 2022 plan: the tasks that began in 2021–2022, each with its "earlier" amount as the
    # 2022 allocation, so that the money paid out in 2022 stands on an approved allocation.
    plan_2022_specs = [s for s in specs if s.kind in ("ended_2023", "carried_2024")]
    _plan(
        2022,
        province,
        staff,
        leader,
        _document(committee, *PLAN_2022_DECISION),
        [(tasks[s.title], None, s, earlier[s.title]) for s in plan_2022_specs],
    )

    # 2. The 2023 plan: 39 carried over from 2022, 11 new; approved; then the 23 that ended.
    decision_2023, _ = OfficialDocument.objects.get_or_create(
        issuer=committee,
        number="89/QĐ-UBND",
        defaults={
            "date": dt.date(2023, 1, 13),
            "kind": OfficialDocument.Kind.DECISION,
            "signer": "Chủ tịch UBND tỉnh",
            "subject": "Phê duyệt Kế hoạch khoa học và công nghệ năm 2023 tỉnh Hưng Yên (dữ liệu minh họa)",
        },
    )
    plan_2023 = _plan(
        2023,
        province,
        staff,
        leader,
        decision_2023,
        [(tasks[s.title], None, s, alloc_2023[s.title]) for s in plan_2023_specs],
    )
    # The 23 tasks that ended in 2023 are carried through contract, money, reports and acceptance
    # by the execution demo (demo_execution.py), which runs after this loader.

    # 3. The 2024 call, its 78 proposals, screening and the identification council.
    call = _call_2024(staff, province)
    # Each section draws from its own generator, so a re-run (which skips what exists) finds
    # the same titles and natural keys as the first run.
    winners, everything = _proposals_2024(call, specs, orgs, people, fields, forms, staff, random.Random(78))
    _council_2024(winners, everything, department, staff, orgs, random.Random(7))

    # 4. The 2024 plan: the 27 carried over and the 15 recommended proposals; Decision 105.
    decision_2024 = OfficialDocument.objects.get(issuer=committee, number="105/QĐ-UBND")
    lines: list[tuple[Task | None, Proposal | None, Spec, int]] = []
    for spec in plan_2024_specs:
        if spec.kind == "new_2024":
            lines.append((None, winners[spec.title], spec, alloc_2024[spec.title]))
        else:
            lines.append((tasks[spec.title], None, spec, alloc_2024[spec.title]))
    plan_2024 = _plan(2024, province, staff, leader, decision_2024, lines)

    _open_call_now(staff, province)

    # 5. Part 2: contracts, money, reports, acceptance and results of the 50 tasks of 2023.
    from khcn.research.demo_execution import load_execution

    execution = load_execution(specs=specs, tasks=tasks, orgs=orgs, people=people, staff=staff, leader=leader)
    summary = f"kế hoạch 2023: {plan_2023.items.count()} nhiệm vụ; kế hoạch 2024: {plan_2024.items.count()} nhiệm vụ"
    return f"{Proposal.objects.filter(call=call).count()} phiếu đề xuất năm 2024; {summary}; {execution}"


# Decisions of the People's Committee approving the hosts, PIs and budgets of the tasks that start
# in a year, and the 2022 plan (numbers invented: the real ones were not found).
APPROVALS: dict[int, tuple[str, dt.date, str]] = {
    2021: (
        "402/QĐ-UBND",
        dt.date(2021, 2, 24),
        "Phê duyệt tổ chức chủ trì, chủ nhiệm và kinh phí các nhiệm vụ KH&CN cấp tỉnh bắt đầu thực hiện năm 2021",
    ),
    2022: (
        "455/QĐ-UBND",
        dt.date(2022, 2, 21),
        "Phê duyệt tổ chức chủ trì, chủ nhiệm và kinh phí các nhiệm vụ KH&CN cấp tỉnh bắt đầu thực hiện năm 2022",
    ),
    2023: (
        "391/QĐ-UBND",
        dt.date(2023, 2, 20),
        "Phê duyệt tổ chức chủ trì, chủ nhiệm và kinh phí các nhiệm vụ KH&CN cấp tỉnh bắt đầu thực hiện năm 2023",
    ),
}
PLAN_2022_DECISION = (
    "156/QĐ-UBND",
    dt.date(2022, 1, 14),
    "Phê duyệt Kế hoạch khoa học và công nghệ năm 2022 tỉnh Hưng Yên",
)


def _document(issuer: Organisation, number: str, date: dt.date, subject: str) -> OfficialDocument:
    document, _ = OfficialDocument.objects.get_or_create(
        issuer=issuer,
        number=number,
        defaults={
            "date": date,
            "kind": OfficialDocument.Kind.DECISION,
            "signer": "Chủ tịch UBND tỉnh",
            "subject": f"{subject} (dữ liệu minh họa)",
        },
    )
    return document


def _start_year(spec: Spec, index: int) -> int:
    if spec.kind == "new_2023":
        return 2023
    if spec.kind == "carried_2024":
        return 2022
    return 2021 if index % 3 == 0 else 2022


def _end(start: dt.date, months: int) -> dt.date:
    return add_months(start, months) - dt.timedelta(days=1)


def _plan(
    year: int,
    province: AdministrativeUnit,
    staff: User,
    leader: User,
    decision: OfficialDocument,
    lines: list[tuple[Task | None, Proposal | None, Spec, int]],
) -> Plan:
    plan = Plan.objects.filter(year=year, province=province).first()
    if plan is None:
        plan = services.plan_create(year=year, province=province, by=staff)  # type: ignore[arg-type]
    if plan.status == Plan.Status.DRAFT and not PlanItem.objects.filter(plan=plan).exists():
        ordered = sorted(lines, key=lambda line: (list(TASKS).index(line[2].group), line[0] is None))
        for order, (task, proposal, spec, allocation) in enumerate(ordered, start=1):
            services.plan_item_add(
                plan=plan,
                by=staff,
                allocation=allocation,
                task=task,
                proposal=proposal,
                group=PlanGroup.objects.get(code=spec.group),
                mode=Mode.DIRECT_ASSIGNMENT if spec.group in DIRECT_GROUPS else Mode.SELECTION,
                level=Level.NATIONAL if spec.group == "national_counterpart" else Level.PROVINCIAL,
                host=Organisation.objects.get(name=spec.host, parent__isnull=True)
                if spec.group in DIRECT_GROUPS and proposal
                else None,
                order=order,
            )
    if plan.status == Plan.Status.DRAFT:
        plan = services.plan_transition(plan=plan, to=Plan.Status.SUBMITTED, by=staff, reason="Trình UBND tỉnh")
    if plan.status == Plan.Status.SUBMITTED:
        plan = services.plan_approve(plan=plan, decision=decision, by=leader)
    return plan


def _call_2024(staff: User, province: AdministrativeUnit) -> Call:
    title = "Đề xuất đặt hàng nhiệm vụ khoa học và công nghệ cấp tỉnh năm 2024"
    call = Call.objects.filter(kind=Call.Kind.PROPOSALS, year=2024, title=title).first()
    if call is None:
        call = services.call_create(
            kind=Call.Kind.PROPOSALS,
            year=2024,
            title=title,
            opens_on=dt.date(2023, 3, 1),
            deadline=dt.date(2023, 4, 28),
            description="Tổ chức, cá nhân gửi phiếu đề xuất đặt hàng nhiệm vụ KH&CN cấp tỉnh thực hiện từ năm 2024.",
            province=province,
            by=staff,
        )
    return call


def _proposals_2024(
    call: Call,
    specs: list[Spec],
    orgs: dict[str, Organisation],
    people: dict[str, list[Person]],
    fields: dict[str, FieldOfScience],
    forms: dict[str, TaskForm],
    staff: User,
    rng: random.Random,
) -> tuple[dict[str, Proposal], list[Proposal]]:
    """78 proposals; 15 become the 2024 plan's new tasks, the rest are screened out or rejected."""
    invented = [orgs[name] for name, _kind in INVENTED_ORGANISATIONS]
    winners = [s for s in specs if s.kind == "new_2024"]
    others = [(approach.format(o=obj), field) for approach in PROPOSAL_APPROACHES for obj, field in PROPOSAL_OBJECTS]
    rng.shuffle(others)
    n_others = N_REJECTED + N_INVALID + N_WITHDRAWN
    rows: list[tuple[str, str, str, Organisation, Person | None]] = []
    for index, spec in enumerate(winners):
        rows.append((spec.title, spec.field, spec.form, orgs[spec.host], _pi_for(spec.host, people, index)))
    for index, (title, field) in enumerate(others[:n_others]):
        form = "pilot_production" if index % 4 == 1 else "research_project"
        rows.append((title, field, form, invented[index % len(invented)], None))
    # Duplicates restate a winner's topic in other words; the merged one joins a winner.
    for index in range(N_DUPLICATE + N_MERGED):
        spec = winners[index * 3]
        rows.append(
            (
                f"{spec.title} (đề xuất của đơn vị khác)",
                spec.field,
                spec.form,
                invented[(index + 3) % len(invented)],
                None,
            )
        )
    assert len(rows) == 78

    proposals: dict[str, Proposal] = {}
    day = dt.date(2023, 3, 6)
    for index, (title, field, form, org, person) in enumerate(rows):
        proposal = Proposal.objects.filter(call=call, title=title, proposer_org=org).first()
        if proposal is None:
            proposal = services.proposal_submit(
                call=call,
                by=staff,
                title=title,
                urgency=(
                    "Nhiệm vụ giải quyết vấn đề thực tiễn của tỉnh Hưng Yên, phù hợp định hướng phát triển "
                    "kinh tế - xã hội và chương trình KH&CN của tỉnh giai đoạn 2021–2025."
                ),
                objectives="Làm chủ quy trình, công nghệ; xây dựng mô hình ứng dụng và nhân rộng trên địa bàn tỉnh.",
                expected_results="Quy trình kỹ thuật được công nhận; mô hình trình diễn; báo cáo tổng hợp; bài báo khoa học.",
                estimated_budget=rng.randint(40, 250) * 10_000_000,
                estimated_duration_months=rng.choice([18, 24, 24, 30, 36]),
                application_place="Các hợp tác xã, doanh nghiệp và hộ sản xuất trên địa bàn tỉnh Hưng Yên.",
                field=fields[field],
                task_form=forms[form],
                proposer_org=org,
                proposer_person=person,
                received_on=day + dt.timedelta(days=(index * 53) // 78),
            )
        proposals[title] = proposal

    # Screening (step 2): invalid, withdrawn, duplicates, merged; the rest valid.
    ordered = [proposals[row[0]] for row in rows]
    n_win = len(winners)
    invalid = ordered[n_win + N_REJECTED : n_win + N_REJECTED + N_INVALID]
    withdrawn = ordered[n_win + N_REJECTED + N_INVALID : n_win + n_others]
    duplicates = ordered[n_win + n_others : n_win + n_others + N_DUPLICATE]
    merged = ordered[n_win + n_others + N_DUPLICATE :]
    for proposal in invalid:
        _move(proposal, PS.INVALID, staff, reason="Thiếu xác nhận của cơ quan chủ quản; phiếu không đúng mẫu.")
    for proposal in withdrawn:
        _move(proposal, PS.WITHDRAWN, staff, reason="Tổ chức đề xuất có văn bản xin rút.")
    for index, proposal in enumerate(duplicates):
        _move(
            proposal, PS.DUPLICATE, staff, reason="Trùng nội dung với phiếu đã nhận.", duplicate_of=ordered[index * 3]
        )
    for index, proposal in enumerate(merged):
        original = ordered[(N_DUPLICATE + index) * 3]
        _move(proposal, PS.MERGED, staff, reason="Gộp vào phiếu cùng nội dung.", merged_into=original)
    for proposal in ordered[: n_win + N_REJECTED]:
        _move(proposal, PS.VALID, staff)
    return {row[0]: proposals[row[0]] for row in rows[:n_win]}, ordered


def _move(proposal: Proposal, to: str, by: User, reason: str = "", **extra: object) -> None:
    proposal.refresh_from_db()
    if proposal.status == PS.SUBMITTED:
        services.proposal_transition(proposal=proposal, to=to, by=by, reason=reason, **extra)  # type: ignore[arg-type]


def _council_2024(
    winners: dict[str, Proposal],
    everything: list[Proposal],
    department: Organisation,
    staff: User,
    orgs: dict[str, Organisation],
    rng: random.Random,
) -> None:
    """The identification council: members, the meeting, every member's vote, then its conclusions."""
    name = "Hội đồng tư vấn xác định nhiệm vụ khoa học và công nghệ cấp tỉnh đặt hàng năm 2024"
    council = Council.objects.filter(kind=Council.Kind.IDENTIFICATION, year=2023, name=name).first()
    if council is None:
        decision, _ = OfficialDocument.objects.get_or_create(
            issuer=department,
            number="68/QĐ-SKHCN",
            defaults={
                "date": dt.date(2023, 6, 2),
                "kind": OfficialDocument.Kind.DECISION,
                "signer": "Giám đốc Sở KH&CN",
                "subject": "Thành lập Hội đồng tư vấn xác định nhiệm vụ KH&CN cấp tỉnh đặt hàng năm 2024 (dữ liệu minh họa)",
            },
        )
        council = council_services.council_create(
            kind=Council.Kind.IDENTIFICATION, year=2023, name=name, by=staff, decision=decision
        )
    members = list(CouncilMember.objects.active().filter(council=council).select_related("person"))
    if not members:
        for person, role in zip(_council_people(orgs), SEATS, strict=False):
            members.append(council_services.council_member_add(council=council, person=person, role=role, by=staff))
        council_services.meeting_record(
            council=council,
            date=dt.date(2023, 6, 15),
            place="Sở Khoa học và Công nghệ tỉnh Hưng Yên",
            present=members,
            by=staff,
        )

    winner_ids = {p.pk for p in winners.values()}
    valid = list(Proposal.objects.filter(pk__in=[p.pk for p in everything], status=PS.VALID).order_by("code"))
    if valid:
        services.proposal_send_to_council(proposals=valid, council=council, by=staff)

    already = set(
        ScoreSheet.objects.active()
        .filter(council_object__council=council)
        .values_list("council_object_id", "member_id")
    )
    for proposal in everything:
        council_object = council_selectors.council_objects_for(proposal).filter(council=council).first()
        if council_object is None:
            continue
        # A recommended proposal gets at most one "no"; a rejected one at most four "yes" of seven.
        yes = rng.choice([6, 7, 7]) if proposal.pk in winner_ids else rng.choice([1, 2, 3, 4])
        votes = ["recommend"] * yes + ["not_recommend"] * (len(members) - yes)
        rng.shuffle(votes)
        for member, vote in zip(members, votes, strict=True):
            if (council_object.pk, member.pk) in already:
                continue
            own = member.person.user_id is not None
            council_services.score_sheet_submit(
                council_object=council_object,
                member=member,
                by=member.person.user if own else staff,
                vote=vote,
                comments="" if vote == "recommend" else "Nội dung chưa rõ địa chỉ ứng dụng.",
                source="online" if own else "paper",
            )
    for proposal in Proposal.objects.filter(pk__in=[p.pk for p in everything], status=PS.IN_COUNCIL):
        services.proposal_apply_council_result(proposal=proposal, by=staff)


def _council_people(orgs: dict[str, Organisation]) -> list[Person]:
    """Seven voting members: the council demo's member users first (hoidong, hoidong2...), then
    the directory's scientists, then invented ones."""
    people: list[Person] = []
    usernames = ["hoidong"] + [f"hoidong{i}" for i in range(2, 8)]
    for user in User.objects.filter(username__in=usernames).order_by("username"):
        person = Person.objects.filter(user=user).first()
        if person is None:
            person = Person.objects.create(
                full_name=user.full_name or user.username, user=user, organisation=orgs[HVNN]
            )
        people.append(person)
    for full_name in ("Phạm Quang Vinh", "Nguyễn Thị Thanh", "Lê Thị Hương", "Vũ Đình Thắng", "Trần Văn Đức"):
        if len(people) >= len(SEATS):
            break
        person = Person.objects.filter(full_name=full_name, user__isnull=True).first()
        if person is not None and person not in people:
            people.append(person)
    for full_name, title, degree, org_name in EXTRA_MEMBERS:
        if len(people) >= len(SEATS):
            break
        person, _ = Person.objects.get_or_create(
            full_name=full_name, organisation=orgs[org_name], defaults={"academic_title": title, "degree": degree}
        )
        people.append(person)
    return people[: len(SEATS)]


def _open_call_now(staff: User, province: AdministrativeUnit) -> None:
    """A call open today for next year's plan, so a host user can try the front-site form."""
    today = timezone.localdate()
    year = today.year + 1
    title = f"Đề xuất đặt hàng nhiệm vụ khoa học và công nghệ cấp tỉnh năm {year}"
    if not Call.objects.filter(kind=Call.Kind.PROPOSALS, year=year, title=title).exists():
        services.call_create(
            kind=Call.Kind.PROPOSALS,
            year=year,
            title=title,
            opens_on=today - dt.timedelta(days=30),
            deadline=today + dt.timedelta(days=60),
            description="Đợt minh họa đang mở để thử gửi phiếu đề xuất trên trang tổ chức chủ trì.",
            province=province,
            by=staff,
        )
