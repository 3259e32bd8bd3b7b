"""Every write of the metrology registry, and the rules a verification must meet.

`verification_problems` is the one statement of the rules on a verification's own values: the
service, the back-office form and the year-file importer all call it, so they refuse the same
things with the same words.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from khcn.accounts.models import User
from khcn.core.services import record_archive, record_save
from khcn.directory.models import Organisation
from khcn.lib.dates import add_months
from khcn.registries.metrology import selectors
from khcn.registries.metrology.models import Instrument, InstrumentType, Verification

# Keys per UPDATE ... WHERE id IN (...): well under SQLite's bound-parameter limit.
REFRESH_CHUNK = 500

Problems = list[tuple[str, str]]
# Plain strings for the checks an import runs on every row (an enum attribute is a slow lookup).
PASSED, FAILED = str(Verification.Result.PASSED), str(Verification.Result.FAILED)


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def verification_value_problems(
    *, date: dt.date, result: str, certificate_no: str, stamp_no: str, today: dt.date
) -> Problems:
    """[(field, message)] for a verification's own values: no future date; a certificate and a
    stamp when it passed, neither when it failed."""
    problems: Problems = []
    if date > today:
        problems.append(("date", _("Ngày kiểm định %(date)s ở tương lai.") % {"date": _d(date)}))
    if result == PASSED:
        if not certificate_no:
            problems.append(("certificate_no", _("Phương tiện đo đạt yêu cầu phải có số giấy chứng nhận kiểm định.")))
        if not stamp_no:
            problems.append(("stamp_no", _("Phương tiện đo đạt yêu cầu phải có số tem kiểm định.")))
    elif result == FAILED:
        if certificate_no:
            problems.append(
                (
                    "certificate_no",
                    _("Phương tiện đo không đạt thì không được cấp giấy chứng nhận; hãy để trống số giấy chứng nhận."),
                )
            )
        if stamp_no:
            problems.append(("stamp_no", _("Phương tiện đo không đạt thì không được dán tem; hãy để trống số tem.")))
    return problems


def verification_date_problems(
    *, date: dt.date, manufacture_year: int | None, first_registered_on: dt.date | None
) -> Problems:
    """A verification cannot be older than the instrument: its year made, its first registration."""
    problems: Problems = []
    if manufacture_year is not None and date.year < manufacture_year:
        problems.append(
            (
                "date",
                _("Ngày kiểm định %(date)s trước năm sản xuất %(year)d của phương tiện đo.")
                % {"date": _d(date), "year": manufacture_year},
            )
        )
    if first_registered_on is not None and date < first_registered_on:
        problems.append(
            (
                "date",
                _("Ngày kiểm định %(date)s trước ngày đăng ký lần đầu %(first)s của phương tiện đo.")
                % {"date": _d(date), "first": _d(first_registered_on)},
            )
        )
    return problems


def verification_problems(
    *,
    date: dt.date,
    result: str,
    certificate_no: str,
    stamp_no: str,
    manufacture_year: int | None,
    first_registered_on: dt.date | None,
    today: dt.date,
) -> Problems:
    """Every rule on a verification's values; empty when it may be recorded."""
    return verification_value_problems(
        date=date, result=result, certificate_no=certificate_no, stamp_no=stamp_no, today=today
    ) + verification_date_problems(
        date=date, manufacture_year=manufacture_year, first_registered_on=first_registered_on
    )


def no_cycle_message(type_name: str, day: dt.date) -> str:
    return _(
        "Loại phương tiện đo “%(type)s” chưa có chu kỳ kiểm định áp dụng vào ngày %(date)s; "
        "hãy bổ sung chu kỳ trong danh mục loại phương tiện đo."
    ) % {"type": type_name, "date": _d(day)}


def valid_until(day: dt.date, result: str, cycle_months: int | None) -> dt.date | None:
    """Next verification due: date + cycle for a passed verification; none for a failed one or
    for a type verified only once."""
    if result != PASSED or cycle_months is None:
        return None
    return _add_months(day, cycle_months)


