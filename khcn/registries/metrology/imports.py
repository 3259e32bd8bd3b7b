"""Tabular datasets of the metrology registry: instruments, and a year's verifications.

"instruments" is a plain dataset: the shared runner (khcn.core.datasets.run_import) imports it.

"verifications" is the verifying bodies' year file: one row per verification, naming the
instrument by type code + serial (+ manufacturer, since serials are unique only per type and
manufacturer) and its owner by tax code or exact name. Decisions:

- An instrument not yet in the registry is **created from its row**: the year file is where the
  department first hears of most instruments, so refusing unknown ones would make the file
  useless. An instrument already registered keeps its details; only its owner follows the
  file's latest row for it (instruments change hands).
- Owners and verifying bodies must **already be in the directory** (by tax code, else exact
  name): organisations are created in one place, where duplicates are caught. An unknown owner
  is a row error; import the organisations file first.
- Verifications are events, so the file only adds: a row that repeats a stored verification (same
  instrument and day, or the same certificate number from the same body) is an error, which makes
  importing the same file twice harmless. Corrections are made on the record.

The file is read and checked by the shared engine (khcn.lib.tabular: headers, cells, lookups,
the row-by-row report) and recorded as an ImportBatch like every import. The engine has no step
yet for rules that need stored records in bulk (an instrument's year made, a certificate number
already used) or for rows that write two tables, so this dataset adds `plan()` and `write()`
and `verifications_import()` runs them: all rows are checked before anything is written, and a
file with any bad row writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from khcn.core import datasets
from khcn.core.filetypes import safe_display_name
from khcn.core.models import ImportBatch
from khcn.core.services import import_batch_record
from khcn.directory.models import Organisation
from khcn.lib import tabular
from khcn.lib.formats import ParseError
from khcn.lib.tabular import ParsedRow, RowError
from khcn.registries.metrology import bulk, services
from khcn.registries.metrology.models import Instrument, InstrumentType, Verification
from khcn.registries.metrology.selectors import CycleTable

# Rows handed to bulk.insert_with_history at a time (it splits them into statements): bounds the
# memory of the value lists built for one call.
WRITE_BATCH = 5000
# Keys per "... IN (...)" query for the few edits done through the ORM.
MATCH_CHUNK = 500


def _organisation_key(organisation: Organisation) -> str:
    return organisation.tax_code or organisation.name


_resolve_type = datasets.lookup_resolver(
    (lambda: InstrumentType.objects.all(), "code"),
    (lambda: InstrumentType.objects.all(), "name"),
)

_resolve_organisation = datasets.lookup_resolver(
    (lambda: Organisation.objects.exclude(tax_code=""), "tax_code"),
    (lambda: Organisation.objects.all(), "name"),
)


class CachedChoice(tabular.Choice):
    """A Choice whose cells repeat ("Đạt" 100,000 times): each distinct text is folded once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seen: dict[Any, Any] = {}

    def clean(self, raw: tabular.Cell) -> Any:
        try:
            return self._seen[raw]
        except (KeyError, TypeError):
            pass
        value = super().clean(raw)  # raises ParseError for a bad cell, which is not remembered
        if isinstance(raw, str):
            self._seen[raw] = value
        return value


class FastText(tabular.Text):
    """A Text column with a short path for the common case, a plain string cell (same result)."""

    def clean(self, raw: tabular.Cell) -> Any:
        if type(raw) is not str:
            return super().clean(raw)
        text = tabular.unescape_formula(raw).strip()
        if not text:
            if self.required:
                raise ParseError(_("Bắt buộc phải có giá trị"))
            return ""
        if self.max_length is not None and len(text) > self.max_length:
            raise ParseError(_("Dài quá %(max)d ký tự (đang có %(n)d)") % {"max": self.max_length, "n": len(text)})
        return text


_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


class FastDate(tabular.Date):
    """A Date column with short paths for a real Excel date and for plain dd/mm/yyyy text (the
    same results as tabular.Date, which still handles everything else and words the errors)."""

    def clean(self, raw: tabular.Cell) -> Any:
        kind = type(raw)
        if kind is dt.date:
            return raw
        if kind is dt.datetime:
            return raw.date()  # type: ignore[union-attr]
        if kind is str:
            match = _DMY.fullmatch(raw.strip())  # type: ignore[union-attr]
            if match:
                try:
                    return dt.date(int(match[3]), int(match[2]), int(match[1]))
                except ValueError:
                    pass  # 31/02/2023: let tabular.Date word the error
        return super().clean(raw)


