"""Benchmark: the annual report at national scale against hand-written SQL (issue 7, "Performance").

Not a test. Needs a PostgreSQL database filled by `manage.py generate_national --scale S`
(bench/national_data.py). For each area (one or more provinces, then the whole country) it times,
warm, in one process and over one connection:

- `reports.services.build_report(Period.year(Y), area)`: every figure of the layout (the year's
  results and the next year's plan, each with the previous period's value), the plan's groups
  and decision, the area's unit ids;
- hand-written SQL computing the same figures, written directly against the tables as a DBA
  would: one statement per table for the figures that count its rows (an aggregate with a FILTER
  per figure and period, both periods read once, as the report groups them), one per figure and
  period for the others (research, appraisal councils, news), the area's unit ids by a recursive
  CTE, the plan's groups and decision.

Then it checks the two agree figure by figure (value and previous value) and exits non-zero if
any differs. Median of --repeat runs after one warm-up run of each.

    DATABASE_URL=postgres://... .venv/bin/python bench/national_report.py --year 2023 --province 33 --repeat 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khcn.settings")

# {U:path} is replaced by "path = ANY(%(u)s)" for an area, by TRUE for the whole country.
# %(s)s and %(e)s are the period's [start, end); %(y1)s/%(y2)s its first and last calendar year.
SQL: dict[str, str] = {
    "technology.appraisal_councils": """SELECT count(*) FROM councils_council c
        WHERE c.archived_at IS NULL AND c.kind = 'technology_appraisal'
          AND EXISTS (SELECT 1 FROM councils_meeting m WHERE m.council_id = c.id AND m.archived_at IS NULL
                      AND m.date >= %(s)s AND m.date < %(e)s)
          AND ({ALL} OR EXISTS (SELECT 1 FROM councils_councilobject co
                      JOIN technology_technologyopinion t ON t.id = co.object_id
                      JOIN technology_investmentproject p ON p.id = t.project_id
                      WHERE co.council_id = c.id AND co.archived_at IS NULL AND co.content_type_id = %(ct_opinion)s
                        AND {U:p.location_id}))""",
    "innovation.news_items": """SELECT count(*) FROM news_article a WHERE a.archived_at IS NULL AND a.status = 'published'
        AND a.topic = 'innovation' AND (a.published_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date >= %(s)s
        AND (a.published_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date < %(e)s""",
    # Research figures are a year's (the period's first year); a province takes the plans of its units.
    "research.plan_tasks": """SELECT count(*) FROM research_planitem pi JOIN research_plan p ON p.id = pi.plan_id
        WHERE pi.archived_at IS NULL AND p.archived_at IS NULL AND p.year = %(y1)s AND p.status = 'approved'
          AND pi.removed_by_id IS NULL AND {U:p.province_id}""",
    "research.plan_tasks_carried_over": """SELECT count(*) FROM research_planitem pi JOIN research_plan p ON p.id = pi.plan_id
        WHERE pi.archived_at IS NULL AND p.archived_at IS NULL AND p.year = %(y1)s AND p.status = 'approved'
          AND pi.removed_by_id IS NULL AND pi.carried_over AND {U:p.province_id}""",
    "research.plan_tasks_new": """SELECT count(*) FROM research_planitem pi JOIN research_plan p ON p.id = pi.plan_id
        WHERE pi.archived_at IS NULL AND p.archived_at IS NULL AND p.year = %(y1)s AND p.status = 'approved'
          AND pi.removed_by_id IS NULL AND NOT pi.carried_over AND {U:p.province_id}""",
    "research.plan_budget_total": """SELECT coalesce(sum(pi.allocation), 0) FROM research_planitem pi JOIN research_plan p ON p.id = pi.plan_id
        WHERE pi.archived_at IS NULL AND p.archived_at IS NULL AND p.year = %(y1)s AND p.status = 'approved'
          AND pi.removed_by_id IS NULL AND {U:p.province_id}""",
    # As the report counts them: a province-wide area takes the proposals to its own calls and to
    # calls without a province (the benchmark's areas are provinces or the whole country).
    "research.proposals_received": """SELECT count(*) FROM research_proposal pr JOIN research_call c ON c.id = pr.call_id
        WHERE pr.archived_at IS NULL AND c.year = %(y1)s AND c.kind = 'proposals'
          AND ({U:c.province_id} OR c.province_id IS NULL)""",
}

# Figures that count the same table's rows, as a DBA writes them (and as the report counts them,
# khcn.core.metrics.Records): one statement per table and area, an aggregate per figure and period
# (`count(*) FILTER (WHERE <period> AND <figure's condition>)`), the rows of both periods read
# once. name -> (period column, or "year:<column>" for figures kept by year; FROM ... WHERE ...
# without the period; [(key, aggregate, the figure's own condition)]).
GROUPED: dict[str, tuple[str, str, list[tuple[str, str, str]]]] = {
    "legaldocs": (
        "d.issue_date",
        """FROM legaldocs_legaldocument d {J:JOIN directory_organisation o ON o.id = d.issuer_id}
        WHERE d.archived_at IS NULL AND d.drafted_by_department AND {U:o.administrative_unit_id}""",
        [
            ("legaldocs.normative", "count(*)", "d.kind = 'normative'"),
            ("legaldocs.directive", "count(*)", "d.kind = 'directive'"),
        ],
    ),
    "technology.opinions": (
        "t.answer_date",
        """FROM technology_technologyopinion t JOIN technology_investmentproject p ON p.id = t.project_id
        WHERE t.archived_at IS NULL AND p.archived_at IS NULL AND {U:p.location_id}""",
        [("technology.opinions", "count(DISTINCT t.project_id)", "TRUE")],
    ),
    "technology.workshops": (
        "w.date",
        "FROM technology_workshop w WHERE w.archived_at IS NULL AND w.kind = 'workshop' AND {U:w.location_id}",
        [
            ("technology.workshops", "count(*)", "TRUE"),
            ("technology.workshop_attendees", "sum(w.attendee_count)", "TRUE"),
        ],
    ),
    "technology.certificates": (
        "c.issue_date",
        """FROM technology_technologytransfercertificate c {J:JOIN directory_organisation o ON o.id = c.transferee_id}
        WHERE c.archived_at IS NULL AND {U:o.administrative_unit_id}""",
        [
            ("technology.transfer_certificates_amended", "count(*)", "c.kind = 'amendment'"),
            ("technology.transfer_certificates_new", "count(*)", "c.kind = 'new'"),
        ],
    ),
    # The applicant in the area: an organisation of the area, or a person whose organisation is
    # in it or who lives in it (sets of the area's organisations and people, read once each).
    "ip.support_cases": (
        "year:c.year",
        """FROM ip_ipsupportcase c WHERE c.archived_at IS NULL AND ({ALL}
            OR c.applicant_organisation_id IN (SELECT o.id FROM directory_organisation o WHERE {U:o.administrative_unit_id})
            OR c.applicant_person_id IN (SELECT pe.id FROM directory_person pe WHERE {U:pe.residence_id}
                OR pe.organisation_id IN (SELECT o.id FROM directory_organisation o WHERE {U:o.administrative_unit_id})))""",
        [
            (
                "ip.support_organisations",
                "count(DISTINCT c.applicant_organisation_id)",
                "c.applicant_organisation_id IS NOT NULL",
            ),
            ("ip.support_individuals", "count(DISTINCT c.applicant_person_id)", "c.applicant_person_id IS NOT NULL"),
        ],
    ),
    "ip.marks": (
        "year:c.year",
        """FROM ip_mark m JOIN ip_ipsupportcase c ON c.id = m.case_id
        WHERE m.archived_at IS NULL AND c.archived_at IS NULL AND ({ALL}
            OR c.applicant_organisation_id IN (SELECT o.id FROM directory_organisation o WHERE {U:o.administrative_unit_id})
            OR c.applicant_person_id IN (SELECT pe.id FROM directory_person pe WHERE {U:pe.residence_id}
                OR pe.organisation_id IN (SELECT o.id FROM directory_organisation o WHERE {U:o.administrative_unit_id})))""",
        [("ip.supported_marks", "count(*)", "TRUE")],
    ),
    "ip.certificates": (
        "c.issue_date",
        "FROM ip_userightcertificate c WHERE c.archived_at IS NULL AND {U:c.area_unit_id}",
        [
            ("ip.certification_mark_certificates", "count(*)", "c.kind = 'certification_mark'"),
            ("ip.gi_certificates", "count(*)", "c.kind = 'gi'"),
        ],
    ),
    "innovation.supports": (
        "year:s.year",
        """FROM innovation_startupsupport s {J:JOIN directory_organisation o ON o.id = s.enterprise_id}
        WHERE s.archived_at IS NULL AND {U:o.administrative_unit_id}""",
        [("innovation.startups_supported", "count(DISTINCT s.enterprise_id)", "TRUE")],
    ),
    "innovation.techfest": (
        "e.start_date",
        """FROM innovation_eventparticipation p JOIN innovation_event e ON e.id = p.event_id
        {J:JOIN directory_organisation o ON o.id = p.organisation_id}
        WHERE e.archived_at IS NULL AND e.is_techfest AND {U:o.administrative_unit_id}""",
        [("innovation.techfest_enterprises", "count(DISTINCT p.organisation_id)", "TRUE")],
    ),
    "innovation.trainings": (
        "t.date",
        "FROM innovation_training t WHERE t.archived_at IS NULL AND {U:t.administrative_unit_id}",
        [("innovation.trainees", "sum(t.trainee_count)", "TRUE")],
    ),
    "innovation.events": (
        "e.start_date",
        "FROM innovation_event e WHERE e.archived_at IS NULL AND {U:e.administrative_unit_id}",
        [("innovation.startup_days", "count(*)", "e.organised_by_department AND e.kind = 'startup_day'")],
    ),
    # Sessions of the councils that judged an initiative of the area: those councils first.
    "initiatives.council_meetings": (
        "m.date",
        """FROM councils_meeting m JOIN councils_council c ON c.id = m.council_id
        WHERE m.archived_at IS NULL AND c.archived_at IS NULL AND c.kind = 'initiatives'
          AND ({ALL} OR m.council_id IN (SELECT DISTINCT co.council_id FROM councils_councilobject co
                      JOIN initiatives_initiative i ON i.id = co.object_id
                      {J:JOIN directory_organisation o ON o.id = i.unit_id}
                      WHERE co.archived_at IS NULL AND co.content_type_id = %(ct_initiative)s
                        AND i.archived_at IS NULL AND {U:o.administrative_unit_id}))""",
        [("initiatives.council_meetings", "count(*)", "TRUE")],
    ),
    "initiatives.recommended": (
        "i.recommended_on",
        """FROM initiatives_initiative i {J:JOIN directory_organisation o ON o.id = i.unit_id}
        WHERE i.archived_at IS NULL AND {U:o.administrative_unit_id}""",
        [("initiatives.recommended", "count(*)", "i.status IN ('recommended', 'recognised')")],
    ),
    "initiatives.supported_wider": (
        "i.wider_support_date",
        """FROM initiatives_initiative i {J:JOIN directory_organisation o ON o.id = i.unit_id}
        WHERE i.archived_at IS NULL AND i.supported_for_wider_application AND {U:o.administrative_unit_id}""",
        [("initiatives.supported_wider", "count(*)", "TRUE")],
    ),
    "radiation.licences": (
        "l.issue_date",
        """FROM radiation_radiationlicence l JOIN radiation_radiationfacility f ON f.id = l.facility_id
        WHERE l.archived_at IS NULL AND {U:f.administrative_unit_id}""",
        [("radiation.licences_issued", "count(*)", "TRUE")],
    ),
    "radiation.worker_certificates": (
        "w.issue_date",
        """FROM radiation_workercertificate w LEFT JOIN radiation_radiationfacility f ON f.id = w.facility_id
        WHERE w.archived_at IS NULL AND {U:f.administrative_unit_id}""",
        [("radiation.worker_certificates_issued", "count(*)", "TRUE")],
    ),
    "radiation.trainings": (
        "t.date",
        "FROM radiation_training t WHERE t.archived_at IS NULL AND {U:t.administrative_unit_id}",
        [
            ("radiation.trainees", "sum(t.trainee_count)", "t.audience <> 'staff'"),
            ("radiation.staff_trained", "sum(t.trainee_count)", "t.audience = 'staff'"),
        ],
    ),
    "radiation.survey_points": (
        "p.measured_on",
        """FROM radiation_measurementpoint p JOIN radiation_survey s ON s.id = p.survey_id
        WHERE p.archived_at IS NULL AND s.archived_at IS NULL AND {U:p.unit_named_id}""",
        [("radiation.survey_points", "count(*)", "TRUE")],
    ),
    "quality.announcements": (
        "a.receipt_date",
        """FROM quality_conformityannouncement a {J:JOIN directory_organisation o ON o.id = a.enterprise_id}
        WHERE a.archived_at IS NULL AND {U:o.administrative_unit_id}""",
        [
            ("quality.announcements_regulation", "count(*)", "a.kind = 'regulation'"),
            ("quality.announcements_standard", "count(*)", "a.kind = 'standard'"),
        ],
    ),
    "quality.imports": (
        "i.registration_date",
        """FROM quality_importinspection i {J:JOIN directory_organisation o ON o.id = i.enterprise_id}
        WHERE i.archived_at IS NULL AND {U:o.administrative_unit_id}""",
        [
            ("quality.import_registrations", "count(*)", "TRUE"),
            ("quality.import_enterprises", "count(DISTINCT i.enterprise_id)", "TRUE"),
        ],
    ),
    "quality.trainings": (
        "t.start_date",
        "FROM quality_qualitytraining t WHERE t.archived_at IS NULL AND {U:t.administrative_unit_id}",
        [("quality.training_classes", "count(*)", "TRUE"), ("quality.trainees", "sum(t.trainee_count)", "TRUE")],
    ),
    "quality.market_surveys": (
        "m.survey_date",
        """FROM quality_marketsurvey m {J:JOIN directory_organisation o ON o.id = m.business_id}
        WHERE m.archived_at IS NULL AND {U:o.administrative_unit_id}""",
        [("quality.surveyed_businesses", "count(DISTINCT m.business_id)", "TRUE")],
    ),
    "metrology": (
        "v.date",
        """FROM metrology_verification v
        {J:JOIN metrology_instrument i ON i.id = v.instrument_id JOIN directory_organisation o ON o.id = i.owner_id}
        WHERE v.archived_at IS NULL AND {U:o.administrative_unit_id}""",
        [
            ("metrology.verified", "count(*)", "TRUE"),
            ("metrology.passed", "count(*)", "v.result = 'passed' AND v.certificate_no <> '' AND v.stamp_no <> ''"),
            ("metrology.rejected", "count(*)", "v.result = 'failed'"),
        ],
    ),
    "inspections.campaigns": (
        "i.start_date",
        "FROM inspections_inspection i WHERE i.archived_at IS NULL AND {U:i.administrative_unit_id}",
        [("inspections.inspections", "count(*)", "i.kind = 'inspection'")],
    ),
    "inspections.coverage": (
        "i.start_date",
        """FROM inspections_inspectedestablishment e JOIN inspections_inspection i ON i.id = e.inspection_id
        {J:JOIN directory_organisation o ON o.id = e.organisation_id}
        WHERE i.archived_at IS NULL AND {U:o.administrative_unit_id}""",
        [
            ("inspections.inspected_establishments", "count(DISTINCT e.organisation_id)", "i.kind = 'inspection'"),
            ("inspections.checked_establishments", "count(DISTINCT e.organisation_id)", "i.kind = 'check'"),
        ],
    ),
    "inspections.sanctions": (
        "s.decision_date",
        """FROM inspections_sanction s JOIN inspections_inspection i ON i.id = s.inspection_id
        {J:JOIN directory_organisation o ON o.id = s.organisation_id}
        WHERE s.archived_at IS NULL AND i.archived_at IS NULL AND {U:o.administrative_unit_id}""",
        [("inspections.fines_total", "sum(s.amount)", "TRUE")],
    ),
}
GROUPED_KEYS = {key for _column, _sql, figures in GROUPED.values() for key, _agg, _cond in figures}


def grouped_sql(column: str, body: str, figures: list[tuple[str, str, str]]) -> str:
    """SELECT <aggregate> FILTER (WHERE <period> AND <condition>) for each figure, this period then
    the previous one, FROM ... WHERE ... AND <both periods>. Params: %(s)s/%(e)s this period,
    %(ps)s/%(pe)s the previous one (contiguous: pe = s), %(y1)s/%(y2)s, %(py1)s/%(py2)s their years."""
    if column.startswith("year:"):
        col = column[5:]
        this, prev = f"{col} BETWEEN %(y1)s AND %(y2)s", f"{col} BETWEEN %(py1)s AND %(py2)s"
        both = f"{col} BETWEEN %(py1)s AND %(y2)s"
    else:
        this, prev = f"{column} >= %(s)s AND {column} < %(e)s", f"{column} >= %(ps)s AND {column} < %(pe)s"
        both = f"{column} >= %(ps)s AND {column} < %(e)s"
    columns = [
        f"{aggregate} FILTER (WHERE {period} AND {condition})"
        for _key, aggregate, condition in figures
        for period in (this, prev)
    ]
    return f"SELECT {', '.join(columns)}\n        {body} AND {both}"


UNITS_SQL = """WITH RECURSIVE within(id) AS (
    SELECT %(root)s::bigint
    UNION
    SELECT x.id FROM within w CROSS JOIN LATERAL (
        SELECT c.id FROM directory_administrativeunit c WHERE c.parent_id = w.id
        UNION ALL
        SELECT s.from_administrativeunit_id FROM directory_administrativeunit_successors s
        WHERE s.to_administrativeunit_id = w.id) x)
SELECT array_agg(id) FROM within"""

GROUPS_SQL = """SELECT pi.group_id, g.name, count(*) FROM research_planitem pi
    JOIN research_plan p ON p.id = pi.plan_id JOIN research_plangroup g ON g.id = pi.group_id
    WHERE pi.archived_at IS NULL AND p.archived_at IS NULL AND p.year = %(y1)s AND p.status = 'approved'
      AND pi.removed_by_id IS NULL AND {U:p.province_id}
    GROUP BY pi.group_id, g.name, g."order", g.code ORDER BY g."order", g.code"""

DECISION_SQL = """SELECT d.number, d.date FROM research_plan p JOIN directory_officialdocument d ON d.id = p.decision_id
    WHERE p.archived_at IS NULL AND p.year = %(y1)s AND p.status = 'approved' AND {U:p.province_id}
    ORDER BY p.id LIMIT 1"""


def render(sql: str, whole: bool) -> str:
    import re

    sql = sql.replace("{ALL}", "TRUE" if whole else "FALSE")
    # {J:...}: a join needed only to reach the area (the whole country drops it, as the ORM does)
    sql = re.sub(r"\{J:([^}]*)\}", "" if whole else r"\1", sql)
    return re.sub(r"\{U:([a-z_.]+)\}", (lambda m: "TRUE") if whole else (lambda m: f"{m.group(1)} = ANY(%(u)s)"), sql)


def sql_report(
    cursor: Any, layout_figures: list[tuple[str, str, Any, Any]], year: int, root: int | None, ct: dict[str, int]
) -> dict[str, Any]:
    """Every figure by hand-written SQL: {(section, key): (value, previous)}, groups, decision."""
    whole = root is None
    units = None
    if not whole:
        cursor.execute(UNITS_SQL, {"root": root})
        units = cursor.fetchone()[0]
    out: dict[Any, Any] = {}
    # The tables several figures count: one statement each for the results section's figures.
    results_period = {(section, key): (period, previous) for section, key, period, previous in layout_figures}
    for column, body, figures in GROUPED.values():
        wanted = [(section, key) for section, key in results_period if key in {k for k, _a, _c in figures}]
        periods = {results_period[w] for w in wanted}
        assert len(periods) == 1, "a table's figures are all of one section"
        period, previous = periods.pop()
        assert previous.end == period.start, "contiguous periods"
        params = {
            "s": period.start,
            "e": period.end,
            "ps": previous.start,
            "pe": previous.end,
            "y1": period.start.year,
            "y2": (period.end - dt.timedelta(days=1)).year,
            "py1": previous.start.year,
            "py2": (previous.end - dt.timedelta(days=1)).year,
            "u": units,
            "ct_initiative": ct["initiative"],
        }
        cursor.execute(render(grouped_sql(column, body, figures), whole), params)
        row = cursor.fetchone()
        for i, (key, _aggregate, _condition) in enumerate(figures):
            for section_key in wanted:
                if section_key[1] == key:
                    out[section_key] = (int(row[2 * i] or 0), int(row[2 * i + 1] or 0))
    for section, key, period, previous in layout_figures:
        if key in GROUPED_KEYS:
            continue
        sql = render(SQL[key], whole)
        values = []
        for p in (period, previous):
            params = {
                "s": p.start,
                "e": p.end,
                "y1": p.start.year,
                "y2": (p.end - dt.timedelta(days=1)).year,
                "u": units,
                "ct_opinion": ct["opinion"],
                "ct_initiative": ct["initiative"],
            }
            cursor.execute(sql, params)
            values.append(int(cursor.fetchone()[0] or 0))
        out[(section, key)] = tuple(values)
    params = {"y1": year + 1, "u": units}
    cursor.execute(render(GROUPS_SQL, whole), params)
    out["groups"] = [(g, n) for _gid, g, n in cursor.fetchall()]
    cursor.execute(render(DECISION_SQL, whole), params)
    row = cursor.fetchone()
    out["decision"] = (row[0], row[1]) if row else ("", None)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--province", action="append", help="province code (repeatable); default 33")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--whole-repeat", type=int, default=3)
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args()
    provinces = args.province or ["33"]

    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from khcn.core.metrics import Period
    from khcn.reports import layout
    from khcn.reports.management.commands.annual_report import find_province
    from khcn.reports.services import build_report

    assert connection.vendor == "postgresql", "run against PostgreSQL (DATABASE_URL)"
    ct = {
        "opinion": ContentType.objects.get_by_natural_key("technology", "technologyopinion").pk,
        "initiative": ContentType.objects.get_by_natural_key("initiatives", "initiative").pk,
    }
    period = Period.year(args.year)
    plan_period = Period.year(args.year + 1)
    figures_spec = []
    for section in layout.SECTIONS:
        p = plan_period if section.year_offset else period
        for line in section.lines:
            for key in line.keys:
                if (section.code, key) not in [(s, k) for s, k, _p, _q in figures_spec]:
                    figures_spec.append((section.code, key, p, p.previous()))

    results: dict[str, Any] = {"year": args.year, "areas": []}
    areas: list[tuple[str, Any]] = [(f"province {c}", find_province(c)) for c in provinces] + [("whole country", None)]
    failures = 0
    with connection.cursor() as cursor:
        for label, area in areas:
            repeat = args.whole_repeat if area is None else args.repeat
            root = None if area is None else area.pk
            # warm-up: one of each, which also gives the values to compare
            report = build_report(period, area)
            sql = sql_report(cursor, figures_spec, args.year, root, ct)
            report_times, sql_times = [], []
            queries = 0
            loads = [os.getloadavg()[0]]  # the machine is shared: the 1-minute load goes with the times
            for _ in range(repeat):  # alternate, so that drift on the machine hits both alike
                with CaptureQueriesContext(connection) as captured:
                    start = time.perf_counter()
                    report = build_report(period, area)
                    report_times.append(time.perf_counter() - start)
                queries = len(captured)
                start = time.perf_counter()
                sql = sql_report(cursor, figures_spec, args.year, root, ct)
                sql_times.append(time.perf_counter() - start)
                loads.append(os.getloadavg()[0])
            # compare figure by figure
            mismatches = []
            for section in report.sections:
                for f in section.figures:
                    want = sql[(section.code, f.key)]
                    if (f.value, f.previous) != want:
                        mismatches.append(
                            f"{section.code}/{f.key}: report {f.value}/{f.previous}, SQL {want[0]}/{want[1]}"
                        )
            groups = [(g.name, g.value) for g in report.plan_groups]
            if groups != sql["groups"]:
                mismatches.append(f"plan groups: report {groups}, SQL {sql['groups']}")
            if (report.decision_number, report.decision_date) != sql["decision"]:
                mismatches.append(
                    f"decision: report {report.decision_number} {report.decision_date}, SQL {sql['decision']}"
                )
            failures += len(mismatches)
            r_med, s_med = statistics.median(report_times), statistics.median(sql_times)
            entry = {
                "area": label if area is None else f"{area.code} {area.name}",
                "runs": repeat,
                "report_ms": [round(t * 1000) for t in report_times],
                "sql_ms": [round(t * 1000) for t in sql_times],
                "report_median_ms": round(r_med * 1000),
                "sql_median_ms": round(s_med * 1000),
                "ratio": round(r_med / s_med, 2),
                "queries": queries,
                "load_1min": [round(x, 2) for x in loads],
                "figures": len(report.figures()),
                "mismatches": mismatches,
                "sample": {f"{s.code}/{f.key}": [f.value, f.previous] for s in report.sections for f in s.figures},
            }
            results["areas"].append(entry)
            print(
                f"{entry['area']}: report {entry['report_median_ms']} ms ({queries} queries) vs SQL "
                f"{entry['sql_median_ms']} ms -> {entry['ratio']}x; runs report {entry['report_ms']} SQL {entry['sql_ms']}; "
                f"1-min load {min(loads):.2f}-{max(loads):.2f}",
                flush=True,
            )
            for m in mismatches:
                print("  MISMATCH", m)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str))
    if failures:
        raise SystemExit(f"{failures} figure(s) differ between the report and the hand-written SQL")


if __name__ == "__main__":
    main()
