"""Demo data for part 2 of the task lifecycle: the 50 tasks of the 2023 plan from the contract to
the results applied in practice (tasks.md steps 9–15).

Called at the end of `demo.load()`, once the 2022, 2023 and 2024 plans are approved. Each task
gets a timeline of dated steps, computed from its own dates (start, end, extension) and a few
fixed choices per task (grade, registration delay, extension, suspension...); the steps run in
date order through the services, and a step dated after today (at most 26/11/2026) does not
happen yet, so the tasks still running stop where they are on that day. Every amount is computed
at the moment it is paid or settled from the task's records (selectors.task_money: what the
approved plans allocated for the year, what the previous year's settlement carried over, what is
left of each tranche), never typed.

The 23 tasks that ended in 2023 go through acceptance councils (one "failed", hosted by an
invented company, see demo.SONGHONG), recognition, registration (one late), assets, final
settlement, liquidation and closing; several have applications recorded in 2024–2025. The 27
carried into 2024: most of those planned to end in 2025 are accepted in 2025 (one extended,
accepted in 2026 and not yet registered; one suspended in 2024; one whose extension was
refused); those planned to end in 2026 are at every stage on 26/11/2026 (accepted, awaiting the
council, extended to 31/12/2026, dossier overdue), so `manage.py remind` has real items.

Idempotent: a task that already has a contract is skipped whole (the loader is one transaction).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from khcn.accounts import roles
from khcn.accounts.models import User
from khcn.councils import selectors as council_selectors
from khcn.councils import services as council_services
from khcn.councils.models import Council, CouncilMember, Meeting
from khcn.directory.models import OfficialDocument, Organisation, Person
from khcn.lib.dates import add_months
from khcn.research import execution_selectors as xs
from khcn.research import services
from khcn.research.models import (
    Acceptance,
    Adjustment,
    Asset,
    Contract,
    Disbursement,
    Grade,
    MonitoringVisit,
    Output,
    ProgressReport,
    Recovery,
    ResultApplication,
    ResultRegistration,
    Settlement,
    Task,
    TaskMember,
    Tranche,
)

if TYPE_CHECKING:
    from khcn.research.demo import Spec

TS = Task.Status
MILLION = 1_000_000
# The demo's "today": the services refuse later dates, and a later run gives the same records.
CUTOFF = dt.date(2026, 11, 26)
# The last year each kind of task has an allocation in an approved plan (2022–2024 plans).
LAST_ALLOCATION = {"ended_2023": 2023, "carried_2024": 2024, "new_2023": 2024}
SO = "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
SONGHONG = "Công ty Cổ phần Công nghệ sinh học Sông Hồng (demo)"

CLUSTERS = {
    "agriculture": "agri",
    "national_counterpart": "agri",
    "engineering": "tech",
    "health_environment_it": "tech",
    "productivity_metrology": "tech",
    "social_humanities": "social",
    "security_defence": "social",
    "ip_programme": "social",
}
CLUSTER_LABELS = {
    "agri": "lĩnh vực nông nghiệp và phát triển nông thôn",
    "tech": "lĩnh vực kỹ thuật, công nghệ, y tế và môi trường",
    "social": "lĩnh vực khoa học xã hội, an ninh và sở hữu trí tuệ",
}
SEATS = ["chair", "vice_chair", "reviewer_1", "reviewer_2", "member", "member", "scientific_secretary"]
# Invented experts who sit on acceptance councils beside the identification council's members.
EXPERTS = [
    ("Phạm Văn Toàn", "PGS", "TS", "Học viện Nông nghiệp Việt Nam"),
    ("Nguyễn Thị Bích Thủy", "", "TS", "Trường Đại học Sư phạm Kỹ thuật Hưng Yên"),
    ("Đoàn Mạnh Cường", "", "TS", "Trường Đại học Tài chính – Quản trị kinh doanh"),
    ("Lê Quang Khải", "", "ThS", "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ Hưng Yên"),
    ("Vũ Thị Thanh Tâm", "", "TS", "Trường Đại học Y Dược Thái Bình"),
    ("Hoàng Minh Đức", "PGS", "TS", "Học viện Nông nghiệp Việt Nam"),
]

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô", "Dương", "Đinh", "Tô", "Lưu"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Hồng", "Thanh", "Ngọc", "Xuân", "Hữu", "Thị Kim"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hải", "Hằng", "Khánh", "Linh", "Long", "Nam", "Nga", "Phúc"]
GIVEN += ["Quyên", "Sơn", "Thảo", "Trung", "Tú", "Vân", "Yến", "Hiếu", "Huệ", "Kiên", "Mạnh", "Ngân", "Tâm"]

F = Output.Form
# Promised products by task form: (form, name, quantity, quality target).
OUTPUTS: dict[str, list[tuple[str, str, int, str]]] = {
    "research_project": [
        (
            F.TYPE_II,
            "Quy trình kỹ thuật được Hội đồng KH&CN cơ sở thông qua",
            1,
            "Đủ các bước, thông số kỹ thuật; áp dụng được tại địa phương",
        ),
        (
            F.TYPE_III,
            "Báo cáo tổng hợp và báo cáo tóm tắt kết quả nhiệm vụ",
            1,
            "Theo mẫu quy định, được hội đồng nghiệm thu thông qua",
        ),
        (
            F.TYPE_III,
            "Bài báo khoa học đăng trên tạp chí chuyên ngành có mã ISSN",
            2,
            "Tạp chí trong danh mục được Hội đồng Giáo sư nhà nước tính điểm",
        ),
        (
            F.TRAINING,
            "Lớp tập huấn chuyển giao kết quả cho cán bộ kỹ thuật và người dân",
            2,
            "Mỗi lớp ít nhất 30 học viên",
        ),
    ],
    "pilot_production": [
        (
            F.TYPE_I,
            "Mô hình sản xuất thử nghiệm đạt quy mô theo thuyết minh",
            1,
            "Năng suất cao hơn sản xuất đại trà ít nhất 10%",
        ),
        (
            F.TYPE_II,
            "Quy trình sản xuất được Hội đồng KH&CN cơ sở thông qua",
            1,
            "Hoàn thiện, ổn định ở quy mô sản xuất",
        ),
        (F.TYPE_III, "Báo cáo tổng hợp và báo cáo tóm tắt kết quả dự án", 1, "Theo mẫu quy định"),
        (F.TRAINING, "Lớp tập huấn kỹ thuật cho hộ tham gia mô hình", 3, "Mỗi lớp ít nhất 40 lượt người"),
    ],
    "st_project": [
        (
            F.TYPE_I,
            "Hệ thống, thiết bị hoàn chỉnh vận hành ổn định tại cơ sở",
            1,
            "Đạt các thông số kỹ thuật đăng ký, vận hành liên tục 3 tháng",
        ),
        (F.TYPE_II, "Quy trình công nghệ và tài liệu hướng dẫn vận hành", 1, "Đủ để cơ sở tự vận hành, bảo trì"),
        (F.TYPE_III, "Báo cáo tổng hợp và báo cáo tóm tắt kết quả dự án", 1, "Theo mẫu quy định"),
        (F.TRAINING, "Kỹ thuật viên được đào tạo làm chủ công nghệ", 10, "Làm chủ vận hành, bảo trì"),
    ],
    "scheme": [
        (
            F.TYPE_III,
            "Bộ tài liệu được Sở Giáo dục và Đào tạo thẩm định",
            1,
            "Phù hợp chương trình giáo dục phổ thông 2018",
        ),
        (F.TYPE_III, "Báo cáo tổng hợp và báo cáo tóm tắt kết quả đề án", 1, "Theo mẫu quy định"),
        (F.TYPE_III, "Báo cáo kiến nghị giải pháp gửi UBND tỉnh", 1, "Có địa chỉ áp dụng cụ thể"),
    ],
}
IP_OUTPUT = (
    F.IP,
    "Đơn đăng ký nhãn hiệu được Cục Sở hữu trí tuệ chấp nhận hợp lệ",
    1,
    "Có quyết định chấp nhận đơn hợp lệ",
)

# Where results are applied: (place before 1/7/2025, place after, organisation name or "", scale,
# effect). Records from 2026 name no district: the district level was abolished on 1/7/2025.
Use = tuple[str, str, str, str, str]
USE_LONGAN: Use = (
    "Phường Hồng Nam, thành phố Hưng Yên",
    "Vùng nhãn Hồng Nam (cũ), tỉnh Hưng Yên",
    "Hợp tác xã nhãn lồng Hồng Nam",
    "{n} ha nhãn, {h} hộ thành viên",
    "Tỷ lệ quả loại 1 tăng {p}%, đủ điều kiện xuất khẩu",
)
USE_CHICKEN: Use = (
    "Xã Đông Tảo, huyện Khoái Châu",
    "Vùng gà Đông Tảo (xã Đông Tảo cũ), tỉnh Hưng Yên",
    "Hợp tác xã chăn nuôi và kinh doanh gà Đông Tảo",
    "{h} hộ, khoảng {n}.000 con/năm",
    "Tỷ lệ nuôi sống tăng {p}%, lợi nhuận tăng rõ rệt",
)
USE_FIELDS: Use = (
    "Xã Hàm Tử, huyện Khoái Châu",
    "Vùng bãi ven sông Hồng (xã Hàm Tử cũ), tỉnh Hưng Yên",
    "",
    "{n} ha, {h} hộ tham gia",
    "Năng suất tăng {p}%, giá bán cao hơn sản xuất đại trà; giảm chi phí phân bón, thuốc bảo vệ thực vật",
)
APPLICATIONS: dict[str, Use] = {
    "engineering": (
        "Khu công nghiệp Phố Nối A, thị xã Mỹ Hào",
        "Khu công nghiệp Phố Nối A, phường Mỹ Hào",
        "",
        "{n} doanh nghiệp cơ khí, chế biến",
        "Giảm {p}% thời gian gia công, tiết kiệm điện năng",
    ),
    "health_environment_it": (
        "Các trạm y tế xã huyện Kim Động, Ân Thi",
        "Các trạm y tế xã trên địa bàn tỉnh",
        "Bệnh viện Đa khoa tỉnh Hưng Yên",
        "{n} trạm y tế, {h} lượt người được hưởng lợi",
        "Phát hiện sớm và quản lý tốt hơn {p}% số ca",
    ),
    "social_humanities": (
        "Các sở, ngành và UBND các huyện, thị xã, thành phố",
        "Các sở, ngành và UBND các xã, phường",
        "",
        "{n} cơ quan sử dụng kết quả",
        "Làm căn cứ xây dựng kế hoạch, chính sách của tỉnh",
    ),
    "security_defence": (
        "Các khu công nghiệp trên địa bàn tỉnh",
        "Các khu công nghiệp trên địa bàn tỉnh",
        "Công an tỉnh Hưng Yên",
        "{n} khu công nghiệp",
        "Giảm {p}% số vụ việc về an ninh trật tự so với cùng kỳ",
    ),
    "ip_programme": (
        "Làng nghề tương Bần, thị xã Mỹ Hào",
        "Làng nghề tương Bần, phường Mỹ Hào",
        "",
        "{h} cơ sở được cấp quyền sử dụng nhãn hiệu",
        "Giá bán tăng {p}%, mở rộng thị trường tiêu thụ",
    ),
    "productivity_metrology": (
        "Doanh nghiệp nhỏ và vừa trên địa bàn tỉnh",
        "Doanh nghiệp nhỏ và vừa trên địa bàn tỉnh",
        "",
        "{n} doanh nghiệp áp dụng",
        "Năng suất lao động tăng {p}%, giảm lãng phí trong sản xuất",
    ),
}


def _use_for(spec: Spec) -> Use:
    if spec.group in APPLICATIONS:
        return APPLICATIONS[spec.group]
    title = spec.title.lower()
    if "gà" in title.split():
        return USE_CHICKEN
    if "nhãn" in title or "ong" in title.split():
        return USE_LONGAN
    return USE_FIELDS


@dataclass
class Fate:
    """What happens to one task, decided up front; dates of the steps follow from it."""

    task: Task
    spec: Spec
    serial: int  # 1..50, for numbers of contracts, decisions and certificates
    index: int  # position among the tasks of its kind
    tranches: int = 3
    extension_to: dt.date | None = None
    extension_refused: bool = False
    suspend_on: dt.date | None = None
    dossier: dt.date | None = None
    grade: str = Grade.PASSED
    register_after: int | None = 15
    stop_after_registration: bool = False
    returned_report: int | None = None
    skip_last_report: bool = False
    skip_settlement: set[int] = field(default_factory=set)
    visits: list[tuple[dt.date, str]] = field(default_factory=list)
    applications: bool = False
    carry_style: bool = False
    pace: float = 1.0  # below 1: the year's money is paid out more slowly
    settle_share: float = 1.0
    # Filled when sessions are planned.
    meeting: dt.date | None = None
    council_key: tuple[str, int, int] | None = None

    @property
    def end(self) -> dt.date:
        assert self.task.end is not None
        return self.extension_to or self.task.end

    @property
    def decision_day(self) -> dt.date | None:
        if self.meeting is None:
            return None
        return _weekday(self.meeting + dt.timedelta(days=7 + self.serial % 8))


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _m(amount: float) -> int:
    return int(amount) // MILLION * MILLION


@dataclass
class Context:
    staff: User
    leader: User
    finance: User
    department: Organisation
    orgs: dict[str, Organisation]
    hosts: dict[int, User]  # host organisation id -> its host user
    today: dt.date
    councils: dict[tuple[str, int, int], Council] = field(default_factory=dict)
    council_members: dict[int, list[CouncilMember]] = field(default_factory=dict)
    pool: list[Person] = field(default_factory=list)
    current: dt.date = CUTOFF  # the day of the step being run

    def doc(
        self, number: str, date: dt.date, subject: str, kind: str = OfficialDocument.Kind.DECISION
    ) -> OfficialDocument:
        document, _ = OfficialDocument.objects.get_or_create(
            issuer=self.department,
            number=number,
            defaults={
                "date": date,
                "kind": kind,
                "signer": "Giám đốc Sở Khoa học và Công nghệ",
                "subject": f"{subject} (dữ liệu minh họa)",
            },
        )
        return document

    def host_user(self, task: Task) -> User:
        return self.hosts.get(task.host_id or 0, self.staff)


# --- Fates -----------------------------------------------------------------------------------------


def _fates(specs: list[Spec], tasks: dict[str, Task]) -> list[Fate]:
    fates: list[Fate] = []
    by_kind: dict[str, int] = defaultdict(int)
    serial = 0
    for spec in specs:
        if spec.kind == "new_2024":
            continue
        serial += 1
        index = by_kind[spec.kind]
        by_kind[spec.kind] += 1
        task = tasks[spec.title]
        fate = Fate(task=task, spec=spec, serial=serial, index=index)
        fate.tranches = 2 if serial % 4 == 3 else 3
        fate.carry_style = serial % 3 == 0
        fate.settle_share = 0.9 if serial % 4 == 1 else 1.0
        assert task.start is not None and task.end is not None
        if spec.kind == "ended_2023":
            _ended(fate)
        elif spec.kind == "carried_2024":
            _carried(fate)
        else:
            _new(fate)
        fates.append(fate)
    return fates


def _dossier_after_end(fate: Fate) -> dt.date:
    return _weekday(fate.end + dt.timedelta(days=8 + (fate.index * 3) % 18))


def _ended(fate: Fate) -> None:
    i, start = fate.index, fate.task.start
    assert start is not None
    fate.dossier = _dossier_after_end(fate)
    fate.grade = Grade.FAILED if fate.spec.host == SONGHONG else Grade.EXCELLENT if i in (2, 9, 17) else Grade.PASSED
    fate.register_after = 48 if i == 6 else 12 + (i * 5) % 17
    if i in (0, 5, 10, 15):
        fate.visits.append((_weekday(add_months(start, 14)), MonitoringVisit.Conclusion.ON_TRACK))
    fate.returned_report = 2 if i == 4 else None
    fate.applications = i in (0, 1, 2, 3, 6, 9, 12, 17, 20) and fate.grade != Grade.FAILED


def _carried(fate: Fate) -> None:
    i, start, end = fate.index, fate.task.start, fate.task.end
    assert start is not None and end is not None
    if i == 12:
        fate.extension_to = add_months(end, 10)
        fate.register_after = None  # recognised in 2026, not registered yet: a reminder
    if i == 13:
        fate.extension_refused = True
    if i == 14:
        fate.suspend_on = dt.date(2024, 6, 18)
        fate.visits.append((dt.date(2024, 5, 28), MonitoringVisit.Conclusion.BEHIND))
    fate.dossier = None if fate.suspend_on else _dossier_after_end(fate)
    fate.grade = Grade.EXCELLENT if i in (1, 7) else Grade.PASSED
    if fate.register_after is not None:
        fate.register_after = 10 + (i * 7) % 15
    if i in (3, 9):
        fate.visits.append((_weekday(add_months(start, 20)), MonitoringVisit.Conclusion.ON_TRACK))
    fate.applications = i in (0, 4, 7, 10)


def _new(fate: Fate) -> None:
    i, start = fate.index, fate.task.start
    assert start is not None
    fate.dossier = _dossier_after_end(fate)
    fate.grade = Grade.EXCELLENT if i in (0, 10) else Grade.PASSED
    fate.register_after = 10 + (i * 7) % 15
    if i == 3:
        fate.stop_after_registration = True  # accepted, registered; final payment and liquidation to come
    if i == 4:
        fate.register_after = None  # accepted in 2026, registration overdue: a reminder
    if i == 5:
        fate.dossier = dt.date(2026, 11, 2)  # late dossier: the council has not met yet
    if i == 6:
        fate.dossier = dt.date(2026, 11, 16)
    if i == 7:
        fate.extension_to = dt.date(2026, 12, 31)  # contract ending within 60 days; last report overdue
        fate.skip_last_report = True
        fate.pace = 0.6
        fate.dossier = None
    if i == 8:
        fate.dossier = None  # ended in 2026, no dossier yet; 2025 not settled: reminders
        fate.skip_settlement = {2025}
        fate.pace = 0.6  # behind schedule, paid more slowly: money still moving in 2025
    if i in (1, 6):
        fate.visits.append((_weekday(add_months(start, 26)), MonitoringVisit.Conclusion.ON_TRACK))
    fate.applications = i in (0, 1)


def _plan_sessions(fates: list[Fate]) -> None:
    """Group dossiers into acceptance council sittings: one per field cluster and quarter."""
    sessions: dict[tuple[str, int, int], list[Fate]] = defaultdict(list)
    for fate in fates:
        if fate.dossier is None:
            continue
        key = (CLUSTERS[fate.spec.group], fate.dossier.year, (fate.dossier.month - 1) // 3 + 1)
        sessions[key].append(fate)
    for key, members in sessions.items():
        latest = max(f.dossier for f in members if f.dossier)
        meeting = _weekday(latest + dt.timedelta(days=14))
        for fate in members:
            fate.meeting, fate.council_key = meeting, key


# --- Steps -----------------------------------------------------------------------------------------

Step = tuple[dt.date, Callable[[], None]]


def _steps(ctx: Context, fate: Fate, rng: random.Random) -> list[Step]:
    task, spec, s = fate.task, fate.spec, fate.serial
    assert task.start is not None and task.end is not None
    start, end = task.start, task.end
    steps: list[Step] = []

    def add(day: dt.date, fn: Callable[[], None]) -> None:
        steps.append((day, fn))

    add(start, lambda: _sign(ctx, fate, rng))
    first_money_year = max(start.year, 2022)
    add(
        max(start + dt.timedelta(days=15), dt.date(first_money_year, 2, 5)),
        lambda: _pay(ctx, fate, 0.6, "Tạm ứng đợt 1"),
    )

    # Six-monthly progress reports, each accepted one followed by a payment.
    rule = xs.rule_for(task)
    periods = xs.report_periods(SimpleNamespace(start=start, effective_end=fate.end), rule)  # type: ignore[arg-type]
    due_now = [p for p in periods if p.due_on <= ctx.today]
    for period in periods:
        late = (s + period.number) % 7 == 0
        submitted = (
            period.due_on + dt.timedelta(days=6) if late else period.due_on - dt.timedelta(days=(s + period.number) % 9)
        )
        if fate.skip_last_report and due_now and period == due_now[-1]:
            continue
        if fate.dossier and submitted >= fate.dossier:
            continue
        if fate.suspend_on and submitted >= fate.suspend_on:
            continue
        accepted = _weekday(submitted + dt.timedelta(days=6 + (s + period.number) % 9))
        returned = fate.returned_report == period.number
        add(submitted, partial(_report, ctx, fate, period, submitted))
        if returned:
            back = _weekday(submitted + dt.timedelta(days=7))
            again = _weekday(back + dt.timedelta(days=9))
            accepted = _weekday(again + dt.timedelta(days=6))
            add(back, partial(_review, ctx, fate, period, ProgressReport.Status.RETURNED))
            add(again, partial(_review, ctx, fate, period, ProgressReport.Status.SUBMITTED))
        add(accepted, partial(_review, ctx, fate, period, ProgressReport.Status.ACCEPTED))
        pay_day = _weekday(accepted + dt.timedelta(days=10))
        share = ((0.85 if fate.carry_style else 1.0) if pay_day.month >= 9 else 0.6) * fate.pace
        add(pay_day, partial(_pay, ctx, fate, share, "Thanh toán theo báo cáo tiến độ được chấp nhận"))

    for day, conclusion in fate.visits:
        add(day, partial(_visit, ctx, fate, day, conclusion))
    if fate.suspend_on:
        add(fate.suspend_on, lambda: _suspend(ctx, fate))
    if fate.extension_to:
        asked = _weekday(end - dt.timedelta(days=90 if spec.kind == "new_2023" else 75))
        add(asked, lambda: _extension(ctx, fate, asked))
    if fate.extension_refused:
        asked = _weekday(end - dt.timedelta(days=50))
        add(asked, lambda: _extension_refused(ctx, fate, asked))

    # Acceptance, results, money at the end.
    final_year: int | None = None
    if fate.dossier:
        add(fate.dossier, lambda: _dossier(ctx, fate))
    decision_day = fate.decision_day
    if fate.meeting and decision_day:
        add(_weekday(fate.meeting - dt.timedelta(days=10)), lambda: _to_council(ctx, fate))
        add(fate.meeting, lambda: _grade(ctx, fate))
        if fate.grade == Grade.FAILED:
            concluded = _weekday(fate.meeting + dt.timedelta(days=7))
            recovered = _weekday(concluded + dt.timedelta(days=30))
            final = _weekday(recovered + dt.timedelta(days=20))
            add(concluded, lambda: _conclude(ctx, fate, concluded))
            add(recovered, lambda: _recover(ctx, fate, recovered))
            add(recovered + dt.timedelta(days=5), lambda: _assets_handle(ctx, fate, recovered + dt.timedelta(days=5)))
            add(final, lambda: _settle(ctx, fate, final.year, final, is_final=True))
            closing = _weekday(final + dt.timedelta(days=10))
            add(closing, lambda: _liquidate(ctx, fate, closing))
            add(closing + dt.timedelta(days=3), lambda: _close(ctx, fate))
            if final <= ctx.today:
                final_year = final.year
        else:
            add(decision_day, lambda: _conclude(ctx, fate, decision_day))
            if fate.register_after is not None:
                registered = _weekday(decision_day + dt.timedelta(days=fate.register_after))
                add(registered, lambda: _register(ctx, fate, registered))
            if not fate.stop_after_registration:
                pay_day = _weekday(decision_day + dt.timedelta(days=15))
                if pay_day.year > LAST_ALLOCATION[spec.kind] and pay_day < dt.date(pay_day.year, 3, 16):
                    pay_day = _weekday(dt.date(pay_day.year, 3, 16))
                final = _weekday(pay_day + dt.timedelta(days=25))
                closing = _weekday(final + dt.timedelta(days=10))
                add(pay_day, lambda: _pay(ctx, fate, 1.0, "Thanh toán đợt cuối sau nghiệm thu"))
                add(pay_day + dt.timedelta(days=5), lambda: _assets_handle(ctx, fate, pay_day + dt.timedelta(days=5)))
                add(final, lambda: _settle(ctx, fate, final.year, final, is_final=True))
                add(closing, lambda: _liquidate(ctx, fate, closing))
                if fate.register_after is not None:
                    done = max(closing, _weekday(decision_day + dt.timedelta(days=fate.register_after)))
                    add(done + dt.timedelta(days=3), lambda: _close(ctx, fate))
                if pay_day <= ctx.today:
                    final_year = pay_day.year
            if fate.applications:
                for year in range(decision_day.year, ctx.today.year + 1):
                    if dt.date(year, 11, 20) > decision_day:
                        add(dt.date(year, 11, 20), partial(_application, ctx, fate, year))

    # Assets bought early in the task; yearly settlements in the first quarter of the next year.
    add(_weekday(start + dt.timedelta(days=100)), lambda: _assets(ctx, fate))
    last = (final_year - 1) if final_year else ctx.today.year - 1
    for year in range(first_money_year, last + 1):
        if year in fate.skip_settlement or (fate.suspend_on and year > fate.suspend_on.year):
            continue
        day = _weekday(dt.date(year + 1, 2, 16) + dt.timedelta(days=s % 20))
        add(day, partial(_settle, ctx, fate, year, day))
    return steps


def _run(ctx: Context, fate: Fate, rng: random.Random) -> None:
    steps = _steps(ctx, fate, rng)
    # A stable sort: steps of one day keep the order they were added in.
    for day, fn in sorted(steps, key=lambda step: step[0]):
        if day > ctx.today:
            continue
        ctx.current = day
        fn()


def _fresh(fate: Fate) -> Task:
    fate.task = Task.objects.get(pk=fate.task.pk)
    return fate.task


# --- Contract, members, outputs --------------------------------------------------------------------


def _name(rng: random.Random) -> str:
    middle = rng.choice(MIDDLE)
    return f"{rng.choice(FAMILY)} {middle} {rng.choice(GIVEN)}"


def _sign(ctx: Context, fate: Fate, rng: random.Random) -> None:
    task = _fresh(fate)
    assert task.start is not None and task.pi is not None and task.host is not None
    months = xs.duration_months(task.start, task.end)
    services.task_member_add(
        task=task, person=task.pi, role=TaskMember.Role.PI, workdays=months * 6 + rng.randint(0, 30), by=ctx.staff
    )
    for role, low, high in (
        (TaskMember.Role.SECRETARY, 90, 160),
        (TaskMember.Role.MAIN, 80, 140),
        (TaskMember.Role.MAIN, 60, 120),
        (TaskMember.Role.MEMBER, 40, 90),
        (TaskMember.Role.TECHNICIAN, 30, 70),
    )[: 4 + fate.serial % 2]:
        person, _ = Person.objects.get_or_create(
            full_name=_name(rng), organisation=task.host, defaults={"degree": rng.choice(["ThS", "KS", "CN", "TS"])}
        )
        if person.pk != task.pi_id and not TaskMember.objects.filter(task=task, person=person).exists():
            services.task_member_add(task=task, person=person, role=role, workdays=rng.randint(low, high), by=ctx.staff)
    for form, name, quantity, target in OUTPUTS.get(fate.spec.form, OUTPUTS["research_project"]):
        services.output_add(
            task=task, form=form, name=name, quantity_planned=quantity, quality_target=target, by=ctx.staff
        )
    if fate.spec.group == "ip_programme":
        form, name, quantity, target = IP_OUTPUT
        services.output_add(
            task=task, form=form, name=name, quantity_planned=quantity, quality_target=target, by=ctx.staff
        )

    budget = task.state_budget
    signed = task.start
    if fate.tranches == 3:
        last = _m(budget * 0.2)
        first = _m((budget - last) * 0.55)
        tranches = [
            {"amount": first, "kind": Tranche.Kind.ADVANCE, "planned_on": signed + dt.timedelta(days=15)},
            {
                "amount": budget - last - first,
                "kind": Tranche.Kind.PAYMENT,
                "condition": Tranche.Condition.PROGRESS_REPORT,
                "planned_on": add_months(signed, 7),
            },
            {"amount": last, "kind": Tranche.Kind.PAYMENT, "condition": Tranche.Condition.ACCEPTANCE},
        ]
    else:
        last = _m(budget * 0.3)
        tranches = [
            {"amount": budget - last, "kind": Tranche.Kind.ADVANCE, "planned_on": signed + dt.timedelta(days=15)},
            {"amount": last, "kind": Tranche.Kind.PAYMENT, "condition": Tranche.Condition.ACCEPTANCE},
        ]
    services.contract_sign(
        task=task,
        number=f"{fate.serial:02d}/{signed.year}/HĐ-KHCN",
        signed_on=signed,
        department=ctx.department,
        department_signer="Giám đốc Sở Khoa học và Công nghệ",
        tranches=tranches,
        note="Hợp đồng theo mẫu Thông tư 05/2014/TT-BKHCN (dữ liệu minh họa).",
        by=ctx.staff,
    )


# --- Money -----------------------------------------------------------------------------------------


def _pay(ctx: Context, fate: Fate, share: float, note: str) -> None:
    """Pay out of what the year still has (its allocation and what was carried in), in tranche
    order, only tranches whose condition holds; `share` of the year's remainder (whole millions)."""
    task = _fresh(fate)
    if task.status not in (TS.IN_PROGRESS, TS.AWAITING_ACCEPTANCE, TS.ACCEPTED):
        return
    contract = Contract.objects.get(task=task)
    day = ctx.current
    money = xs.task_money(task)
    if money.year_settled(day.year):
        return
    room = money.year(day.year).remaining
    if share < 1:
        room = _m(room * share)
    for row in xs.tranche_rows(contract):
        if room <= 0:
            break
        if not row.condition_met or row.remaining <= 0:
            continue
        amount = min(room, row.remaining)
        count = Disbursement.objects.filter(task=task).count() + 1
        services.disbursement_record(
            task=task,
            tranche=row.tranche,
            amount=amount,
            paid_on=day,
            voucher=f"Giấy rút dự toán số {fate.serial:02d}{count:02d}/{day.year}",
            note=note,
            by=ctx.finance,
        )
        room -= amount