class FastLookup(tabular.Lookup):
    """A Lookup column with a short path for a plain text cell (same key as tabular.Lookup)."""

    def clean(self, raw: tabular.Cell) -> Any:
        if type(raw) is str:
            key = tabular.unescape_formula(raw).strip()
            if key:
                return key
        return super().clean(raw)


def organisation_column(header: str, field_name: str, *, required: bool = False, **kwargs: Any) -> tabular.Lookup:
    return FastLookup(
        header,
        field_name,
        resolve=_resolve_organisation,
        display=_organisation_key,
        noun=gettext_lazy("tổ chức có mã số thuế hoặc tên"),
        required=required,
        help_text=gettext_lazy("Mã số thuế hoặc tên đầy đủ, đã có trong danh mục tổ chức"),
        **kwargs,
    )


def type_column(field_name: str) -> tabular.Lookup:
    return FastLookup(
        "Mã loại phương tiện đo",
        field_name,
        resolve=_resolve_type,
        display=lambda instrument_type: instrument_type.code,
        noun=gettext_lazy("loại phương tiện đo có mã hoặc tên"),
        required=True,
        aliases=("Loại phương tiện đo",),
        help_text=gettext_lazy("Mã (hoặc tên) trong danh mục loại phương tiện đo, ví dụ CT-DIEN-1P"),
    )


# --- Instruments -----------------------------------------------------------------------------------


@datasets.register
class InstrumentDataset(tabular.Dataset):
    name = "instruments"
    title = gettext_lazy("Phương tiện đo")
    model = Instrument
    natural_keys = (("instrument_type", "serial", "manufacturer"),)
    columns = (
        type_column("instrument_type"),
        tabular.Text("Số sêri", "serial", max_length=60, required=True),
        tabular.Text("Hãng sản xuất", "manufacturer", max_length=100),
        tabular.Text("Kiểu, mẫu", "model", max_length=100),
        tabular.Integer("Năm sản xuất", "manufacture_year", min_value=1900, max_value=2100),
        tabular.Date("Ngày đăng ký lần đầu", "first_registered_on"),
        tabular.Text("Cấp chính xác", "accuracy_class", max_length=30),
        organisation_column("Chủ sở hữu", "owner", required=True),
        tabular.Text("Nơi sử dụng", "location", max_length=300),
    )

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        return services.instrument_problems(
            manufacture_year=values.get("manufacture_year"),
            first_registered_on=values.get("first_registered_on"),
            today=timezone.localdate(),
        )

    def export_queryset(self) -> Any:
        return Instrument.objects.active().order_by("pk")


# --- Verifications -------------------------------------------------------------------------------

# What the importer writes (bulk.insert_with_history fills the other columns with defaults).
INSTRUMENT_COLUMNS = (
    "instrument_type_id",
    "serial",
    "manufacturer",
    "model",
    "manufacture_year",
    "owner_id",
    "location",
    "status",
    "last_verified_on",
    "next_due_on",
)
VERIFICATION_COLUMNS = (
    "instrument_id",
    "kind",
    "date",
    "verifying_body_id",
    "verifier",
    "result",
    "certificate_no",
    "stamp_no",
    "cycle_months",
    "valid_until",
)

# Plain strings: an enum member looked up 100,000 times costs more than the comparison.
PASSED, FAILED = str(Verification.Result.PASSED), str(Verification.Result.FAILED)
IN_USE, REJECTED = str(Instrument.Status.IN_USE), str(Instrument.Status.REJECTED)

# Column fields are paths from Verification, so that the shared export can select_related them.
TYPE = "instrument__instrument_type"
SERIAL = "instrument__serial"
MANUFACTURER = "instrument__manufacturer"
OWNER = "instrument__owner"
INSTRUMENT_FIELDS = {
    TYPE: "instrument_type",
    SERIAL: "serial",
    MANUFACTURER: "manufacturer",
    "instrument__model": "model",
    "instrument__manufacture_year": "manufacture_year",
    OWNER: "owner",
    "instrument__location": "location",
}


