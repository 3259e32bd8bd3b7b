from __future__ import annotations

from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from khcn.research.models import Proposal
from khcn.research.tests.builders import Builder

pytestmark = pytest.mark.django_db


def token_client(user: Any) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def build(science_officer: Any) -> Builder:
    return Builder(science_officer)


@pytest.fixture
def proposals(build: Builder, host_user: Any, host_user_b: Any, org_a: Any, org_b: Any) -> dict[str, Proposal]:
    call = build.call()
    return {
        "a": build.proposal(call, by=host_user),
        "b": build.proposal(call, by=host_user_b),
        "call": call,  # type: ignore[dict-item]
    }


def test_anonymous_cannot_list_proposals(proposals):
    assert APIClient().get("/api/v1/proposals/").status_code in (401, 403)


def test_outsider_cannot_list_proposals(proposals, outsider):
    assert token_client(outsider).get("/api/v1/proposals/").status_code == 403


def test_host_sees_only_its_own_proposals(proposals, host_user, django_assert_max_num_queries):
    client = token_client(host_user)
    client.get("/api/v1/proposals/")
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/proposals/")
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [proposals["a"].pk]
    assert client.get(f"/api/v1/proposals/{proposals['a'].pk}/").status_code == 200
    assert client.get(f"/api/v1/proposals/{proposals['b'].pk}/").status_code == 404


def test_host_b_cannot_see_host_a(proposals, host_user_b):
    client = token_client(host_user_b)
    assert client.get(f"/api/v1/proposals/{proposals['a'].pk}/").status_code == 404


def test_staff_sees_all(proposals, science_officer):
    ids = {r["id"] for r in token_client(science_officer).get("/api/v1/proposals/").json()["results"]}
    assert {proposals["a"].pk, proposals["b"].pk} <= ids


def _payload(build: Builder, call: Any, **extra: Any) -> dict[str, Any]:
    data = build.proposal_data()
    data.update(call=call.pk, field=data["field"].code, task_form=data["task_form"].code, **extra)
    return data


def test_host_submits_through_the_service(build, proposals, host_user, org_a, org_b):
    client = token_client(host_user)
    # A host cannot propose for another organisation: the service puts its own.
    response = client.post(
        "/api/v1/proposals/", _payload(build, proposals["call"], proposer_org=org_b.pk), format="json"
    )
    assert response.status_code == 201, response.content
    proposal = Proposal.objects.get(pk=response.json()["id"])
    assert proposal.proposer_org == org_a
    assert proposal.channel == Proposal.Channel.ONLINE
    assert proposal.events.count() == 1  # the service wrote the history


def test_submission_errors_are_400(build, proposals, host_user):
    response = token_client(host_user).post(
        "/api/v1/proposals/", _payload(build, proposals["call"], estimated_duration_months=999), format="json"
    )
    assert response.status_code == 400


def test_a_code_with_a_nul_character_is_400_not_a_server_error(build, proposals, host_user):
    # PostgreSQL cannot compare text holding NUL: the lookup itself failed with a 500 (schemathesis).
    before = Proposal.objects.count()
    data = _payload(build, proposals["call"])
    data["field"] = "\x00" + data["field"]
    response = token_client(host_user).post("/api/v1/proposals/", data, format="json")
    assert response.status_code == 400
    assert "field" in response.json()
    assert Proposal.objects.count() == before


def test_staff_submits_paper_proposal(build, proposals, science_officer, org_b):
    response = token_client(science_officer).post(
        "/api/v1/proposals/", _payload(build, proposals["call"], proposer_org=org_b.pk), format="json"
    )
    assert response.status_code == 201, response.content
    assert Proposal.objects.get(pk=response.json()["id"]).channel == Proposal.Channel.STAFF


def test_council_member_cannot_submit(build, proposals, council_member):
    response = token_client(council_member).post(
        "/api/v1/proposals/", _payload(build, proposals["call"]), format="json"
    )
    assert response.status_code == 403


def test_a_body_of_a_type_the_api_cannot_read_is_refused_with_415_as_the_schema_says(proposals, host_user):
    # A body typed as plain text (or, as schemathesis once sent it through the test client, with its
    # content type lost): no parser of the API reads it.
    response = token_client(host_user).post("/api/v1/proposals/", data=b"x=1", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["detail"]
    paths = token_client(host_user).get("/api/schema/?format=json").json()["paths"]
    bodies = [(path, method, op) for path, ops in paths.items() for method, op in ops.items() if "requestBody" in op]
    assert bodies
    assert all("415" in op["responses"] for _path, _method, op in bodies), [
        (path, method) for path, method, op in bodies if "415" not in op["responses"]
    ]
