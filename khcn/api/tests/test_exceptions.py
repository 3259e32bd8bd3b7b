"""Every endpoint's input errors come as {field: [messages]}, nested rows and file lists included."""

from __future__ import annotations

from rest_framework.exceptions import NotFound, ValidationError

from khcn.api.exceptions import exception_handler, flat_errors


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