@dataclass(slots=True)
class PlannedInstrument:
    """An instrument as the plan sees it: a stored one (with `pk`), or one the file introduces.
    Plain values, not model instances: a year file can name 100,000 instruments."""

    pk: int | None
    type_id: int
    serial: str
    manufacturer: str
    manufacture_year: int | None
    first_registered_on: dt.date | None
    owner_id: int
    last_verified_on: dt.date | None
    archived: bool = False
    model: str = ""
    location: str = ""
    # The file's newest row for it (a PlannedRow).
    latest: Any = None


class PlannedRow(NamedTuple):
    """A checked row, its instrument, and what follows from the cycle in force on its date."""

    row: ParsedRow
    instrument: PlannedInstrument
    cycle_months: int | None
    valid_until: dt.date | None


@dataclass
class Plan:
    """What a checked file will write: each row with its instrument, the instruments to create,
    and the registered instruments that change hands."""

    errors: list[RowError] = field(default_factory=list)
    rows: list[PlannedRow] = field(default_factory=list)
    new_instruments: list[PlannedInstrument] = field(default_factory=list)
    new_owner: dict[int, int] = field(default_factory=dict)


def _verification_columns() -> tuple[tabular.Column, ...]:
    # Built per import run: CachedChoice remembers cells for one file, in one interface language.
    return (
        type_column(TYPE),
        FastText("Số sêri", SERIAL, max_length=60, required=True),
        FastText("Hãng sản xuất", MANUFACTURER, max_length=100),
        FastText("Kiểu, mẫu", "instrument__model", max_length=100),
        tabular.Integer("Năm sản xuất", "instrument__manufacture_year", min_value=1900, max_value=2100),
        organisation_column("Chủ sở hữu", OWNER, required=True),
        FastText("Nơi sử dụng", "instrument__location", max_length=300),
        FastDate("Ngày kiểm định", "date", required=True),
        CachedChoice(
            "Hình thức kiểm định", "kind", choices=Verification.Kind.choices, default=Verification.Kind.PERIODIC
        ),
        organisation_column("Đơn vị kiểm định", "verifying_body", required=True),
        FastText("Kiểm định viên", "verifier", max_length=200),
        CachedChoice("Kết quả", "result", choices=Verification.Result.choices, required=True),
        FastText("Số giấy chứng nhận", "certificate_no", max_length=60, aliases=("Số GCN",)),
        FastText("Số tem", "stamp_no", max_length=60),
        tabular.Date(
            "Hạn kiểm định tiếp theo",
            "valid_until",
            help_text=gettext_lazy("Do hệ thống tính (ngày kiểm định + chu kỳ); nếu ghi thì phải khớp"),
        ),
    )


