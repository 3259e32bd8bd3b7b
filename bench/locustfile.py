"""Locust users for bench/load_mix.sh (issue 9): a realistic mix of public, host and staff traffic
against the demo data. Not a test; run it through bench/load_mix.sh, which starts gunicorn on
PostgreSQL and records everything.

Every request is named by its group ("public: task list", "staff: admin changelist"...) so the
report gives p50/p95/p99 per group. A response counts as a failure when its status is not 200 or
when a logged-in page lands on the login form (an expired or refused session).
"""

from __future__ import annotations

import itertools
import os
import random
import re
from urllib.parse import quote

from locust import HttpUser, between, task

PASSWORD = os.environ.get("KHCN_DEMO_PASSWORD", "khcn-demo-2024")
HOSTS = itertools.cycle(["chutri", "chutri2"])
# Department staff of different roles; each sees the back office its role allows.
STAFF = itertools.cycle(["qlkh", "lanhdao", "khtc", "tdc", "atbx"])
YEAR = int(os.environ.get("KHCN_BENCH_YEAR", "2023"))
SEARCHES = ["nhãn lồng", "long nhan", "nấm", "giống lúa", "truy xuất nguồn gốc", "y tế", "gà Đông Tảo", "cơ khí"]


def ids(html: str, prefix: str) -> list[str]:
    return sorted(set(re.findall(rf'href="{re.escape(prefix)}(\d+)/"', html)))


class KhcnUser(HttpUser):
    abstract = True
    wait_time = between(1, 5)  # a person reading a page between clicks

    def page(self, path: str, name: str, logged_in: bool = True) -> str:
        with self.client.get(path, name=name, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code}")
            elif logged_in and "/dang-nhap/" in r.url:
                r.failure("landed on the login form")
            else:
                r.success()
            return r.text or ""

    def login(self, username: str) -> None:
        self.client.get("/dang-nhap/", name="login: form")
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            "/dang-nhap/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/dang-nhap/"},
            name="login: post",
            catch_response=True,
        ) as r:
            if r.status_code != 200 or "sessionid" not in self.client.cookies:
                r.failure(f"login as {username} failed: {r.status_code} {r.url}")
            else:
                r.success()


class PublicVisitor(KhcnUser):
    weight = 6
    task_ids: list[str] = []
    org_ids: list[str] = []
    filters: list[str] = []

    def on_start(self) -> None:
        html = self.page("/csdl/nhiem-vu/", "public: task list", logged_in=False)
        if not PublicVisitor.task_ids:
            PublicVisitor.task_ids = ids(html, "/csdl/nhiem-vu/")
            PublicVisitor.filters = sorted(
                set(re.findall(r'href="\?((?:linh-vuc|nam|trang-thai|hinh-thuc|dia-ban)=[^"&]+)"', html))
            )
        if not PublicVisitor.org_ids:
            PublicVisitor.org_ids = ids(
                self.page("/csdl/to-chuc/", "public: organisation list", False), "/csdl/to-chuc/"
            )

    @task(3)
    def home(self) -> None:
        self.page("/csdl/", "public: home", logged_in=False)

    @task(4)
    def task_list(self) -> None:
        self.page("/csdl/nhiem-vu/", "public: task list", logged_in=False)

    @task(4)
    def task_list_filtered(self) -> None:
        if self.filters:
            self.page("/csdl/nhiem-vu/?" + random.choice(self.filters), "public: task list, filtered", False)

    @task(6)
    def task_detail(self) -> None:
        if self.task_ids:
            self.page(f"/csdl/nhiem-vu/{random.choice(self.task_ids)}/", "public: task detail", logged_in=False)

    @task(3)
    def search(self) -> None:
        self.page(f"/csdl/tim-kiem/?q={quote(random.choice(SEARCHES))}", "public: search", logged_in=False)

    @task(2)
    def organisations(self) -> None:
        self.page("/csdl/to-chuc/", "public: organisation list", logged_in=False)
        if self.org_ids:
            self.page(f"/csdl/to-chuc/{random.choice(self.org_ids)}/", "public: organisation detail", False)

    @task(1)
    def csv(self) -> None:
        self.page("/csdl/nhiem-vu/?dinh-dang=csv", "public: task list CSV", logged_in=False)

    @task(1)
    def api(self) -> None:
        self.page("/api/v1/tasks/", "public: API tasks", logged_in=False)


class HostUser(KhcnUser):
    weight = 2

    def on_start(self) -> None:
        self.login(next(HOSTS))
        self.task_ids = ids(self.page("/nhiem-vu/don-vi/", "host: task list"), "/nhiem-vu/don-vi/")

    @task(4)
    def task_list(self) -> None:
        self.page("/nhiem-vu/don-vi/", "host: task list")

    @task(5)
    def task_page(self) -> None:
        if self.task_ids:
            self.page(f"/nhiem-vu/don-vi/{random.choice(self.task_ids)}/", "host: task page")

    @task(2)
    def portal(self) -> None:
        self.page("/", "host: portal home")

    @task(1)
    def organisation(self) -> None:
        self.page("/to-chuc/", "host: my organisation")


class StaffUser(KhcnUser):
    weight = 2

    def on_start(self) -> None:
        self.login(next(STAFF))
        html = self.page("/quan-tri/", "staff: admin index")
        self.changelists = sorted(set(re.findall(r'href="(/quan-tri/[a-z_]+/[a-z_]+/)"', html)))
        self.task_ids = ids(self.page("/nhiem-vu/danh-muc/", "staff: research task list"), "/nhiem-vu/danh-muc/")

    @task(2)
    def admin_index(self) -> None:
        self.page("/quan-tri/", "staff: admin index")

    @task(6)
    def changelist(self) -> None:
        if self.changelists:
            self.page(random.choice(self.changelists), "staff: admin changelist")

    @task(3)
    def research_tasks(self) -> None:
        self.page("/nhiem-vu/danh-muc/", "staff: research task list")

    @task(3)
    def research_task(self) -> None:
        if self.task_ids:
            self.page(f"/nhiem-vu/danh-muc/{random.choice(self.task_ids)}/", "staff: research task detail")

    @task(1)
    def research_dashboard(self) -> None:
        self.page(f"/nhiem-vu/tong-hop/{YEAR}/", "staff: research dashboard")

    @task(1)
    def reports(self) -> None:
        self.page("/bao-cao/", "staff: reports index")

    @task(1)
    def annual(self) -> None:
        self.page(f"/bao-cao/nam/{YEAR}/", "staff: annual report")

    @task(1)
    def statistics(self) -> None:
        self.page(f"/bao-cao/thong-ke/{YEAR}/", "staff: statistics")

    @task(1)
    def due(self) -> None:
        self.page("/bao-cao/viec-den-han/", "staff: due items")
