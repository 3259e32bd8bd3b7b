"""Builders for research tests (and the browser journey): reference data, calls, proposals,
councils, plans and tasks, all set up through the public services."""

from __future__ import annotations

import datetime as dt
import importlib
from itertools import count
from typing import Any

from django.apps import apps as django_apps

from khcn.accounts import roles
from khcn.directory.classifications import load_fields_of_science, load_task_forms
from khcn.directory.models import AdministrativeUnit, FieldOfScience, OfficialDocument, Organisation, Person, TaskForm
from khcn.research import services
from khcn.research.classifications import load_plan_groups
from khcn.research.models import Call, Plan, PlanGroup, Proposal, Task
from khcn.testing import make_user

_n = count(1)
TODAY = dt.date.today()


def ensure_rule_sets() -> None:
    """The councils' default rule sets come from a data migration; a transactional test flushes
    them, so tests that build councils put them back (the seed is idempotent)."""
    seed = importlib.import_module("khcn.councils.migrations.0002_seed_rule_sets").seed
    seed(django_apps, None)


def ensure_reference_data() -> None:
    load_plan_groups()
    load_fields_of_science()
    load_task_forms()
    AdministrativeUnit.objects.get_or_create(
        level=AdministrativeUnit.Level.PROVINCE,
        code="33",
        valid_from=None,
        defaults={"name": "Hưng Yên", "division_type": "tỉnh"},
    )
    ensure_rule_sets()