def _settle(ctx: Context, fate: Fate, year: int, day: dt.date, *, is_final: bool = False) -> None:
    task = _fresh(fate)
    money = xs.task_money(task)
    if money.year_settled(year) or money.final_settled:
        return
    row = money.year(year)
    if not is_final and row.available == 0 and row.disbursed == 0:
        return
    if is_final:
        amount, carried = money.unsettled, 0
    else:
        amount = row.disbursed if fate.settle_share >= 1 else _m(row.disbursed * fate.settle_share)
        amount = min(amount, money.disbursed_through(year) - money.settled_total - money.recovered_total)
        suspended = fate.suspend_on is not None and year >= fate.suspend_on.year
        carried = 0 if suspended else max(row.remaining, 0)
    document = ctx.doc(
        f"{40 + year % 100}/TB-SKHCN",
        dt.date(year + 1, 2, 10),
        f"Thông báo thẩm định, xét duyệt quyết toán kinh phí nhiệm vụ KH&CN năm {year}",
        OfficialDocument.Kind.NOTICE,
    )
    services.settlement_record(
        task=task,
        year=year,
        settled_on=day,
        amount_settled=amount,
        carried_over=carried,
        is_final=is_final,
        document=document,
        note="Quyết toán cuối cùng khi kết thúc nhiệm vụ"
        if is_final
        else ("Chuyển nguồn sang năm sau" if carried else ""),
        by=ctx.finance,
    )


