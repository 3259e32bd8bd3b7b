"""Every endpoint's input errors come as {field: [messages]}, nested rows and file lists included."""

from __future__ import annotations

import pytest
from rest_framework.exceptions import NotFound, ValidationError

from khcn.api.exceptions import exception_handler, flat_errors, server_error


def test_nested_errors_become_messages_of_their_field_naming_the_row_from_1():
    errors = {
        "tranches": {"1": {"amount": ["Trường này là bắt buộc."], "kind": ["Sai loại."]}},
        "attachments": {"0": ["Không phải tệp."]},
        "rows": [{}, {"name": ["Trống."]}],
        "title": ["Quá dài."],
    }
    assert flat_errors(errors) == {
        "tranches": ["[2] amount: Trường này là bắt buộc.", "[2] kind: Sai loại."],
        "attachments": ["[1] Không phải tệp."],
        "rows": ["[2] name: Trống."],
        "title": ["Quá dài."],
    }


def test_the_handler_flattens_validation_errors_and_leaves_the_rest():
    response = exception_handler(ValidationError({"rows": {"0": {"a": ["x"]}}}), {})
    assert response is not None and response.status_code == 400
    assert response.data == {"rows": ["[1] a: x"]}
    # a bare list of messages and other errors are DRF's own
    assert exception_handler(ValidationError(["Sai."]), {}).data == ["Sai."]
    assert exception_handler(NotFound(), {}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/api/v1/tasks/1.5/"),  # an id the route does not take
        ("post", "/api/v1/my-tasks/%C2%B0%26%0A/progress-reports/-1.1e-292/review/"),  # found by schemathesis
        ("get", "/api/v1/khong-co/"),
    ],
)
def test_a_path_no_api_route_takes_answers_404_in_json(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


@pytest.mark.django_db
def test_outside_the_api_404_and_500_are_the_sites_pages(client, rf):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
    assert server_error(rf.get("/csdl/"))["Content-Type"].startswith("text/html")
    api = server_error(rf.get("/api/v1/tasks/"))
    assert api.status_code == 500 and api["Content-Type"] == "application/json"
