"""The records and users the authorization matrix runs against (tests/test_authorization_matrix.py).

Two host organisations, A and B; every object the matrix opens belongs to A (A's task, A's
proposal, A's application, a council that judges A's proposal...), so host B opening it is the
"another unit's id" case of security.md G2. Everything is built through the public services, as the
pages do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from khcn.accounts import roles
from khcn.testing import make_organisation, make_user

# The principals of the matrix, in the order the report prints them. "public" is a logged-in account
# with no role; "council_other" is a council member who does not sit on the council of the fixture.
ANONYMOUS = "anonymous"
PUBLIC = "public"
HOST_A = "host_a"
HOST_B = "host_b"
COUNCIL = "council_member"
COUNCIL_OTHER = "council_other"
SUPERUSER = "superuser"
DIVISIONS = (
    roles.SCIENCE_OFFICER,
    roles.TECHNOLOGY_OFFICER,
    roles.QUALITY_OFFICER,
    roles.RADIATION_OFFICER,
    roles.INSPECTOR,
    roles.FINANCE_OFFICER,
)
STAFF = (*DIVISIONS, roles.DEPARTMENT_LEADER, roles.PROVINCIAL_LEADER)
PRINCIPALS = (ANONYMOUS, PUBLIC, HOST_A, HOST_B, COUNCIL, COUNCIL_OTHER, *STAFF, SUPERUSER)
NOT_STAFF = (ANONYMOUS, PUBLIC, HOST_A, HOST_B, COUNCIL, COUNCIL_OTHER)

MISSING_PK = 987654321


@dataclass
class World:
    users: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    # The back office: one object of each registered model ("app.model" -> object, absent when none
    # could be made), one of its history rows, and an import with errors for each dataset.
    admin_objects: dict[str, Any] = field(default_factory=dict)
    admin_history: dict[str, int] = field(default_factory=dict)
    import_batches: dict[str, int] = field(default_factory=dict)

    def pk(self, name: str) -> int:
        return self.objects[name].pk


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"
    )


def build_world() -> World:
    from khcn.core import services as core_services
    from khcn.core.models import ExportJob
    from khcn.councils import services as council_services
    from khcn.directory.models import Person
    from khcn.public.services import publication_create
    from khcn.registries.legaldocs.models import LegalDocument
    from khcn.registries.news.models import Article
    from khcn.registries.radiation.models import Survey
    from khcn.research import services
    from khcn.research.models import Adjustment, Call, Plan, Task
    from khcn.research.tests.builders import Builder

    w = World()
    org_a = make_organisation("Trung tâm Nghiên cứu nông nghiệp (A)")
    org_b = make_organisation("Công ty Cổ phần Giống cây trồng (B)")
    w.objects.update(org_a=org_a, org_b=org_b)

    u = w.users
    # make_user syncs the roles' groups each time (a transactional test may have flushed them); once
    # is enough for fifteen users made in a row.
    roles.sync_roles()
    with mock.patch.object(roles, "sync_roles", lambda: None):
        u[PUBLIC] = make_user("ma_public")
        u[HOST_A] = make_user("ma_host_a", roles.HOST_USER, organisation=org_a)
        u[HOST_B] = make_user("ma_host_b", roles.HOST_USER, organisation=org_b)
        u[COUNCIL] = make_user("ma_council", roles.COUNCIL_MEMBER)
        u[COUNCIL_OTHER] = make_user("ma_council_other", roles.COUNCIL_MEMBER)
        for code in STAFF:
            u[code] = make_user(f"ma_{code}", code)
        u[SUPERUSER] = make_user("ma_superuser", is_superuser=True)
    officer = u[roles.SCIENCE_OFFICER]
    build = Builder(officer)
    today = timezone.localdate()

    # Research: a running task of A (and one of B), with a report, an adjustment and a file.
    task_a = build.task(host=org_a, status=Task.Status.IN_PROGRESS, start=dt.date(2023, 1, 1))
    task_b = build.task(host=org_b, status=Task.Status.IN_PROGRESS, start=dt.date(2023, 1, 1))
    report_a = services.progress_report_submit(
        task=task_a,
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2023, 6, 30),
        work_done="Đã trồng khảo nghiệm 2 ha.",
        by=u[HOST_A],
    )
    adjustment_a = services.adjustment_request(
        task=task_a, kind=Adjustment.Kind.CONTENT, description="Đổi địa điểm khảo nghiệm.", by=u[HOST_A]
    )
    task_file_a = core_services.attachment_add(record=report_a, upload=_pdf("bao-cao.pdf"), by=u[HOST_A])

    # Planning: a call with A's proposal, a draft plan, a task open for applications with A's application.
    call = build.call()
    proposal_a = build.proposal(call, by=u[HOST_A])
    plan = build.plan(2024)
    ordered = build.plan(2025)
    services.plan_item_add(
        plan=ordered,
        by=officer,
        title="Nghiên cứu chế tạo robot hàn",
        group=build.group("engineering"),
        form=build.form(),
        field_of_science=build.field("203"),
        allocation=500_000_000,
        mode="selection",
    )
    services.plan_transition(plan=ordered, to=Plan.Status.SUBMITTED, by=officer)
    services.plan_approve(plan=ordered, decision=build.decision(date=dt.date(2025, 1, 10)), by=officer)
    calling = Task.objects.get(plan_year=2025)
    applications_call = build.call(kind=Call.Kind.APPLICATIONS)
    services.task_open_call(task=calling, call=applications_call, by=officer)
    application_a = services.application_submit(
        task=calling,
        by=u[HOST_A],
        pi=Person.objects.create(full_name="TS. Nguyễn Văn A", organisation=org_a),
        duration_months=24,
        state_budget=400_000_000,
    )

    # Councils: one judging A's proposal, with the council member seated and no sheet yet.
    council = council_services.council_create(kind="identification", year=2026, name="Hội đồng xác định", by=officer)
    seat = council_services.council_member_add(
        council=council,
        person=Person.objects.create(full_name="PGS. Trần Thị Hội Đồng", user=u[COUNCIL]),
        role="chair",
        by=officer,
    )
    for role in ("reviewer_1", "reviewer_2"):
        council_services.council_member_add(
            council=council, person=Person.objects.create(full_name=f"Thành viên {role}"), role=role, by=officer
        )
    council_object = council_services.council_object_add(council=council, target=proposal_a, by=officer)

    # Registries with pages of their own.
    survey = Survey.objects.create(
        code="HY-2023", name="Quan trắc phóng xạ môi trường 2023", start_date=dt.date(2023, 3, 1)
    )
    document = LegalDocument.objects.create(
        kind="normative", number="01/2024/QĐ-UBND", issue_date=dt.date(2024, 1, 5), issuer=org_b, subject="Quy định"
    )
    document_file = core_services.attachment_add(record=document, upload=_pdf("quyet-dinh.pdf"), by=officer)
    article = Article.objects.create(
        title="Hội thảo khoa học",
        slug="hoi-thao",
        status="published",
        published_at=timezone.now() - dt.timedelta(days=1),
    )
    draft = Article.objects.create(title="Bản nháp", slug="ban-nhap", status="draft")

    # A plan before the committee (for its approval page), and a task under contract (for the contract file).
    submitted = build.plan(2026)
    services.plan_item_add(
        plan=submitted,
        by=officer,
        title="Nghiên cứu giống lúa chịu mặn",
        group=build.group("agriculture"),
        form=build.form(),
        field_of_science=build.field("401"),
        allocation=300_000_000,
        mode="direct",
        host=org_a,
    )
    services.plan_transition(plan=submitted, to=Plan.Status.SUBMITTED, by=officer)

    # The public site shows A's task, A itself and one consenting scientist; B's task stays unpublished.
    scientist = Person.objects.create(full_name="GS. Lê Văn Công Khai", organisation=org_a, public_profile_consent=True)
    for record in (task_a, org_a, scientist):
        publication_create(record=record, by=officer)

    # A finished background export of the science officer's.
    job = ExportJob.objects.create(
        name="reports.annual_docx",
        label="Báo cáo năm",
        requested_by=officer,
        params={"year": today.year},
        status=ExportJob.Status.DONE,
        file_name="bao-cao.docx",
        content_type="application/octet-stream",
    )
    job.file.save("bao-cao.docx", ContentFile(b"PK\x03\x04"), save=True)

    w.objects.update(
        task_a=task_a,
        task_b=task_b,
        report_a=report_a,
        adjustment_a=adjustment_a,
        task_file_a=task_file_a,
        call=call,
        proposal_a=proposal_a,
        plan=plan,
        application_a=application_a,
        calling_task=calling,
        council=council,
        seat=seat,
        council_object=council_object,
        survey=survey,
        document=document,
        document_file=document_file,
        article=article,
        draft_article=draft,
        export_job=job,
        submitted_plan=submitted,
        ordered_plan=ordered,
        scientist=scientist,
    )
    admin_task = build.task(host=org_b, status=Task.Status.IN_PROGRESS, start=dt.date(2023, 1, 1))
    _admin_objects(w, officer, admin_task)
    return w


def _value(f: Any) -> Any:
    """A valid value for a required field of a plain type (or _NO when there is none)."""
    from django.db import models

    if f.choices:
        return f.flatchoices[0][0]
    if isinstance(f, models.DateTimeField):
        return timezone.now()
    if isinstance(f, models.DateField):
        return timezone.localdate()
    if isinstance(f, models.DurationField):
        return dt.timedelta(days=1)
    if isinstance(f, (models.IntegerField, models.DecimalField, models.FloatField)):
        return 1
    if isinstance(f, models.BooleanField):
        return False
    if isinstance(f, models.JSONField):
        return {}
    if isinstance(f, models.EmailField):
        return "ma@example.org"
    if isinstance(f, models.FileField):
        return "ma/tep.pdf"
    if isinstance(f, (models.CharField, models.TextField)):
        return "MA-1"
    return _NO


_NO = object()

# What the made-up objects of a few models need beyond their required fields (check constraints).
_EXTRA: dict[str, dict[str, Any]] = {
    "ip.ipsupportcase": {"applicant_organisation": "directory.organisation"},
    "ip.userightcertificate": {"holder_organisation": "directory.organisation"},
    "metrology.verification": {"certificate_no": "MA-1", "stamp_no": "MA-1"},
    "radiation.radiationlicence": {"expiry_date": dt.date(2030, 1, 1)},
}


def _cheap(model: Any, given: dict[str, Any], depth: int = 0) -> Any:
    """The first object of `model` (or the one `given` names), or a new one with every required
    field filled in (in the world's transaction, rolled back with it); None when that fails."""
    from django.db import IntegrityError, transaction
    from django.db.models import Model

    label = model._meta.label_lower
    if label in given:
        return given[label]
    obj = model._base_manager.order_by("pk").first()
    if obj is not None or depth > 2:
        return obj
    values: dict[str, Any] = {
        k: given[v] if isinstance(v, str) and v in given else v for k, v in _EXTRA.get(label, {}).items()
    }
    for f in model._meta.concrete_fields:
        if (
            f.primary_key
            or f.null
            or f.has_default()
            or getattr(f, "auto_now", False)
            or getattr(f, "auto_now_add", False)
        ):
            continue
        if f.blank and not f.is_relation and not f.choices:
            continue
        if f.is_relation:
            related = _cheap(f.related_model, given, depth + 1)
            if related is None:
                return None
            values[f.name] = related
            continue
        value = _value(f)
        if value is _NO:
            return None
        values[f.name] = value
    try:
        with transaction.atomic():
            instance: Model = model(**values)
            instance.save()
            return instance
    except (IntegrityError, ValueError, TypeError, AttributeError, LookupError):
        return None
    except Exception:  # a model's own save() refusing made-up values: no object for this model
        return None


def _admin_objects(w: World, officer: Any, admin_task: Any) -> None:
    """One object of each model the back office shows: the world's own where there is one, else a
    new one hung on host B and on a task of B's of its own, so that nothing the other pages show
    about A's records changes."""
    from django.contrib import admin
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from khcn.core.models import ImportBatch

    TOTPDevice.objects.create(user=officer, name="Ứng dụng xác thực", confirmed=True)
    given = {"research.task": admin_task, "directory.organisation": w.objects["org_b"]}
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        dataset = getattr(model_admin, "dataset_name", "")
        if dataset:
            w.import_batches[label] = ImportBatch.objects.create(
                dataset=dataset,
                file_name="nhap.xlsx",
                sha256="0" * 64,
                row_count=1,
                error_count=1,
                errors=[{"row": 2, "column": "Tên", "value": "", "message": "Thiếu tên"}],
                status=ImportBatch.Status.FAILED,
                created_by=officer,
            ).pk
        obj = _cheap(model, given) if label not in given else model._base_manager.order_by("pk").first()
        if obj is None:
            continue
        w.admin_objects[label] = obj
        history_attr = getattr(model._meta, "simple_history_manager_attribute", None)
        if history_attr:
            history = getattr(model, history_attr).filter(**{model._meta.pk.attname: obj.pk}).order_by("history_id")
            row = history.first()
            if row is None:
                obj.save()  # made outside the history (e.g. a data migration's row): give it one
                row = history.first()
            if row is not None:
                w.admin_history[label] = row.history_id