def _recover(ctx: Context, fate: Fate, day: dt.date) -> None:
    task = _fresh(fate)
    money = xs.task_money(task)
    amount = _m(money.disbursed_total * 0.25)
    decision = ctx.doc(
        f"{380 + fate.serial}/QĐ-SKHCN",
        day,
        f"Thu hồi kinh phí nhiệm vụ {task.code} do nghiệm thu không đạt",
    )
    recovery = services.recovery_record(
        task=task,
        reason=Recovery.Reason.FAILURE,
        amount=amount,
        decided_on=day,
        decision=decision,
        note="Thu hồi phần kinh phí của các nội dung không hoàn thành theo kết luận của hội đồng.",
        by=ctx.finance,
    )
    returned = _weekday(day + dt.timedelta(days=40))
    if returned <= ctx.today:
        services.recovery_mark_returned(recovery=recovery, returned_on=returned, by=ctx.finance)


def _assets(ctx: Context, fate: Fate) -> None:
    task = _fresh(fate)
    budget = task.state_budget
    rows: list[tuple[str, str, int]] = []
    if fate.spec.form in ("pilot_production", "st_project"):
        name = (
            "Hệ thống, thiết bị của mô hình trình diễn"
            if fate.spec.form == "pilot_production"
            else "Thiết bị, hệ thống được chế tạo, lắp đặt của dự án"
        )
        rows.append((name, Asset.Origin.FORMED, _m(budget * (0.06 + (fate.serial % 5) / 100))))
    if fate.serial % 2 == 0:
        rows.append(("Máy tính xách tay phục vụ xử lý số liệu", Asset.Origin.BOUGHT, (16 + fate.serial % 8) * MILLION))
    for name, origin, value in rows:
        services.asset_record(task=task, name=name, origin=origin, original_value=value, by=ctx.finance)