@functools.lru_cache(maxsize=4096)
def _add_months(day: dt.date, months: int) -> dt.date:
    # A year file has a few hundred distinct dates and a handful of cycles.
    return add_months(day, months)


def instrument_problems(
    *, manufacture_year: int | None, first_registered_on: dt.date | None, today: dt.date
) -> Problems:
    problems: Problems = []
    if manufacture_year is not None and manufacture_year > today.year:
        problems.append(("manufacture_year", _("Năm sản xuất %(year)d ở tương lai.") % {"year": manufacture_year}))
    if first_registered_on is not None:
        if first_registered_on > today:
            problems.append(
                (
                    "first_registered_on",
                    _("Ngày đăng ký lần đầu %(date)s ở tương lai.") % {"date": _d(first_registered_on)},
                )
            )
        if manufacture_year is not None and first_registered_on.year < manufacture_year:
            problems.append(
                (
                    "first_registered_on",
                    _("Ngày đăng ký lần đầu %(date)s trước năm sản xuất %(year)d.")
                    % {"date": _d(first_registered_on), "year": manufacture_year},
                )
            )
    return problems


def _raise(problems: Problems) -> None:
    if problems:
        errors: dict[str, list[str]] = {}
        for field, message in problems:
            errors.setdefault(field, []).append(message)
        raise ValidationError(errors)


# --- Instruments ---------------------------------------------------------------------------------


def instrument_check(instrument: Instrument) -> None:
    """Raise ValidationError (by field) if the instrument may not be saved as it is."""
    problems = instrument_problems(
        manufacture_year=instrument.manufacture_year,
        first_registered_on=instrument.first_registered_on,
        today=timezone.localdate(),
    )
    if instrument.pk:
        # A new year made or first registration must not leave a recorded verification before it.
        earliest = instrument.verifications.active().order_by("date").values_list("date", flat=True).first()
        if (
            earliest is not None
            and instrument.manufacture_year is not None
            and earliest.year < instrument.manufacture_year
        ):
            problems.append(
                (
                    "manufacture_year",
                    _("Phương tiện đo đã có lần kiểm định ngày %(date)s, trước năm sản xuất %(year)d.")
                    % {"date": _d(earliest), "year": instrument.manufacture_year},
                )
            )
        if (
            earliest is not None
            and instrument.first_registered_on is not None
            and earliest < instrument.first_registered_on
        ):
            problems.append(
                (
                    "first_registered_on",
                    _("Phương tiện đo đã có lần kiểm định ngày %(date)s, trước ngày đăng ký lần đầu này.")
                    % {"date": _d(earliest)},
                )
            )
    _raise(problems)


@transaction.atomic
def instrument_register(
    *,
    instrument_type: InstrumentType,
    serial: str,
    owner: Organisation,
    by: User | None,
    manufacturer: str = "",
    model: str = "",
    manufacture_year: int | None = None,
    first_registered_on: dt.date | None = None,
    accuracy_class: str = "",
    location: str = "",
) -> Instrument:
    """Register an instrument; its serial must be new for its type and manufacturer."""
    instrument = Instrument(
        instrument_type=instrument_type,
        serial=serial.strip(),
        owner=owner,
        manufacturer=manufacturer.strip(),
        model=model.strip(),
        manufacture_year=manufacture_year,
        first_registered_on=first_registered_on,
        accuracy_class=accuracy_class,
        location=location,
    )
    return instrument_save(instrument=instrument, by=by)


@transaction.atomic
def instrument_save(*, instrument: Instrument, by: User | None, expected_version: int | None = None) -> Instrument:
    """Save an instrument's own details (its status follows its verifications, not the form)."""
    instrument.full_clean()
    instrument_check(instrument)
    return record_save(record=instrument, by=by, expected_version=expected_version)


