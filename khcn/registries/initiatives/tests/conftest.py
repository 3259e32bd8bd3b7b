"""Builders for the initiatives tests: applications, a provincial initiative council with seated
members, votes and decisions, all set up through the public services."""

from __future__ import annotations

import datetime as dt
from itertools import count

import pytest

from khcn import testing
from khcn.accounts import roles
from khcn.councils import services as council_services
from khcn.councils.models import Council, CouncilMember
from khcn.directory.models import Organisation, Person
from khcn.registries.initiatives import services
from khcn.registries.initiatives.models import Initiative

R = CouncilMember.Role
SESSION_DAY = dt.date(2023, 6, 16)
_numbers = count(1)


@pytest.fixture
def technology_officer(db):
    return testing.make_user("technology_officer", roles.TECHNOLOGY_OFFICER)


@pytest.fixture
def school(db):
    return Organisation.objects.create(name="Trường THPT Thử nghiệm", kind=Organisation.Kind.STATE_AGENCY)


@pytest.fixture
def province(db):
    return Organisation.objects.create(name="UBND tỉnh (thử)", kind=Organisation.Kind.STATE_AGENCY)


class Builder:
    def __init__(self, officer, unit):
        self.officer = officer
        self.unit = unit

    def initiative(self, title=None, authors=None, **fields):
        n = next(_numbers)
        initiative = Initiative(
            code=fields.pop("code", f"SK-T-{n:03d}"),
            title=title or f"Sáng kiến thử {n}",
            unit=fields.pop("unit", self.unit),
            year=fields.pop("year", 2023),
            **fields,
        )
        if authors is None:
            authors = [Person.objects.create(full_name=f"Tác giả {n}")]
        return services.initiative_save(initiative=initiative, authors=authors, by=self.officer)

    def council(self, seats=(R.CHAIR, R.VICE_CHAIR, R.MEMBER, R.MEMBER), name=None):
        council = council_services.council_create(
            kind=Council.Kind.INITIATIVES,
            year=2023,
            name=name or f"Hội đồng sáng kiến {next(_numbers)}",
            by=self.officer,
        )
        members = [
            council_services.council_member_add(
                council=council,
                person=Person.objects.create(full_name=f"Thành viên {next(_numbers)}"),
                role=role,
                by=self.officer,
            )
            for role in seats
        ]
        return council, members

    def session(self, council, members, date=SESSION_DAY):
        return council_services.meeting_record(
            council=council, date=date, place="UBND tỉnh", present=members, by=self.officer
        )

    def votes(self, council_object, members, yes):
        """The first `yes` members vote to recommend, the rest against (paper sheets)."""
        for position, member in enumerate(members):
            council_services.score_sheet_submit(
                council_object=council_object,
                member=member,
                by=self.officer,
                vote="recommend" if position < yes else "not_recommend",
                source="paper",
            )

    def judged(self, yes, members_count=4, **fields):
        """An initiative before a fresh council that met and voted `yes` of `members_count`."""
        council, members = self.council(seats=[R.CHAIR, *([R.MEMBER] * (members_count - 1))])
        initiative = self.initiative(**fields)
        (council_object,) = services.initiative_council_add(council=council, initiatives=[initiative], by=self.officer)
        self.session(council, members)
        self.votes(council_object, members, yes)
        return initiative, council


@pytest.fixture
def build(science_officer, school):
    return Builder(science_officer, school)
