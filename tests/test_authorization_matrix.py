"""The authorization matrix (security.md §5, goals G1 and G2): every URL pattern × every role.

For each URL pattern of khcn/urls.py (walked recursively: admin, API router, public site, host
pages, councils, reports, files) and each principal of tests/authz_world.py, the expected outcome is
declared in tests/authz_expectations.py. A GET by an allowed principal must give the page (2xx, or a
redirect that is not to the login page); a refused one must be sent to log in (anonymous) or get
401/403/404. POST-only actions are POSTed empty by every refused principal, and the database must be
unchanged afterwards.

The back office (/quan-tri/) is requested page by page too: for every registered model, its list,
add, change, history (Django's and simple-history's), delete confirmation (GET only: nothing is ever
deleted here), import, export and error-report pages, and every custom admin URL, as every principal.
Who may open them is computed from roles.py's permissions and the ModelAdmin overrides declared as
data (authz_expectations.ADMIN_MODELS), never by asking the code under test.

All objects belong to host organisation A, so host B and the council member who does not sit on the
council are the "another unit's id" cases (G2). A pattern with no expectation fails the test.

The records are built once for the module (and once per xdist worker); each principal is logged in
once and its client reused. Each test collects every failing cell and fails once with a table naming
the URL, the role, what was expected and what came back.
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any
from unittest import mock

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import close_old_connections, connection, transaction
from django.template import Template
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import authz_expectations as X
from tests.authz_world import (
    ANONYMOUS,
    MISSING_PK,
    PRINCIPALS,
    World,
    build_world,
)

# --- Walking the resolver ------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    route: str  # the full route, e.g. "nhiem-vu/danh-muc/<int:pk>/"
    name: str  # namespaced URL name ("" when unnamed)
    key: str  # the matrix's key: the name, with ".format" for DRF's format-suffix twins

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("quan-tri/")


def walk(resolver: URLResolver | None = None, prefix: str = "", namespace: str = "") -> Iterator[Pattern]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry, prefix + str(entry.pattern), ns)
        else:
            assert isinstance(entry, URLPattern)
            route = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            key = name
            if "format" in entry.pattern.regex.groupindex or "<drf_format_suffix:format>" in route:
                key = f"{name}.format"
            yield Pattern(route=route, name=name, key=key)


def admin_models() -> dict[str, Any]:
    """ "app/model/" route prefix -> ModelAdmin, for every registered model."""
    return {f"quan-tri/{m._meta.app_label}/{m._meta.model_name}/": ma for m, ma in admin.site._registry.items()}


def admin_kind(pattern: Pattern, model_admin: Any) -> str:
    opts = model_admin.model._meta
    stem = f"admin:{opts.app_label}_{opts.model_name}_"
    if pattern.name.startswith(stem):
        return pattern.name[len(stem) :]
    if pattern.name == "" and pattern.route.endswith("<path:object_id>/"):
        return "redirect"  # Django's old-style change URL, redirecting to .../change/
    return pattern.name  # something else declared by name (e.g. a user's password page)


# --- Running requests -------------------------------------------------------------------------------


@dataclass
class Result:
    status: int
    outcome: str  # ok | redirect | login | deny | 405 | error
    detail: str = ""


def classify(response: Any) -> Result:
    code = response.status_code
    if code in (301, 302, 303, 307, 308):
        location = response["Location"]
        if location.startswith((reverse("portal:login"), reverse("admin:login"))) or "/dang-nhap/" in location:
            return Result(code, "login", location)
        return Result(code, "redirect", location)
    if 200 <= code < 300:
        return Result(code, "ok")
    if code in (401, 403, 404):
        return Result(code, "deny")
    if code == 405:
        return Result(code, "405")
    return Result(code, "error")


def request(client: Client, method: str, url: str, *, unchanged: bool = False) -> Result:
    """One request in a savepoint that is rolled back. With `unchanged`, a request that wrote to the
    database is reported in the result's detail."""
    writes = Writes()
    if url.startswith("/api/"):
        cache.clear()  # the API's rate limits would answer 429 to a matrix this size
    try:
        with transaction.atomic(), connection.execute_wrapper(writes) if unchanged else nullcontext():
            response = client.get(url) if method == "GET" else client.post(url, {})
            if hasattr(response, "streaming_content"):
                # Closing a file response fires request_finished, whose handler would close the
                # connection inside our transaction; the test client guards it the same way.
                request_finished.disconnect(close_old_connections)
                try:
                    response.close()
                finally:
                    request_finished.connect(close_old_connections)
            # Nothing a request does (a GET that sets something up, an allowed POST) reaches the
            # next cell: each request runs in a savepoint that is rolled back.
            transaction.set_rollback(True)
    except Exception as exc:  # a crash is a failure of its cell, not of the whole matrix
        return Result(500, "error", f"{type(exc).__name__}: {exc}"[:200])
    result = classify(response)
    if writes.tables:
        result.outcome, result.detail = "changed", f"the database changed ({', '.join(sorted(writes.tables))})"
    return result


