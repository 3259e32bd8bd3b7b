"""Synthetic national-scale data for the annual report benchmark (issue 7, "Performance").

Fills a PostgreSQL database (DATABASE_URL) with 34 provinces × 10 years (2016–2025) of records
for every registry the annual report reads. Scale 1.0 = national: ≥ 10 million metrology
verifications (with their ≈2.4 million instruments and the owners), 1 million radiation survey
points, 100,000 research tasks with their plans/plan items, contracts and disbursements, and the
other registries in proportion (licences, conformity announcements, import inspections,
inspections, sanctions, initiatives, technology opinions, IP support...). Smaller scales (0.01)
are for a quick check.

**Benchmark data only.** Rows are written with psycopg's COPY straight into the tables: no
services, no history rows (simple-history tables stay empty on purpose), and foreign-key
triggers are off during the load (`session_replication_role = replica`; our ids are consistent
by construction). Secondary indexes of the filled tables are dropped before the load and built
again afterwards, then every table is ANALYZEd. The target database must hold nothing but the
migrations, `load_units` and `load_classifications` (the generator refuses a database with
instruments already in it).

    DATABASE_URL=postgres://... .venv/bin/python manage.py generate_national --scale 0.01
    DATABASE_URL=postgres://... .venv/bin/python bench/national_data.py --scale 1.0
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

YEARS = list(range(2016, 2026))  # the ten report years
PLAN_YEARS = list(range(2016, 2027))  # plans exist for the year after the last report year too
FIRST_DAY = dt.date(2014, 1, 1)
LAST_DAY = dt.date(2031, 12, 31)
END_OF_DATA = dt.date(2025, 12, 31)

# Counts at scale 1.0 (national). Verifications are not listed: they follow from the instruments
# (each verified on its cycle until it is rejected or the data ends) and the generator keeps
# adding instruments until at least 10,000,000 × scale verifications exist.
BASE = {
    "organisations": 500_000,
    "persons": 200_000,
    "verifications": 10_000_000,
    "survey_points": 1_000_000,
    "facilities": 30_000,
    "licences": 80_000,
    "worker_certificates": 200_000,
    "radiation_trainings": 3_400,
    "tasks": 100_000,
    "proposals": 300_000,
    "announcements": 400_000,
    "import_inspections": 300_000,
    "market_surveys": 60_000,
    "quality_trainings": 3_400,
    "ip_cases": 40_000,
    "use_right_certificates": 20_000,
    "projects": 60_000,
    "opinions": 90_000,
    "transfer_certificates": 15_000,
    "workshops": 6_000,
    "appraisal_councils": 5_000,
    "inspections": 30_000,
    "initiatives": 150_000,
    "startup_supports": 20_000,
    "events": 6_000,
    "innovation_trainings": 6_000,
    "legal_documents": 20_000,
    "articles": 30_000,
}


def _setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khcn.settings")
    import django

    django.setup()


# --- COPY helpers ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


class Loader:
    """COPY rows into a model's table. The caller gives the interesting columns; every other
    column gets its model default, NULL when nullable, '' for text, now() for timestamps."""

    def __init__(self, conn: Any, now: str, log: Any) -> None:
        self.conn = conn
        self.now = now
        self.log = log
        self.counts: dict[str, int] = {}
        self.tables: list[Any] = []

    def _tail(self, model: Any, given: list[str]) -> tuple[list[str], str]:
        from django.db.models import NOT_PROVIDED

        columns: list[str] = []
        values: list[str] = []
        for f in model._meta.concrete_fields:
            if f.column in given:
                continue
            if f.column in ("created_at", "updated_at"):
                value: Any = self.now
            elif f.default is not NOT_PROVIDED and not callable(f.default):
                value = f.default.value if hasattr(f.default, "value") else f.default
            elif f.null:
                value = None
            elif f.get_internal_type() in (
                "CharField",
                "TextField",
                "SlugField",
                "FileField",
                "EmailField",
                "URLField",
            ):
                value = ""
            else:
                raise ValueError(f"{model.__name__}.{f.column}: no value and no default")
            columns.append(f.column)
            values.append(_text(value))
        return columns, ("\t" + "\t".join(values)) if values else ""

    def copy(self, model: Any, columns: list[str], rows: Iterable[Iterable[Any]]) -> int:
        table = model._meta.db_table
        extra, tail = self._tail(model, columns)
        names = ", ".join(f'"{c}"' for c in [*columns, *extra])
        n = 0
        start = time.perf_counter()
        buf: list[str] = []
        with self.conn.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as cp:
            for row in rows:
                buf.append("\t".join(map(_text, row)) + tail + "\n")
                n += 1
                if len(buf) >= 20_000:
                    cp.write("".join(buf))
                    buf.clear()
            if buf:
                cp.write("".join(buf))
        self.counts[table] = self.counts.get(table, 0) + n
        if model not in self.tables:
            self.tables.append(model)
        self.log(f"  {table}: {n:,} rows in {time.perf_counter() - start:.1f} s")
        return n


# --- The generator -----------------------------------------------------------------------------


class Generator:
    def __init__(self, scale: float, seed: int, log: Any) -> None:
        self.scale = scale
        self.rng = random.Random(seed)
        self.log = log
        self.days = [FIRST_DAY + dt.timedelta(days=i) for i in range((LAST_DAY - FIRST_DAY).days + 1)]
        self.iso = [d.isoformat() for d in self.days]
        self.year_start = {y: (dt.date(y, 1, 1) - FIRST_DAY).days for y in range(2014, 2028)}
        self.ids: dict[str, int] = defaultdict(int)
        self.year_weights = [1 + 0.06 * (y - 2016) for y in YEARS]  # activity grows a little every year

    # numbers and picks
    def n(self, key: str) -> int:
        return max(1, round(BASE[key] * self.scale))

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def day_in(self, year: int) -> int:
        return self.year_start[year] + self.rng.randrange(365)

    def pick_province(self) -> int:
        return self.rng.choices(self.province_ids, cum_weights=self.province_cum)[0]

    def pick_year(self) -> int:
        return self.rng.choices(YEARS, weights=self.year_weights)[0]

    def commune(self, province: int) -> int:
        return self.rng.choice(self.communes[province])

    def org_in(self, province: int, pool: str = "all") -> int:
        return self.rng.choice(self.orgs[pool][province])

    # ------------------------------------------------------------------------------------------
    def run(self, conn: Any, conn2: Any) -> dict[str, Any]:
        from django.utils import timezone

        now = timezone.now().isoformat()
        self.loader = Loader(conn, now, self.log)
        self.loader2 = Loader(conn2, now, self.log)
        timings: dict[str, float] = {}
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM metrology_instrument")
            if cur.fetchone()[0]:
                raise SystemExit("the database already holds instruments: generate into a fresh one")
        self._units(conn)
        steps = [
            ("directory", self.directory),
            ("metrology", self.metrology),
            ("radiation", self.radiation),
            ("research", self.research),
            ("quality", self.quality),
            ("ip", self.ip),
            ("technology", self.technology),
            ("inspections", self.inspections),
            ("initiatives", self.initiatives),
            ("innovation", self.innovation),
            ("legaldocs and news", self.legaldocs_news),
        ]
        for name, step in steps:
            start = time.perf_counter()
            self.log(f"{name}:")
            step()
            timings[name] = time.perf_counter() - start
        return timings

    def _units(self, conn: Any) -> None:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT id, code, name FROM directory_administrativeunit"
                " WHERE level = 'province' AND valid_to IS NULL ORDER BY code"
            )
            provinces = cur.fetchall()
            cur.execute(
                "SELECT id, parent_id FROM directory_administrativeunit"
                " WHERE level = 'commune' AND valid_to IS NULL AND parent_id IS NOT NULL"
            )
            communes: dict[int, list[int]] = defaultdict(list)
            for pk, parent in cur.fetchall():
                communes[parent].append(pk)
            for table in ("directory_organisation", "directory_person", "directory_officialdocument"):
                cur.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608 (our table names)
                self.ids[table] = cur.fetchone()[0]
            cur.execute('SELECT id FROM research_plangroup ORDER BY "order"')
            self.groups = [r[0] for r in cur.fetchall()]
            cur.execute("SELECT id FROM directory_taskform")
            self.forms = [r[0] for r in cur.fetchall()]
            cur.execute("SELECT id FROM directory_fieldofscience")
            self.fields = [r[0] for r in cur.fetchall()]
            cur.execute("SELECT id FROM councils_ruleset ORDER BY id LIMIT 1")
            self.rule_set = cur.fetchone()[0]
        if len(provinces) != 34:
            raise SystemExit(f"expected the 34 current provinces (manage.py load_units), found {len(provinces)}")
        if not self.forms or not self.fields or not self.groups:
            raise SystemExit("task forms, fields of science or plan groups missing (manage.py load_classifications)")
        self.provinces = {pk: (code, name) for pk, code, name in provinces}
        self.province_ids = [pk for pk, _c, _n in provinces]
        self.communes = {pk: communes[pk] for pk in self.province_ids}
        # Provinces of different sizes: by their number of communes, times a random factor, and
        # the two cities three times more active.
        weights = []
        for pk, code, _name in provinces:
            w = len(self.communes[pk]) * self.rng.lognormvariate(0, 0.5)
            if code in ("01", "79"):
                w *= 3
            weights.append(w)
        total = sum(weights)
        self.province_weight = {pk: w / total for pk, w in zip(self.province_ids, weights, strict=True)}
        acc = 0.0
        self.province_cum = []
        for w in weights:
            acc += w / total
            self.province_cum.append(acc)

    # --- directory: organisations and people, placed in today's communes
    def directory(self) -> None:
        from khcn.directory.models import OfficialDocument, Organisation, Person

        table = "directory_organisation"
        self.orgs: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        self.org_province: dict[int, int] = {}
        self.committee: dict[int, int] = {}
        self.department: dict[int, int] = {}
        rows = []
        for province, (_code, name) in self.provinces.items():
            for pool, kind, label in (
                ("committee", "state_agency", f"Ủy ban nhân dân {name}"),
                ("department", "state_agency", f"Sở Khoa học và Công nghệ {name}"),
                ("bodies", "state_agency", f"Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng {name}"),
                ("bodies", "enterprise", f"Công ty Kiểm định {name}"),
                ("bodies", "research_institute", f"Viện Đo lường {name}"),
            ):
                pk = self.next_id(table)
                self.orgs[pool][province].append(pk)
                self.org_province[pk] = province
                rows.append((pk, label, kind, province, label.lower()))
            self.committee[province] = self.orgs["committee"][province][0]
            self.department[province] = self.orgs["department"][province][0]
        kinds = (
            ["enterprise"] * 60
            + ["household_business"] * 30
            + ["research_institute"] * 3
            + ["university"] * 2
            + ["cooperative"] * 3
            + ["other"] * 2
        )
        for _ in range(self.n("organisations")):
            pk = self.next_id(table)
            province = self.pick_province()
            kind = self.rng.choice(kinds)
            self.org_province[pk] = province
            self.orgs["all"][province].append(pk)
            if kind in ("research_institute", "university"):
                self.orgs["hosts"][province].append(pk)
            label = f"Tổ chức {pk}"
            rows.append((pk, label, kind, self.commune(province), label.lower()))
        for province in self.province_ids:  # every province has someone to host a task
            if not self.orgs["hosts"][province]:
                self.orgs["hosts"][province].append(self.orgs["all"][province][0])
        self.loader.copy(Organisation, ["id", "name", "kind", "administrative_unit_id", "name_folded"], rows)

        table = "directory_person"
        self.persons: dict[int, list[int]] = defaultdict(list)
        rows = []
        all_orgs = list(self.org_province)
        for _ in range(self.n("persons")):
            pk = self.next_id(table)
            org = self.rng.choice(all_orgs)
            self.persons[self.org_province[org]].append(pk)
            rows.append((pk, f"Người {pk}", org, f"nguoi {pk}"))
        for province in self.province_ids:
            if not self.persons[province]:
                pk = self.next_id(table)
                self.persons[province].append(pk)
                rows.append((pk, f"Người {pk}", self.committee[province], f"nguoi {pk}"))
        self.loader.copy(Person, ["id", "full_name", "organisation_id", "name_folded"], rows)

        # The plan approval decisions, one per province and plan year.
        table = "directory_officialdocument"
        self.decision: dict[tuple[int, int], tuple[int, str]] = {}
        rows = []
        for province in self.province_ids:
            for year in PLAN_YEARS:
                pk = self.next_id(table)
                day = self.year_start[year - 1] + 340
                self.decision[(province, year)] = (pk, self.iso[day])
                rows.append((pk, f"{pk}/QĐ-UBND", self.iso[day], self.committee[province], "decision"))
        self.loader.copy(OfficialDocument, ["id", "number", "date", "issuer_id", "kind"], rows)

    # --- metrology: instruments and their verifications (two COPY streams at once)
    def metrology(self) -> None:
        from khcn.registries.metrology.models import Instrument, InstrumentType, Verification

        types = []
        cycles = [12] * 5 + [24] * 3 + [36] * 2
        names = [
            "Cân điện tử",
            "Cân bàn",
            "Cân ô tô",
            "Công tơ điện 1 pha",
            "Công tơ điện 3 pha",
            "Cột đo xăng dầu",
            "Đồng hồ nước lạnh",
            "Huyết áp kế",
            "Taximet",
            "Phương tiện đo điện tim",
            "Máy đo điện não",
            "Áp kế",
            "Nhiệt kế y học",
            "Tỷ trọng kế",
            "Phương tiện đo độ ẩm hạt",
            "Đồng hồ đo khí",
            "Máy X quang",
            "Phương tiện đo nồng độ cồn",
        ]
        with self.loader.conn.cursor() as cur:
            cur.execute("SELECT coalesce(max(id), 0) FROM metrology_instrumenttype")
            first = cur.fetchone()[0]
        rows = []
        for i, name in enumerate(names, start=1):
            pk = first + i
            cycle = cycles[i % len(cycles)]
            types.append((pk, cycle))
            rows.append((pk, f"NB{pk:03d}", name, i))
        self.loader.copy(InstrumentType, ["id", "code", "name", "order"], rows)

        target = self.n("verifications")
        owners = [pk for pool in ("all",) for lst in self.orgs[pool].values() for pk in lst]
        self.rng.shuffle(owners)
        end = (END_OF_DATA - FIRST_DAY).days
        start_2016 = self.year_start[2016]
        counter = {"v": 0, "i": 0, "failed": 0}
        instrument_rows: list[str] = []
        rng = self.rng
        iso = self.iso
        body_of = {p: self.orgs["bodies"][p] for p in self.province_ids}

        def verifications() -> Iterator[tuple[Any, ...]]:
            vid = 0
            iid = 0
            while vid < target:
                iid += 1
                type_id, cycle = types[rng.randrange(len(types))]
                # A few owners hold many instruments (petrol stations, power companies).
                owner = owners[int(len(owners) * rng.random() ** 2)]
                bodies = body_of[self.org_province[owner]]
                step = cycle * 30 + cycle // 12 * 5
                if rng.random() < 0.6:  # in use before 2016: first verification when its cycle comes round
                    day = start_2016 + rng.randrange(step)
                    kind = "periodic"
                else:  # newly installed over the ten years
                    day = start_2016 + rng.randrange(end - start_2016)
                    kind = "initial"
                first = day
                status = "in_use"
                last = day
                while day <= end:
                    vid += 1
                    if rng.random() < 0.02:
                        counter["failed"] += 1
                        yield (vid, iid, kind, iso[day], rng.choice(bodies), "failed", "", "", cycle, None)
                        status = "rejected"
                        last = day
                        break
                    yield (
                        vid,
                        iid,
                        kind,
                        iso[day],
                        rng.choice(bodies),
                        "passed",
                        f"GCN{vid}",
                        f"T{vid}",
                        cycle,
                        iso[day + step],
                    )
                    last = day
                    kind = "periodic"
                    day += step + rng.randint(-20, 20)
                due = None if status == "rejected" else iso[min(last + step, len(iso) - 1)]
                instrument_rows.append(
                    f"{iid}\t{type_id}\tS{iid:08d}\t{owner}\t{status}\t{iso[last]}\t{_text(due)}\t{iso[first]}"
                )
            counter["v"] = vid
            counter["i"] = iid

        self.loader.copy(
            Verification,
            [
                "id",
                "instrument_id",
                "kind",
                "date",
                "verifying_body_id",
                "result",
                "certificate_no",
                "stamp_no",
                "cycle_months",
                "valid_until",
            ],
            verifications(),
        )
        self.loader2.copy(
            Instrument,
            [
                "id",
                "instrument_type_id",
                "serial",
                "owner_id",
                "status",
                "last_verified_on",
                "next_due_on",
                "first_registered_on",
            ],
            (line.split("\t") for line in instrument_rows),
        )
        instrument_rows.clear()
        self.log(f"  {counter['i']:,} instruments, {counter['v']:,} verifications, {counter['failed']:,} failed")

    # --- radiation
    def radiation(self) -> None:
        from khcn.registries.radiation.models import (
            MeasurementPoint,
            RadiationFacility,
            RadiationLicence,
            Survey,
            Training,
            WorkerCertificate,
        )

        rng = self.rng
        facilities: dict[int, list[int]] = defaultdict(list)
        rows = []
        for pk in range(1, self.n("facilities") + 1):
            province = self.pick_province()
            facilities[province].append(pk)
            rows.append((pk, f"CS{pk}", f"Cơ sở bức xạ {pk}", self.org_in(province), self.commune(province)))
        for province in self.province_ids:
            if not facilities[province]:
                pk = len(rows) + 1
                facilities[province].append(pk)
                rows.append((pk, f"CS{pk}", f"Cơ sở bức xạ {pk}", self.org_in(province), self.commune(province)))
        self.loader.copy(RadiationFacility, ["id", "code", "name", "organisation_id", "administrative_unit_id"], rows)
        kinds = ["new"] * 4 + ["renewal"] * 4 + ["amendment"] + ["reissue"]

        def licences() -> Iterator[tuple[Any, ...]]:
            for pk in range(1, self.n("licences") + 1):
                province = self.pick_province()
                day = self.day_in(self.pick_year())
                yield (
                    pk,
                    f"GP{pk}",
                    rng.choice(kinds),
                    rng.choice(facilities[province]),
                    self.iso[day],
                    self.iso[min(day + 3 * 365, len(self.iso) - 1)],
                )

        self.loader.copy(
            RadiationLicence, ["id", "number", "kind", "facility_id", "issue_date", "expiry_date"], licences()
        )

        def certificates() -> Iterator[tuple[Any, ...]]:
            for pk in range(1, self.n("worker_certificates") + 1):
                province = self.pick_province()
                yield (
                    pk,
                    f"CC{pk}",
                    f"Nhân viên {pk}",
                    rng.choice(facilities[province]),
                    self.iso[self.day_in(self.pick_year())],
                )

        self.loader.copy(WorkerCertificate, ["id", "number", "full_name", "facility_id", "issue_date"], certificates())

        def trainings() -> Iterator[tuple[Any, ...]]:
            audiences = ["facilities"] * 3 + ["staff", "other"]
            for pk in range(1, self.n("radiation_trainings") + 1):
                province = self.pick_province()
                yield (
                    pk,
                    self.iso[self.day_in(self.pick_year())],
                    "An toàn bức xạ",
                    rng.choice(audiences),
                    self.commune(province),
                    rng.randint(10, 120),
                )

        self.loader.copy(
            Training, ["id", "date", "topic", "audience", "administrative_unit_id", "trainee_count"], trainings()
        )

        # One environmental background survey per province and year; points in proportion to size.
        surveys = []
        rows = []
        for province in self.province_ids:
            for year in YEARS:
                pk = len(rows) + 1
                surveys.append((pk, province, year))
                rows.append(
                    (
                        pk,
                        f"KS-{self.provinces[province][0]}-{year}",
                        f"Điều tra phông phóng xạ {year}",
                        self.iso[self.year_start[year]],
                    )
                )
        self.loader.copy(Survey, ["id", "code", "name", "start_date"], rows)
        total = self.n("survey_points")
        weight = sum(self.year_weights)

        def points() -> Iterator[tuple[Any, ...]]:
            pk = 0
            for survey, province, year in surveys:
                share = self.province_weight[province] * self.year_weights[year - 2016] / weight
                for i in range(max(1, round(total * share))):
                    pk += 1
                    value = round(rng.lognormvariate(4.5, 0.35), 1)
                    yield (
                        pk,
                        survey,
                        f"P{i + 1}",
                        self.iso[self.day_in(year)],
                        f"{rng.uniform(8.5, 23.3):.6f}",
                        f"{rng.uniform(102.1, 109.4):.6f}",
                        self.commune(province),
                        "nSv/h",
                        value,
                        value,
                    )

        self.loader.copy(
            MeasurementPoint,
            [
                "id",
                "survey_id",
                "code",
                "measured_on",
                "latitude",
                "longitude",
                "unit_named_id",
                "raw_unit",
                "raw_value",
                "value_nsv_h",
            ],
            points(),
        )

    # --- research: calls, proposals, tasks, plans and their items, contracts, disbursements
    def research(self) -> None:
        from khcn.research.models import Call, Contract, Disbursement, Plan, PlanItem, Proposal, Task

        rng = self.rng
        calls = {}
        rows = []
        for province in self.province_ids:
            for year in PLAN_YEARS:
                pk = len(rows) + 1
                calls[(province, year)] = pk
                rows.append(
                    (
                        pk,
                        "proposals",
                        year,
                        f"Đề xuất nhiệm vụ năm {year} – {self.provinces[province][1]}",
                        self.iso[self.year_start[year - 1] + 60],
                        self.iso[self.year_start[year - 1] + 150],
                        province,
                    )
                )
        self.loader.copy(Call, ["id", "kind", "year", "title", "opens_on", "deadline", "province_id"], rows)

        def proposals() -> Iterator[tuple[Any, ...]]:
            years = PLAN_YEARS
            for pk in range(1, self.n("proposals") + 1):
                province = self.pick_province()
                year = rng.choice(years)
                yield (
                    pk,
                    calls[(province, year)],
                    f"DX{pk}",
                    f"Đề xuất {pk}",
                    rng.randint(1, 40) * 50_000_000,
                    rng.choice((12, 18, 24, 36)),
                    self.org_in(province),
                    rng.choice(self.fields),
                    rng.choice(self.forms),
                    rng.choice(["submitted", "valid", "invalid", "recommended"]),
                    self.iso[self.year_start[year - 1] + 60 + rng.randrange(90)],
                )

        self.loader.copy(
            Proposal,
            [
                "id",
                "call_id",
                "code",
                "title",
                "estimated_budget",
                "estimated_duration_months",
                "proposer_org_id",
                "field_id",
                "task_form_id",
                "status",
                "received_on",
            ],
            proposals(),
        )

        plans = {}
        rows = []
        for province in self.province_ids:
            for year in PLAN_YEARS:
                pk = len(rows) + 1
                plans[(province, year)] = pk
                rows.append(
                    (pk, year, province, f"Kế hoạch KH&CN năm {year}", "approved", self.decision[(province, year)][0])
                )
        self.loader.copy(Plan, ["id", "year", "province_id", "title", "status", "decision_id"], rows)

        tasks = []
        items = []
        contracts = []
        disbursements = []
        item_id = 0
        disbursement_id = 0
        for pk in range(1, self.n("tasks") + 1):
            province = self.pick_province()
            year = self.pick_year()
            months = rng.choice((12, 18, 24, 24, 36))
            start = self.year_start[year] + rng.randrange(120)
            end = start + months * 30
            budget = rng.randint(4, 60) * 50_000_000
            group = rng.choice(self.groups)
            form = rng.choice(self.forms)
            field = rng.choice(self.fields)
            host = rng.choice(self.orgs["hosts"][province])
            pi = rng.choice(self.persons[province])
            tasks.append(
                (
                    pk,
                    f"NV{pk}",
                    f"Nhiệm vụ {pk}",
                    form,
                    field,
                    group,
                    host,
                    pi,
                    year,
                    self.iso[start],
                    self.iso[end],
                    "in_progress",
                    budget,
                )
            )
            plan_years = [y for y in range(year, year + math.ceil(months / 12)) if y in PLAN_YEARS]
            for order, y in enumerate(plan_years):
                item_id += 1
                items.append(
                    (
                        item_id,
                        plans[(province, y)],
                        pk,
                        y > year,
                        f"Nhiệm vụ {pk}",
                        group,
                        form,
                        field,
                        host,
                        months,
                        budget // len(plan_years),
                        order,
                    )
                )
            contracts.append(
                (
                    pk,
                    pk,
                    f"HĐ{pk}",
                    self.iso[start],
                    self.department[province],
                    host,
                    pi,
                    self.iso[start],
                    self.iso[end],
                    budget,
                )
            )
            paid = 0
            for i, share in enumerate((0.5, 0.3, 0.2)):
                day = start + 30 + i * 300
                if day > (END_OF_DATA - FIRST_DAY).days:
                    break
                disbursement_id += 1
                amount = int(budget * share)
                paid += amount
                disbursements.append(
                    (
                        disbursement_id,
                        pk,
                        "advance" if i == 0 else "payment",
                        "state_budget",
                        self.days[day].year,
                        amount,
                        self.iso[day],
                        f"UNC{disbursement_id}",
                    )
                )
        self.loader.copy(
            Task,
            [
                "id",
                "code",
                "title",
                "form_id",
                "field_id",
                "group_id",
                "host_id",
                "pi_id",
                "plan_year",
                "start",
                "end",
                "status",
                "state_budget",
            ],
            tasks,
        )
        self.loader.copy(
            PlanItem,
            [
                "id",
                "plan_id",
                "task_id",
                "carried_over",
                "title",
                "group_id",
                "form_id",
                "field_id",
                "host_id",
                "duration_months",
                "allocation",
                "order",
            ],
            items,
        )
        self.loader.copy(
            Contract,
            [
                "id",
                "task_id",
                "number",
                "signed_on",
                "department_id",
                "host_id",
                "pi_id",
                "start",
                "end",
                "state_budget",
            ],
            contracts,
        )
        self.loader.copy(
            Disbursement,
            ["id", "task_id", "kind", "source", "budget_year", "amount", "paid_on", "voucher"],
            disbursements,
        )

    # --- standards and quality
    def quality(self) -> None:
        from khcn.registries.quality.models import (
            ConformityAnnouncement,
            ImportInspection,
            MarketSurvey,
            QualityTraining,
        )

        rng = self.rng

        def announcements() -> Iterator[tuple[Any, ...]]:
            for pk in range(1, self.n("announcements") + 1):
                province = self.pick_province()
                yield (
                    pk,
                    "regulation" if rng.random() < 0.7 else "standard",
                    self.org_in(province),
                    f"Sản phẩm {pk}",
                    "self_assessment",
                    f"TB{pk}",
                    self.iso[self.day_in(self.pick_year())],
                )

        self.loader.copy(
            ConformityAnnouncement,
            ["id", "kind", "enterprise_id", "product", "basis", "receipt_no", "receipt_date"],
            announcements(),
        )

        def imports() -> Iterator[tuple[Any, ...]]:
            for pk in range(1, self.n("import_inspections") + 1):
                province = self.pick_province()
                yield (
                    pk,
                    f"DK{pk}",
                    self.iso[self.day_in(self.pick_year())],
                    self.org_in(province),
                    "Thép",
                    "1",
                    rng.choice(["", "conforming", "conforming", "conforming", "non_conforming"]),
                )

        self.loader.copy(
            ImportInspection,
            ["id", "registration_no", "registration_date", "enterprise_id", "goods", "quantity", "result"],
            imports(),
        )

        def surveys() -> Iterator[tuple[Any, ...]]:
            for pk in range(1, self.n("market_surveys") + 1):
                province = self.pick_province()
                yield (
                    pk,
                    self.iso[self.day_in(self.pick_year())],
                    self.org_in(province),
                    rng.choice(["petrol_station", "electrical_shop"]),
                    3,
                    rng.choice([0, 0, 0, 1]),
                )

        self.loader.copy(
            MarketSurvey,
            ["id", "survey_date", "business_id", "business_kind", "sample_count", "failed_count"],
            surveys(),
        )

        def trainings() -> Iterator[tuple[Any, ...]]:
            for pk in range(1, self.n("quality_trainings") + 1):
                province = self.pick_province()
                yield (
                    pk,
                    f"Lớp ISO {pk}",
                    self.iso[self.day_in(self.pick_year())],
                    self.commune(province),
                    rng.randint(20, 150),
                )

        self.loader.copy(
            QualityTraining, ["id", "name", "start_date", "administrative_unit_id", "trainee_count"], trainings()
        )

    # --- intellectual property
    def ip(self) -> None:
        from khcn.registries.ip.models import IPSupportCase, Mark, UseRightCertificate

        rng = self.rng
        cases = []
        marks = []
        mark_id = 0
        for pk in range(1, self.n("ip_cases") + 1):
            province = self.pick_province()
            year = self.pick_year()
            if rng.random() < 0.7:
                org, person = self.org_in(province), None
            else:
                org, person = None, rng.choice(self.persons[province])
            cases.append((pk, org, person, year, rng.randint(1, 6) * 5_000_000))
            for _ in range(rng.choice((1, 1, 1, 2, 3))):
                mark_id += 1
                marks.append(
                    (
                        mark_id,
                        pk,
                        f"Nhãn hiệu {mark_id}",
                        f"4-{year}-{mark_id:06d}",
                        rng.choice(["filed", "granted", "granted", "published"]),
                    )
                )
        self.loader.copy(
            IPSupportCase, ["id", "applicant_organisation_id", "applicant_person_id", "year", "support_amount"], cases
        )
        self.loader.copy(Mark, ["id", "case_id", "name", "filing_number", "status"], marks)

        def certificates() -> Iterator[tuple[Any, ...]]:
            for pk in range(1, self.n("use_right_certificates") + 1):
                province = self.pick_province()
                yield (
                    pk,
                    rng.choice(["gi", "certification_mark"]),
                    f"QSD{pk}",
                    f"qsd{pk}",
                    rng.choice(self.persons[province]),
                    self.commune(province),
                    self.iso[self.day_in(self.pick_year())],
                )

        self.loader.copy(
            UseRightCertificate,
            ["id", "kind", "number", "number_key", "holder_person_id", "area_unit_id", "issue_date"],
            certificates(),
        )

    # --- technology: projects, opinions, appraisal councils, transfer certificates, workshops
    def technology(self) -> None:
        from django.contrib.contenttypes.models import ContentType

        from khcn.councils.models import Council, CouncilObject, Meeting
        from khcn.registries.technology.models import (
            InvestmentProject,
            TechnologyOpinion,
            TechnologyTransferCertificate,
            Workshop,
        )

        rng = self.rng
        projects: dict[int, list[int]] = defaultdict(list)
        rows = []
        for pk in range(1, self.n("projects") + 1):
            province = self.pick_province()
            projects[province].append(pk)
            rows.append((pk, f"DA{pk}", f"Dự án {pk}", self.org_in(province), self.commune(province)))
        for province in self.province_ids:
            if not projects[province]:
                pk = len(rows) + 1
                projects[province].append(pk)
                rows.append((pk, f"DA{pk}", f"Dự án {pk}", self.org_in(province), self.commune(province)))
        self.loader.copy(InvestmentProject, ["id", "code", "name", "investor_id", "location_id"], rows)

        opinions: dict[tuple[int, int], list[int]] = defaultdict(list)
        rows = []
        for pk in range(1, self.n("opinions") + 1):
            province = self.pick_province()
            year = self.pick_year()
            request = self.day_in(year)
            answer = request + rng.randint(3, 30)
            opinions[(province, year)].append(pk)
            rows.append(
                (
                    pk,
                    rng.choice(projects[province]),
                    self.iso[request],
                    f"YK{pk}",
                    self.iso[answer],
                    self.iso[request + 15],
                    rng.choice(["agree", "agree", "conditional", "disagree"]),
                )
            )
        self.loader.copy(
            TechnologyOpinion,
            ["id", "project_id", "request_date", "answer_number", "answer_date", "answer_due", "conclusion"],
            rows,
        )
        opinion_type = ContentType.objects.get_for_model(TechnologyOpinion).pk
        initiative_type = ContentType.objects.get_by_natural_key("initiatives", "initiative").pk
        self.council_rows: list[tuple[Any, ...]] = []
        self.council_objects: list[tuple[Any, ...]] = []
        self.meetings: list[tuple[Any, ...]] = []
        for _ in range(self.n("appraisal_councils")):
            province = self.pick_province()
            year = self.pick_year()
            pool = opinions.get((province, year))
            if not pool:
                continue
            council = len(self.council_rows) + 1
            self.council_rows.append(
                (council, "technology_appraisal", year, f"Hội đồng thẩm định {council}", self.rule_set)
            )
            for opinion in set(rng.choices(pool, k=rng.randint(1, 4))):
                self.council_objects.append(
                    (len(self.council_objects) + 1, council, opinion_type, opinion, f"Ý kiến {opinion}")
                )
            for _m in range(rng.choice((1, 1, 2))):
                self.meetings.append((len(self.meetings) + 1, council, self.iso[self.day_in(year)]))
        self.initiative_type = initiative_type
        self.Council, self.CouncilObject, self.Meeting = Council, CouncilObject, Meeting

        def certificates() -> Iterator[tuple[Any, ...]]:
            for pk in range(1, self.n("transfer_certificates") + 1):
                province = self.pick_province()
                signed = self.day_in(self.pick_year())
                yield (
                    pk,
                    f"CGCN{pk}",
                    f"cgcn{pk}",
                    rng.choice(["new", "new", "new", "amendment"]),
                    self.org_in(province),
                    self.org_in(province),
                    "Dây chuyền",
                    self.iso[signed],
                    self.iso[signed + 10],
                    self.iso[signed + 25],
                    rng.randint(1, 200) * 100_000_000,
                )

        self.loader.copy(
            TechnologyTransferCertificate,
            [
                "id",
                "number",
                "number_key",
                "kind",
                "transferor_id",
                "transferee_id",
                "technology",
                "contract_signed_on",
                "filed_on",
                "issue_date",
                "contract_value",
            ],
            certificates(),
        )

        def workshops() -> Iterator[tuple[Any, ...]]:
            for pk in range(1, self.n("workshops") + 1):
                province = self.pick_province()
                yield (
                    pk,
                    f"Hội thảo {pk}",
                    rng.choice(["workshop", "workshop", "training"]),
                    self.iso[self.day_in(self.pick_year())],
                    self.commune(province),
                    rng.randint(20, 200),
                )

        self.loader.copy(Workshop, ["id", "title", "kind", "date", "location_id", "attendee_count"], workshops())

    # --- inspections and checks
    def inspections(self) -> None:
        from khcn.registries.inspections.models import InspectedEstablishment, Inspection, Sanction

        rng = self.rng
        inspections = []
        establishments = []
        sanctions = []
        for pk in range(1, self.n("inspections") + 1):
            province = self.pick_province()
            year = self.pick_year()
            day = self.day_in(year)
            kind = "inspection" if rng.random() < 0.3 else "check"
            area = province if rng.random() < 0.6 else self.commune(province)
            inspections.append((pk, f"TT{pk}", kind, self.iso[day], area))
            for org in set(rng.choices(self.orgs["all"][province], k=rng.randint(3, 17))):
                establishments.append((len(establishments) + 1, pk, org))
                if rng.random() < 0.2:
                    sid = len(sanctions) + 1
                    decision = min(day + rng.randint(5, 60), (END_OF_DATA - FIRST_DAY).days)
                    sanctions.append(
                        (
                            sid,
                            pk,
                            org,
                            f"{sid}/QĐ-XPHC",
                            f"{sid}/qd-xphc",
                            self.iso[decision],
                            rng.randint(1, 40) * 1_000_000,
                            self.iso[decision + 10],
                        )
                    )
        self.loader.copy(Inspection, ["id", "code", "kind", "start_date", "administrative_unit_id"], inspections)
        self.loader.copy(InspectedEstablishment, ["id", "inspection_id", "organisation_id"], establishments)
        self.loader.copy(
            Sanction,
            [
                "id",
                "inspection_id",
                "organisation_id",
                "decision_number",
                "decision_key",
                "decision_date",
                "amount",
                "payment_due",
            ],
            sanctions,
        )

    # --- initiatives (and the councils of both kinds)
    def initiatives(self) -> None:
        from khcn.registries.initiatives.models import Initiative

        rng = self.rng
        councils = {}
        for province in self.province_ids:
            for year in YEARS:
                council = len(self.council_rows) + 1
                councils[(province, year)] = council
                self.council_rows.append((council, "initiatives", year, f"Hội đồng sáng kiến {year}", self.rule_set))
                for _ in range(rng.choice((1, 2, 2, 3))):
                    self.meetings.append((len(self.meetings) + 1, council, self.iso[self.day_in(year)]))
        rows = []
        for pk in range(1, self.n("initiatives") + 1):
            province = self.pick_province()
            year = self.pick_year()
            status = rng.choice(["submitted", "recommended", "not_recommended", "recognised", "recognised"])
            judged = status != "submitted"
            recommended = self.iso[self.day_in(year)] if judged else None
            recognised = self.iso[self.year_start[year] + 364] if status == "recognised" else None
            wider = status == "recognised" and rng.random() < 0.2
            rows.append(
                (
                    pk,
                    f"SK{pk}",
                    f"Sáng kiến {pk}",
                    self.org_in(province),
                    year,
                    status,
                    recommended,
                    recognised,
                    wider,
                    self.iso[self.year_start[year] + 364] if wider else None,
                    rng.randint(1, 10) * 1_000_000 if wider else None,
                )
            )
            if judged:
                self.council_objects.append(
                    (
                        len(self.council_objects) + 1,
                        councils[(province, year)],
                        self.initiative_type,
                        pk,
                        f"Sáng kiến {pk}",
                    )
                )
        self.loader.copy(
            Initiative,
            [
                "id",
                "code",
                "title",
                "unit_id",
                "year",
                "status",
                "recommended_on",
                "recognised_on",
                "supported_for_wider_application",
                "wider_support_date",
                "wider_support_amount",
            ],
            rows,
        )
        self.loader.copy(self.Council, ["id", "kind", "year", "name", "rule_set_id"], self.council_rows)
        self.loader.copy(
            self.CouncilObject, ["id", "council_id", "content_type_id", "object_id", "title"], self.council_objects
        )
        self.loader.copy(self.Meeting, ["id", "council_id", "date"], self.meetings)

    # --- innovation
    def innovation(self) -> None:
        from khcn.registries.innovation.models import Event, EventParticipation, StartupSupport, Training

        rng = self.rng

        def supports() -> Iterator[tuple[Any, ...]]:
            for pk in range(1, self.n("startup_supports") + 1):
                province = self.pick_province()
                yield (
                    pk,
                    self.org_in(province),
                    self.pick_year(),
                    f"Dự án khởi nghiệp {pk}",
                    rng.choice(["idea", "prototype", "market", "growth"]),
                    rng.choice(["consulting", "ip", "funding", "incubation"]),
                    rng.randint(0, 20) * 10_000_000,
                )

        self.loader.copy(
            StartupSupport, ["id", "enterprise_id", "year", "project", "stage", "support_kind", "amount"], supports()
        )
        events = []
        participations = []
        for pk in range(1, self.n("events") + 1):
            province = self.pick_province()
            techfest = rng.random() < 0.2
            events.append(
                (
                    pk,
                    f"Sự kiện {pk}",
                    rng.choice(["workshop", "fair", "startup_day", "contest"]),
                    self.iso[self.day_in(self.pick_year())],
                    self.commune(province),
                    rng.random() < 0.8,
                    techfest,
                )
            )
            if techfest:
                for org in set(rng.choices(self.orgs["all"][province], k=rng.randint(5, 30))):
                    participations.append((len(participations) + 1, pk, org))
        self.loader.copy(
            Event,
            ["id", "name", "kind", "start_date", "administrative_unit_id", "organised_by_department", "is_techfest"],
            events,
        )
        self.loader.copy(EventParticipation, ["id", "event_id", "organisation_id"], participations)

        def trainings() -> Iterator[tuple[Any, ...]]:
            for pk in range(1, self.n("innovation_trainings") + 1):
                province = self.pick_province()
                yield (
                    pk,
                    f"Tập huấn {pk}",
                    self.iso[self.day_in(self.pick_year())],
                    self.commune(province),
                    rng.randint(20, 300),
                )

        self.loader.copy(Training, ["id", "topic", "date", "administrative_unit_id", "trainee_count"], trainings())

    # --- legal documents and news
    def legaldocs_news(self) -> None:
        from khcn.registries.legaldocs.models import LegalDocument
        from khcn.registries.news.models import Article

        rng = self.rng

        def documents() -> Iterator[tuple[Any, ...]]:
            for pk in range(1, self.n("legal_documents") + 1):
                province = self.pick_province()
                yield (
                    pk,
                    rng.choice(["normative", "directive", "directive"]),
                    f"{pk}/QĐ-UBND",
                    f"{pk}/qd-ubnd",
                    self.iso[self.day_in(self.pick_year())],
                    self.committee[province],
                    f"Văn bản {pk}",
                    rng.random() < 0.5,
                )

        self.loader.copy(
            LegalDocument,
            ["id", "kind", "number", "number_key", "issue_date", "issuer_id", "subject", "drafted_by_department"],
            documents(),
        )

        def articles() -> Iterator[tuple[Any, ...]]:
            for pk in range(1, self.n("articles") + 1):
                day = self.day_in(self.pick_year())
                yield (
                    pk,
                    f"Tin {pk}",
                    f"tin-{pk}",
                    rng.choice(["science", "innovation", "technology"]),
                    "published",
                    f"{self.iso[day]}T0{rng.randint(1, 9)}:00:00+07:00",
                )

        self.loader.copy(Article, ["id", "title", "slug", "topic", "status", "published_at"], articles())


# --- Indexes, sequences, statistics ----------------------------------------------------------------


def _secondary_indexes(cur: Any, tables: list[str]) -> list[tuple[str, str]]:
    cur.execute(
        """SELECT i.relname, pg_get_indexdef(i.oid)
           FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
           WHERE t.relname = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)""",
        (tables,),
    )
    return cur.fetchall()


def generate(scale: float, seed: int = 7, log: Any = print) -> dict[str, Any]:
    import psycopg
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor != "postgresql":
        raise SystemExit("generate_national fills PostgreSQL (set DATABASE_URL)")
    params = {
        "dbname": settings["NAME"],
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
    }
    params = {k: v for k, v in params.items() if v}
    conn = psycopg.connect(**params)
    conn2 = psycopg.connect(**params)
    total_start = time.perf_counter()
    gen = Generator(scale, seed, log)
    from django.apps import apps

    tables = [m._meta.db_table for m in apps.get_models()]
    with conn.cursor() as cur:
        # Only the tables we fill: everything under these apps that is not a history or rule table.
        fill = [
            t
            for t in tables
            if t.split("_")[0]
            in (
                "metrology",
                "radiation",
                "research",
                "quality",
                "ip",
                "technology",
                "inspections",
                "initiatives",
                "innovation",
                "legaldocs",
                "news",
                "councils",
            )
            and "historical" not in t
        ] + ["directory_organisation", "directory_person", "directory_officialdocument"]
        indexes = _secondary_indexes(cur, fill)
        for name, _definition in indexes:
            cur.execute(f'DROP INDEX "{name}"')
    conn.commit()
    for c in (conn, conn2):
        c.execute("SET session_replication_role = replica")  # no FK triggers during the load
    log(f"dropped {len(indexes)} secondary indexes; generating at scale {scale}")
    load_start = time.perf_counter()
    try:
        timings = gen.run(conn, conn2)
        conn.commit()
        conn2.commit()
    except BaseException:
        conn.rollback()
        conn2.rollback()
        with conn.cursor() as cur:
            for _name, definition in indexes:
                cur.execute(definition)
        conn.commit()
        raise
    load_seconds = time.perf_counter() - load_start
    start = time.perf_counter()
    conn.execute("SET session_replication_role = origin")
    conn.execute("SET maintenance_work_mem = '1GB'")
    with conn.cursor() as cur:
        for _name, definition in indexes:
            cur.execute(definition)
    conn.commit()
    index_seconds = time.perf_counter() - start
    start = time.perf_counter()
    counts = {**gen.loader.counts, **{k: v + gen.loader.counts.get(k, 0) for k, v in gen.loader2.counts.items()}}
    with conn.cursor() as cur:
        for table in counts:
            cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", (table,))
            seq = cur.fetchone()[0]
            if seq:
                cur.execute(f"SELECT setval(%s, (SELECT coalesce(max(id), 1) FROM {table}))", (seq,))  # noqa: S608
    conn.commit()
    conn.autocommit = True
    conn.execute("VACUUM (ANALYZE)")
    analyze_seconds = time.perf_counter() - start
    conn.close()
    conn2.close()
    result = {
        "scale": scale,
        "counts": counts,
        "step_seconds": timings,
        "load_seconds": load_seconds,
        "index_seconds": index_seconds,
        "vacuum_analyze_seconds": analyze_seconds,
        "total_seconds": time.perf_counter() - total_start,
    }
    log(f"loaded in {load_seconds:.0f} s, indexes {index_seconds:.0f} s, vacuum/analyze {analyze_seconds:.0f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", help="write counts and timings to this file")
    args = parser.parse_args()
    _setup_django()
    result = generate(args.scale, args.seed, log=lambda s: print(s, flush=True))
    if args.json:
        import json

        Path(args.json).write_text(json.dumps(result, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
