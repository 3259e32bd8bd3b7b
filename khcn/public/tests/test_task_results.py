"""A completed task's public page: grade, registered results, outputs and where they are applied."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from khcn.research.models import Acceptance, Output, ResultApplication, ResultRegistration, Task

pytestmark = pytest.mark.django_db


def test_results_show_once_the_task_is_completed(client, world):
    url = reverse("public:task-detail", args=[world.task.pk])
    assert "task-results" not in client.get(url).content.decode()  # still in progress

    task = world.task
    Acceptance.objects.create(
        task=task,
        submitted_on=dt.date(2025, 9, 1),
        self_evaluation="Đạt",
        self_grade="passed",
        grade="excellent",
        graded_on=dt.date(2025, 10, 1),
    )
    ResultRegistration.objects.create(
        task=task, number="12/2025/ĐKKQ", registered_on=dt.date(2025, 10, 20), deposit_place="Sở KH&CN Hưng Yên"
    )
    Output.objects.create(
        task=task,
        form="type_ii",
        name="Quy trình sấy long nhãn",
        quantity_planned=1,
        quantity_achieved=1,
        achieved=True,
    )
    ResultApplication.objects.create(
        task=task, year=2025, place="HTX Long nhãn Hưng Yên", scale="3 lò sấy", effect="Giảm 20% hao hụt"
    )
    Task.objects.filter(pk=task.pk).update(status=Task.Status.COMPLETED)

    body = client.get(url).content.decode()
    assert "task-results" in body
    for text in ("Xuất sắc", "12/2025/ĐKKQ", "Quy trình sấy long nhãn", "Giảm 20% hao hụt"):
        assert text in body
    assert "dong@example.com" not in body


def test_the_task_page_costs_the_same_whatever_the_results(client, world, django_assert_max_num_queries):
    task = world.task
    Task.objects.filter(pk=task.pk).update(status=Task.Status.COMPLETED)
    for i in range(12):
        ResultApplication.objects.create(task=task, year=2025, place=f"Xã {i}", scale="1 ha", effect="Tốt")
        Output.objects.create(task=task, form="type_iii", name=f"Bài báo {i}")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("public:task-detail", args=[task.pk])).status_code == 200
