"""Demo metrology data for Hưng Yên: the instrument list, and 2023's 20,363 verifications.

The report's figures (20,363 verified, 19,923 passed with certificate and stamp, 440 rejected)
are not typed in anywhere: they are counts over these individual records (metrics.py). The
records are generated from a fixed seed, so every run produces the same ones and a second run
adds nothing. Owners are invented or generic ("Cửa hàng xăng dầu số 12"); a failed verification
is only ever given to an invented owner (demo-realism.md: no rejection on a real enterprise).
A few hundred later verifications (fuel dispensers in late 2025, taximeters in mid-2025) make
"due within 30 days" show something in late 2026.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from simple_history.utils import bulk_create_with_history

from khcn.core import demo
from khcn.directory.models import AdministrativeUnit, Organisation
from khcn.lib.text import fold
from khcn.registries.metrology import classifications, services
from khcn.registries.metrology.models import Instrument, InstrumentType, Verification
from khcn.registries.metrology.selectors import CycleTable

YEAR = 2023
VERIFIED, REJECTED = 20_363, 440
REASON = "Dữ liệu mẫu"
BATCH = 2000

K = Organisation.Kind
BODY_PROVINCE = "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng Hưng Yên"
BODY_QUATEST = "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 1"
POLICE = "Phòng Cảnh sát giao thông, Công an tỉnh Hưng Yên"
HOSPITAL = "Bệnh viện Đa khoa tỉnh Hưng Yên"

MARKETS = [
    "Phố Hiến",
    "Bần",
    "Như Quỳnh",
    "Khoái Châu",
    "Ân Thi",
    "Kim Động",
    "Phù Cừ",
    "Tiên Lữ",
    "Văn Giang",
    "Yên Mỹ",
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Ngọc", "Hữu"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dung",
    "Hà",
    "Hạnh",
    "Hùng",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Phúc",
    "Sơn",
    "Tâm",
    "Thảo",
    "Tuấn",
]


@dataclass(frozen=True)
class Owner:
    name: str
    kind: str
    may_fail: bool = True  # False for real public bodies: nothing negative is recorded for them


def _owners(rng: random.Random) -> dict[str, list[Owner]]:
    households = sorted(
        {
            f"Hộ kinh doanh {rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)} (chợ {rng.choice(MARKETS)})"
            for _ in range(400)
        }
    )
    return {
        "power": [
            Owner(name, K.ENTERPRISE)
            for name in (
                "Công ty Cổ phần Điện năng Hưng Phát",
                "Công ty TNHH Phân phối điện Nam Sơn",
                "Hợp tác xã Dịch vụ điện năng Tân Lập",
                "Hợp tác xã Dịch vụ điện Đồng Tiến",
                "Công ty TNHH Điện nông thôn Bắc Hưng",
            )
        ],
        "water": [
            Owner(name, K.ENTERPRISE)
            for name in (
                "Công ty Cổ phần Cấp nước Sông Hồng Xanh",
                "Công ty TNHH Nước sạch Tân Hưng",
                "Hợp tác xã Dịch vụ nước sạch An Viên",
                "Công ty TNHH Nước sạch Nam Phố Hiến",
            )
        ],
        "fuel": [Owner(f"Cửa hàng xăng dầu số {n}", K.ENTERPRISE) for n in range(1, 131)],
        "gas": [
            Owner(f"Cửa hàng khí hóa lỏng {name}", K.HOUSEHOLD_BUSINESS)
            for name in ("Minh Anh", "Phú Thịnh", "Hưng Long", "An Khang", "Đại Phát", "Thành Công")
        ],
        "market": [Owner(name, K.HOUSEHOLD_BUSINESS) for name in households],
        "industry": [
            Owner(name, K.ENTERPRISE)
            for name in (
                "Công ty TNHH Cân điện tử Phố Nối",
                "Công ty TNHH Vật liệu xây dựng Đông Hưng",
                "Công ty Cổ phần Nông sản Khoái Châu Xanh",
                "Công ty TNHH Thức ăn chăn nuôi Tân Phú",
                "Công ty TNHH Kho vận Như Quỳnh",
                "Công ty Cổ phần Thép Minh Tiến",
                "Công ty TNHH Phế liệu Văn Lâm",
            )
        ],
        "lab": [
            Owner(name, K.ENTERPRISE)
            for name in (
                "Công ty TNHH Kiểm nghiệm Hưng An",
                "Công ty Cổ phần Dược phẩm Tân Mỹ",
                "Phòng thí nghiệm Công ty TNHH Hóa chất Phúc Lâm",
                "Công ty TNHH Trang sức vàng bạc Kim Phát",
            )
        ],
        "taxi": [
            Owner(name, K.ENTERPRISE)
            for name in (
                "Công ty Cổ phần Taxi Phố Hiến",
                "Công ty TNHH Taxi Mỹ Hào Xanh",
                "Hợp tác xã Vận tải Taxi Hưng Thịnh",
            )
        ],
        "survey": [
            Owner(name, K.ENTERPRISE)
            for name in ("Công ty TNHH Đo đạc bản đồ Hưng Long", "Công ty Cổ phần Tư vấn khảo sát Sông Luộc")
        ],
        "police": [Owner(POLICE, K.STATE_AGENCY, may_fail=False)],
        "clinic": [
            Owner(HOSPITAL, K.STATE_AGENCY, may_fail=False),
            *[
                Owner(name, K.ENTERPRISE)
                for name in (
                    "Phòng khám đa khoa tư nhân An Phúc",
                    "Phòng khám đa khoa Tâm Đức Phố Nối",
                    "Phòng khám Nhi Thiện Tâm",
                    "Nhà thuốc Minh Châu",
                    "Phòng khám nội tổng hợp Hồng Phúc",
                )
            ],
        ],
    }


# (type code, 2023 verifications, owner group, verifying body); the one-phase meters take the rest.
PLAN: list[tuple[str, int, str, str]] = [
    ("CT-DIEN-3P", 900, "power", BODY_PROVINCE),
    ("TI", 250, "power", BODY_PROVINCE),
    ("TU", 60, "power", BODY_PROVINCE),
    ("DH-NUOC-CO", 2600, "water", BODY_PROVINCE),
    ("DH-NUOC-DT", 700, "water", BODY_PROVINCE),
    ("COT-XANG-DAU", 950, "fuel", BODY_PROVINCE),
    ("COT-LPG", 40, "gas", BODY_PROVINCE),
    ("CAN-BAN", 600, "market", BODY_PROVINCE),
    ("CAN-DIA", 450, "market", BODY_PROVINCE),
    ("CAN-DONG-HO-LO-XO", 1100, "market", BODY_PROVINCE),
    ("CAN-OTO", 45, "industry", BODY_PROVINCE),
    ("CAN-PHAN-TICH", 90, "lab", BODY_QUATEST),
    ("CAN-KY-THUAT", 140, "lab", BODY_PROVINCE),
    ("TAXIMET", 380, "taxi", BODY_PROVINCE),
    ("DO-TOC-DO", 6, "police", BODY_QUATEST),
    ("TOAN-DAC", 25, "survey", BODY_QUATEST),
    ("HUYET-AP-KE", 420, "clinic", BODY_PROVINCE),
    ("NHIET-KE-Y-HOC", 150, "clinic", BODY_PROVINCE),
    ("DO-NONG-DO-CON", 18, "police", BODY_QUATEST),
]
ONE_PHASE = ("CT-DIEN-1P", "power", BODY_PROVINCE)
# Later verifications: (type code, first day, last day).
LATER = [
    ("COT-XANG-DAU", dt.date(2025, 11, 3), dt.date(2025, 12, 30)),
    ("TAXIMET", dt.date(2025, 5, 19), dt.date(2025, 6, 30)),
]
MAKERS = {
    "CT-DIEN-1P": ["EMIC", "Gelex", "Vinasino"],
    "CT-DIEN-3P": ["EMIC", "Elster"],
    "DH-NUOC-CO": ["Zenner", "Sensus", "Asahi"],
    "DH-NUOC-DT": ["Kamstrup", "Itron"],
    "COT-XANG-DAU": ["Tatsuno", "Tokheim", "Gilbarco"],
}


@dataclass
class _Spec:
    type_code: str
    serial: str
    maker: str
    year_made: int
    owner: Owner
    body: str


def _chunks(items: list, size: int = 500) -> list[list]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def _workdays(first: dt.date, last: dt.date) -> list[dt.date]:
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    return [d for d in days if d.weekday() < 5]


def _specs(rng: random.Random, owners: dict[str, list[Owner]]) -> list[_Spec]:
    plan = list(PLAN)
    plan.insert(0, (ONE_PHASE[0], VERIFIED - sum(n for _c, n, _g, _b in PLAN), ONE_PHASE[1], ONE_PHASE[2]))
    specs: list[_Spec] = []
    for code, count, group, body in plan:
        makers = MAKERS.get(code, [""])
        for n in range(1, count + 1):
            specs.append(
                _Spec(
                    type_code=code,
                    serial=f"{code.replace('-', '')[:6]}{n:07d}",
                    maker=rng.choice(makers),
                    year_made=rng.randint(2012, YEAR),
                    owner=rng.choice(owners[group]),
                    body=body,
                )
            )
    return specs


def _organisations(owners: dict[str, list[Owner]]) -> dict[str, Organisation]:
    wanted = {o.name: o for group in owners.values() for o in group}
    wanted[BODY_PROVINCE] = Owner(BODY_PROVINCE, K.STATE_AGENCY, may_fail=False)
    wanted[BODY_QUATEST] = Owner(BODY_QUATEST, K.STATE_AGENCY, may_fail=False)
    existing = {o.name: o for o in Organisation.objects.filter(name__in=list(wanted))}
    communes = list(
        AdministrativeUnit.objects.filter(
            level=AdministrativeUnit.Level.COMMUNE, valid_to__isnull=True, parent__code="33"
        ).order_by("code")
    )
    rng = random.Random(YEAR + 1)
    missing = []
    for name in sorted(set(wanted) - set(existing)):
        missing.append(
            Organisation(
                name=name,
                name_folded=fold(name),
                kind=wanted[name].kind,
                administrative_unit=rng.choice(communes) if communes else None,
            )
        )
    bulk_create_with_history(missing, Organisation, batch_size=BATCH, default_change_reason=REASON)
    existing.update({o.name: o for o in Organisation.objects.filter(name__in=[o.name for o in missing])})
    return existing


@demo.register
def load() -> str:
    classifications.load_instrument_types()
    rng = random.Random(YEAR)
    owners = _owners(rng)
    specs = _specs(rng, owners)
    orgs = _organisations(owners)
    types = {t.code: t for t in InstrumentType.objects.all()}
    cycles = CycleTable.load()

    # Instruments.
    stored: dict[tuple[int, str], int] = {}
    for chunk in _chunks(sorted({s.serial for s in specs})):
        stored.update(
            ((type_id, serial), pk)
            for pk, type_id, serial in Instrument.objects.filter(serial__in=chunk).values_list(
                "pk", "instrument_type_id", "serial"
            )
        )
    new_instruments = [
        Instrument(
            instrument_type=types[s.type_code],
            serial=s.serial,
            manufacturer=s.maker,
            manufacture_year=s.year_made,
            owner=orgs[s.owner.name],
        )
        for s in specs
        if (types[s.type_code].pk, s.serial) not in stored
    ]
    bulk_create_with_history(new_instruments, Instrument, batch_size=BATCH, default_change_reason=REASON)
    stored.update({(i.instrument_type_id, i.serial): i.pk for i in new_instruments})

    # 2023: every instrument once, on a working day; 440 failures among invented owners only.
    days = _workdays(dt.date(YEAR, 1, 3), dt.date(YEAR, 12, 29))
    may_fail = [i for i, s in enumerate(specs) if s.owner.may_fail]
    failed = set(rng.sample(may_fail, REJECTED))
    rows: list[tuple[_Spec, dt.date, str, str]] = []  # (spec, date, result, kind)
    for index, spec in enumerate(specs):
        day = rng.choice(days)
        how = str(Verification.Kind.INITIAL if spec.year_made == YEAR else Verification.Kind.PERIODIC)
        rows.append((spec, day, Verification.Result.FAILED if index in failed else Verification.Result.PASSED, how))
    for code, first, last in LATER:
        later_days = _workdays(first, last)
        rows.extend(
            (spec, rng.choice(later_days), Verification.Result.PASSED, Verification.Kind.PERIODIC)
            for spec in specs
            if spec.type_code == code
        )
    done: set[tuple[int, dt.date]] = set()
    for chunk in _chunks(sorted(stored.values())):
        done.update(Verification.objects.filter(instrument_id__in=chunk).values_list("instrument_id", "date"))
    numbers: dict[str, int] = {}
    new_verifications = []
    for spec, day, result, how in rows:
        instrument_id = stored[(types[spec.type_code].pk, spec.serial)]
        prefix = "HY" if spec.body == BODY_PROVINCE else "Q1"
        sequence_key = f"{prefix}{day.year}"
        numbers[sequence_key] = numbers.get(sequence_key, 0) + (result == Verification.Result.PASSED)
        if (instrument_id, day) in done:
            continue
        _in_force, months = cycles.on(types[spec.type_code].pk, day)
        passed = result == Verification.Result.PASSED
        number = numbers[sequence_key]
        new_verifications.append(
            Verification(
                instrument_id=instrument_id,
                kind=how,
                date=day,
                verifying_body=orgs[spec.body],
                result=result,
                certificate_no=f"{prefix}-{number:06d}/{day.year}" if passed else "",
                stamp_no=f"T{day:%y}{prefix}{number:07d}" if passed else "",
                cycle_months=months,
                valid_until=services.valid_until(day, result, months),
            )
        )
    bulk_create_with_history(new_verifications, Verification, batch_size=BATCH, default_change_reason=REASON)
    services.instruments_refresh({v.instrument_id for v in new_verifications})
    return (
        f"{len(new_instruments)} phương tiện đo mới, {len(new_verifications)} lần kiểm định mới; "
        f"{Verification.objects.filter(date__year=YEAR).count()} lần kiểm định năm {YEAR}"
    )
