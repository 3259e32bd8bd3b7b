"""The back office: every staff role opens the research lists; statuses cannot be edited there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from khcn.accounts import roles
from khcn.research.models import Plan, Proposal
from khcn.testing import make_user

pytestmark = pytest.mark.django_db

MODELS = ["call", "proposal", "plan", "planitem", "plangroup", "task", "application", "appraisal", "planadjustment"]


@pytest.mark.parametrize(
    "role", [roles.SCIENCE_OFFICER, roles.DEPARTMENT_LEADER, roles.PROVINCIAL_LEADER, roles.FINANCE_OFFICER]
)
def test_staff_open_every_research_list(client, build, role, django_assert_max_num_queries):
    build.proposal()
    build.plan()
    client.force_login(make_user(f"u_{role}", role))
    for model in MODELS:
        with django_assert_max_num_queries(40):
            response = client.get(reverse(f"admin:research_{model}_changelist"))
        assert response.status_code == 200, model


def test_change_pages_show_status_read_only(client, build, science_officer):
    proposal = build.proposal()
    plan = build.plan()
    client.force_login(science_officer)
    page = client.get(reverse("admin:research_proposal_change", args=[proposal.pk])).content.decode()
    assert 'name="status"' not in page
    assert client.get(reverse("admin:research_plan_change", args=[plan.pk])).status_code == 200
    # A POST cannot move the status either.
    client.post(reverse("admin:research_proposal_change", args=[proposal.pk]), {"status": "valid"})
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED


def test_the_plan_list_links_to_the_dashboard(client, build, science_officer):
    build.plan()
    client.force_login(science_officer)
    page = client.get(reverse("admin:research_plan_changelist")).content.decode()
    assert reverse("admin:research_plan_open_dashboard") in page
    response = client.get(reverse("admin:research_plan_open_dashboard"))
    assert response.status_code == 302 and response.url == reverse("research:dashboard")
    assert Plan.objects.count() == 1


def test_the_proposal_list_offers_the_excel_import_to_science_officers(client, science_officer, provincial_leader):
    client.force_login(science_officer)
    page = client.get(reverse("admin:research_proposal_changelist")).content.decode()
    assert "Nhập từ Excel" in page
    client.force_login(provincial_leader)
    page = client.get(reverse("admin:research_proposal_changelist")).content.decode()
    assert "Nhập từ Excel" not in page
