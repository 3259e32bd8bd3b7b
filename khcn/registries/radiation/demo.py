"""Demo data for the radiation registry (Hưng Yên), loaded by `manage.py load_demo`.

Individual records, never figures: the 2023 report's numbers (28 licences, 24 worker certificates,
50+ trainees plus 15 department staff, ~3,500 survey points) come out of metrics.py counting them.

Real public hospitals and health centres appear as licence holders, as demo-realism.md allows;
every licence detail is fictional, and nothing unfavourable (an expired licence, an overdue
verification) is attached to a real institution: those go to invented private clinics.

The 2023 survey covers old Hưng Yên (the province the department served in 2023), inside today's
outline. Its points are pseudo-random with a fixed seed; the commune a point names is the nearest
of the old communes in the unit table within 2.5 km, else its old district — the unit table holds
only a sample of old communes, and their positions below are rough, for the demo only.

Idempotent: records are looked up by natural keys (names, numbers, codes) and only what is missing
is created. Survey points are written in bulk with history (bulk_create_with_history).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import statistics
from decimal import Decimal
from typing import Any

from simple_history.utils import bulk_create_with_history

from khcn.accounts.models import User
from khcn.core import demo
from khcn.directory.models import AdministrativeUnit, Organisation
from khcn.registries.radiation import geo, services
from khcn.registries.radiation.checks import point_errors
from khcn.registries.radiation.dose import to_nsv_h
from khcn.registries.radiation.models import (
    Device,
    DeviceKind,
    FacilityKind,
    MeasurementPoint,
    RadiationFacility,
    RadiationLicence,
    Survey,
    Training,
    WorkerCertificate,
)

FK = FacilityKind
DK = DeviceKind
LK = RadiationLicence.Kind
OK = Organisation.Kind

# (key, name, kind, current commune to look up, real institution?)
FACILITIES: list[tuple[str, str, str, str, bool]] = [
    ("bvdk", "Bệnh viện Đa khoa tỉnh Hưng Yên", FK.HOSPITAL, "Phố Hiến", True),
    ("phonoi", "Bệnh viện Đa khoa Phố Nối", FK.HOSPITAL, "Mỹ Hào", True),
    ("sannhi", "Bệnh viện Sản Nhi Hưng Yên", FK.HOSPITAL, "Phố Hiến", True),
    ("yhct", "Bệnh viện Y học cổ truyền tỉnh Hưng Yên", FK.HOSPITAL, "Phố Hiến", True),
    ("cdc", "Trung tâm Kiểm soát bệnh tật tỉnh Hưng Yên", FK.HEALTH_CENTRE, "Phố Hiến", True),
    ("ttyt-tp", "Trung tâm Y tế thành phố Hưng Yên", FK.HEALTH_CENTRE, "Phố Hiến", True),
    ("ttyt-vl", "Trung tâm Y tế huyện Văn Lâm", FK.HEALTH_CENTRE, "Như Quỳnh", True),
    ("ttyt-vg", "Trung tâm Y tế huyện Văn Giang", FK.HEALTH_CENTRE, "Văn Giang", True),
    ("ttyt-ym", "Trung tâm Y tế huyện Yên Mỹ", FK.HEALTH_CENTRE, "Yên Mỹ", True),
    ("ttyt-mh", "Trung tâm Y tế thị xã Mỹ Hào", FK.HEALTH_CENTRE, "Mỹ Hào", True),
    ("ttyt-kc", "Trung tâm Y tế huyện Khoái Châu", FK.HEALTH_CENTRE, "Khoái Châu", True),
    ("ttyt-kd", "Trung tâm Y tế huyện Kim Động", FK.HEALTH_CENTRE, "Lương Bằng", True),
    ("ttyt-at", "Trung tâm Y tế huyện Ân Thi", FK.HEALTH_CENTRE, "Ân Thi", True),
    ("ttyt-tl", "Trung tâm Y tế huyện Tiên Lữ", FK.HEALTH_CENTRE, "Hoàng Hoa Thám", True),
    ("ttyt-pc", "Trung tâm Y tế huyện Phù Cừ", FK.HEALTH_CENTRE, "Tống Trân", True),
    # Invented private clinics (names made up for the demo).
    ("pk-anbinh", "Phòng khám đa khoa An Bình Văn Lâm", FK.CLINIC, "Lạc Đạo", False),
    ("pk-thanhcong", "Phòng khám đa khoa Thành Công Yên Mỹ", FK.CLINIC, "Yên Mỹ", False),
    ("pk-hongphat", "Phòng khám chẩn đoán hình ảnh Hồng Phát", FK.CLINIC, "Mỹ Hào", False),
    ("nk-anhduong", "Nha khoa Ánh Dương Phố Hiến", FK.DENTAL, "Phố Hiến", False),
    ("nk-tamduc", "Nha khoa Tâm Đức Mỹ Hào", FK.DENTAL, "Mỹ Hào", False),
    ("pk-songhong", "Phòng khám đa khoa Sông Hồng Khoái Châu", FK.CLINIC, "Khoái Châu", False),
    ("pk-phuclam", "Phòng khám đa khoa Phúc Lâm Ân Thi", FK.CLINIC, "Ân Thi", False),
    ("nk-minhchau", "Phòng khám răng hàm mặt Minh Châu", FK.DENTAL, "Văn Giang", False),
    ("pk-hoangan", "Phòng khám đa khoa Hoàng An Tiên Lữ", FK.CLINIC, "Tiên Lữ", False),
    ("bvdk-tb", "Bệnh viện Đa khoa tỉnh Thái Bình", FK.HOSPITAL, "Thái Bình", True),
]

# Devices per facility: (kind, manufacturer, model, year made, kV max, mA max, room, last verified).
DEVICES: dict[str, list[tuple[str, str, str, int, int, int, str, dt.date]]] = {
    "bvdk": [
        (DK.CT, "Siemens Healthineers", "Somatom go.Up", 2019, 130, 345, "Phòng CT 1", dt.date(2025, 12, 10)),
        (DK.GENERAL, "Shimadzu", "RADspeed Pro", 2018, 150, 800, "Phòng X-quang 1", dt.date(2025, 3, 4)),
        (DK.C_ARM, "GE Healthcare", "OEC 3D", 2021, 120, 150, "Phòng mổ 2", dt.date(2026, 2, 20)),
        (DK.MAMMOGRAPHY, "Fujifilm", "Amulet Innovality", 2020, 39, 200, "Phòng chụp vú", dt.date(2025, 5, 12)),
    ],
    "phonoi": [
        (DK.CT, "GE Healthcare", "Revolution ACT", 2020, 130, 250, "Phòng CT", dt.date(2026, 1, 15)),
        (DK.GENERAL, "Philips", "DigitalDiagnost C50", 2019, 150, 630, "Phòng X-quang", dt.date(2025, 6, 18)),
        (DK.MOBILE, "Shimadzu", "MobileDaRt Evolution", 2021, 133, 320, "Khoa Hồi sức", dt.date(2025, 6, 18)),
    ],
    "sannhi": [
        (DK.GENERAL, "Fujifilm", "FDR Smart X", 2021, 150, 630, "Phòng X-quang", dt.date(2025, 4, 9)),
        (DK.MOBILE, "DRGEM", "TOPAZ", 2022, 125, 320, "Khoa Sơ sinh", dt.date(2025, 4, 9)),
    ],
    "yhct": [(DK.GENERAL, "Shimadzu", "UD150B-40", 2016, 150, 500, "Phòng X-quang", dt.date(2025, 8, 22))],
    "cdc": [(DK.GENERAL, "DRGEM", "GXR-52SD", 2020, 150, 640, "Phòng X-quang", dt.date(2025, 9, 3))],
    "ttyt-tp": [(DK.GENERAL, "Shimadzu", "RADspeed", 2017, 150, 500, "Phòng X-quang", dt.date(2025, 7, 1))],
    "ttyt-vl": [
        (DK.GENERAL, "Philips", "Essenta DR", 2019, 150, 500, "Phòng X-quang", dt.date(2025, 2, 17)),
        (DK.CT, "Canon Medical", "Aquilion Lightning", 2021, 135, 300, "Phòng CT", dt.date(2026, 3, 2)),
    ],
    "ttyt-vg": [(DK.GENERAL, "DRGEM", "GXR-40S", 2018, 150, 500, "Phòng X-quang", dt.date(2025, 10, 14))],
    "ttyt-ym": [(DK.GENERAL, "Shimadzu", "RADspeed Pro", 2020, 150, 800, "Phòng X-quang", dt.date(2025, 11, 5))],
    "ttyt-mh": [(DK.GENERAL, "Fujifilm", "FDR Smart X", 2022, 150, 630, "Phòng X-quang", dt.date(2025, 1, 23))],
    "ttyt-kc": [
        (DK.GENERAL, "Philips", "DigitalDiagnost C50", 2021, 150, 630, "Phòng X-quang", dt.date(2025, 3, 30)),
        (DK.CT, "Siemens Healthineers", "Somatom go.Now", 2022, 130, 345, "Phòng CT", dt.date(2026, 4, 8)),
    ],
    "ttyt-kd": [(DK.GENERAL, "DRGEM", "GXR-52SD", 2019, 150, 640, "Phòng X-quang", dt.date(2025, 5, 20))],
    "ttyt-at": [(DK.GENERAL, "Shimadzu", "UD150B-40", 2015, 150, 500, "Phòng X-quang", dt.date(2025, 9, 9))],
    "ttyt-tl": [(DK.GENERAL, "Carestream", "DRX-Ascend", 2020, 150, 630, "Phòng X-quang", dt.date(2025, 6, 2))],
    "ttyt-pc": [(DK.GENERAL, "DRGEM", "GXR-40S", 2018, 150, 500, "Phòng X-quang", dt.date(2025, 8, 11))],
    "pk-anbinh": [(DK.GENERAL, "DRGEM", "GXR-32", 2017, 150, 400, "Phòng X-quang", dt.date(2025, 4, 25))],
    "pk-thanhcong": [
        (DK.GENERAL, "Shimadzu", "RADspeed", 2016, 150, 500, "Phòng X-quang", dt.date(2025, 7, 17)),
        (DK.BONE_DENSITOMETRY, "Hologic", "Horizon Ci", 2021, 140, 5, "Phòng đo loãng xương", dt.date(2025, 7, 17)),
    ],
    "pk-hongphat": [
        (DK.CT, "Canon Medical", "Aquilion Start", 2022, 135, 250, "Phòng CT", dt.date(2025, 12, 18)),
        (DK.GENERAL, "Fujifilm", "FDR Smart X", 2022, 150, 630, "Phòng X-quang", dt.date(2025, 12, 18)),
    ],
    "nk-anhduong": [(DK.PANORAMIC, "Vatech", "PaX-i", 2019, 90, 10, "Phòng chụp phim", dt.date(2024, 6, 12))],
    "nk-tamduc": [
        (DK.PANORAMIC, "Planmeca", "ProMax 2D", 2020, 84, 16, "Phòng chụp phim", dt.date(2025, 2, 6)),
        (DK.DENTAL, "Planmeca", "ProX", 2021, 70, 8, "Phòng điều trị 1", dt.date(2025, 2, 6)),
    ],
    "pk-songhong": [(DK.GENERAL, "DRGEM", "GXR-32", 2018, 150, 400, "Phòng X-quang", dt.date(2025, 10, 2))],
    "pk-phuclam": [(DK.GENERAL, "Shimadzu", "UD150B-40", 2014, 150, 500, "Phòng X-quang", dt.date(2025, 3, 13))],
    "nk-minhchau": [(DK.PANORAMIC, "Vatech", "PaX-i3D Smart", 2022, 99, 16, "Phòng chụp phim", dt.date(2025, 9, 29))],
    "pk-hoangan": [(DK.GENERAL, "DRGEM", "GXR-40S", 2019, 150, 500, "Phòng X-quang", dt.date(2025, 5, 7))],
    "bvdk-tb": [
        (DK.CT, "Siemens Healthineers", "Somatom Definition Edge", 2019, 140, 800, "Phòng CT 2", dt.date(2026, 5, 19)),
        (DK.GENERAL, "Philips", "DigitalDiagnost C90", 2021, 150, 800, "Phòng X-quang 3", dt.date(2025, 5, 19)),
    ],
}

# Licences before 2023 that 2023 renews or re-issues: (number, facility, issue date).
EARLIER_LICENCES = [
    ("03/2020/GP-SKHCN", "ttyt-vl", dt.date(2020, 2, 14)),
    ("07/2020/GP-SKHCN", "ttyt-vg", dt.date(2020, 4, 2)),
    ("11/2020/GP-SKHCN", "ttyt-kd", dt.date(2020, 6, 19)),
    ("15/2020/GP-SKHCN", "ttyt-at", dt.date(2020, 8, 27)),
    ("18/2020/GP-SKHCN", "pk-songhong", dt.date(2020, 10, 8)),
    ("21/2021/GP-SKHCN", "ttyt-pc", dt.date(2021, 2, 4)),
    ("09/2021/GP-SKHCN", "pk-phuclam", dt.date(2021, 5, 11)),
    ("14/2022/GP-SKHCN", "nk-minhchau", dt.date(2022, 7, 22)),
]

# The 28 licences of 2023 in issue order: (facility, kind, issue date, previous licence number or
# None; "new:<facility>" names that facility's 2023 new licence).
LICENCES_2023: list[tuple[str, str, dt.date, str | None]] = [
    ("bvdk", LK.NEW, dt.date(2023, 1, 12), None),
    ("ttyt-vl", LK.RENEWAL, dt.date(2023, 1, 18), "03/2020/GP-SKHCN"),
    ("phonoi", LK.NEW, dt.date(2023, 2, 9), None),
    ("sannhi", LK.NEW, dt.date(2023, 2, 23), None),
    ("ttyt-vg", LK.RENEWAL, dt.date(2023, 3, 10), "07/2020/GP-SKHCN"),
    ("yhct", LK.NEW, dt.date(2023, 3, 28), None),
    ("cdc", LK.NEW, dt.date(2023, 4, 13), None),
    ("ttyt-tp", LK.NEW, dt.date(2023, 4, 27), None),
    ("ttyt-kd", LK.RENEWAL, dt.date(2023, 5, 25), "11/2020/GP-SKHCN"),
    ("ttyt-ym", LK.NEW, dt.date(2023, 6, 6), None),
    ("bvdk", LK.AMENDMENT, dt.date(2023, 6, 20), "new:bvdk"),
    ("ttyt-mh", LK.NEW, dt.date(2023, 7, 4), None),
    ("ttyt-at", LK.RENEWAL, dt.date(2023, 7, 31), "15/2020/GP-SKHCN"),
    ("ttyt-kc", LK.NEW, dt.date(2023, 8, 8), None),
    ("phonoi", LK.AMENDMENT, dt.date(2023, 8, 22), "new:phonoi"),
    ("ttyt-tl", LK.NEW, dt.date(2023, 9, 5), None),
    ("pk-songhong", LK.RENEWAL, dt.date(2023, 9, 14), "18/2020/GP-SKHCN"),
    ("pk-anbinh", LK.NEW, dt.date(2023, 9, 26), None),
    ("pk-phuclam", LK.REISSUE, dt.date(2023, 10, 10), "09/2021/GP-SKHCN"),
    ("pk-thanhcong", LK.NEW, dt.date(2023, 10, 17), None),
    ("cdc", LK.AMENDMENT, dt.date(2023, 10, 30), "new:cdc"),
    ("nk-minhchau", LK.REISSUE, dt.date(2023, 11, 7), "14/2022/GP-SKHCN"),
    ("nk-tamduc", LK.NEW, dt.date(2023, 11, 14), None),
    ("pk-hoangan", LK.NEW, dt.date(2023, 11, 21), None),
    ("ttyt-pc", LK.RENEWAL, dt.date(2023, 12, 5), "21/2021/GP-SKHCN"),
    ("pk-hongphat", LK.NEW, dt.date(2023, 12, 8), None),
    ("ttyt-tp", LK.REISSUE, dt.date(2023, 12, 14), "new:ttyt-tp"),
    ("nk-anhduong", LK.NEW, dt.date(2023, 12, 19), None),
]

# Invented clinics whose licence lapses in the demo (expired, not renewed): never a real name.
LAPSED = {"pk-hoangan"}
# Licences expiring before this day are renewed in 2026; later ones are still running (and the
# reminders show the ones due within 90 days of the demo's autumn 2026).
RENEW_BEFORE = dt.date(2026, 11, 1)

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô", "Dương", "Đinh"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Ngọc", "Hữu", "Thanh", "Xuân"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dung",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Huyền",
    "Khoa",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quyên",
    "Sơn",
    "Thảo",
    "Trung",
    "Tuấn",
    "Yến",
]

TRAININGS = [
    (
        dt.date(2023, 5, 18),
        "Tập huấn an toàn bức xạ trong chẩn đoán hình ảnh y tế cho người phụ trách an toàn",
        Training.Audience.FACILITIES,
        24,
        "Phố Hiến",
    ),
    (
        dt.date(2023, 8, 10),
        "Bồi dưỡng kiến thức an toàn bức xạ, hạt nhân cho công chức của Sở",
        Training.Audience.STAFF,
        15,
        "Phố Hiến",
    ),
    (
        dt.date(2023, 9, 21),
        "Phổ biến văn bản quy phạm pháp luật về an toàn bức xạ cho cơ sở X-quang tư nhân",
        Training.Audience.FACILITIES,
        18,
        "Mỹ Hào",
    ),
    (dt.date(2023, 11, 9), "Tập huấn ứng phó sự cố bức xạ, hạt nhân cấp tỉnh", Training.Audience.OTHER, 12, "Phố Hiến"),
]

# --- Survey geography (rough, demo only) ---------------------------------------------------------

# Old districts: code -> (lat, lon) of a rough centre. Thái Bình's are listed so that the Luộc
# river side of old Hưng Yên is drawn by nearness; the 2023 survey keeps old Hưng Yên's only.
DISTRICT_CENTRES: dict[str, tuple[float, float]] = {
    "323": (20.655, 106.055),
    "325": (20.980, 106.040),
    "326": (20.930, 105.945),
    "327": (20.880, 106.020),
    "328": (20.930, 106.100),
    "329": (20.820, 106.100),
    "330": (20.830, 105.975),
    "331": (20.740, 106.030),
    "332": (20.680, 106.130),
    "333": (20.710, 106.200),
    "336": (20.450, 106.340),
    "338": (20.650, 106.360),
    "339": (20.590, 106.220),
    "340": (20.550, 106.350),
    "341": (20.560, 106.530),
    "342": (20.400, 106.530),
    "343": (20.400, 106.420),
    "344": (20.430, 106.280),
}
OLD_HUNG_YEN = {"323", "325", "326", "327", "328", "329", "330", "331", "332", "333"}

# Old communes in the unit table: code -> rough (lat, lon).
COMMUNE_CENTRES: dict[str, tuple[float, float]] = {
    "11950": (20.668, 106.072),
    "11953": (20.652, 106.052),
    "11956": (20.665, 106.050),
    "11959": (20.650, 106.061),
    "11962": (20.643, 106.052),
    "11965": (20.657, 106.064),
    "11968": (20.640, 106.062),
    "11971": (20.680, 106.048),
    "11974": (20.675, 106.080),
    "11977": (20.638, 106.090),
    "11980": (20.622, 106.045),
    "11983": (20.690, 106.070),
    "12331": (20.702, 106.088),
    "12334": (20.690, 106.097),
    "12388": (20.612, 106.060),
    "12103": (20.935, 106.085),
    "12118": (20.946, 106.106),
    "12121": (20.915, 106.116),
    "12127": (20.900, 106.080),
    "12130": (20.926, 106.122),
    "11986": (20.985, 105.995),
    "11989": (20.975, 106.030),
    "12001": (20.996, 106.016),
    "12040": (20.905, 105.945),
    "12058": (20.905, 106.015),
    "12067": (20.880, 106.055),
    "12166": (20.835, 106.120),
    "12208": (20.860, 105.985),
    "12217": (20.800, 105.950),
    "12238": (20.820, 106.000),
    "12256": (20.840, 105.965),
    "12280": (20.740, 106.030),
    "12337": (20.665, 106.135),
    "12340": (20.655, 106.150),
    "12346": (20.670, 106.115),
    "12355": (20.650, 106.125),
    "12367": (20.685, 106.150),
    "12421": (20.690, 106.215),
    "12427": (20.700, 106.240),
    "12430": (20.675, 106.230),
}
COMMUNE_RADIUS_KM = 2.5

# Median background by land use (nSv/h): paddy and river sand lower, built-up ground higher.
LAND_USE_MEDIANS = {
    MeasurementPoint.LandUse.PADDY: 86,
    MeasurementPoint.LandUse.CROPLAND: 92,
    MeasurementPoint.LandUse.ROAD: 101,
    MeasurementPoint.LandUse.RESIDENTIAL: 104,
    MeasurementPoint.LandUse.RIVER_BANK: 80,
    MeasurementPoint.LandUse.INDUSTRIAL: 112,
}
LAND_USE_WEIGHTS = [38, 14, 14, 22, 6, 6]

REFORM_DATE = dt.date(2025, 7, 1)
SURVEY_CODE = "HY-2023"
SURVEY_POINTS = 3500
SEED = 2023
INSTRUMENTS = [
    ("Atomtex AT1121 – số máy 40518", dt.date(2023, 2, 15)),
    ("Polimaster PM1610 – số máy 23117", dt.date(2023, 3, 2)),
]


def _user() -> User | None:
    return User.objects.filter(username="atbx").first() or User.objects.filter(is_superuser=True).order_by("pk").first()


def _unit(name: str) -> AdministrativeUnit | None:
    return (
        AdministrativeUnit.objects.filter(
            level=AdministrativeUnit.Level.COMMUNE, valid_to__isnull=True, parent__code="33", name__iendswith=name
        )
        .order_by("code")
        .first()
    )


def _person_name(rng: random.Random) -> str:
    middle = rng.choice(MIDDLE)
    return f"{rng.choice(SURNAMES)} {middle} {rng.choice(GIVEN)}"


@demo.register
def load() -> str:
    by = _user()
    if by is None:
        return "bỏ qua: chưa có tài khoản atbx hoặc quản trị (chạy dữ liệu mẫu danh bạ trước)"
    counts = {"cơ sở": 0, "thiết bị": 0, "giấy phép": 0, "chứng chỉ": 0, "tập huấn": 0, "điểm đo": 0}
    facilities = _facilities(by, counts)
    _licences(by, facilities, counts)
    _certificates(by, facilities, counts)
    _trainings(by, facilities, counts)
    _survey(by, counts)
    return "; ".join(f"{n} {label} mới" for label, n in counts.items())


def _facilities(by: User, counts: dict[str, int]) -> dict[str, RadiationFacility]:
    found: dict[str, RadiationFacility] = {}
    for number, (key, name, kind, unit_name, real) in enumerate(FACILITIES, start=1):
        facility = RadiationFacility.objects.filter(name=name).first()
        if facility is None:
            unit = _unit(unit_name)
            organisation, _created = Organisation.objects.get_or_create(
                name=name,
                defaults={
                    "kind": OK.OTHER if real else OK.ENTERPRISE,
                    "address": f"{unit.name}, tỉnh Hưng Yên" if unit else "Tỉnh Hưng Yên",
                    "administrative_unit": unit,
                },
            )
            facility = services.facility_save(
                facility=RadiationFacility(
                    code=f"HY-BX-{number:03d}",
                    name=name,
                    kind=kind,
                    organisation=organisation,
                    address=organisation.address,
                    administrative_unit=unit,
                    # Only invented clinics get a (fictional) address for reminders to the licensee.
                    email="" if real else f"{key}@example.vn",
                ),
                by=by,
            )
            counts["cơ sở"] += 1
        found[key] = facility
        for index, (dkind, maker, model, year, kv, ma, room, verified) in enumerate(DEVICES.get(key, []), start=1):
            serial = f"{maker[:2].upper()}{year % 100:02d}{number:03d}{index:02d}"
            if not Device.objects.filter(facility=facility, serial=serial).exists():
                services.device_save(
                    device=Device(
                        facility=facility,
                        kind=dkind,
                        manufacturer=maker,
                        model=model,
                        serial=serial,
                        year_made=year,
                        kv_max=kv,
                        ma_max=ma,
                        room=room,
                        last_verified_on=verified,
                        verification_body="Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng (mẫu)",
                    ),
                    by=by,
                )
                counts["thiết bị"] += 1
    return found


def _issue(by: User, counts: dict[str, int], number: str, **kwargs: Any) -> RadiationLicence:
    existing = RadiationLicence.objects.filter(number=number).first()
    if existing is not None:
        return existing
    counts["giấy phép"] += 1
    return services.licence_issue(number=number, by=by, **kwargs)


def _licences(by: User, facilities: dict[str, RadiationFacility], counts: dict[str, int]) -> None:
    by_number: dict[str, RadiationLicence] = {}
    new_of: dict[str, RadiationLicence] = {}
    for number, key, issued in EARLIER_LICENCES:
        facility = facilities[key]
        by_number[number] = _issue(
            by,
            counts,
            number,
            facility=facility,
            issue_date=issued,
            devices=list(facility.devices.all()),
            signer="Phó Giám đốc Sở",
            conditions="Chỉ sử dụng thiết bị tại phòng đã được thẩm định che chắn.",
        )
    for order, (key, kind, issued, previous_ref) in enumerate(LICENCES_2023, start=1):
        facility = facilities[key]
        number = f"{order:02d}/2023/GP-SKHCN"
        fields = {
            "facility": facility,
            "issue_date": issued,
            "kind": kind,
            "received_on": issued - dt.timedelta(days=21),
            "signer": "Phó Giám đốc Sở",
            "worker_count": 2 + len(DEVICES.get(key, [])) * 2,
            "conditions": "Chỉ sử dụng thiết bị tại phòng đã được thẩm định che chắn; định kỳ kiểm định theo quy định.",
            "appraisal_fee": 1_500_000 * max(1, len(DEVICES.get(key, []))) * (75 if kind == LK.RENEWAL else 100) // 100,
        }
        if previous_ref is None:
            licence = _issue(by, counts, number, devices=list(facility.devices.all()), **fields)
            new_of[key] = licence
        else:
            previous = new_of[key] if previous_ref.startswith("new:") else by_number[previous_ref]
            previous = _latest(previous)
            licence = _issue(by, counts, number, previous=previous, devices=list(facility.devices.all()), **fields)
        by_number[number] = licence

    # 2026: licences coming to their end are renewed (from the latest of each chain), except the
    # invented clinics left to lapse; the Thái Bình hospital, in the province since 07/2025, gets
    # its first licence from the merged department.
    # Numbers run per year from 01 (2024 and 2025 hold only these renewals in the demo).
    serial: dict[int, int] = {}
    heads = [lic for lic in by_number.values() if not lic.followers.exists() and lic.issue_date.year == 2023]
    for licence in sorted(heads, key=lambda lic: lic.expiry_date):
        facility_key = next(k for k, f in facilities.items() if f.pk == licence.facility_id)
        if licence.expiry_date >= RENEW_BEFORE or facility_key in LAPSED:
            continue
        issued = licence.expiry_date - dt.timedelta(days=20)
        serial[issued.year] = serial.get(issued.year, 0) + 1
        number = f"{serial[issued.year]:02d}/{issued.year}/GP-SKHCN"
        if RadiationLicence.objects.filter(number=number).exists():
            continue
        counts["giấy phép"] += 1
        services.licence_renew(
            licence=licence,
            number=number,
            issue_date=issued,
            by=by,
            received_on=issued - dt.timedelta(days=40),
            signer="Phó Giám đốc Sở",
        )
    tb = facilities["bvdk-tb"]
    _issue(
        by,
        counts,
        "40/2026/GP-SKHCN",
        facility=tb,
        issue_date=dt.date(2026, 3, 16),
        devices=list(tb.devices.all()),
        received_on=dt.date(2026, 2, 20),
        signer="Phó Giám đốc Sở",
        worker_count=9,
    )


def _latest(licence: RadiationLicence) -> RadiationLicence:
    while True:
        follower = licence.followers.order_by("-issue_date").first()
        if follower is None:
            return licence
        licence = follower


def _certificates(by: User, facilities: dict[str, RadiationFacility], counts: dict[str, int]) -> None:
    rng = random.Random(SEED + 1)
    keys = [key for key, *_rest in FACILITIES if key != "bvdk-tb"]
    for n in range(1, 25):
        number = f"{n:03d}/2023/CC-NVBX"
        name = _person_name(rng)
        key = keys[(n * 7) % len(keys)]
        issued = dt.date(2023, 1 + (n - 1) // 2, 5 + (n * 3) % 20)
        if WorkerCertificate.objects.filter(number=number).exists():
            continue
        kind = WorkerCertificate.Kind.SAFETY_OFFICER if n % 4 == 0 else WorkerCertificate.Kind.WORKER
        services.certificate_save(
            certificate=WorkerCertificate(
                number=number,
                kind=kind,
                full_name=name,
                birth_date=dt.date(1970 + rng.randrange(30), rng.randrange(1, 13), rng.randrange(1, 28)),
                facility=facilities[key],
                position="Kỹ thuật viên X-quang"
                if kind == WorkerCertificate.Kind.WORKER
                else "Người phụ trách an toàn",
                issue_date=issued,
            ),
            by=by,
        )
        counts["chứng chỉ"] += 1


def _trainings(by: User, facilities: dict[str, RadiationFacility], counts: dict[str, int]) -> None:
    for date, topic, audience, count, place in TRAININGS:
        if Training.objects.filter(date=date, topic=topic).exists():
            continue
        training = services.training_save(
            training=Training(
                date=date,
                topic=topic,
                audience=audience,
                organiser="Sở Khoa học và Công nghệ tỉnh Hưng Yên",
                location=f"Hội trường, {place}",
                administrative_unit=_unit(place),
                trainee_count=count,
                participants=""
                if audience == Training.Audience.STAFF
                else "\n".join(name for _k, name, *_r in FACILITIES[:count]),
            ),
            by=by,
        )
        if audience != Training.Audience.STAFF:
            training.facilities.set(list(facilities.values())[: min(count, 24)])
        counts["tập huấn"] += 1


# --- The 2023 survey -----------------------------------------------------------------------------


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    mean_lat = math.radians((a[0] + b[0]) / 2)
    return 111.2 * math.hypot(a[0] - b[0], (a[1] - b[1]) * math.cos(mean_lat))


def _survey(by: User, counts: dict[str, int]) -> None:
    contractor = Organisation.objects.filter(name="Trung tâm Ứng dụng tiến bộ khoa học và công nghệ Hưng Yên").first()
    survey = Survey.objects.filter(code=SURVEY_CODE).first()
    if survey is None:
        survey = services.survey_save(
            survey=Survey(
                code=SURVEY_CODE,
                name="Điều tra, xây dựng bộ dữ liệu phông phóng xạ môi trường tỉnh Hưng Yên năm 2023",
                start_date=dt.date(2023, 4, 3),
                end_date=dt.date(2023, 11, 24),
                contractor=contractor,
                method="Đo suất liều gamma môi trường tại độ cao 1 m bằng máy đo cầm tay (ống đếm GM bù năng lượng), "
                "trung bình 5 lần đọc tại mỗi điểm; định vị GPS cầm tay (WGS84).",
            ),
            by=by,
        )
    existing = set(MeasurementPoint.objects.filter(survey=survey).values_list("code", flat=True))
    if len(existing) >= SURVEY_POINTS:
        return
    points = _generate_points(survey)
    mapper = services.UnitMapper()
    fresh = []
    for point in points:
        if point.code in existing:
            continue
        errors = point_errors(
            latitude=point.latitude,
            longitude=point.longitude,
            raw_value=point.raw_value,
            raw_unit=point.raw_unit,
            measured_on=point.measured_on,
            calibrated_on=point.instrument_calibrated_on,
            max_nsv_h=100_000,
        )
        if errors:  # the generator draws inside the outline; this is a guard, not a filter
            raise AssertionError(f"{point.code}: {errors}")
        fresh.append(services.point_derive(point, mapper))
    bulk_create_with_history(
        fresh,
        MeasurementPoint,
        batch_size=500,
        default_user=by,
        default_change_reason="Dữ liệu mẫu: đợt quan trắc 2023",
    )
    counts["điểm đo"] += len(fresh)


def _generate_points(survey: Survey) -> list[MeasurementPoint]:
    """3,500 points inside today's outline and nearest to an old Hưng Yên district, with values
    drawn around the land use's median (lognormal, GSD 1.18, kept within 50–200 nSv/h), a few
    clear hot spots above the threshold and two local anomalies (3.3× their commune's median)."""
    rng = random.Random(SEED)
    outline = geo.province_outline()
    min_lon, min_lat, max_lon, max_lat = outline.bbox
    units = {
        (u.level, u.code): u
        # Units in force in 2023 (old Mỹ Hào was a district until 2019 and a town after: two units).
        for u in AdministrativeUnit.objects.filter(valid_to=REFORM_DATE, code__in=[*DISTRICT_CENTRES, *COMMUNE_CENTRES])
    }
    land_uses = list(LAND_USE_MEDIANS)
    drawn: list[tuple[float, float, str, AdministrativeUnit | None]] = []
    while len(drawn) < SURVEY_POINTS:
        lat, lon = rng.uniform(min_lat, max_lat), rng.uniform(min_lon, max_lon)
        if not outline.contains(lat, lon):
            continue
        district = min(DISTRICT_CENTRES, key=lambda code: _km((lat, lon), DISTRICT_CENTRES[code]))
        if district not in OLD_HUNG_YEN:
            continue
        commune = min(COMMUNE_CENTRES, key=lambda code: _km((lat, lon), COMMUNE_CENTRES[code]))
        if _km((lat, lon), COMMUNE_CENTRES[commune]) <= COMMUNE_RADIUS_KM:
            unit = units.get((AdministrativeUnit.Level.COMMUNE, commune))
        else:
            unit = units.get((AdministrativeUnit.Level.DISTRICT, district))
        drawn.append((lat, lon, district, unit))

    start = survey.start_date
    days = (survey.end_date - start).days if survey.end_date else 200
    points: list[MeasurementPoint] = []
    for index, (lat, lon, _district, unit) in enumerate(drawn, start=1):
        land_use = rng.choices(land_uses, weights=LAND_USE_WEIGHTS)[0]
        value = LAND_USE_MEDIANS[land_use] * math.exp(rng.gauss(0, math.log(1.18)))
        value = min(200.0, max(50.0, value))
        instrument, calibrated = INSTRUMENTS[index % 2]
        # One team wrote nSv/h, the other µSv/h: the import keeps both and normalises.
        if index % 7 == 0:
            raw_value, raw_unit = Decimal(round(value)), "nSv/h"
        else:
            raw_value, raw_unit = Decimal(f"{value / 1000:.3f}"), "µSv/h"
        place = unit.name if unit else ""
        points.append(
            MeasurementPoint(
                survey=survey,
                code=f"{SURVEY_CODE}-{index:05d}",
                measured_on=start + dt.timedelta(days=rng.randrange(days + 1)),
                latitude=Decimal(f"{lat:.6f}"),
                longitude=Decimal(f"{lon:.6f}"),
                place_name=f"{MeasurementPoint.LandUse(land_use).label}, {place}".strip(", "),
                unit_named=unit,
                land_use=land_use,
                height_m=Decimal("1.00"),
                instrument=instrument,
                instrument_calibrated_on=calibrated,
                raw_value=raw_value,
                raw_unit=raw_unit,
                measured_by=f"Tổ đo số {1 + index % 2}",
            )
        )

    # Hot spots: clearly above the 300 nSv/h threshold (a slag dump, a stockpile of imported
    # granite at an industrial site, a sandy river bank); places, not named firms.
    for position, value, note in (
        (123, 560, "Bãi xỉ cũ"),
        (1456, 420, "Bãi đá granite tập kết"),
        (2890, 385, "Bãi cát ven sông"),
    ):
        point = points[position]
        point.raw_value, point.raw_unit = Decimal(f"{value / 1000:.3f}"), "µSv/h"
        point.note = note
    # Local anomalies: below the threshold but 3.25 times the median of the commune they name
    # (in communes whose median is low enough for that to stay under the threshold).
    by_unit: dict[int, list[float]] = {}
    for point in points:
        if point.unit_named is not None and point.raw_value is not None:
            by_unit.setdefault(point.unit_named.pk, []).append(float(to_nsv_h(point.raw_value, point.raw_unit)))
    medians = {pk: statistics.median(values) for pk, values in by_unit.items() if len(values) >= 5}
    anomalies, next_index = 0, 500
    for index, point in enumerate(points):
        unit = point.unit_named
        median = medians.get(unit.pk) if unit is not None else None
        if anomalies == 2 or index < next_index or unit is None or median is None or median > 90 or point.note:
            continue
        next_index = index + 1200
        value = round(3.25 * median)
        point.raw_value, point.raw_unit = Decimal(f"{value / 1000:.3f}"), "µSv/h"
        point.note = "Gần lò gạch thủ công cũ"
        medians.pop(unit.pk)  # one per commune
        anomalies += 1
    return points
