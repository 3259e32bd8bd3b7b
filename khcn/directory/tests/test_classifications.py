"""Classification lists loaded from data files: counts, structure, idempotency, updates."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from khcn.directory import classifications
from khcn.directory.models import FieldOfScience, FundingSource, TaskForm


@pytest.fixture
def loaded(db):
    return classifications.load_all()


def test_fields_of_science_two_levels(loaded):
    top = FieldOfScience.objects.filter(level=1).order_by("code")
    assert list(top.values_list("code", "name")) == [
        ("1", "Khoa học tự nhiên"),
        ("2", "Khoa học kỹ thuật và công nghệ"),
        ("3", "Khoa học y, dược"),
        ("4", "Khoa học nông nghiệp"),
        ("5", "Khoa học xã hội"),
        ("6", "Khoa học nhân văn"),
    ]
    assert all(field.parent_id is None for field in top)
    sub = FieldOfScience.objects.filter(level=2).select_related("parent")
    assert sub.count() == 46
    for field in sub:
        assert len(field.code) == 3 and 101 <= int(field.code) <= 699
        assert field.parent.code == field.code[0]
    # Every top-level field ends with its "other" bucket (x99), as in the Frascati scheme.
    assert {f.code for f in sub if f.code.endswith("99")} == {"199", "299", "399", "499", "599", "699"}
    assert FieldOfScience.objects.get(code="401").name == "Trồng trọt"
    assert FieldOfScience.objects.get(code="102").name == "Khoa học máy tính và thông tin"


def test_task_forms_and_funding_sources(loaded):
    assert list(TaskForm.objects.values_list("code", flat=True)) == [
        "research_project", "pilot_production", "scheme", "st_project", "basic_survey", "recurrent",
    ]  # fmt: skip
    assert TaskForm.objects.get(code="pilot_production").name == "Dự án sản xuất thử nghiệm"
    state = set(FundingSource.objects.filter(is_state_budget=True).values_list("code", flat=True))
    other = set(FundingSource.objects.filter(is_state_budget=False).values_list("code", flat=True))
    assert state == {"province_st", "development_investment", "central", "local_counterpart"}
    assert other == {"host_own", "st_fund", "other"}


def test_loading_twice_changes_nothing(loaded):
    assert {name: r.created for name, r in loaded.items()} == {
        "Lĩnh vực KH&CN": 52,
        "Hình thức nhiệm vụ": 6,
        "Nguồn kinh phí": 7,
    }
    history_rows = FieldOfScience.history.count() + TaskForm.history.count() + FundingSource.history.count()
    assert history_rows == 52 + 6 + 7

    again = classifications.load_all()

    assert all(not r.changed for r in again.values())
    assert sum(r.unchanged for r in again.values()) == 65
    assert FieldOfScience.objects.count() == 52 and TaskForm.objects.count() == 6 and FundingSource.objects.count() == 7
    assert FieldOfScience.history.count() + TaskForm.history.count() + FundingSource.history.count() == history_rows


def test_reloading_updates_names_and_keeps_rows_staff_added(loaded):
    FieldOfScience.objects.filter(code="401").update(name="Tên cũ")
    FundingSource.objects.filter(code="st_fund").update(is_state_budget=True)
    staff_added = TaskForm.objects.create(code="protocol", name="Nhiệm vụ nghị định thư", order=9)

    again = classifications.load_all()

    assert again["Lĩnh vực KH&CN"].updated == 1 and again["Nguồn kinh phí"].updated == 1
    field = FieldOfScience.objects.get(code="401")
    assert field.name == "Trồng trọt"
    assert field.history.first().history_change_reason == "Nạp danh mục (load_classifications)"
    assert FundingSource.objects.get(code="st_fund").is_state_budget is False
    assert TaskForm.objects.filter(pk=staff_added.pk).exists()


def test_a_file_with_a_duplicate_code_is_refused(tmp_path, db):
    data = json.loads(classifications.TASK_FORMS_FILE.read_text(encoding="utf-8"))
    data["task_forms"].append(dict(data["task_forms"][0]))
    bad = tmp_path / "forms.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match="research_project"):
        classifications.load_task_forms(bad)
    assert not TaskForm.objects.exists()


def test_load_classifications_command(db):
    out = StringIO()
    call_command("load_classifications", stdout=out)
    assert "Lĩnh vực KH&CN: 52 mới" in out.getvalue()
    out = StringIO()
    call_command("load_classifications", stdout=out)
    assert "Nguồn kinh phí: 0 mới, 0 cập nhật, 7 không đổi" in out.getvalue()