def _assets_handle(ctx: Context, fate: Fate, day: dt.date) -> None:
    task = _fresh(fate)
    for asset in Asset.objects.filter(task=task, handling=Asset.Handling.PENDING):
        if asset.origin == Asset.Origin.FORMED and fate.spec.group == "agriculture" and fate.grade != Grade.FAILED:
            recipient = ctx.orgs.get("Trung tâm Ứng dụng tiến bộ khoa học và công nghệ Hưng Yên") or task.host
            decision = ctx.doc(
                f"{560 + fate.serial}/QĐ-SKHCN", day, f"Điều chuyển tài sản hình thành từ nhiệm vụ {task.code}"
            )
            services.asset_handle(
                asset=asset,
                handling=Asset.Handling.TRANSFERRED,
                handled_on=day,
                recipient=recipient,
                decision=decision,
                by=ctx.finance,
            )
        else:
            services.asset_handle(
                asset=asset, handling=Asset.Handling.HANDED_TO_HOST, handled_on=day, recipient=task.host, by=ctx.finance
            )


# --- Monitoring ------------------------------------------------------------------------------------


def _report(ctx: Context, fate: Fate, period: Any, day: dt.date) -> None:
    task = _fresh(fate)
    if task.status not in (TS.IN_PROGRESS, TS.SUSPENDED):
        return
    spent = _m(xs.task_money(task).disbursed_total * 0.85)
    services.progress_report_submit(
        task=task,
        period_start=period.start,
        period_end=period.end,
        work_done=(
            f"Kỳ {period.number}: hoàn thành các nội dung theo tiến độ thuyết minh; tổ chức khảo sát, "
            "thí nghiệm, thu thập và xử lý số liệu; phối hợp với địa phương triển khai các nội dung tại cơ sở."
        ),
        next_steps="Tiếp tục triển khai các nội dung kỳ tới theo thuyết minh đã phê duyệt.",
        spent_amount=spent,
        submitted_on=day,
        by=ctx.host_user(task),
    )


