"""Demo standards and quality data for Hưng Yên, 2023.

Individual records from which metrics.py computes the report's figures: 43 announcements of
conformity to regulations and 18 to standards, 529 import registrations from 30 enterprises,
8 TCVN ISO 9001:2015 classes with 712 trainees, 38 businesses surveyed. Generated from a fixed
seed, so a second run adds nothing. Importers and surveyed businesses are invented: a
non-conforming lot, a late certificate or a failed sample is never shown for a real firm.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Model
from simple_history.utils import bulk_create_with_history

from khcn.core import demo
from khcn.directory.models import AdministrativeUnit, Organisation
from khcn.lib.text import fold
from khcn.registries.quality import rules
from khcn.registries.quality.models import (
    ConformityAnnouncement,
    DeadlineRule,
    ImportInspection,
    MarketSurvey,
    QualityTraining,
)
from khcn.registries.quality.selectors import RuleTable

YEAR = 2023
REASON = "Dữ liệu mẫu"
K = Organisation.Kind
QUATEST = "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 1"
QUACERT = "Trung tâm Chứng nhận Phù hợp (QUACERT)"

# (enterprise, product, brand/models, code) for hợp quy; QCVN codes of the Ministry of S&T.
REGULATION_PRODUCTS = [
    ("Công ty TNHH Thiết bị điện gia dụng Phố Nối", "Nồi cơm điện", "PN-18, PN-22", "QCVN 4:2009/BKHCN"),
    ("Công ty TNHH Thiết bị điện gia dụng Phố Nối", "Ấm đun nước siêu tốc", "PN-K17", "QCVN 4:2009/BKHCN"),
    ("Công ty Cổ phần Điện tử Minh Hưng", "Quạt điện", "MH-16, MH-18", "QCVN 4:2009/BKHCN"),
    ("Công ty Cổ phần Điện tử Minh Hưng", "Máy sấy tóc", "MH-S12", "QCVN 9:2012/BKHCN"),
    ("Công ty TNHH Chiếu sáng Văn Lâm", "Đèn LED chiếu sáng", "VL-LED 9W, 12W", "QCVN 19:2019/BKHCN"),
    ("Công ty TNHH Thép xây dựng Như Quỳnh", "Thép cốt bê tông", "D10–D32", "QCVN 7:2019/BKHCN"),
    (
        "Công ty TNHH Mũ bảo hiểm An Toàn Việt",
        "Mũ bảo hiểm cho người đi mô tô, xe máy",
        "AT-01, AT-02",
        "QCVN 2:2021/BKHCN",
    ),
    ("Công ty TNHH Đồ chơi trẻ em Hoa Sen", "Đồ chơi trẻ em", "HS-toys 2023", "QCVN 3:2019/BKHCN"),
    (
        "Công ty Cổ phần Daikin Air Conditioning (Việt Nam)",
        "Máy điều hòa không khí",
        "FTKY25, FTKY35",
        "QCVN 9:2012/BKHCN",
    ),
]
STANDARD_PRODUCTS = [
    ("Công ty Cổ phần Nhựa Hưng Long", "Ống nhựa PVC-U", "HL Ø21–Ø110", "TCVN 8491-2:2011"),
    ("Công ty TNHH Sơn Kim Động", "Sơn tường nhũ tương", "KD-Interior", "TCVN 8652:2020"),
    ("Công ty TNHH Dây cáp điện Tân Phú", "Cáp điện lực hạ thế", "CVV 2x1.5–4x25", "TCVN 5935-1:2013"),
    ("Công ty TNHH Bao bì Yên Mỹ", "Thùng carton sóng", "YM-3L, YM-5L", "TCVN 7063:2002"),
    ("Công ty Cổ phần Thực phẩm Nhãn lồng Phố Hiến", "Long nhãn sấy khô", "PH-200g", "TCVN 10393:2014"),
]
IMPORT_GOODS = [
    ("Thép cuộn cán nóng", "7208", "Trung Quốc", "tấn", "QCVN 7:2019/BKHCN", (20, 900)),
    ("Thép không gỉ dạng tấm", "7219", "Hàn Quốc", "tấn", "QCVN 20:2019/BKHCN", (5, 200)),
    ("Đồ chơi trẻ em bằng nhựa", "9503", "Trung Quốc", "chiếc", "QCVN 3:2019/BKHCN", (500, 20000)),
    ("Mũ bảo hiểm cho người đi mô tô, xe máy", "6506", "Thái Lan", "chiếc", "QCVN 2:2021/BKHCN", (200, 5000)),
    ("Máy sấy tóc", "8516", "Trung Quốc", "chiếc", "QCVN 4:2009/BKHCN", (100, 3000)),
    ("Đèn LED chiếu sáng", "9405", "Trung Quốc", "bộ", "QCVN 19:2019/BKHCN", (200, 8000)),
]
IMPORTER_NAMES = [
    "Công ty TNHH Xuất nhập khẩu {} ",
    "Công ty TNHH Thương mại {}",
    "Công ty Cổ phần Thép {}",
    "Công ty TNHH Đồ chơi {}",
    "Công ty TNHH Thiết bị điện {}",
]
PLACE_WORDS = [
    "Phố Nối",
    "Như Quỳnh",
    "Liêu Xá",
    "Minh Đức",
    "Tân Quang",
    "Đông Tảo",
    "Hồng Châu",
    "Sơn Nam",
    "Văn Giang",
    "Mỹ Hào",
    "Lạc Đạo",
    "Thăng Long",
]
TRAININGS = [95, 88, 102, 76, 90, 85, 96, 80]  # 712 trainees in 8 classes


def _orgs(names: Mapping[str, str]) -> dict[str, Organisation]:
    # Its own generator: how many organisations are missing must not shift the records' sequence.
    rng = random.Random(YEAR + 3)
    existing = {o.name: o for o in Organisation.objects.filter(name__in=list(names))}
    communes = list(
        AdministrativeUnit.objects.filter(
            level=AdministrativeUnit.Level.COMMUNE, valid_to__isnull=True, parent__code="33"
        ).order_by("code")
    )
    missing = [
        Organisation(
            name=name, name_folded=fold(name), kind=kind, administrative_unit=rng.choice(communes) if communes else None
        )
        for name, kind in sorted(names.items())
        if name not in existing
    ]
    bulk_create_with_history(missing, Organisation, batch_size=500, default_change_reason=REASON)
    existing.update({o.name: o for o in Organisation.objects.filter(name__in=[o.name for o in missing])})
    return existing


def _days(rng: random.Random, count: int) -> list[dt.date]:
    workdays = [
        d for d in (dt.date(YEAR, 1, 3) + dt.timedelta(n) for n in range(360)) if d.weekday() < 5 and d.year == YEAR
    ]
    return sorted(rng.choice(workdays) for _ in range(count))


def _create_missing(model: type[Model], objects: Sequence[Model], key: Callable[[Any], Any]) -> int:
    stored = {key(o) for o in model._default_manager.all()}
    missing = [o for o in objects if key(o) not in stored]
    bulk_create_with_history(missing, model, batch_size=500, default_change_reason=REASON)
    return len(missing)


@demo.register
def load() -> str:
    rules.load_deadline_rules()
    table = RuleTable.load()
    rng = random.Random(YEAR * 7)
    importers = sorted({template.format(place).strip() for template in IMPORTER_NAMES for place in PLACE_WORDS})
    importers = sorted(rng.sample(importers, 30))
    stations = [f"Cửa hàng xăng dầu số {n}" for n in range(131, 157)]  # 26 stations
    shops = [f"Cửa hàng điện máy {w}" for w in PLACE_WORDS]  # 12 shops
    names: dict[str, str] = {name: K.ENTERPRISE for name, *_rest in REGULATION_PRODUCTS + STANDARD_PRODUCTS}
    names.update(dict.fromkeys(importers + stations, K.ENTERPRISE))
    names.update(dict.fromkeys(shops, K.HOUSEHOLD_BUSINESS))
    names.update({QUATEST: K.STATE_AGENCY, QUACERT: K.STATE_AGENCY})
    orgs = _orgs(names)
    created = 0

    # Announcements: 43 to regulations, 18 to standards.
    validity = DeadlineRule.Kind.SELF_ASSESSMENT_VALIDITY
    announcements = []
    for kind, products, count in (
        (ConformityAnnouncement.Kind.REGULATION, REGULATION_PRODUCTS, 43),
        (ConformityAnnouncement.Kind.STANDARD, STANDARD_PRODUCTS, 18),
    ):
        for n, day in enumerate(_days(rng, count), start=1):
            enterprise, product, brand, code = products[(n - 1) % len(products)]
            certified = rng.random() < 0.6
            signed = day - dt.timedelta(days=rng.randint(5, 40))
            rule = table.on(validity, signed)
            expiry = day + dt.timedelta(days=rng.randint(300, 1000))
            prefix = "HQ" if kind == ConformityAnnouncement.Kind.REGULATION else "HC"
            announcements.append(
                ConformityAnnouncement(
                    kind=kind,
                    enterprise=orgs[enterprise],
                    product=product,
                    brand_models=brand,
                    standard_code=code,
                    basis=(
                        ConformityAnnouncement.Basis.CERTIFICATION
                        if certified
                        else ConformityAnnouncement.Basis.SELF_ASSESSMENT
                    ),
                    certifying_body=orgs[rng.choice([QUATEST, QUACERT])] if certified else None,
                    certificate_no=f"{rng.randint(1000, 9999)}/{YEAR}/CN" if certified else "",
                    certificate_expiry=expiry if certified else None,
                    self_assessment_date=None if certified else signed,
                    receipt_no=f"{n:03d}/{YEAR}/TB-{prefix}",
                    receipt_date=day,
                    valid_until=expiry if certified else (rule.apply(signed) if rule else None),
                )
            )
    created += _create_missing(ConformityAnnouncement, announcements, lambda a: a.receipt_no)

    # 529 import registrations from 30 importers; a few owe their certificate, a few fail.
    weights = [rng.randint(1, 40) for _ in importers]
    specialty = {importer: IMPORT_GOODS[i % len(IMPORT_GOODS)] for i, importer in enumerate(importers)}
    inspections = []
    for n, day in enumerate(_days(rng, 529), start=1):
        # Every importer registers at least once; after that, some far more often than others.
        importer = importers[n - 1] if n <= len(importers) else rng.choices(importers, weights)[0]
        goods, hs, origin, unit, code, (low, high) = specialty[importer]
        clearance = day + dt.timedelta(days=rng.randint(1, 4))
        rule = table.on(DeadlineRule.Kind.IMPORT_CERTIFICATE, clearance)
        due = rule.apply(clearance) if rule else None
        late = rng.random() < 0.025
        submitted = None if late or due is None else min(due, clearance + dt.timedelta(days=rng.randint(3, 18)))
        result = ""
        notice_date = None
        if submitted is not None:
            result = (
                ImportInspection.Result.NON_CONFORMING if rng.random() < 0.015 else ImportInspection.Result.CONFORMING
            )
            notice_date = submitted + dt.timedelta(days=rng.randint(1, 3))
        inspections.append(
            ImportInspection(
                registration_no=f"{n:04d}/{YEAR}/ĐKNK",
                registration_date=day,
                enterprise=orgs[importer],
                customs_declaration_no=f"10{rng.randint(10**9, 10**10 - 1)}",
                clearance_date=clearance,
                goods=goods,
                hs_code=hs,
                origin=origin,
                quantity=Decimal(rng.randint(low, high)),
                unit=unit,
                standard_code=code,
                certifying_body=orgs[QUATEST] if submitted else None,
                certificate_no=f"{rng.randint(100, 9999)}/{YEAR}/GCN-HQ" if submitted else "",
                certificate_due_on=due,
                certificate_submitted_on=submitted,
                result=result,
                result_notice_no=f"{n:04d}/{YEAR}/TB-KQ" if result else "",
                result_notice_date=notice_date,
            )
        )
    created += _create_missing(ImportInspection, inspections, lambda i: i.registration_no)

    # Market surveys: 26 petrol stations (some twice: RON 95 and E5) and 12 electrical shops.
    surveys = []
    for station in stations:
        for goods in ["Xăng RON 95-III", "Xăng E5 RON 92-II"][: rng.choice([1, 2])]:
            samples = rng.randint(1, 3)
            surveys.append((station, MarketSurvey.BusinessKind.PETROL_STATION, goods, "QCVN 1:2022/BKHCN", samples))
    for shop in shops:
        surveys.append(
            (
                shop,
                MarketSurvey.BusinessKind.ELECTRICAL_SHOP,
                "Dây và cáp điện, ổ cắm, phích cắm",
                "QCVN 4:2009/BKHCN",
                rng.randint(2, 6),
            )
        )
    survey_days = _days(rng, len(surveys))
    survey_rows = []
    for (business, business_kind, goods, code, samples), day in zip(surveys, survey_days, strict=True):
        failed = rng.choice([0, 0, 0, 0, 1]) if samples else 0
        survey_rows.append(
            MarketSurvey(
                survey_date=day,
                business=orgs[business],
                business_kind=business_kind,
                goods=goods,
                standard_code=code,
                sample_count=samples,
                failed_count=min(failed, samples),
                testing_lab=QUATEST,
                findings="Đạt yêu cầu." if not failed else "Có mẫu không đạt; đề nghị kiểm tra, xử lý theo quy định.",
            )
        )
    created += _create_missing(MarketSurvey, survey_rows, lambda s: (s.business_id, s.survey_date, s.goods))

    # Eight TCVN ISO 9001:2015 classes, 712 trainees.
    communes = list(
        AdministrativeUnit.objects.filter(
            level=AdministrativeUnit.Level.COMMUNE, valid_to__isnull=True, parent__code="33"
        ).order_by("code")
    )
    trainings = []
    for n, (trainees, day) in enumerate(zip(TRAININGS, _days(rng, len(TRAININGS)), strict=True), start=1):
        place = rng.choice(communes) if communes else None
        trainings.append(
            QualityTraining(
                name=f"Lớp đào tạo hệ thống quản lý chất lượng theo TCVN ISO 9001:2015, khóa {n}/{YEAR}",
                topic="TCVN ISO 9001:2015",
                start_date=day,
                end_date=day + dt.timedelta(days=2),
                location=f"Hội trường {place.name}" if place else "Sở Khoa học và Công nghệ",
                administrative_unit=place,
                audience="Cán bộ, công chức các cơ quan hành chính nhà nước",
                trainee_count=trainees,
            )
        )
    created += _create_missing(QualityTraining, trainings, lambda t: (t.name, t.start_date))
    return f"{created} bản ghi mới (công bố, hồ sơ nhập khẩu, khảo sát, lớp đào tạo năm {YEAR})"