def matches(expected_allowed: bool, result: Result, allowed_but: tuple[int, ...] = ()) -> bool:
    if expected_allowed:
        return result.outcome in ("ok", "redirect") or result.status in allowed_but
    # 400: a refused POST that failed validation before reaching the service's permission check;
    # the cell also requires the database to be unchanged.
    return result.outcome in ("login", "deny") or (result.status == 400 and result.outcome != "changed")


# Tables a refused request may write: its session, the login throttle's log, the security log.
UNWATCHED = ("django_session", "axes_", "audit_")
_WRITE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE)


class Writes:
    """Listens to every statement the request sends (Django's execute wrapper) and keeps the tables
    that an INSERT, UPDATE or DELETE changed at least one row of. Cheaper than counting every table's
    rows before and after, and stricter: an UPDATE changes no count but shows here."""

    def __init__(self) -> None:
        self.tables: set[str] = set()

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        result = execute(sql, params, many, context)
        match = _WRITE.match(sql)
        if match and not match.group(1).startswith(UNWATCHED) and context["cursor"].rowcount != 0:
            self.tables.add(match.group(1))
        return result


class Report:
    def __init__(self, title: str) -> None:
        self.title = title
        self.rows: list[tuple[str, str, str, str]] = []
        self.cells = 0

    def check(self, where: str, who: str, expected: bool, result: Result, allowed_but: tuple[int, ...] = ()) -> None:
        self.cells += 1
        if not matches(expected, result, allowed_but):
            got = f"{result.status} {result.outcome} {result.detail}".strip()
            self.rows.append((where, who, "allow" if expected else "deny", got))

    def fail(self, where: str, who: str, expected: str, got: str) -> None:
        self.cells += 1
        self.rows.append((where, who, expected, got))

    def assert_clean(self) -> None:
        if self.rows:
            width = max(len(r[0]) for r in self.rows)
            lines = [f"{self.title}: {len(self.rows)} of {self.cells} cells differ", ""]
            lines += [f"{w:<{width}}  {who:<20} expected {exp:<6} got {got}" for w, who, exp, got in sorted(self.rows)]
            pytest.fail("\n".join(lines), pytrace=False)


# --- Fixtures: one world for the module ------------------------------------------------------------


def _plain_render(self: Template, context: Any) -> Any:
    return self.nodelist.render(context)  # django.template.base.Template._render


@contextmanager
def _quiet_harness() -> Iterator[None]:
    """What the test environment adds to each request and the matrix never reads: every template
    rendered sends a signal whose receiver copies its context into response.context (thousands of
    copies per back-office page), and each 403/404 is logged with its traceback. Errors (500) are
    still logged, and every response is still rendered in full."""
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    try:
        with mock.patch.object(Template, "_render", _plain_render):
            yield
    finally:
        request_log.setLevel(level)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[tuple[World, dict[str, Client]]]:
    media = tempfile.TemporaryDirectory()
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media.name),
        _quiet_harness(),
        transaction.atomic(),
    ):
        w = build_world()
        clients: dict[str, Client] = {}
        for who in PRINCIPALS:
            client = Client()
            if who != ANONYMOUS:
                client.force_login(w.users[who])
            clients[who] = client
        yield w, clients
        transaction.set_rollback(True)
    media.cleanup()


