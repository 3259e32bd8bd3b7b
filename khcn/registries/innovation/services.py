"""Every write of the innovation registry. Keyword-only, typed, the acting user as `by`; each runs
in one transaction, saves through core.services (history, optimistic locking) and refuses what the
rules forbid with a Vietnamese message, changing nothing. The admin forms run the same `*_check`
functions first, so a refusal shows on the form."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from khcn.accounts.models import User
from khcn.core import services as core_services
from khcn.directory.models import Organisation
from khcn.registries.innovation.models import Event, EventParticipation, StartupSupport, Training


def _require(by: User | None, action: str, model: type[Model]) -> None:
    """Writes are for the technology and IP division (innovation.* in roles.py)."""
    perm = f"innovation.{action}_{model._meta.model_name}"
    if by is None or not getattr(by, "is_authenticated", False) or not by.has_perm(perm):
        raise PermissionDenied(_("Bạn không có quyền sửa sổ đăng ký đổi mới sáng tạo, khởi nghiệp."))


def _save(record: Any, *, by: User, expected_version: int | None, reason: str = "") -> Any:
    _require(by, "change" if record.pk else "add", type(record))
    record.full_clean()
    return core_services.record_save(record=record, by=by, expected_version=expected_version, reason=reason)


def _dmy(value: Any) -> str:
    return value.strftime("%d/%m/%Y")


def _check_period(start: Any, end: Any, field: str) -> None:
    if start and end and end < start:
        raise ValidationError(
            {
                field: _("Ngày kết thúc (%(e)s) không được trước ngày bắt đầu (%(s)s).")
                % {"e": _dmy(end), "s": _dmy(start)}
            }
        )


# --- Start-up support -----------------------------------------------------------------------------


def startup_support_check(support: StartupSupport) -> None:
    """The amount is whole đồng, never negative; a decision belongs to the year of the support."""
    if support.amount is not None and support.amount < 0:
        raise ValidationError({"amount": _("Kinh phí hỗ trợ không được âm.")})
    decision = support.decision if support.decision_id else None
    if decision is not None and support.year and decision.date.year != support.year:
        raise ValidationError(
            {
                "decision": _("Quyết định ngày %(d)s không thuộc năm hỗ trợ %(y)d.")
                % {"d": _dmy(decision.date), "y": support.year}
            }
        )


@transaction.atomic
def startup_support_save(*, support: StartupSupport, by: User, expected_version: int | None = None) -> StartupSupport:
    """Record or correct a support given to an innovative start-up."""
    startup_support_check(support)
    return _save(support, by=by, expected_version=expected_version)


# --- Events ---------------------------------------------------------------------------------------


def event_check(event: Event) -> None:
    _check_period(event.start_date, event.end_date, "end_date")


@transaction.atomic
def event_save(*, event: Event, by: User, expected_version: int | None = None) -> Event:
    """Record or correct an event; it ends on or after the day it starts."""
    event_check(event)
    return _save(event, by=by, expected_version=expected_version)


def participation_check(participation: EventParticipation) -> None:
    if (
        participation.event_id
        and participation.organisation_id
        and EventParticipation.objects.filter(
            event_id=participation.event_id, organisation_id=participation.organisation_id
        )
        .exclude(pk=participation.pk)
        .exists()
    ):
        raise ValidationError({"organisation": _("Tổ chức này đã có trong danh sách tham gia sự kiện.")})


@transaction.atomic
def event_participation_save(*, participation: EventParticipation, by: User) -> EventParticipation:
    _require(by, "change", Event)
    participation_check(participation)
    participation.full_clean()
    participation._history_user = by  # type: ignore[attr-defined]
    participation.save()
    return participation


def event_participant_add(
    *, event: Event, organisation: Organisation, by: User, role: str = EventParticipation.Role.EXHIBITOR, note: str = ""
) -> EventParticipation:
    """An enterprise took part in the event (each enterprise once per event)."""
    return event_participation_save(
        participation=EventParticipation(event=event, organisation=organisation, role=role, note=note), by=by
    )


@transaction.atomic
def event_participation_remove(*, participation: EventParticipation, by: User) -> None:
    _require(by, "change", Event)
    participation._history_user = by  # type: ignore[attr-defined]
    participation.delete()


# --- Trainings ------------------------------------------------------------------------------------


def training_check(training: Training) -> None:
    _check_period(training.date, training.end_date, "end_date")
    if training.trainee_count is not None and training.trainee_count < 1:
        raise ValidationError({"trainee_count": _("Số học viên phải ít nhất là 1.")})


@transaction.atomic
def training_save(*, training: Training, by: User, expected_version: int | None = None) -> Training:
    """Record or correct a training and how many were trained."""
    training_check(training)
    return _save(training, by=by, expected_version=expected_version)


def innovation_archive(*, record: StartupSupport | Event | Training, by: User, reason: str) -> Any:
    """Archive a record entered by mistake (kept, with its history; no longer counted)."""
    _require(by, "change", type(record))
    return core_services.record_archive(record=record, by=by, reason=reason)
