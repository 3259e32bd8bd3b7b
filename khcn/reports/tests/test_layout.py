"""The layout: the seed article's order, every placeholder a metric key or a report context."""

from __future__ import annotations

import pytest

from khcn.reports import layout, services

# facts.md, 2023 results: the metric key each row maps to, and the figure the article states.
# Rows the system records differently (approximate attendee counts, "50+") are mapped too: the
# demo's individual records must add up to them.
FACTS_2023: dict[str, int] = {
    "legaldocs.normative": 2,
    "legaldocs.directive": 9,
    "technology.opinions": 38,
    "technology.appraisal_councils": 3,
    "technology.workshops": 3,
    "technology.transfer_certificates_amended": 1,
    "technology.transfer_certificates_new": 1,
    "ip.support_organisations": 5,
    "ip.support_individuals": 1,
    "ip.supported_marks": 24,
    "ip.certification_mark_certificates": 2,
    "ip.gi_certificates": 60,
    "innovation.startups_supported": 3,
    "innovation.techfest_enterprises": 3,
    "innovation.startup_days": 1,
    "innovation.news_items": 15,
    "initiatives.council_meetings": 2,
    "initiatives.recommended": 42,
    "initiatives.supported_wider": 3,
    "radiation.licences_issued": 28,
    "radiation.worker_certificates_issued": 24,
    "radiation.staff_trained": 15,
    "quality.announcements_regulation": 43,
    "quality.announcements_standard": 18,
    "quality.import_registrations": 529,
    "quality.import_enterprises": 30,
    "quality.training_classes": 8,
    "quality.surveyed_businesses": 38,
    "metrology.verified": 20363,
    "metrology.passed": 19923,
    "metrology.rejected": 440,
    "inspections.inspections": 12,
    "inspections.inspected_establishments": 112,
    "inspections.checked_establishments": 148,
    "inspections.fines_total": 7_500_000,
    "research.plan_tasks": 50,
    "research.plan_tasks_carried_over": 39,
    "research.plan_tasks_new": 11,
}
# The article's approximate figures ("gần 500", "gần 1500", "hơn 50", "gần 3.500", "hơn 710"):
# the records must come close; the report prints what the records add up to.
APPROXIMATE_2023: dict[str, tuple[int, int]] = {
    "technology.workshop_attendees": (450, 500),
    "innovation.trainees": (1400, 1500),
    "radiation.trainees": (51, 80),
    "radiation.survey_points": (3300, 3500),
    "quality.trainees": (711, 800),
}
PLAN_2024: dict[str, int] = {
    "research.proposals_received": 78,
    "research.plan_tasks": 42,
    "research.plan_tasks_carried_over": 27,
    "research.plan_tasks_new": 15,
    "research.plan_budget_total": 27_273_000_000,
}
PLAN_2024_GROUPS = [15, 5, 5, 6, 3, 1, 3, 4]


def test_sections_follow_the_seed_articles_order():
    assert [s.code for s in layout.SECTIONS] == [
        "legaldocs", "technology", "innovation", "initiatives", "radiation", "quality", "inspections", "research",
        "plan",
    ]  # fmt: skip


def test_every_facts_row_has_a_place_in_the_layout():
    keys = set(layout.all_keys())
    for key in (*FACTS_2023, *APPROXIMATE_2023, *PLAN_2024):
        assert key in keys, key


def test_context_placeholders_are_known():
    known = {"year", "prev_year", "next_year", "decision_number", "decision_date", "groups"}
    for section in layout.SECTIONS:
        for line in section.lines:
            text = layout.PLACEHOLDER.sub("", line.template)
            assert set(layout.CONTEXT_PLACEHOLDER.findall(text)) <= known


@pytest.mark.parametrize(
    ("value", "money", "text"),
    [
        (2, False, "02"),
        (38, False, "38"),
        (20363, False, "20.363"),
        (7_500_000, True, "7.500.000 đồng"),
        (27_273_000_000, True, "27,273 tỷ đồng"),
        (None, False, "chưa ghi nhận"),
    ],
)
def test_figures_are_written_the_way_the_article_writes_them(value, money, text):
    assert services.format_figure(value, money) == text
