"""Execution forms refuse what the database cannot hold, with a message (not a 500 on PostgreSQL)."""

from __future__ import annotations

from khcn.research.forms_execution import OutputAddForm
from khcn.research.models import Output


def test_an_output_quantity_past_what_the_column_holds_is_refused():
    data = {"form": Output.Form.TYPE_III, "name": "Bài báo", "quantity_planned": 2**31}
    form = OutputAddForm(data=data)
    assert not form.is_valid() and "quantity_planned" in form.errors
    assert OutputAddForm(data={**data, "quantity_planned": 2**31 - 1}).is_valid()