@datasets.register
class VerificationDataset(tabular.Dataset):
    name = "verifications"
    title = gettext_lazy("Kết quả kiểm định phương tiện đo")
    model = Verification
    columns = _verification_columns()

    def __init__(self) -> None:
        # Per run: see _verification_columns.
        self.columns = _verification_columns()  # type: ignore[misc]
        super().__init__()
        # The shared runner (datasets.run_import) cannot run `plan()`; verifications_import sets this.
        self.planned_import = False
        self._refused = False
        self.today = timezone.localdate()

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        if not self.planned_import and not self._refused:
            # One error is enough to stop the shared runner from writing anything.
            self._refused = True
            return [
                (
                    "date",
                    _(
                        "Tệp kết quả kiểm định phải nhập ở trang “Kết quả kiểm định” "
                        "hoặc bằng lệnh manage.py import_verifications."
                    ),
                )
            ]
        problems = services.verification_value_problems(
            date=values["date"],
            result=values["result"],
            certificate_no=values.get("certificate_no", ""),
            stamp_no=values.get("stamp_no", ""),
            today=self.today,
        )
        # A new instrument's year made comes from the row; a registered one's is checked in plan().
        year = values.get("instrument__manufacture_year")
        if year is not None and year > self.today.year:
            problems.append(("instrument__manufacture_year", _("Năm sản xuất %(year)d ở tương lai.") % {"year": year}))
        elif year is not None:
            problems += services.verification_date_problems(
                date=values["date"], manufacture_year=year, first_registered_on=None
            )
        return problems

    def export_value(self, obj: Any, column: tabular.Column) -> Any:
        instrument_field = INSTRUMENT_FIELDS.get(column.field)
        if instrument_field is not None:
            return getattr(obj.instrument, instrument_field)
        return getattr(obj, column.field)

    def export_queryset(self) -> Any:
        return Verification.objects.active().order_by("-date", "-id")

    # --- Checks against stored records -----------------------------------------------------------

    def _error(self, row: ParsedRow, field_name: str, message: str) -> RowError:
        value = row.raw.get(field_name)
        return RowError(row.number, self.column(field_name).header, tabular.cell_text(value)[:200], message)

    def plan(self, rows: Sequence[ParsedRow]) -> Plan:
        """Check every row against the registry (its instrument, the cycle in force, numbers
        already used) in a few queries per several thousand rows; nothing is written."""
        plan = Plan()
        cycles = CycleTable.load()
        stored = self._stored_instruments(rows)
        new_by_key: dict[tuple[int, str, str], PlannedInstrument] = {}
        placed: list[PlannedRow] = []
        for row in rows:
            values = row.values
            instrument_type: InstrumentType = values[TYPE]
            serial: str = values[SERIAL]
            maker: str = values.get(MANUFACTURER, "")
            day: dt.date = values["date"]
            instrument = self._match(row, stored.get((instrument_type.id, serial), []), maker, plan)
            if instrument is False:
                continue
            if instrument is None:
                key = (instrument_type.id, serial, maker.casefold())
                instrument = new_by_key.get(key)
                if instrument is None:
                    instrument = new_by_key[key] = PlannedInstrument(
                        pk=None,
                        type_id=instrument_type.id,
                        serial=serial,
                        manufacturer=maker,
                        manufacture_year=values.get("instrument__manufacture_year"),
                        first_registered_on=None,
                        owner_id=values[OWNER].id,
                        last_verified_on=None,
                        model=values.get("instrument__model", ""),
                        location=values.get("instrument__location", ""),
                    )
            else:
                problems = services.verification_date_problems(
                    date=day,
                    manufacture_year=instrument.manufacture_year,
                    first_registered_on=instrument.first_registered_on,
                )
                if problems:
                    plan.errors.extend(self._error(row, "date", message) for _f, message in problems)
                    continue
            in_force, months = cycles.on(instrument_type.id, day)
            if not in_force:
                plan.errors.append(self._error(row, "date", services.no_cycle_message(instrument_type.name, day)))
                continue
            due = services.valid_until(day, values["result"], months)
            given = values.get("valid_until")
            if given is not None and given != due:
                plan.errors.append(
                    self._error(
                        row,
                        "valid_until",
                        _("Hạn kiểm định tiếp theo phải là %(due)s (ngày kiểm định + chu kỳ %(months)s tháng).")
                        % {
                            "due": due.strftime("%d/%m/%Y") if due else "—",
                            "months": months if months is not None else "—",
                        },
                    )
                )
                continue
            # Kept beside the row, not added to its values: a grown dict costs ~600 bytes a row.
            placed.append(PlannedRow(row, instrument, months, due))
        self._check_repeats(placed, plan)
        self._follow_latest(plan)
        plan.new_instruments = [i for i in new_by_key.values() if i.latest is not None]
        return plan

    def _match(
        self, row: ParsedRow, candidates: list[PlannedInstrument], maker: str, plan: Plan
    ) -> PlannedInstrument | None | Literal[False]:
        """The stored instrument a row names, None for a new one, False after an error."""
        same_maker = [c for c in candidates if c.manufacturer.casefold() == maker.casefold()]
        if len(same_maker) == 1:
            found = same_maker[0]
        elif not same_maker and len(candidates) == 1 and not (maker and candidates[0].manufacturer):
            # The file or the registry left the manufacturer out: the one stored serial is it.
            found = candidates[0]
        elif not candidates or (not same_maker and maker and all(c.manufacturer for c in candidates)):
            return None  # unknown, or another manufacturer's instrument with the same serial
        else:
            plan.errors.append(
                self._error(
                    row,
                    MANUFACTURER,
                    _(
                        "Có %(n)d phương tiện đo cùng loại, cùng số sêri “%(serial)s” của các hãng khác nhau; "
                        "hãy ghi đúng hãng sản xuất."
                    )
                    % {"n": len(candidates), "serial": row.values[SERIAL]},
                )
            )
            return False
        if found.archived:
            plan.errors.append(
                self._error(
                    row, SERIAL, _("Phương tiện đo số sêri “%(serial)s” đã bị lưu trữ.") % {"serial": found.serial}
                )
            )
            return False
        return found

    def _stored_instruments(self, rows: Sequence[ParsedRow]) -> dict[tuple[int, str], list[PlannedInstrument]]:
        # The file's own string objects, reused for what the database returns: 100,000 serials
        # are ~6 MB a copy.
        canonical = {row.values[SERIAL]: row.values[SERIAL] for row in rows}
        makers: dict[str, str] = {}
        serials = sorted(canonical)
        types = {row.values[TYPE].id for row in rows}
        found: dict[tuple[int, str], list[PlannedInstrument]] = defaultdict(list)
        columns = (
            "id",
            "instrument_type",
            "serial",
            "manufacturer",
            "manufacture_year",
            "first_registered_on",
            "owner",
            "last_verified_on",
            "archived_at",
        )
        for pk, type_id, serial, maker, year, first, owner_id, last, archived_at in bulk.select_in(
            Instrument, columns, "serial", serials
        ):
            if type_id in types:
                serial = canonical.get(serial, serial)
                maker = makers.setdefault(maker, maker)
                found[(type_id, serial)].append(
                    PlannedInstrument(
                        pk, type_id, serial, maker, year, _date(first), owner_id, _date(last), archived_at is not None
                    )
                )
        return found

    def _check_repeats(self, placed: list[PlannedRow], plan: Plan) -> None:
        """The same instrument twice on one day, or one certificate number twice, in the file or
        against the registry."""
        first_day: dict[tuple[int, dt.date], int] = {}
        first_certificate: dict[tuple[str, int], int] = {}
        kept: list[PlannedRow] = []
        for planned in placed:
            row, instrument = planned.row, planned.instrument
            values = row.values
            day_key = (id(instrument), values["date"])
            if day_key in first_day:
                plan.errors.append(
                    self._error(
                        row,
                        SERIAL,
                        _("Trùng phương tiện đo và ngày kiểm định với dòng %(first)d.") % {"first": first_day[day_key]},
                    )
                )
                continue
            certificate = values.get("certificate_no", "")
            certificate_key = (certificate, values["verifying_body"].id)
            if certificate and certificate_key in first_certificate:
                plan.errors.append(
                    self._error(
                        row,
                        "certificate_no",
                        _("Trùng số giấy chứng nhận của cùng đơn vị kiểm định với dòng %(first)d.")
                        % {"first": first_certificate[certificate_key]},
                    )
                )
                continue
            first_day[day_key] = row.number
            if certificate:
                first_certificate[certificate_key] = row.number
            kept.append(planned)
        if not kept:
            return
        stored_days = self._stored_days(kept)
        stored_certificates = self._stored_certificates(kept)
        for planned in kept:
            row, instrument = planned.row, planned.instrument
            values = row.values
            if instrument.pk is not None and (instrument.pk, values["date"]) in stored_days:
                plan.errors.append(
                    self._error(
                        row,
                        "date",
                        _("Phương tiện đo này đã có kết quả kiểm định ngày %(date)s trong hệ thống.")
                        % {"date": values["date"].strftime("%d/%m/%Y")},
                    )
                )
                continue
            certificate = values.get("certificate_no", "")
            stored = stored_certificates.get((certificate, values["verifying_body"].id)) if certificate else None
            if stored is not None:
                plan.errors.append(
                    self._error(
                        row,
                        "certificate_no",
                        _(
                            "Số giấy chứng nhận “%(number)s” đã được đơn vị kiểm định này cấp cho lần kiểm định "
                            "ngày %(date)s (đã có trong hệ thống)."
                        )
                        % {"number": certificate, "date": stored.strftime("%d/%m/%Y")},
                    )
                )
                continue
            plan.rows.append(planned)

    def _stored_days(self, kept: list[PlannedRow]) -> set[tuple[int, dt.date]]:
        ids = sorted({p.instrument.pk for p in kept if p.instrument.pk is not None})
        if not ids:
            return set()
        days = [p.row.values["date"] for p in kept]
        bounds = [bulk.adapt_date(min(days)), bulk.adapt_date(max(days))]
        rows = bulk.select_in(
            Verification,
            ("instrument", "date"),
            "instrument",
            ids,
            where=f"{bulk.quoted(Verification, 'date')} BETWEEN %s AND %s",
            params=bounds,
        )
        return {(instrument_id, _day(day)) for instrument_id, day in rows}

    def _stored_certificates(self, kept: list[PlannedRow]) -> dict[tuple[str, int], dt.date]:
        numbers = sorted({p.row.values.get("certificate_no", "") for p in kept} - {""})
        rows = bulk.select_in(Verification, ("certificate_no", "verifying_body", "date"), "certificate_no", numbers)
        return {(number, body_id): _day(day) for number, body_id, day in rows}

    def _follow_latest(self, plan: Plan) -> None:
        """Each instrument's latest verification in the file, and the owner that row names: a
        registered instrument changes hands when the file's row is its newest verification."""
        latest_owner: dict[int, int] = {}
        for planned in plan.rows:
            row, instrument = planned.row, planned.instrument
            values = row.values
            day = values["date"]
            if instrument.latest is not None and day < instrument.latest.row.values["date"]:
                continue
            instrument.latest = planned
            if instrument.pk is None:
                instrument.owner_id = values[OWNER].id
            elif instrument.last_verified_on is None or day > instrument.last_verified_on:
                latest_owner[instrument.pk] = values[OWNER].id
        by_pk = {p.instrument.pk: p.instrument for p in plan.rows if p.instrument.pk is not None}
        plan.new_owner = {pk: owner for pk, owner in latest_owner.items() if by_pk[pk].owner_id != owner}

    # --- Writing ---------------------------------------------------------------------------------

    def write(self, plan: Plan, *, user: Any, reason: str) -> None:
        """Write a checked plan: new instruments, then verifications (both with history rows),
        new owners, and each instrument's status from its latest verification."""
        now = timezone.now()
        user_id = getattr(user, "pk", None)
        for batch in _chunks(plan.new_instruments, WRITE_BATCH):
            ids = bulk.insert_with_history(
                Instrument,
                INSTRUMENT_COLUMNS,
                [self._instrument_row(instrument) for instrument in batch],
                now=now,
                user_id=user_id,
                reason=reason,
            )
            for instrument, pk in zip(batch, ids, strict=True):
                instrument.pk = pk
        for batch in _chunks(plan.rows, WRITE_BATCH):
            bulk.insert_with_history(
                Verification,
                VERIFICATION_COLUMNS,
                [self._verification_row(planned) for planned in batch],
                now=now,
                user_id=user_id,
                reason=reason,
            )
        for chunk in _chunks(sorted(plan.new_owner), MATCH_CHUNK):
            # Few, and edits of a record (version, history): through the ORM.
            changed = list(Instrument.objects.filter(pk__in=chunk))
            for instrument in changed:
                instrument.owner_id = plan.new_owner[instrument.pk]
                instrument.updated_at = now
                instrument.version = (instrument.version or 0) + 1
            bulk_update_with_history(
                changed,
                Instrument,
                ["owner", "updated_at", "version"],
                batch_size=MATCH_CHUNK,
                default_user=user,
                default_change_reason=reason,
            )
        self._refresh_registered(plan)

    @staticmethod
    def _status(result: str) -> str:
        return REJECTED if result == FAILED else IN_USE

    def _instrument_row(self, instrument: PlannedInstrument) -> tuple[Any, ...]:
        # A new instrument's only verifications are in this file, so its status is known now.
        latest: PlannedRow = instrument.latest
        values = latest.row.values
        return (
            instrument.type_id,
            instrument.serial,
            instrument.manufacturer,
            instrument.model,
            instrument.manufacture_year,
            instrument.owner_id,
            instrument.location,
            self._status(values["result"]),
            values["date"],
            latest.valid_until,
        )

    @staticmethod
    def _verification_row(planned: PlannedRow) -> tuple[Any, ...]:
        values = planned.row.values
        get = values.get
        return (
            planned.instrument.pk,
            values["kind"],
            values["date"],
            values["verifying_body"].id,
            get("verifier", ""),
            values["result"],
            get("certificate_no", ""),
            get("stamp_no", ""),
            planned.cycle_months,
            planned.valid_until,
        )

    def _refresh_registered(self, plan: Plan) -> None:
        """Registered instruments whose newest verification is now in the file take its status.

        Exact without reading their other verifications: `last_verified_on` is the date of the
        newest active one (services.instruments_refresh keeps it so), and the file cannot hold
        a second verification on that same day (checked above).
        """
        updates: list[tuple[dt.date, str, dt.date | None, int]] = []
        seen: set[int] = set()
        for planned in plan.rows:
            instrument = planned.instrument
            if instrument.pk is None or instrument.pk in seen or instrument.latest is None:
                continue
            seen.add(instrument.pk)
            latest: PlannedRow = instrument.latest
            day, result, due = latest.row.values["date"], latest.row.values["result"], latest.valid_until
            if instrument.last_verified_on is None or day > instrument.last_verified_on:
                updates.append((day, self._status(result), due, instrument.pk))
        bulk.update_rows(Instrument, ["last_verified_on", "status", "next_due_on"], updates)