@pytest.fixture
def matrix(world: tuple[World, dict[str, Client]], db: Any) -> Iterator[tuple[World, dict[str, Client]]]:
    cache.clear()  # the API's throttles count per test, not across the module
    yield world


def _url(name: str, case: X.Case, w: World, fmt: bool = False) -> str:
    kwargs = case.kwargs(w)
    if name == "admin:catch_all":
        return "/quan-tri/khong-co-trang-nay/"
    if fmt:
        kwargs = {**kwargs, "format": "json"}
    return reverse(name, kwargs=kwargs) + case.query


def _key_of(p: Pattern) -> str:
    if p.route == "quan-tri/(?P<url>.*)$":
        return "admin:catch_all"
    return p.key[: -len(".format")] if p.key.endswith(".format") else p.key


# --- Tests ------------------------------------------------------------------------------------------


def test_every_url_pattern_has_an_expectation() -> None:
    """G1: a URL nobody declared fails here; declare it in tests/authz_expectations.py."""
    models = admin_models()
    missing = []
    for p in walk():
        if p.is_admin:
            prefix = next((pre for pre in models if p.route.startswith(pre)), None)
            if prefix is not None:
                kind = admin_kind(p, models[prefix])
                label = models[prefix].model._meta.label_lower
                if label not in X.ADMIN_MODELS:
                    missing.append(f"{p.route}  (admin model {label}: no row in ADMIN_MODELS)")
                elif not (
                    kind in (*X.ADMIN_PAGE_ACTION, "redirect") or p.name.removeprefix("admin:") in X.ADMIN_CUSTOM
                ):
                    missing.append(f"{p.route}  (admin page {kind!r} of {label})")
                continue
        if _key_of(p) not in X.URLS:
            missing.append(f"{p.route}  (name {p.name or '-'})")
    assert not missing, "URL patterns with no expectation in tests/authz_expectations.py:\n" + "\n".join(missing)


def test_records_are_never_deleted_in_the_back_office() -> None:
    """Official records (core.models.Record) are archived, not deleted: every admin of one turns
    delete off in the declared overrides, which the matrix then holds the code to (403 to everyone,
    the superuser included, on the delete page)."""
    from khcn.core.models import Record

    deletable = [
        label
        for m in admin.site._registry
        if issubclass(m, Record) and "delete" not in X.ADMIN_MODELS.get(label := m._meta.label_lower, X.ARCHIVED).off
    ]
    assert not deletable, f"Record models whose admin may delete: {deletable}"


def test_pages_by_role(matrix: tuple[World, dict[str, Client]]) -> None:
    """Every non-admin pattern × every principal, GET (POST-only actions: refused POSTs)."""
    w, clients = matrix
    report = Report("Pages")
    seen: set[str] = set()
    for p in walk():
        if p.is_admin and _key_of(p) not in X.URLS:
            continue
        key = _key_of(p)
        if key not in X.URLS:
            continue  # test_every_url_pattern_has_an_expectation names it
        fmt = p.key.endswith(".format")
        if fmt and key in X.KNOWN_BUGS:
            continue
        if (key, fmt) in seen and key != "admin:catch_all":
            continue
        seen.add((key, fmt))  # type: ignore[arg-type]
        case = X.URLS[key]
        try:
            url = _url(key, case, w, fmt)
        except Exception as exc:
            report.fail(p.route, "-", "a URL", f"{type(exc).__name__}: {exc}"[:200])
            continue
        where = f"{case.method} {url}"
        for who in PRINCIPALS:
            allowed = who in case.allowed
            if case.method == "POST":
                if allowed:
                    continue
                result = request(clients[who], "POST", url, unchanged=True)
                if case.refused_by_redirect and result.outcome == "redirect":
                    result.outcome = "deny"
                report.check(where, who, False, result)
                continue
            result = request(clients[who], "GET", url)
            report.check(where, who, allowed, result, X.ALLOWED_BUT.get((key, who), ((), ""))[0])
    report.assert_clean()