def _review(ctx: Context, fate: Fate, period: Any, to: str) -> None:
    report = ProgressReport.objects.filter(task=fate.task, period_start=period.start).order_by("-pk").first()
    if report is None:
        return
    if to == ProgressReport.Status.RETURNED:
        note = "Báo cáo chưa kèm số liệu thí nghiệm và bảng kê chi tiêu; đề nghị bổ sung."
    elif to == ProgressReport.Status.ACCEPTED:
        note = "Đạt yêu cầu, đúng tiến độ."
    else:
        note = "Đã bổ sung số liệu theo yêu cầu."
    by = ctx.host_user(fate.task) if to == ProgressReport.Status.SUBMITTED else ctx.staff
    services.progress_report_transition(report=report, to=to, note=note, by=by)


def _visit(ctx: Context, fate: Fate, day: dt.date, conclusion: str) -> None:
    task = _fresh(fate)
    behind = conclusion != MonitoringVisit.Conclusion.ON_TRACK
    services.monitoring_visit_record(
        task=task,
        visited_on=day,
        inspectors="Phòng Quản lý khoa học, Phòng Kế hoạch – Tài chính (Sở KH&CN)",
        findings=(
            "Một số nội dung thí nghiệm chậm so với thuyết minh; chưa triển khai mô hình tại cơ sở."
            if behind
            else "Các nội dung triển khai đúng tiến độ; sổ sách, chứng từ đầy đủ; mô hình tại cơ sở sinh trưởng tốt."
        ),
        conclusion=conclusion,
        recommendations="Khẩn trương khắc phục, báo cáo Sở trước ngày 15 tháng sau." if behind else "",
        by=ctx.staff,
    )