def instruments_refresh(instrument_ids: Iterable[int]) -> None:
    """Recompute status, last verification and next due date from each instrument's latest
    active verification, set-wise (one UPDATE per few hundred instruments, whatever happened)."""
    ids = sorted(set(instrument_ids))
    latest = Verification.objects.filter(instrument=OuterRef("pk"), archived_at__isnull=True).order_by("-date", "-id")
    for start in range(0, len(ids), REFRESH_CHUNK):
        chunk = ids[start : start + REFRESH_CHUNK]
        Instrument.objects.filter(pk__in=chunk).update(
            last_verified_on=Subquery(latest.values("date")[:1]),
            next_due_on=Subquery(latest.values("valid_until")[:1]),
            status=Coalesce(
                Subquery(
                    latest.annotate(
                        derived=Case(
                            When(result=Verification.Result.FAILED, then=Value(Instrument.Status.REJECTED)),
                            default=Value(Instrument.Status.IN_USE),
                        )
                    ).values("derived")[:1]
                ),
                Value(Instrument.Status.IN_USE),
            ),
        )


# --- Verifications -------------------------------------------------------------------------------


def verification_prepare(verification: Verification, *, today: dt.date | None = None) -> None:
    """Check a verification against every rule and fill in what follows from it (the cycle in
    force on its date, the next due date). Raises ValidationError by field."""
    instrument = verification.instrument
    problems = verification_problems(
        date=verification.date,
        result=verification.result,
        certificate_no=verification.certificate_no,
        stamp_no=verification.stamp_no,
        manufacture_year=instrument.manufacture_year,
        first_registered_on=instrument.first_registered_on,
        today=today or timezone.localdate(),
    )
    in_force, months = selectors.cycle_on(instrument.instrument_type_id, verification.date)
    if not in_force:
        problems.append(("date", no_cycle_message(instrument.instrument_type.name, verification.date)))
    _raise(problems)
    verification.cycle_months = months
    verification.valid_until = valid_until(verification.date, verification.result, months)
    # Field checks and the unique constraints (same certificate, same instrument and day), with
    # the constraints' own Vietnamese messages.
    verification.full_clean()


@transaction.atomic
def verification_record(
    *,
    instrument: Instrument,
    date: dt.date,
    verifying_body: Organisation,
    result: str,
    by: User | None,
    kind: str = Verification.Kind.PERIODIC,
    verifier: str = "",
    certificate_no: str = "",
    stamp_no: str = "",
) -> Verification:
    """Record a verification; a failed one marks the instrument rejected, a passed one sets its
    next due date (date + the cycle in force on that date)."""
    verification = Verification(
        instrument=instrument,
        date=date,
        verifying_body=verifying_body,
        result=result,
        kind=kind,
        verifier=verifier.strip(),
        certificate_no=certificate_no.strip(),
        stamp_no=stamp_no.strip(),
    )
    return verification_save(verification=verification, by=by)


@transaction.atomic
def verification_save(
    *, verification: Verification, by: User | None, expected_version: int | None = None
) -> Verification:
    """Save a new or corrected verification and bring its instrument's status up to date."""
    previous_instrument = None
    if verification.pk:
        previous_instrument = (
            Verification.objects.filter(pk=verification.pk).values_list("instrument_id", flat=True).first()
        )
    verification_prepare(verification)
    record_save(record=verification, by=by, expected_version=expected_version)
    instruments_refresh({verification.instrument_id, previous_instrument} - {None})  # type: ignore[arg-type]
    return verification


@transaction.atomic
def verification_archive(*, verification: Verification, by: User, reason: str) -> Verification:
    """Archive a verification entered by mistake; the instrument falls back to its previous one."""
    record_archive(record=verification, by=by, reason=reason)
    instruments_refresh([verification.instrument_id])
    return verification


def verifications_archive(*, verifications: Sequence[Verification], by: User, reason: str) -> int:
    with transaction.atomic():
        for verification in verifications:
            record_archive(record=verification, by=by, reason=reason)
        instruments_refresh(v.instrument_id for v in verifications)
    return len(verifications)