def _date(value: Any) -> dt.date | None:
    # A raw query gives dates as the driver returns them: date objects, or ISO text on SQLite.
    return None if value is None else _day(value)


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def verifications_import(
    *, file_name: str, data: bytes, by: Any = None, dry_run: bool = False
) -> datasets.ImportResult:
    """Import a verification year file whole or not at all, and record the run as an ImportBatch.

    The same steps as datasets.run_import, plus `plan()` (checks against stored records) before
    anything is written and the dataset's own `write()`.
    """
    dataset = VerificationDataset()
    dataset.planned_import = True
    file_name = safe_display_name(file_name or "tep")
    user = by if getattr(by, "is_authenticated", False) else None
    validation = tabular.validate(dataset, data, file_name, max_bytes=settings.IMPORT_MAX_BYTES)
    plan = Plan()
    if validation.rows:
        plan = dataset.plan(validation.rows)
        validation.errors.extend(plan.errors)
    errors = sorted(validation.errors, key=lambda e: e.row or 0)

    def record(status: str, errors: Sequence[RowError] = (), created: int = 0) -> datasets.ImportResult:
        batch = import_batch_record(
            dataset=dataset.name,
            file_name=file_name,
            sha256=ImportBatch.checksum(data),
            size=len(data),
            row_count=validation.row_count,
            created_count=created,
            error_count=len(errors),
            errors=[e.as_dict() for e in errors[: datasets.MAX_STORED_ERRORS]],
            status=status,
            created_by=user,
        )
        return datasets.ImportResult(
            dataset=dataset.name,
            file_name=file_name,
            batch=batch,
            dry_run=status == ImportBatch.Status.DRY_RUN,
            row_count=validation.row_count,
            created=created,
            errors=list(errors),
        )

    if errors:
        return record(ImportBatch.Status.FAILED, errors)
    if dry_run:
        return record(ImportBatch.Status.DRY_RUN, created=len(plan.rows))
    try:
        with transaction.atomic():
            result = record(ImportBatch.Status.SUCCEEDED, created=len(plan.rows))
            reason = _("Nhập từ tệp %(file)s (lần nhập số %(id)d)") % {"file": file_name, "id": result.batch.pk}
            dataset.write(plan, user=user, reason=reason[:100])
    except DatabaseError as exc:
        # The checks above should catch everything; this is a concurrent edit or a database rule
        # they do not know. The transaction has rolled back every row.
        message = _("Không ghi được dữ liệu, chưa có dòng nào được ghi. Chi tiết: %(error)s") % {"error": exc}
        return record(ImportBatch.Status.FAILED, [RowError(None, "", "", message[:500])])
    return result
