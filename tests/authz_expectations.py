"""The authorization matrix as data: who may open each URL pattern (security.md §5, goals G1, G2).

Every URL pattern of khcn/urls.py has a row here (non-admin pages, by URL name) or is an admin page
whose expectation is computed below from the permissions roles.py gives each role. A pattern with no
row fails the matrix test, so a new URL must be declared.

The rules are written from the design (roles.py, tasks.md, the views' docstrings), never by asking the
code under test: `allowed_roles` reads roles.ROLES with its own matcher, not Django's has_perm.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from khcn.accounts import roles
from tests.authz_world import (
    ANONYMOUS,
    COUNCIL,
    COUNCIL_OTHER,
    HOST_A,
    HOST_B,
    MISSING_PK,
    PRINCIPALS,
    STAFF,
    SUPERUSER,
    World,
)

R = roles

# --- Permission sets, read from roles.py ------------------------------------------------------------


def role_grants(code: str, perm: str) -> bool:
    """Does roles.py give role `code` the permission "app.codename"? (superuser: everything)."""
    if code == SUPERUSER:
        return True
    role = R.ROLE_BY_CODE.get(code)
    if role is None:
        return False
    app, _, codename = perm.partition(".")
    for pattern in role.permissions:
        p_app, _, p_code = pattern.partition(".")
        if p_app != app:
            continue
        if p_code == "*" or p_code == codename or (p_code.endswith("*") and codename.startswith(p_code[:-1])):
            return True
    return False


def perm(*perms: str) -> frozenset[str]:
    """Back-office users (staff roles, superuser) holding every one of `perms`."""
    return frozenset(c for c in (*STAFF, SUPERUSER) if all(role_grants(c, p) for p in perms))


def having(*codes: str) -> frozenset[str]:
    """Holders of one of the named roles (and the superuser, whom has_role admits)."""
    return frozenset({*codes, SUPERUSER})


EVERYONE = frozenset(PRINCIPALS)
LOGGED_IN = EVERYONE - {ANONYMOUS}
STAFF_ANY = frozenset({*STAFF, SUPERUSER})
NOBODY: frozenset[str] = frozenset()

RESEARCH_STAFF = perm("research.view_proposal")  # research.selectors.is_research_staff
RESEARCH_MANAGER = perm("research.view_proposal", "research.change_proposal")  # can_manage
COUNCIL_STAFF = perm("councils.view_council")
COUNCIL_MEMBERS = frozenset({COUNCIL, COUNCIL_OTHER})
HOSTS = frozenset({HOST_A, HOST_B})
# The execution actions of a task page (tasks.md §3): who records what.
SCIENCE = having(R.SCIENCE_OFFICER)
MONEY = having(R.FINANCE_OFFICER, R.SCIENCE_OFFICER)
LEADERS = having(R.SCIENCE_OFFICER, R.DEPARTMENT_LEADER)
LEADER = having(R.DEPARTMENT_LEADER)


# --- Rows ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """Who may open a URL pattern. `allowed` is the set of principals that get the page (2xx, or a
    redirect that is not to the login page); everybody else is refused: sent to log in, 401/403/404.

    method "POST" marks a POST-only action: the matrix POSTs an empty form as each refused principal
    and checks that nothing in the database changed; allowed principals are not exercised (their
    POST is the feature's own test)."""

    allowed: frozenset[str]
    kwargs: Callable[[World], dict[str, Any]] = lambda w: {}
    method: str = "GET"
    note: str = ""
    query: str = ""
    # A refused POST may answer with a redirect back to the page (nothing changed) instead of 403.
    refused_by_redirect: bool = False


def pk(name: str, key: str = "pk") -> Callable[[World], dict[str, Any]]:
    return lambda w: {key: w.pk(name)}


def task(name: str = "task_a") -> Callable[[World], dict[str, Any]]:
    return pk(name)


YEAR = {"year": 2025}


def _on_site(w: World, name: str) -> dict[str, Any]:
    from django.contrib.contenttypes.models import ContentType

    record = w.objects[name]
    return {"content_type_id": ContentType.objects.get_for_model(record).pk, "object_id": record.pk}


# What an object-id page shows to whom, on A's objects. Host B is never allowed: G2 (no IDOR).
TASK_VISIBLE = RESEARCH_STAFF | {HOST_A}  # research.selectors.task_list_visible_to
HOSTED_VISIBLE = perm("research.view_task") | {HOST_A}  # execution_selectors.hosted_tasks_for
HOST_WRITERS = having(R.SCIENCE_OFFICER) | {HOST_A}  # views_host._can_write, services' own checks


def _execution(rule: frozenset[str], name: str, obj: str | None = None) -> Case:
    def kwargs(w: World) -> dict[str, Any]:
        out = {"pk": w.pk("task_a")}
        if obj:
            out["obj_pk"] = w.pk(obj)
        return out

    return Case(rule & TASK_VISIBLE, kwargs, note=f"task execution action ({name})")


def _api_staff(rule: frozenset[str]) -> Case:
    """A staff action of the task page over the API (POST /api/v1/my-tasks/<pk>/...)."""
    return Case(rule & TASK_VISIBLE, task(), method="POST", note="staff task action over the API")


URLS: dict[str, Case] = {
    # Language switch: GET redirects back, for anyone.
    "set_language": Case(EVERYONE),
    # --- Files and background exports (tep/) ---
    # An attachment of A's progress report: staff who may view progress reports, and A's host users.
    # Host users get their files through the host pages (research:host-file), not through here.
    "core:attachment-download": Case(perm("research.view_progressreport"), pk("task_file_a")),
    "core:export-start": Case(STAFF_ANY, lambda w: {"name": "reports.annual_docx"}, method="POST"),
    # Only its owner (the science officer who asked for it) sees a background export.
    "core:export-detail": Case(frozenset({R.SCIENCE_OFFICER}), pk("export_job")),
    "core:export-download": Case(frozenset({R.SCIENCE_OFFICER}), pk("export_job")),
    # --- Councils (hoi-dong/): staff with council permissions, and members on their own council ---
    "councils:my-councils": Case(COUNCIL_STAFF | COUNCIL_MEMBERS),
    "councils:council-detail": Case(COUNCIL_STAFF | {COUNCIL}, pk("council")),
    "councils:council-minutes": Case(COUNCIL_STAFF, pk("council")),
    # Score sheets are the seated member's own: staff do not score, other members do not see them.
    "councils:object-score": Case(
        frozenset({COUNCIL}), lambda w: {"council_pk": w.pk("council"), "object_pk": w.pk("council_object")}
    ),
    "councils:object-score-total": Case(
        frozenset({COUNCIL}),
        lambda w: {"council_pk": w.pk("council"), "object_pk": w.pk("council_object")},
        method="POST",
    ),
    "councils:object-conflict": Case(
        frozenset({COUNCIL}), lambda w: {"council_pk": w.pk("council"), "object_pk": w.pk("council_object")}
    ),
    # The result: staff; the seated member is sent to score first (a redirect, allowed).
    "councils:object-result": Case(
        COUNCIL_STAFF | {COUNCIL}, lambda w: {"council_pk": w.pk("council"), "object_pk": w.pk("council_object")}
    ),
    "councils:object-summary": Case(
        COUNCIL_STAFF, lambda w: {"council_pk": w.pk("council"), "object_pk": w.pk("council_object")}
    ),
    # --- Research (nhiem-vu/) ---
    "research:index": Case(LOGGED_IN),
    "research:call-list": Case(RESEARCH_STAFF),
    "research:call-create": Case(RESEARCH_MANAGER),
    "research:proposal-list": Case(LOGGED_IN, note="lists only what the user may see"),
    "research:proposal-create": Case(RESEARCH_MANAGER | HOSTS),
    "research:proposal-council": Case(RESEARCH_MANAGER),
    "research:proposal-detail": Case(RESEARCH_STAFF | {HOST_A}, pk("proposal_a")),
    "research:proposal-transition": Case(RESEARCH_STAFF | {HOST_A}, pk("proposal_a"), method="POST"),
    "research:plan-list": Case(RESEARCH_STAFF),
    "research:plan-create": Case(RESEARCH_MANAGER),
    "research:plan-detail": Case(RESEARCH_STAFF, pk("plan")),
    "research:plan-item-add": Case(RESEARCH_MANAGER, pk("plan")),
    # Refused through the workflow table: no transition is offered, so the POST redirects back
    # with nothing changed (the matrix checks the database).
    "research:plan-transition": Case(RESEARCH_MANAGER, pk("plan"), method="POST", refused_by_redirect=True),
    # Approving a submitted plan: workflow.PLAN_TRANSITIONS (science officer, department leader).
    "research:plan-approve": Case(LEADERS, pk("submitted_plan")),
    "research:plan-adjust": Case(RESEARCH_MANAGER, pk("ordered_plan")),
    "research:plan-annex-docx": Case(RESEARCH_STAFF, pk("plan")),
    "research:plan-annex-xlsx": Case(RESEARCH_STAFF, pk("plan")),
    "research:plan-carry-over": Case(SCIENCE, pk("plan")),
    "research:dashboard": Case(RESEARCH_STAFF),
    "research:dashboard-year": Case(RESEARCH_STAFF, lambda w: YEAR),
    "research:task-list": Case(LOGGED_IN, note="lists only what the user may see"),
    "research:task-detail": Case(TASK_VISIBLE, task()),
    "research:task-open-call": Case(RESEARCH_MANAGER, task(), method="POST"),
    "research:task-send-council": Case(RESEARCH_MANAGER, task(), method="POST"),
    "research:task-conclude": Case(RESEARCH_MANAGER, task(), method="POST"),
    "research:task-appraisal": Case(RESEARCH_MANAGER, task()),
    "research:task-approve": Case(RESEARCH_MANAGER, task()),
    "research:task-transition": Case(RESEARCH_MANAGER, task(), method="POST"),
    # Applying for a task open for applications: managers (paper dossiers) and host users.
    "research:application-create": Case(RESEARCH_MANAGER | HOSTS, pk("calling_task", "task_pk")),
    "research:application-list": Case(LOGGED_IN, note="lists only what the user may see"),
    "research:application-detail": Case(RESEARCH_STAFF | {HOST_A}, pk("application_a")),
    "research:application-transition": Case(RESEARCH_STAFF | {HOST_A}, pk("application_a"), method="POST"),
    "research:contract-sign": _execution(SCIENCE, "contract-sign"),
    "research:tranche-add": _execution(SCIENCE, "tranche-add"),
    "research:contract-amend": _execution(SCIENCE, "contract-amend"),
    "research:contract-liquidate": _execution(SCIENCE, "contract-liquidate"),
    "research:member-add": _execution(SCIENCE, "member-add"),
    "research:output-add": _execution(SCIENCE, "output-add"),
    "research:output-assess": _execution(SCIENCE, "output-assess"),
    "research:disbursement-record": _execution(MONEY, "disbursement-record"),
    "research:settlement-record": _execution(MONEY, "settlement-record"),
    "research:recovery-record": _execution(MONEY, "recovery-record"),
    "research:progress-report-record": _execution(SCIENCE, "progress-report-record"),
    "research:progress-report-review": _execution(SCIENCE, "progress-report-review", "report_a"),
    "research:monitoring-visit-record": _execution(SCIENCE, "monitoring-visit-record"),
    "research:adjustment-request": _execution(SCIENCE, "adjustment-request"),
    "research:adjustment-decide": _execution(LEADERS, "adjustment-decide", "adjustment_a"),
    "research:task-suspend": _execution(LEADERS, "task-suspend"),
    "research:task-resume": _execution(LEADERS, "task-resume"),
    "research:task-terminate": _execution(LEADER, "task-terminate"),
    "research:acceptance-submit": _execution(SCIENCE, "acceptance-submit"),
    "research:acceptance-return": _execution(SCIENCE, "acceptance-return"),
    "research:acceptance-council": _execution(SCIENCE, "acceptance-council"),
    "research:acceptance-conclude": _execution(LEADERS, "acceptance-conclude"),
    "research:result-register": _execution(SCIENCE, "result-register"),
    "research:result-hand-over": _execution(SCIENCE, "result-hand-over"),
    "research:asset-record": _execution(MONEY, "asset-record"),
    "research:asset-handle": _execution(MONEY, "asset-handle"),
    "research:result-application-record": _execution(SCIENCE, "result-application-record"),
    "research:task-close": _execution(SCIENCE, "task-close"),
    # The contract as a document: research staff, once a contract exists (task_a has none: 404 for
    # all, so the row only shows that nobody else gets further).
    "research:contract-docx": Case(NOBODY, task(), note="task_a has no contract: 404 for everyone"),
    # --- The host's pages (nhiem-vu/don-vi/): A's users on A's tasks; staff who may view tasks ---
    "research:host-task-list": Case(LOGGED_IN, note="lists only the organisation's tasks"),
    "research:host-task-detail": Case(HOSTED_VISIBLE, task()),
    # The form pages open for whoever sees the task (read-only staff see the form; the POST is
    # refused to them by the service, checked in POST_REFUSED below).
    "research:host-report-submit": Case(HOSTED_VISIBLE, task()),
    "research:host-report-resubmit": Case(HOSTED_VISIBLE, pk("report_a")),
    "research:host-adjustment-request": Case(HOSTED_VISIBLE, task()),
    "research:host-adjustment-withdraw": Case(
        HOST_WRITERS, lambda w: {"pk": w.pk("task_a"), "adjustment_pk": w.pk("adjustment_a")}, method="POST"
    ),
    "research:host-acceptance-submit": Case(HOSTED_VISIBLE, task()),
    "research:host-application-record": Case(HOSTED_VISIBLE, task()),
    "research:host-file": Case(HOSTED_VISIBLE, lambda w: {"pk": w.pk("task_a"), "attachment_pk": w.pk("task_file_a")}),
    # --- Registries with pages ---
    "radiation:survey-list": Case(perm("radiation.view_survey")),
    "radiation:survey-map": Case(perm("radiation.view_measurementpoint"), pk("survey")),
    "inspections:establishment-list": Case(perm("inspections.view_inspection")),
    "inspections:establishment-detail": Case(perm("inspections.view_inspection"), pk("org_a")),
    "legaldocs:document-list": Case(EVERYONE),
    "legaldocs:document-detail": Case(EVERYONE, pk("document")),
    "legaldocs:document-file": Case(
        EVERYONE, lambda w: {"pk": w.pk("document"), "attachment_pk": w.pk("document_file")}
    ),
    "news:article-list": Case(EVERYONE),
    "news:article-detail-short": Case(EVERYONE, pk("article")),
    "news:article-detail": Case(EVERYONE, lambda w: {"pk": w.pk("article"), "slug": "hoi-thao"}),
    # --- The public database (csdl/): anyone ---
    "public:home": Case(EVERYONE),
    "public:task-list": Case(EVERYONE),
    "public:task-detail": Case(EVERYONE, task()),
    "public:organisation-list": Case(EVERYONE),
    "public:organisation-detail": Case(EVERYONE, pk("org_a")),
    "public:person-list": Case(EVERYONE),
    "public:person-detail": Case(EVERYONE, pk("scientist")),
    "public:certificate-list": Case(EVERYONE),
    "public:initiative-list": Case(EVERYONE),
    "public:search": Case(EVERYONE),
    "public:data-dictionary": Case(EVERYONE),
    "public:export": Case(EVERYONE, lambda w: {"name": "nhiem-vu", "fmt": "csv"}),
    "public:form1": Case(EVERYONE),
    "public:sitemap": Case(EVERYONE),
    # --- API (api/v1/): the public read-only API for anyone; proposals and my-tasks for staff and
    # host users, A's records for A only ---
    "api:search": Case(EVERYONE, query="?q=nhan"),
    "api:task-list": Case(EVERYONE),
    "api:task-detail": Case(EVERYONE, task()),
    "api:organisation-list": Case(EVERYONE),
    "api:organisation-detail": Case(EVERYONE, pk("org_a")),
    "api:person-list": Case(EVERYONE),
    "api:person-detail": Case(EVERYONE, pk("scientist")),
    "api:certificate-list": Case(EVERYONE),
    "api:certificate-detail": Case(NOBODY, lambda w: {"pk": MISSING_PK}, note="no certificate: 404 for all"),
    "api:initiative-list": Case(EVERYONE),
    "api:initiative-detail": Case(NOBODY, lambda w: {"pk": MISSING_PK}, note="no initiative: 404 for all"),
    "api:legal-document-list": Case(EVERYONE),
    "api:legal-document-detail": Case(EVERYONE, pk("document")),
    "api:article-list": Case(EVERYONE),
    "api:article-detail": Case(EVERYONE, pk("article")),
    "api:proposal-list": Case(STAFF_ANY | HOSTS),
    "api:proposal-detail": Case(RESEARCH_STAFF | {HOST_A}, pk("proposal_a")),
    "api:my-task-list": Case(STAFF_ANY | HOSTS),
    "api:my-task-detail": Case(HOSTED_VISIBLE, task()),
    "api:my-task-timeline": Case(HOSTED_VISIBLE, task()),
    "api:my-task-adjustment-request": Case(HOST_WRITERS, task(), method="POST"),
    "api:my-task-application-record": Case(HOST_WRITERS, task(), method="POST"),
    "api:my-task-disbursement-record": Case(MONEY, task(), method="POST"),
    "api:my-task-progress-report-submit": Case(HOST_WRITERS, task(), method="POST"),
    "api:my-task-progress-report-review": Case(
        SCIENCE, lambda w: {"pk": w.pk("task_a"), "report_pk": w.pk("report_a")}, method="POST"
    ),
    "api:my-task-progress-report-resubmit": Case(
        HOST_WRITERS, lambda w: {"pk": w.pk("task_a"), "report_pk": w.pk("report_a")}, method="POST"
    ),
    "api:my-task-adjustment-withdraw": Case(
        HOST_WRITERS, lambda w: {"pk": w.pk("task_a"), "adjustment_pk": w.pk("adjustment_a")}, method="POST"
    ),
    "api:my-task-adjustment-decide": Case(
        LEADERS, lambda w: {"pk": w.pk("task_a"), "adjustment_pk": w.pk("adjustment_a")}, method="POST"
    ),
    "api:my-task-acceptance-submit": Case(HOST_WRITERS, task(), method="POST"),
    "api:my-task-result-register": Case(HOST_WRITERS, task(), method="POST"),
    # The staff task page's actions over the API: the same roles as research:<name> above.
    "api:my-task-contract-sign": _api_staff(SCIENCE),
    "api:my-task-tranche-add": _api_staff(SCIENCE),
    "api:my-task-contract-amend": _api_staff(SCIENCE),
    "api:my-task-contract-liquidate": _api_staff(SCIENCE),
    "api:my-task-member-add": _api_staff(SCIENCE),
    "api:my-task-output-add": _api_staff(SCIENCE),
    "api:my-task-output-assess": _api_staff(SCIENCE),
    "api:my-task-settlement-record": _api_staff(MONEY),
    "api:my-task-recovery-record": _api_staff(MONEY),
    # The back office's "ngày nộp trả" (recovery_mark_returned: finance or science officer); task_a
    # has no recovery, so the allowed get 404 (not exercised) and the others are refused first.
    "api:my-task-recovery-returned": Case(
        MONEY & TASK_VISIBLE, lambda w: {"pk": w.pk("task_a"), "recovery_pk": MISSING_PK}, method="POST"
    ),
    "api:my-task-monitoring-visit-record": _api_staff(SCIENCE),
    "api:my-task-task-suspend": _api_staff(LEADERS),
    "api:my-task-task-resume": _api_staff(LEADERS),
    "api:my-task-task-terminate": _api_staff(LEADER),
    "api:my-task-acceptance-return": _api_staff(SCIENCE),
    "api:my-task-acceptance-council": _api_staff(SCIENCE),
    "api:my-task-acceptance-conclude": _api_staff(LEADERS),
    "api:my-task-result-hand-over": _api_staff(SCIENCE),
    "api:my-task-asset-record": _api_staff(MONEY),
    "api:my-task-asset-handle": _api_staff(MONEY),
    "api:my-task-task-close": _api_staff(SCIENCE),
    "api:my-task-contract-docx": Case(NOBODY, task(), note="task_a has no contract: 404 for everyone"),
    "api:api-root": Case(LOGGED_IN, note="DRF's default IsAuthenticated"),
    "api:not-found": Case(NOBODY, lambda w: {}, note="the API's JSON 404"),
    "api:schema": Case(EVERYONE),
    "api:docs": Case(EVERYONE),
    # --- Reports (bao-cao/): department staff and provincial leaders ---
    "reports:index": Case(STAFF_ANY),
    "reports:annual": Case(STAFF_ANY, lambda w: YEAR),
    "reports:annual-docx": Case(STAFF_ANY, lambda w: YEAR),
    "reports:annual-xlsx": Case(STAFF_ANY, lambda w: YEAR),
    "reports:annual-pdf": Case(STAFF_ANY, lambda w: YEAR, note="404 without LibreOffice, for all"),
    "reports:dashboard": Case(STAFF_ANY, lambda w: YEAR),
    "reports:drill-down": Case(STAFF_ANY, lambda w: {"key": "metrology.verified"}),
    "reports:due": Case(STAFF_ANY),
    "reports:statistics": Case(STAFF_ANY, lambda w: YEAR),
    "reports:statistics-xlsx": Case(STAFF_ANY, lambda w: YEAR),
    # --- Portal ---
    "portal:home": Case(EVERYONE),
    "portal:my-organisation": Case(LOGGED_IN, note="redirects home when no organisation"),
    "portal:login": Case(EVERYONE),
    "portal:logout": Case(EVERYONE, method="POST", note="logging out is harmless"),
    "portal:otp-verify": Case(LOGGED_IN),
    "portal:otp-setup": Case(LOGGED_IN),
    # --- Pages other helpers are adding (declared ahead; skipped while absent) ---
    "health": Case(EVERYONE),
    "core:health": Case(EVERYONE),
    "portal:health": Case(EVERYONE),
    # --- The admin site's own pages ---
    "admin:index": Case(STAFF_ANY),
    "admin:login": Case(NOBODY, note="a redirect to the portal's login page, for everyone"),
    "admin:logout": Case(EVERYONE, method="POST", note="logging out is harmless"),
    "admin:password_change": Case(STAFF_ANY),
    "admin:password_change_done": Case(STAFF_ANY),
    "admin:autocomplete": Case(NOBODY, note="without a field to complete: 403 for staff too"),
    "admin:jsi18n": Case(STAFF_ANY),
    "admin:search": Case(STAFF_ANY, query="?s=nhan"),
    "admin:view_on_site": Case(
        NOBODY, lambda w: _on_site(w, "article"), note="no model has get_absolute_url: 404 for everyone"
    ),
    "admin:app_list": Case(STAFF_ANY, lambda w: {"app_label": "research"}),
    "admin:catch_all": Case(NOBODY, note="unknown admin path: login or 404"),
}

# Some outcomes need more than allow/deny: (URL name, principal) -> what "allowed" means there.
# Statuses accepted *instead of* 2xx/3xx for an allowed principal, each with its reason.
ALLOWED_BUT: dict[tuple[str, str], tuple[tuple[int, ...], str]] = {}

for _who in STAFF_ANY:
    # LibreOffice is not installed on the test machine: 404 after the permission check.
    ALLOWED_BUT[("reports:annual-pdf", _who)] = ((404,), "no LibreOffice")


# Known bugs that are not about who may do what: URL name -> why. The matrix skips the format-suffix
# twins (.json) of these names and says so; remove the row once fixed. (The my-tasks actions' twins
# answered 500 until cd1d3d7 gave the actions **kwargs.)
KNOWN_BUGS: dict[str, str] = {}


def expected_set(name: str) -> frozenset[str] | None:
    case = URLS.get(name)
    return case.allowed if case else None


# --- The back office (/quan-tri/): every registered model, computed from roles.py ----------------------
#
# Only users whose roles.py role is a staff role (and the superuser) enter /quan-tri/: everybody else
# is sent to log in. Inside, a model's pages follow its Django permissions as roles.py grants them
# ("app.*", "app.view_*" expanded by role_grants above), the way Django's ModelAdmin reads them:
#
#   changelist, change, history (Django's and simple-history's)  view or change permission (read-only
#                                                                  with view alone)
#   add                                                          add permission
#   delete (the confirmation page, GET only)                     delete permission
#   import (and its error report)                                add and change permission
#   export (Excel, CSV)                                          view or change permission
#
# A ModelAdmin that deliberately departs from that says so below: `off` names the actions it turns
# off for everyone, the superuser included; `view` / `export` / `importing` replace the rule for who
# may view / export / import. Every registered model must have a row (the matrix fails on one that
# has none), so a new admin model needs a decision here.


@dataclass(frozen=True)
class AdminModel:
    off: frozenset[str] = frozenset()  # of "add", "change", "delete"
    view: frozenset[str] | None = None
    export: frozenset[str] | None = None
    importing: frozenset[str] | None = None
    why: str = ""


def _admin(*off: str, why: str = "", **rules: Any) -> AdminModel:
    return AdminModel(off=frozenset(off), why=why, **rules)


# Who enters the back office at all: the staff roles of roles.py, and the superuser.
ADMIN_USERS = frozenset({*(c for c in STAFF if R.ROLE_BY_CODE[c].staff), SUPERUSER})
# Personal data (ID numbers, private contacts) is for department staff, not the read-only provincial
# leaders (accounts.permissions.can_see_personal_data): the exports that carry it follow that rule.
PERSONAL_DATA = ADMIN_USERS - {R.PROVINCIAL_LEADER}

PLAIN = _admin()
ARCHIVED = _admin("delete", why="an official record is archived, never deleted (core.admin.RecordAdmin)")
KEPT = _admin("delete", why="a classification or rule stays on record; a newer row supersedes it")
# Records only their service creates (the front site's forms, the workflow): no hand-made ones.
BY_SERVICE = _admin("add", "delete", why="created by its service or the workflow, archived not deleted")
READ_ONLY = _admin("add", "change", "delete", why="a log: read-only for everyone")

ADMIN_MODELS: dict[str, AdminModel] = {
    "accounts.user": PLAIN,
    "auth.group": PLAIN,
    "authtoken.tokenproxy": PLAIN,
    "axes.accessattempt": _admin("add", why="written by django-axes, never by hand"),
    "axes.accessfailurelog": _admin("add", why="written by django-axes, never by hand"),
    "axes.accesslog": _admin("add", why="written by django-axes, never by hand"),
    "django_tasks_database.dbtaskresult": READ_ONLY,
    "otp_static.staticdevice": PLAIN,
    "otp_totp.totpdevice": PLAIN,
    "public.publication": PLAIN,
    # The audit log (khcn/audit): read-only, and only the department's leaders read it (not through a
    # permission: audit.admin.may_read_audit), so no role's "*.view_*" opens it.
    "audit.auditevent": _admin(
        "add", "change", "delete", view=frozenset({R.DEPARTMENT_LEADER, SUPERUSER}), why="the security log"
    ),
    "core.attachment": _admin("add", "delete", why="files are added on their record and never deleted"),
    "core.importbatch": READ_ONLY,
    "councils.council": ARCHIVED,
    "councils.councilmember": ARCHIVED,
    "councils.councilobject": ARCHIVED,
    "councils.ruleset": ARCHIVED,
    # Sheets come from the member's page or "Nhập phiếu giấy"; a submitted sheet is never edited (the
    # list keeps the change permission for its archive action: everyone holding it may also view).
    "councils.scoresheet": _admin("add", "change", "delete", why="a member's signed score sheet"),
    "directory.administrativeunit": KEPT,
    "directory.fieldofscience": KEPT,
    "directory.fundingsource": KEPT,
    "directory.taskform": KEPT,
    "directory.officialdocument": ARCHIVED,
    "directory.organisation": ARCHIVED,
    "directory.person": _admin("delete", export=PERSONAL_DATA, why="archived; the export carries personal data"),
    "initiatives.initiative": ARCHIVED,
    "innovation.event": ARCHIVED,
    "innovation.startupsupport": ARCHIVED,
    "innovation.training": ARCHIVED,
    "inspections.finding": ARCHIVED,
    "inspections.inspection": ARCHIVED,
    "inspections.inspectionauthorityrule": ARCHIVED,
    "inspections.sanction": ARCHIVED,
    "ip.ipsupportcase": ARCHIVED,
    "ip.mark": ARCHIVED,
    "ip.userightcertificate": ARCHIVED,
    "ip.userightvalidityrule": ARCHIVED,
    "legaldocs.legaldocument": ARCHIVED,
    "metrology.instrument": ARCHIVED,
    "metrology.instrumenttype": KEPT,
    "metrology.verification": ARCHIVED,
    "news.article": ARCHIVED,
    "quality.conformityannouncement": ARCHIVED,
    "quality.deadlinerule": KEPT,
    "quality.importinspection": ARCHIVED,
    "quality.marketsurvey": ARCHIVED,
    "quality.qualitytraining": ARCHIVED,
    "radiation.device": ARCHIVED,
    "radiation.deviceverificationrule": ARCHIVED,
    "radiation.licencetermrule": ARCHIVED,
    "radiation.measurementpoint": ARCHIVED,
    "radiation.radiationfacility": ARCHIVED,
    "radiation.radiationlicence": ARCHIVED,
    "radiation.radiationsource": ARCHIVED,
    "radiation.survey": ARCHIVED,
    "radiation.surveyrule": ARCHIVED,
    "radiation.training": ARCHIVED,
    "radiation.workercertificate": _admin(
        "delete", export=PERSONAL_DATA, why="archived; the export carries personal data"
    ),
    "reports.statisticsform": ARCHIVED,
    "reports.statisticsregime": ARCHIVED,
    # Research: what the workflow creates has no add page (tasks.md; research/admin.py).
    "research.acceptance": BY_SERVICE,
    "research.adjustment": BY_SERVICE,
    "research.application": BY_SERVICE,
    "research.appraisal": BY_SERVICE,
    "research.asset": ARCHIVED,
    "research.call": ARCHIVED,
    "research.contract": BY_SERVICE,
    "research.contractamendment": ARCHIVED,
    "research.disbursement": ARCHIVED,
    "research.executionrule": ARCHIVED,
    "research.monitoringvisit": ARCHIVED,
    "research.output": ARCHIVED,
    "research.plan": BY_SERVICE,
    "research.planadjustment": BY_SERVICE,
    "research.plangroup": KEPT,
    "research.planitem": BY_SERVICE,
    "research.progressreport": BY_SERVICE,
    # Proposals come from the front-site form or an import; importing needs the model's add and
    # change permissions although the add page is off.
    "research.proposal": _admin(
        "add",
        "delete",
        importing=perm("research.add_proposal", "research.change_proposal"),
        why="created by proposal_submit or an import",
    ),
    "research.recovery": ARCHIVED,
    "research.resultapplication": ARCHIVED,
    "research.resultregistration": ARCHIVED,
    "research.settlement": ARCHIVED,
    "research.task": BY_SERVICE,
    "research.taskmember": ARCHIVED,
    "research.tranche": ARCHIVED,
    "technology.deadlinerule": ARCHIVED,
    "technology.investmentproject": ARCHIVED,
    "technology.technologyopinion": ARCHIVED,
    "technology.technologytransfercertificate": ARCHIVED,
    "technology.workshop": ARCHIVED,
}

# The pages of a model and the action each needs.
ADMIN_PAGE_ACTION = {
    "changelist": "view",
    "change": "view",
    "history": "view",
    "simple_history": "view",
    "add": "add",
    "delete": "delete",
    "tabular_import": "import",
    "tabular_error_report": "import",
    "tabular_export_xlsx": "export",
    "tabular_export_csv": "export",
}


def admin_allowed(label: str, action: str) -> frozenset[str]:
    """Who may use `action` (view, add, change, delete, import, export) on model "app.model"."""
    rule = ADMIN_MODELS[label]
    app, _, model = label.partition(".")

    def can(act: str) -> frozenset[str]:
        if act in rule.off:
            return NOBODY
        return perm(f"{app}.{act}_{model}") & ADMIN_USERS

    if action == "view":
        return (rule.view if rule.view is not None else can("view") | can("change")) & ADMIN_USERS
    if action == "export":
        return rule.export & admin_allowed(label, "view") if rule.export is not None else admin_allowed(label, "view")
    if action == "import":
        return rule.importing if rule.importing is not None else can("add") & can("change")
    return can(action)


# Custom back-office URLs (unfold detail and list actions, third-party extra pages), by URL name:
# the permission each one declares (`permissions=[...]` on the action, or the check in its view).
P = perm
ADMIN_CUSTOM: dict[str, frozenset[str]] = {
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
    # django-otp's pages check view-or-change on the device; no role has either.
    "otp_totp_totpdevice_config": P("otp_totp.view_totpdevice") | P("otp_totp.change_totpdevice"),
    "otp_totp_totpdevice_qrcode": P("otp_totp.view_totpdevice") | P("otp_totp.change_totpdevice"),
    "auth_user_password_change": P("accounts.change_user"),
}

# Back-office cells where the code is known to answer against the rule above: (URL name, principal)
# -> why. The matrix asserts the wrong answer there, so fixing the bug fails the cell and asks for
# the row to be removed.
ADMIN_KNOWN_BUGS: dict[tuple[str, str], str] = {}