class Builder:
    """Sets research records up through the public services, as the pages do."""

    def __init__(self, officer: Any) -> None:
        self.officer = officer
        ensure_reference_data()
        self.province = services.current_province("33")
        self.committee, _ = Organisation.objects.get_or_create(
            name="Ủy ban nhân dân tỉnh Hưng Yên", defaults={"kind": Organisation.Kind.STATE_AGENCY}
        )

    # Reference data
    def group(self, code: str = "agriculture") -> PlanGroup:
        return PlanGroup.objects.get(code=code)

    def field(self, code: str = "401") -> FieldOfScience:
        return FieldOfScience.objects.get(code=code)

    def form(self, code: str = "research_project") -> TaskForm:
        return TaskForm.objects.get(code=code)

    def call(
        self,
        *,
        year: int = 2027,
        opens_on: dt.date | None = None,
        deadline: dt.date | None = None,
        kind: str = Call.Kind.PROPOSALS,
        province: AdministrativeUnit | None = None,
    ) -> Call:
        return services.call_create(
            kind=kind,
            year=year,
            title=f"Đợt thử nghiệm {next(_n)}",
            opens_on=opens_on or TODAY - dt.timedelta(days=10),
            deadline=deadline or TODAY + dt.timedelta(days=10),
            by=self.officer,
            province=province,
        )

    def proposal_data(self, **overrides: Any) -> dict[str, Any]:
        data = {
            "title": f"Nghiên cứu ứng dụng tiến bộ kỹ thuật trong sản xuất nhãn lồng {next(_n)}",
            "urgency": "Nhãn lồng là cây trồng chủ lực của tỉnh.",
            "objectives": "Nâng cao năng suất, chất lượng.",
            "expected_results": "Quy trình kỹ thuật; mô hình 5 ha.",
            "estimated_budget": 850_000_000,
            "estimated_duration_months": 24,
            "application_place": "Các hợp tác xã nhãn lồng.",
            "field": self.field(),
            "task_form": self.form(),
        }
        data.update(overrides)
        return data

    def proposal(
        self,
        call: Call | None = None,
        *,
        org: Organisation | None = None,
        by: Any = None,
        status: str = Proposal.Status.SUBMITTED,
        **overrides: Any,
    ) -> Proposal:
        call = call or self.call()
        by = by or self.officer
        extra = (
            {}
            if by is not self.officer
            else {"proposer_org": org or Organisation.objects.create(name=f"Tổ chức {next(_n)}")}
        )
        proposal = services.proposal_submit(call=call, by=by, **extra, **self.proposal_data(**overrides))
        if status in (Proposal.Status.VALID, Proposal.Status.IN_COUNCIL, Proposal.Status.RECOMMENDED):
            proposal = services.proposal_transition(proposal=proposal, to=Proposal.Status.VALID, by=self.officer)
        if status in (Proposal.Status.IN_COUNCIL, Proposal.Status.RECOMMENDED):
            council, members = self.identification_council()
            services.proposal_send_to_council(proposals=[proposal], council=council, by=self.officer)
            if status == Proposal.Status.RECOMMENDED:
                self.votes(council, members, proposal, ["recommend"] * len(members))
                proposal = services.proposal_apply_council_result(proposal=proposal, by=self.officer)
        proposal.refresh_from_db()
        return proposal

    def person(self, name: str | None = None, org: Organisation | None = None, user: Any = None) -> Person:
        return Person.objects.create(full_name=name or f"Nhà khoa học {next(_n)}", organisation=org, user=user)

    def identification_council(
        self, n: int = 3, *, with_users: bool = False, year: int = 2026
    ) -> tuple[Any, list[Any]]:
        return self.council("identification", n, with_users=with_users, year=year)

    def council(self, kind: str, n: int = 3, *, with_users: bool = False, year: int = 2026) -> tuple[Any, list[Any]]:
        from khcn.councils import services as council_services

        council = council_services.council_create(
            kind=kind, year=year, name=f"Hội đồng {kind} {next(_n)}", by=self.officer
        )
        seats = ["chair", "reviewer_1", "reviewer_2", "vice_chair", "member", "member", "member"][:n]
        members = []
        for role in seats:
            user = make_user(f"thanh_vien_{next(_n)}", roles.COUNCIL_MEMBER) if with_users else None
            members.append(
                council_services.council_member_add(
                    council=council, person=self.person(user=user), role=role, by=self.officer
                )
            )
        council_services.meeting_record(
            council=council, date=TODAY - dt.timedelta(days=1), place="Sở KH&CN", present=members, by=self.officer
        )
        return council, members

    def votes(self, council: Any, members: list[Any], target: Any, votes: list[str]) -> None:
        from khcn.councils import selectors as council_selectors
        from khcn.councils import services as council_services

        council_object = council_selectors.council_objects_for(target).filter(council=council).get()
        for member, vote in zip(members, votes, strict=True):
            council_services.score_sheet_submit(
                council_object=council_object, member=member, by=self.officer, vote=vote, source="paper"
            )

    def scores(self, council: Any, members: list[Any], target: Any, totals: list[int]) -> None:
        from khcn.councils import selectors as council_selectors
        from khcn.councils import services as council_services

        council_object = council_selectors.council_objects_for(target).filter(council=council).get()
        criteria = list(council.rule_set.criteria.all())
        for member, total in zip(members, totals, strict=True):
            council_services.score_sheet_submit(
                council_object=council_object,
                member=member,
                by=self.officer,
                scores=_spread(criteria, total),
                source="paper",
            )

    def decision(self, number: str | None = None, date: dt.date = dt.date(2024, 1, 15)) -> OfficialDocument:
        return services.document_record(
            issuer=self.committee,
            number=number or f"{next(_n)}/QĐ-UBND",
            date=date,
            signer="Chủ tịch UBND tỉnh",
            subject="Quyết định thử nghiệm",
            by=self.officer,
        )

    def task(
        self,
        *,
        plan_year: int = 2023,
        status: str = Task.Status.IN_PROGRESS,
        group: str = "agriculture",
        host: Organisation | None = None,
        **extra: Any,
    ) -> Task:
        return services.task_register_existing(
            title=extra.pop("title", f"Nhiệm vụ đã có {next(_n)}"),
            form=self.form(),
            field_of_science=self.field(),
            group=self.group(group),
            plan_year=plan_year,
            status=status,
            host=host,
            state_budget=extra.pop("state_budget", 900_000_000),
            by=self.officer,
            **extra,
        )

    def plan(self, year: int = 2024) -> Plan:
        return services.plan_create(year=year, province=self.province, by=self.officer)


def _spread(criteria: list[Any], total: int) -> dict[str, int]:
    capacity = sum(c.max_points for c in criteria)
    scores = {c.code: c.max_points * total // capacity for c in criteria}
    left = total - sum(scores.values())
    for c in criteria:
        step = min(c.max_points - scores[c.code], left)
        scores[c.code] += step
        left -= step
    return scores