def _suspend(ctx: Context, fate: Fate) -> None:
    task = _fresh(fate)
    assert fate.suspend_on is not None
    decision = ctx.doc(f"{600 + fate.serial}/QĐ-SKHCN", fate.suspend_on, f"Tạm dừng thực hiện nhiệm vụ {task.code}")
    services.task_suspend(
        task=task,
        reason="Chủ nhiệm nhiệm vụ đi học tập dài hạn; tổ chức chủ trì đề nghị tạm dừng để kiện toàn nhóm thực hiện.",
        document=decision,
        by=ctx.leader,
    )


def _extension(ctx: Context, fate: Fate, asked: dt.date) -> None:
    task = _fresh(fate)
    adjustment = services.adjustment_request(
        task=task,
        kind=Adjustment.Kind.EXTENSION,
        description="Thời tiết bất lợi làm chậm vụ thí nghiệm; đề nghị gia hạn để hoàn thành đủ số vụ theo thuyết minh.",
        new_end=fate.extension_to,
        requested_on=asked,
        by=ctx.host_user(task),
    )
    approved = _weekday(asked + dt.timedelta(days=20))
    if approved > ctx.today:
        return
    decision = ctx.doc(f"{620 + fate.serial}/QĐ-SKHCN", approved, f"Gia hạn thời gian thực hiện nhiệm vụ {task.code}")
    adjustment = services.adjustment_transition(
        adjustment=adjustment, to=Adjustment.Status.APPROVED, decision=decision, by=ctx.leader
    )
    services.contract_amend(
        contract=Contract.objects.get(task=task),
        number="01/PLHĐ",
        signed_on=_weekday(approved + dt.timedelta(days=5)),
        content=f"Gia hạn thời gian thực hiện hợp đồng đến ngày {fate.extension_to:%d/%m/%Y}; các nội dung khác giữ nguyên.",
        adjustment=adjustment,
        by=ctx.staff,
    )


