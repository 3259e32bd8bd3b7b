"""Builders for council tests: a council with seated members, objects to judge, sheets."""

from __future__ import annotations

import datetime as dt
from itertools import count

import pytest

from khcn.accounts import roles
from khcn.councils import services
from khcn.councils.models import Council, CouncilMember, RuleSet
from khcn.directory.models import Organisation, Person
from khcn.testing import make_user

R = CouncilMember.Role
# A selection council of 9 voting members and a non-voting administrative secretary.
NINE = [
    R.CHAIR,
    R.VICE_CHAIR,
    R.REVIEWER_1,
    R.REVIEWER_2,
    R.MEMBER,
    R.MEMBER,
    R.MEMBER,
    R.MEMBER,
    R.SCIENTIFIC_SECRETARY,
]
WITH_ADMIN_SECRETARY = [*NINE, R.ADMIN_SECRETARY]
MEETING_DAY = dt.date(2024, 6, 10)

_names = count(1)


class Builder:
    """Sets councils up through the public services, as another app would."""

    def __init__(self, officer):
        self.officer = officer

    def council(
        self, kind=Council.Kind.SELECTION, seats=WITH_ADMIN_SECRETARY, *, with_users=False, name=None, year=2024
    ):
        council = services.council_create(
            kind=kind, year=year, name=name or f"Hội đồng thử nghiệm {next(_names)}", by=self.officer
        )
        members = []
        for role in seats:
            n = next(_names)
            person = Person.objects.create(full_name=f"Nhà khoa học {n:02d}")
            if with_users:
                person.user = make_user(f"thanh_vien_{n}", roles.COUNCIL_MEMBER)
                person.save()
            members.append(services.council_member_add(council=council, person=person, role=role, by=self.officer))
        return council, members

    def object(self, council, title=None, group=""):
        target = Organisation.objects.create(name=title or f"Hồ sơ {next(_names)}")
        return services.council_object_add(council=council, target=target, by=self.officer, title=title, group=group)

    def meeting(self, council, present, date=MEETING_DAY, **kw):
        return services.meeting_record(
            council=council, date=date, place="Phòng họp Sở KH&CN", present=present, by=self.officer, **kw
        )

    def sheet(self, council_object, member, *, total=None, scores=None, **kw):
        if total is not None:
            scores = scores_totalling(council_object.council.rule_set, total)
        return services.score_sheet_submit(
            council_object=council_object, member=member, by=self.officer, scores=scores, **kw
        )


def scores_totalling(rule_set: RuleSet, total: int, zero: str | None = None) -> dict[str, int]:
    """Spread `total` over the criteria in proportion to their maxima (no zeros unless asked)."""
    criteria = list(rule_set.criteria.all())
    usable = [c for c in criteria if c.code != zero]
    capacity = sum(c.max_points for c in usable)
    assert 0 <= total <= capacity
    scores = {c.code: c.max_points * total // capacity for c in usable}
    left = total - sum(scores.values())
    for c in usable:
        room = c.max_points - scores[c.code]
        step = min(room, left)
        scores[c.code] += step
        left -= step
    if zero:
        scores[zero] = 0
    assert sum(scores.values()) == total
    return scores


@pytest.fixture
def build(science_officer):
    return Builder(science_officer)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
