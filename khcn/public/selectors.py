"""What the public may read: every public list, page, export, search hit and API answer goes
through these querysets, so a record that is not published never leaks by one path and not another.

Rules (see models.py): tasks, organisations, initiatives (recognised) and use-right certificates
(not revoked) need a Publication row; legal documents their `is_public` flag; articles the news
workflow's published state; people their own `public_profile_consent`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, Model, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from khcn.directory.models import Organisation, Person
from khcn.public.models import Publication
from khcn.research.models import Task


def published_q(model: type[Model]) -> Exists:
    """An Exists() that holds when the record has a Publication row (one subquery, no join rows)."""
    return Exists(
        Publication.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=OuterRef("pk"))
    )


def is_published(record: Model) -> bool:
    return Publication.objects.filter(
        content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
    ).exists()


# --- Tasks --------------------------------------------------------------------------------------------

# Statuses a task may be shown in: once the province has approved it (earlier steps are internal).
PUBLIC_TASK_STATUSES = (
    Task.Status.APPROVED,
    Task.Status.IN_PROGRESS,
    Task.Status.AWAITING_ACCEPTANCE,
    Task.Status.ACCEPTED,
    Task.Status.COMPLETED,
    Task.Status.CANCELLED,
)
# A completed task shows its grade, registered results, outputs and where they are applied.
RESULT_STATUSES = (Task.Status.ACCEPTED, Task.Status.COMPLETED)


def task_list_public() -> QuerySet[Task]:
    return (
        Task.objects.active()
        .filter(published_q(Task), status__in=PUBLIC_TASK_STATUSES)
        .select_related("form", "field", "field__parent", "group", "host", "host__administrative_unit", "pi")
        .order_by("-plan_year", "code")
    )


@dataclass(frozen=True)
class TaskFilters:
    field: str = ""
    year: int | None = None
    status: str = ""
    host: int | None = None
    area: str = ""
    form: str = ""
    ids: tuple[int, ...] | None = None


def task_list_filtered(filters: TaskFilters) -> QuerySet[Task]:
    qs = task_list_public()
    if filters.field:
        qs = qs.filter(Q(field__code=filters.field) | Q(field__parent__code=filters.field))
    if filters.year:
        qs = qs.filter(plan_year=filters.year)
    if filters.status in PUBLIC_TASK_STATUSES:
        qs = qs.filter(status=filters.status)
    if filters.host:
        qs = qs.filter(host_id=filters.host)
    if filters.area:
        qs = qs.filter(host__administrative_unit__code=filters.area)
    if filters.form:
        qs = qs.filter(form__code=filters.form)
    if filters.ids is not None:
        qs = qs.filter(pk__in=filters.ids)
    return qs


def task_facets(qs: QuerySet[Task]) -> dict[str, list[tuple[Any, str, int]]]:
    """Counts per value of each facet over the filtered list, in four queries whatever its length.

    One narrow query reads the five facet columns of every matching task and Python counts them;
    three small queries then name the fields, forms and hosts (with their areas) that occur. Six
    GROUP BY queries, each joining the whole list again, cost several times more at 10,000 tasks
    (docs/benchmarks.md, "Task lists under load")."""
    from collections import Counter

    from khcn.directory.models import FieldOfScience, TaskForm

    rows = list(qs.order_by().values_list("field_id", "plan_year", "status", "host_id", "form_id"))
    fields, years, statuses, hosts, forms = (
        (Counter(column) for column in zip(*rows, strict=True)) if rows else [Counter()] * 5
    )
    status_labels = dict(Task.Status.choices)
    field_names = {
        pk: (code, name)
        for pk, code, name in FieldOfScience.objects.filter(pk__in=fields).values_list("pk", "code", "name")
    }
    form_names = {
        pk: (code, name) for pk, code, name in TaskForm.objects.filter(pk__in=forms).values_list("pk", "code", "name")
    }
    host_rows = list(
        Organisation.objects.filter(pk__in=[pk for pk in hosts if pk]).values_list(
            "pk", "name", "administrative_unit__code", "administrative_unit__name"
        )
    )
    host_names = {pk: name for pk, name, _code, _area in host_rows}
    areas: Counter[tuple[str, str]] = Counter()
    for pk, _name, code, area in host_rows:
        if code:
            areas[(code, area)] += hosts[pk]

    def by_count(items: list[tuple[Any, str, int]]) -> list[tuple[Any, str, int]]:
        return sorted(items, key=lambda item: (-item[2], item[0]))

    return {
        "field": by_count([(code, f"{code} – {name}", fields[pk]) for pk, (code, name) in field_names.items()]),
        "year": sorted(((y, str(y), n) for y, n in years.items()), reverse=True),
        "status": by_count([(code, str(status_labels.get(code, code)), n) for code, n in statuses.items()]),
        "host": by_count([(pk, name, hosts[pk]) for pk, name in host_names.items()]),
        "area": by_count([(code, name, n) for (code, name), n in areas.items()]),
        "form": by_count([(code, name, forms[pk]) for pk, (code, name) in form_names.items()]),
    }


def task_facets_stamp() -> tuple[Any, ...]:
    """A cheap stamp of everything the task facets show, in one query: it changes whenever a count
    or a name in them can change, so a facet block cached under it is never stale.

    Tasks and organisations (Records): count, last `updated_at` and the sum of their `version`s
    (bumped by every service save, also by one that commits after a later one); publications
    (revoking deletes the row): count and last id; fields and forms (no timestamps): count, last id
    and last history id (every save writes a history row); administrative units: count and last id
    (a renamed unit shows when the cache's TTL, settings.FACET_CACHE_SECONDS, runs out)."""
    from django.db import connection

    from khcn.directory.models import AdministrativeUnit, FieldOfScience, TaskForm

    q = connection.ops.quote_name

    record = f"COUNT(*), MAX({q('updated_at')}), SUM({q('version')})"
    row_ids = f"COUNT(*), MAX({q('id')})"
    history = f"MAX({q('history_id')})"
    parts: list[tuple[Any, str]] = [
        (Task, record),
        (Organisation, record),
        (Publication, row_ids),
        (AdministrativeUnit, row_ids),
        (FieldOfScience, row_ids),
        (FieldOfScience.history.model, history),  # type: ignore[attr-defined]
        (TaskForm, row_ids),
        (TaskForm.history.model, history),  # type: ignore[attr-defined]
    ]
    # Only quoted table and column names from the models' metadata; nothing from a request.
    subqueries = [
        f"(SELECT {columns} FROM {q(model._meta.db_table)}) s{i}"  # noqa: S608
        for i, (model, columns) in enumerate(parts)
    ]
    sql = "SELECT * FROM " + ", ".join(subqueries)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return tuple(str(value) for value in row)


@dataclass
class TaskResults:
    grade: str = ""
    decision: Any = None
    registration: Any = None
    outputs: list[Any] = field(default_factory=list)
    applications: list[Any] = field(default_factory=list)


def task_results_public(task: Task) -> TaskResults | None:
    """What a completed task produced, for the public page (four queries; None while it runs).
    Only the results themselves: no money beyond the budget, no people beyond the PI's name."""
    from khcn.research.models import Acceptance, Output, ResultApplication, ResultRegistration

    if task.status not in RESULT_STATUSES:
        return None
    acceptance = (
        Acceptance.objects.active()
        .filter(task=task)
        .exclude(grade="")
        .select_related("decision")
        .order_by("-graded_on", "-pk")
        .first()
    )
    return TaskResults(
        grade=acceptance.get_grade_display() if acceptance else "",
        decision=acceptance.decision if acceptance else None,
        registration=ResultRegistration.objects.active().filter(task=task).first(),
        outputs=list(Output.objects.active().filter(task=task).order_by("form", "pk")),
        applications=list(
            ResultApplication.objects.active()
            .filter(task=task)
            .select_related("organisation", "unit")
            .order_by("-year", "pk")
        ),
    )


def get_public_task(pk: int) -> Task:
    task = task_list_public().filter(pk=pk).first()
    if task is None:
        raise Http404
    return task


# --- Organisations and people -------------------------------------------------------------------------


def organisation_list_public() -> QuerySet[Organisation]:
    # The count of public tasks as a correlated subquery: one query for the whole page.
    task_count = (
        task_list_public().filter(host=OuterRef("pk")).order_by().values("host").annotate(c=Count("pk")).values("c")
    )
    qs: QuerySet[Organisation] = Organisation.objects.active()  # type: ignore[assignment]
    return (
        qs.filter(published_q(Organisation))
        .select_related("administrative_unit")
        .annotate(public_task_count=Coalesce(Subquery(task_count), 0))
        .order_by("name")
    )


def get_public_organisation(pk: int) -> Organisation:
    organisation = organisation_list_public().filter(pk=pk).first()
    if organisation is None:
        raise Http404
    return organisation


def person_list_public() -> QuerySet[Person]:
    """Scientists who agreed to a public profile; never their personal data (see PERSON_PUBLIC_FIELDS)."""
    return (
        Person.objects.active()
        .filter(public_profile_consent=True)
        .select_related("organisation", "field")
        .order_by("full_name", "pk")
    )


# Only these fields of a person ever leave the back office (Law on Personal Data Protection).
PERSON_PUBLIC_FIELDS = ("full_name", "academic_title", "degree", "position", "organisation", "field")


def get_public_person(pk: int) -> Person:
    person = person_list_public().filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def public_name(person: Person | None) -> str:
    """A person's name where the public may see it: only with consent."""
    if person is None or not person.public_profile_consent:
        return ""
    return person.display_name


# --- Other registries ---------------------------------------------------------------------------------


def initiative_list_public() -> QuerySet:
    from khcn.registries.initiatives.models import Initiative

    return (
        Initiative.objects.active()
        .filter(published_q(Initiative), status=Initiative.Status.RECOGNISED)
        .select_related("unit", "decision")
        .order_by("-year", "code")
    )


def certificate_list_public() -> QuerySet:
    from khcn.registries.ip.models import UseRightCertificate

    return (
        UseRightCertificate.objects.active()
        .filter(published_q(UseRightCertificate), revoked=False)
        .select_related("holder_organisation", "holder_person", "area_unit")
        .order_by("-issue_date", "number")
    )


def legal_document_list_public() -> QuerySet:
    from khcn.registries.legaldocs.selectors import public_documents

    return public_documents().order_by("-issue_date", "number")


def article_list_public() -> QuerySet:
    from khcn.registries.news.selectors import article_list_public as articles

    return articles()


# --- Summary figures ----------------------------------------------------------------------------------


@dataclass
class Summary:
    tasks: int
    tasks_in_progress: int
    tasks_completed: int
    state_budget: int
    organisations: int
    people: int
    initiatives: int
    certificates: int
    legal_documents: int
    articles: int


def summary() -> Summary:
    """The home page's figures, each a count over the same public querysets the lists show."""
    tasks = (
        task_list_public()
        .order_by()
        .aggregate(
            n=Count("pk"),
            in_progress=Count("pk", filter=Q(status=Task.Status.IN_PROGRESS)),
            completed=Count("pk", filter=Q(status=Task.Status.COMPLETED)),
            budget=Sum("state_budget"),
        )
    )
    return Summary(
        tasks=tasks["n"],
        tasks_in_progress=tasks["in_progress"],
        tasks_completed=tasks["completed"],
        state_budget=tasks["budget"] or 0,
        organisations=Organisation.objects.active().filter(published_q(Organisation)).count(),
        people=person_list_public().count(),
        initiatives=initiative_list_public().count(),
        certificates=certificate_list_public().count(),
        legal_documents=legal_document_list_public().count(),
        articles=article_list_public().count(),
    )
