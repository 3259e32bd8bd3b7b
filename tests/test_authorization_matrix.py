"""The authorization matrix (security.md §5, goals G1 and G2): every URL pattern × every role.

For each URL pattern of khcn/urls.py (walked recursively: admin, API router, public site, host
pages, councils, reports, files) and each principal of tests/authz_world.py, the expected outcome is
declared in tests/authz_expectations.py (admin pages: computed from the permissions roles.py gives
each role). A GET by an allowed principal must give the page (2xx, or a redirect that is not to the
login page); a refused one must be sent to log in (anonymous) or get 401/403/404. POST-only actions
are POSTed empty by every refused principal, and the database must be unchanged afterwards.

All objects belong to host organisation A, so host B and the council member who does not sit on the
council are the "another unit's id" cases (G2). A pattern with no expectation fails the test.

The records are built once for the module; each test collects every failing cell and fails once
with a table naming the URL, the role, what was expected and what came back.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import close_old_connections, connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import authz_expectations as X
from tests.authz_world import (
    ANONYMOUS,
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


ADMIN_KINDS = (
    "changelist",
    "add",
    "history",
    "delete",
    "change",
    "simple_history",
    "tabular_import",
    "tabular_export_xlsx",
    "tabular_export_csv",
    "tabular_error_report",
)


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


# --- Custom admin pages: declared by hand, per URL name --------------------------------------------

P = X.perm
ADMIN_CUSTOM: dict[str, frozenset[str]] = {
    # unfold detail actions: their `permissions=[...]` (see each admin), from roles.py
    "councils_council_download_minutes": P("councils.view_council"),
    "councils_council_open_on_site": P("councils.view_council"),
    "councils_councilobject_paper_sheet": P("councils.add_scoresheet"),
    "councils_councilobject_download_summary": P("councils.view_councilobject"),
    "research_proposal_open_council_page": P("research.view_proposal"),
    "research_plan_open_dashboard": P("research.view_plan"),
    "research_plan_open_plans": P("research.view_plan"),
    "technology_technologyopinion_to_council": P("technology.change_technologyopinion"),
    "technology_technologytransfercertificate_amend": P("technology.add_technologytransfercertificate"),
    "radiation_radiationlicence_renew": P("radiation.add_radiationlicence"),
    "radiation_radiationlicence_amend": P("radiation.add_radiationlicence"),
    "radiation_radiationlicence_reissue": P("radiation.add_radiationlicence"),
    "radiation_radiationlicence_change_status": P("radiation.change_radiationlicence"),
    "radiation_survey_open_map": P("radiation.view_survey"),
    "radiation_survey_import_points": P("radiation.change_survey"),
    "radiation_survey_remap_units": P("radiation.change_survey"),
    "news_article_publish": P("news.publish_article"),
    "news_article_withdraw": P("news.publish_article"),
    "ip_userightcertificate_renew": P("ip.add_userightcertificate"),
    "initiatives_initiative_transition": P("initiatives.change_initiative"),
    "initiatives_initiative_support_wider": P("initiatives.change_initiative"),
    "otp_totp_totpdevice_config": P("otp_totp.change_totpdevice"),
    "otp_totp_totpdevice_qrcode": P("otp_totp.change_totpdevice"),
    "auth_user_password_change": P("accounts.change_user"),
}


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
    """One request in a savepoint that is rolled back. With `unchanged`, a database that differs
    after the request is reported in the result's detail."""
    changed = False
    if url.startswith("/api/"):
        cache.clear()  # the API's rate limits would answer 429 to a matrix this size
    try:
        with transaction.atomic():
            before = fingerprint() if unchanged else None
            response = client.get(url) if method == "GET" else client.post(url, {})
            if hasattr(response, "streaming_content"):
                # Closing a file response fires request_finished, whose handler would close the
                # connection inside our transaction; the test client guards it the same way.
                request_finished.disconnect(close_old_connections)
                try:
                    response.close()
                finally:
                    request_finished.connect(close_old_connections)
            changed = unchanged and fingerprint() != before
            # Nothing a request does (a GET that sets something up, an allowed POST) reaches the
            # next cell: each request runs in a savepoint that is rolled back.
            transaction.set_rollback(True)
    except Exception as exc:  # a crash is a failure of its cell, not of the whole matrix
        return Result(500, "error", f"{type(exc).__name__}: {exc}"[:200])
    result = classify(response)
    if changed:
        result.outcome, result.detail = "changed", "the database changed"
    return result


def matches(expected_allowed: bool, result: Result, allowed_but: tuple[int, ...] = ()) -> bool:
    if expected_allowed:
        return result.outcome in ("ok", "redirect") or result.status in allowed_but
    # 400: a refused POST that failed validation before reaching the service's permission check;
    # the cell also requires the database to be unchanged.
    return result.outcome in ("login", "deny") or (result.status == 400 and result.outcome != "changed")


_TABLES: list[str] = []


def fingerprint() -> tuple[int, ...]:
    """Row counts of every table (history tables included, so an update shows too)."""
    if not _TABLES:
        _TABLES.extend(
            t for t in connection.introspection.table_names() if not t.startswith(("django_session", "axes_", "audit_"))
        )
    sql = "SELECT " + ", ".join(f'(SELECT COUNT(*) FROM "{t}")' for t in _TABLES)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


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


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[tuple[World, dict[str, Client]]]:
    media = tempfile.TemporaryDirectory()
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media.name), transaction.atomic():
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
                if kind in (*ADMIN_KINDS, "redirect") or p.name.removeprefix("admin:") in ADMIN_CUSTOM:
                    continue
                missing.append(f"{p.route}  (admin page {kind!r} of {models[prefix].model._meta.label})")
                continue
        if _key_of(p) not in X.URLS:
            missing.append(f"{p.route}  (name {p.name or '-'})")
    assert not missing, "URL patterns with no expectation in tests/authz_expectations.py:\n" + "\n".join(missing)


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
