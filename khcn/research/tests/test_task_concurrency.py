"""Two staff editing the same task: the second save is refused, nothing is overwritten (issue 4)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from khcn.accounts import roles
from khcn.research.models import Task
from khcn.testing import make_user

pytestmark = pytest.mark.django_db


class FormValues(HTMLParser):
    """The values a browser would send back from the page's main form, as loaded."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, Any] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.data[name] = a.get("value") or "on"
            else:
                self.data[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data


def loaded_form(client: Client, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200
    parser = FormValues()
    parser.feed(response.content.decode())
    assert "loaded_version" in parser.data, "the change form carries the version it was loaded at"
    return parser.data


def test_the_second_of_two_concurrent_saves_is_refused(build):
    task = build.task(title="Nghiên cứu nhân giống nhãn lồng Hưng Yên")
    url = reverse("admin:research_task_change", args=[task.pk])
    first, second = Client(), Client()
    first.force_login(make_user("qlkh_mot", roles.SCIENCE_OFFICER))
    second.force_login(make_user("qlkh_hai", roles.SCIENCE_OFFICER))
    form_1 = loaded_form(first, url)
    form_2 = loaded_form(second, url)

    form_1["title"] = "Nghiên cứu nhân giống nhãn lồng Hưng Yên bằng ghép cành"
    response = first.post(url, form_1)
    assert response.status_code == 302, response.content.decode()[:3000]

    form_2["title"] = "Nghiên cứu nhân giống nhãn lồng (bản của người thứ hai)"
    response = second.post(url, form_2)
    assert response.status_code == 200
    assert "vừa được người khác sửa" in response.content.decode()
    task = Task.objects.get(pk=task.pk)
    assert task.title == "Nghiên cứu nhân giống nhãn lồng Hưng Yên bằng ghép cành"
    assert task.version == 2
    assert task.history.count() == 2