def _extension_refused(ctx: Context, fate: Fate, asked: dt.date) -> None:
    task = _fresh(fate)
    assert task.end is not None
    adjustment = services.adjustment_request(
        task=task,
        kind=Adjustment.Kind.EXTENSION,
        description="Đề nghị gia hạn 6 tháng để bổ sung thêm một vụ trình diễn.",
        new_end=add_months(task.end, 6),
        requested_on=asked,
        by=ctx.host_user(task),
    )
    services.adjustment_transition(
        adjustment=adjustment,
        to=Adjustment.Status.REJECTED,
        reason="Các nội dung chính đã hoàn thành; vụ trình diễn bổ sung không thuộc thuyết minh được phê duyệt.",
        by=ctx.leader,
    )


# --- Acceptance and results ------------------------------------------------------------------------


def _dossier(ctx: Context, fate: Fate) -> None:
    task = _fresh(fate)
    if task.status != TS.IN_PROGRESS:
        return
    self_grade = Grade.EXCELLENT if fate.grade == Grade.EXCELLENT else Grade.PASSED
    services.acceptance_submit(
        task=task,
        self_evaluation=(
            "Nhiệm vụ đã hoàn thành các nội dung theo thuyết minh; sản phẩm đạt số lượng, chất lượng đăng ký; "
            "kinh phí sử dụng đúng mục đích."
        ),
        self_grade=self_grade,
        submitted_on=fate.dossier,
        has_final_report=True,
        has_products=True,
        has_self_evaluation_minutes=True,
        has_spending_report=True,
        by=ctx.host_user(task),
    )


def _council(ctx: Context, fate: Fate) -> Council:
    assert fate.council_key is not None and fate.meeting is not None
    if fate.council_key in ctx.councils:
        return ctx.councils[fate.council_key]
    cluster, year, quarter = fate.council_key
    name = (
        f"Hội đồng tư vấn đánh giá, nghiệm thu nhiệm vụ KH&CN cấp tỉnh {CLUSTER_LABELS[cluster]} "
        f"(đợt quý {quarter}/{year})"
    )
    council = Council.objects.filter(kind=Council.Kind.ACCEPTANCE, name=name).first()
    if council is None:
        number = 500 + len(ctx.councils) + (year - 2023) * 10
        decision = ctx.doc(
            f"{number}/QĐ-SKHCN",
            _weekday(fate.meeting - dt.timedelta(days=12)),
            f"Thành lập {name[0].lower()}{name[1:]}",
        )
        council = council_services.council_create(
            kind=Council.Kind.ACCEPTANCE, year=fate.meeting.year, name=name, decision=decision, by=ctx.staff
        )
    members = list(CouncilMember.objects.active().filter(council=council).select_related("person__user"))
    if not members:
        shift = len(ctx.councils) * 2
        people = (ctx.pool[shift:] + ctx.pool[:shift])[: len(SEATS)]
        for person, role in zip(people, SEATS, strict=True):
            members.append(council_services.council_member_add(council=council, person=person, role=role, by=ctx.staff))
    ctx.councils[fate.council_key] = council
    ctx.council_members[council.pk] = members
    return council


def _to_council(ctx: Context, fate: Fate) -> None:
    task = _fresh(fate)
    if task.status != TS.AWAITING_ACCEPTANCE:
        return
    services.acceptance_send_to_council(task=task, council=_council(ctx, fate), by=ctx.staff)


def _grade(ctx: Context, fate: Fate) -> None:
    task = _fresh(fate)
    if task.status != TS.AWAITING_ACCEPTANCE:
        return
    council = _council(ctx, fate)
    members = ctx.council_members[council.pk]
    assert fate.meeting is not None
    if not Meeting.objects.filter(council=council).exists():
        council_services.meeting_record(
            council=council,
            date=fate.meeting,
            place="Sở Khoa học và Công nghệ tỉnh Hưng Yên",
            present=members,
            by=ctx.staff,
        )
    failed = fate.grade == Grade.FAILED
    for output in Output.objects.filter(task=task):
        ok = not (failed and output.form in (F.TYPE_I, F.TYPE_II))
        services.output_assess(
            output=output,
            quantity_achieved=output.quantity_planned if ok else 0,
            achieved=ok,
            assessed_on=fate.meeting,
            note="" if ok else "Chưa hoàn thiện, số liệu không đủ tin cậy.",
            by=ctx.staff,
        )
    if fate.grade == Grade.EXCELLENT:
        grades = [Grade.EXCELLENT] * 6 + [Grade.PASSED]
    elif failed:
        grades = [Grade.FAILED] * 4 + [Grade.PASSED] * 3
    else:
        grades = [Grade.PASSED] * 5 + [Grade.EXCELLENT] * (fate.serial % 3) + [Grade.PASSED] * 2
        grades = grades[: len(members)]
    council_object = council_selectors.council_objects_for(task).filter(council=council).get()
    for member, grade in zip(members, grades, strict=True):
        own = member.person.user_id is not None
        services_by = member.person.user if own else ctx.staff
        assert services_by is not None
        council_services.score_sheet_submit(
            council_object=council_object,
            member=member,
            grade=grade,
            comments="Sản phẩm chính chưa đạt yêu cầu của thuyết minh." if grade == Grade.FAILED else "",
            source="online" if own else "paper",
            by=services_by,
        )