def test_unpublished_records_stay_off_the_public_site(matrix: tuple[World, dict[str, Client]]) -> None:
    """A draft article and host B's unpublished task: 404 on the public pages and API, for everyone."""
    w, clients = matrix
    report = Report("Unpublished")
    urls = [
        reverse("news:article-detail-short", kwargs={"pk": w.pk("draft_article")}),
        reverse("public:task-detail", kwargs={"pk": w.pk("task_b")}),
        reverse("api:task-detail", kwargs={"pk": w.pk("task_b")}),
        reverse("api:article-detail", kwargs={"pk": w.pk("draft_article")}),
    ]
    for url in urls:
        for who in PRINCIPALS:
            result = request(clients[who], "GET", url)
            if result.status != 404:
                report.fail(f"GET {url}", who, "404", f"{result.status} {result.outcome}")
            else:
                report.cells += 1
    report.assert_clean()


# --- The back office ----------------------------------------------------------------------------------

ADMIN_APPS = sorted({m._meta.app_label for m in admin.site._registry})


def _admin_url(p: Pattern, kind: str, label: str, w: World) -> str | None:
    """The URL of one admin page, on the world's object of that model; None when the page needs an
    object there is none of (the object pages then say so in the report)."""
    obj = w.admin_objects.get(label)
    pk = obj.pk if obj is not None else MISSING_PK
    if kind in ("changelist", "add", "tabular_import", "tabular_export_xlsx", "tabular_export_csv"):
        return reverse(p.name)
    if kind in ("change", "delete"):
        # Without an object, both still decide on the permission first (then send to the index).
        return reverse(p.name, args=[pk])
    if kind == "redirect":
        return f"/{p.route.removesuffix('<path:object_id>/')}{pk}/"
    if kind == "tabular_error_report":
        return reverse(p.name, args=[w.import_batches[label]])
    if obj is None:
        return None
    if kind == "history":
        return reverse(p.name, args=[pk])
    if kind == "simple_history":
        history_id = w.admin_history.get(label)
        return reverse(p.name, args=[pk, history_id]) if history_id else None
    # A custom page: its URL takes the object's id under whatever name it gives it, or nothing.
    return reverse(p.name, kwargs=dict.fromkeys(re.findall(r"<(?:\w+:)?(\w+)>", p.route), pk))


# Which role may open which back-office page is decided in Python (roles.py, ModelAdmin permission
# methods), not by the database: scripts/test.sh runs this part once, in the SQLite run.
@pytest.mark.database_independent
@pytest.mark.parametrize("app", ADMIN_APPS)
def test_admin_by_role(app: str, matrix: tuple[World, dict[str, Client]]) -> None:
    """Every page of every registered model of `app` in /quan-tri/ × every principal (GET)."""
    w, clients = matrix
    report = Report(f"Back office: {app}")
    models = {pre: ma for pre, ma in admin_models().items() if ma.model._meta.app_label == app}
    for p in walk():
        prefix = next((pre for pre in models if p.route.startswith(pre)), None) if p.is_admin else None
        if prefix is None:
            continue
        label = models[prefix].model._meta.label_lower
        kind = admin_kind(p, models[prefix])
        custom = p.name.removeprefix("admin:")
        if label not in X.ADMIN_MODELS:
            continue  # test_every_url_pattern_has_an_expectation names it
        if custom in X.ADMIN_CUSTOM:
            allowed = X.ADMIN_CUSTOM[custom]
        elif kind == "redirect":
            allowed = X.ADMIN_USERS  # Django's old change URL: a redirect to the new one, for staff
        elif kind in X.ADMIN_PAGE_ACTION:
            allowed = X.admin_allowed(label, X.ADMIN_PAGE_ACTION[kind])
        else:
            continue  # not declared: test_every_url_pattern_has_an_expectation names it
        url = _admin_url(p, kind, label, w)
        if url is None:
            report.fail(p.route, "-", "a URL", f"no {label} object in the world to open")
            continue
        for who in PRINCIPALS:
            result = request(clients[who], "GET", url)
            if (custom, who) in X.ADMIN_KNOWN_BUGS:
                # Asserted the wrong way round: a fixed bug fails here until its row goes.
                result.detail = f"{result.detail} (ADMIN_KNOWN_BUGS: fixed? remove the row)".strip()
                report.check(f"GET {url}", who, who not in allowed, result)
                continue
            report.check(f"GET {url}", who, who in allowed, result)
    report.assert_clean()