def _conclude(ctx: Context, fate: Fate, day: dt.date) -> None:
    task = _fresh(fate)
    if task.status != TS.AWAITING_ACCEPTANCE:
        return
    assert fate.meeting is not None
    decision = None
    if fate.grade != Grade.FAILED:
        decision = ctx.doc(
            f"{400 + fate.serial}/QĐ-SKHCN", day, f"Công nhận kết quả thực hiện nhiệm vụ KH&CN cấp tỉnh {task.code}"
        )
    services.acceptance_conclude(task=task, graded_on=fate.meeting, decision=decision, by=ctx.staff)


def _register(ctx: Context, fate: Fate, day: dt.date) -> None:
    task = _fresh(fate)
    if task.status not in (TS.ACCEPTED, TS.COMPLETED):
        return
    registration = services.result_register(
        task=task,
        number=f"{fate.serial:02d}/{day.year}/GCN-ĐKKQ",
        registered_on=day,
        deposit_place="Trung tâm Thông tin và Thống kê khoa học và công nghệ, Sở KH&CN Hưng Yên",
        summary=f"Kết quả nhiệm vụ “{task.title}”.",
        by=ctx.host_user(task),
    )
    handed = _weekday(day + dt.timedelta(days=10))
    if handed <= ctx.today and fate.spec.group in ("agriculture", "health_environment_it", "productivity_metrology"):
        services.result_hand_over(registration=registration, handed_over_on=handed, to=task.host, by=ctx.staff)  # type: ignore[arg-type]


def _liquidate(ctx: Context, fate: Fate, day: dt.date) -> None:
    task = _fresh(fate)
    if task.status not in (TS.ACCEPTED, TS.FAILED):
        return
    contract = Contract.objects.get(task=task)
    if not Settlement.objects.filter(task=task, is_final=True).exists():
        return
    minutes = ctx.doc(
        f"{fate.serial:02d}/{day.year}/BBTL-HĐKHCN",
        day,
        f"Biên bản thanh lý hợp đồng số {contract.number}",
        OfficialDocument.Kind.MINUTES,
    )
    services.contract_liquidate(contract=contract, liquidated_on=day, document=minutes, by=ctx.staff)


def _close(ctx: Context, fate: Fate) -> None:
    task = _fresh(fate)
    if task.status == TS.ACCEPTED and not ResultRegistration.objects.filter(task=task).exists():
        return
    if task.status not in (TS.ACCEPTED, TS.FAILED):
        return
    reason = "Đã thu hồi kinh phí theo quyết định; kết thúc nhiệm vụ." if task.status == TS.FAILED else ""
    services.task_close(task=task, reason=reason, by=ctx.staff)


def _application(ctx: Context, fate: Fate, year: int) -> None:
    task = _fresh(fate)
    if task.status not in (TS.ACCEPTED, TS.COMPLETED):
        return
    before, after, org_name, scale, effect = _use_for(fate.spec)
    grow = year - 2023
    values = {
        "n": 3 + fate.serial % 7 + 2 * grow,
        "h": 20 + fate.serial * 3 + 15 * grow,
        "p": 8 + fate.serial % 9 + grow,
    }
    services.result_application_record(
        task=task,
        year=year,
        place=before if year <= 2024 else after,
        organisation=ctx.orgs.get(org_name) if org_name else task.host,
        scale=scale.format(**values),
        effect=effect.format(**values),
        by=ctx.host_user(task),
    )


# --- The loader ------------------------------------------------------------------------------------


def _expert_pool(orgs: dict[str, Organisation]) -> list[Person]:
    from khcn.research.demo import _council_people

    pool = list(_council_people(orgs))
    for full_name, title, degree, org_name in EXPERTS:
        person, _ = Person.objects.get_or_create(
            full_name=full_name, organisation=orgs[org_name], defaults={"academic_title": title, "degree": degree}
        )
        if person not in pool:
            pool.append(person)
    return pool


def load_execution(
    *,
    specs: list[Spec],
    tasks: dict[str, Task],
    orgs: dict[str, Organisation],
    people: dict[str, list[Person]],
    staff: User,
    leader: User,
) -> str:
    finance = User.objects.filter(groups__name=roles.FINANCE_OFFICER, is_active=True).order_by("username").first()
    hosts: dict[int, User] = {}
    for user in User.objects.filter(groups__name=roles.HOST_USER, is_active=True).order_by("username"):
        person = Person.objects.filter(user=user).select_related("organisation").first()
        if person is not None and person.organisation_id is not None:
            hosts.setdefault(person.organisation_id, user)
    ctx = Context(
        staff=staff,
        leader=leader,
        finance=finance or staff,
        department=orgs[SO],
        orgs=orgs,
        hosts=hosts,
        today=min(timezone.localdate(), CUTOFF),
    )
    fates = _fates(specs, tasks)
    _plan_sessions(fates)
    todo = [f for f in fates if not Contract.objects.filter(task=f.task).exists() and _fresh(f).status == TS.APPROVED]
    if todo:
        ctx.pool = _expert_pool(orgs)
        # Councils already on record (a partial earlier run) are found by name in _council.
        for fate in todo:
            _run(ctx, fate, random.Random(fate.serial * 7919))
    return _summary([f.task.pk for f in fates])


def _summary(task_ids: list[int]) -> str:
    contracts = Contract.objects.filter(task_id__in=task_ids).count()
    graded = Acceptance.objects.filter(task_id__in=task_ids).exclude(grade="").count()
    applications = ResultApplication.objects.filter(task_id__in=task_ids).count()
    return f"{contracts} hợp đồng, {graded} nhiệm vụ đã nghiệm thu, {applications} lượt ứng dụng kết quả"
