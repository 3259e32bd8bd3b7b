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

It is a `datasets.BulkDataset`: the shared runner reads and checks the file (headers, cells,
lookups, the row-by-row report, the ImportBatch) a chunk at a time, `plan()` checks each chunk
against stored records (its instrument, the year it was made, the cycle in force on the date,
numbers and instrument-days already used, in the file and in the registry) and keeps only plain
values, one list per column. The rows are written through khcn.core.bulk, with their history rows,
in the import's one transaction, a part at a time by a second thread while the next chunk is read
(`write_part`, as long as no row has been refused; any refused row rolls everything back; see
datasets._run_in_parts for when the runner does so), else all at once after the last row (`write`,
the same code); `write_end` then settles what follows from the whole file (owners, and new
instruments named again later in the file).
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from khcn.core import bulk, datasets
from khcn.directory.models import Organisation
from khcn.lib import tabular
from khcn.registries.metrology import services
from khcn.registries.metrology.models import Instrument, InstrumentType, Verification
from khcn.registries.metrology.selectors import CycleTable

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
MODEL = "instrument__model"
YEAR = "instrument__manufacture_year"
OWNER = "instrument__owner"
LOCATION = "instrument__location"
INSTRUMENT_FIELDS = {
    TYPE: "instrument_type",
    SERIAL: "serial",
    MANUFACTURER: "manufacturer",
    MODEL: "model",
    YEAR: "manufacture_year",
    OWNER: "owner",
    LOCATION: "location",
}
# An instrument-day as one int (no date's ordinal reaches it): a set of 100,000 of them is small.
_DAY_KEY = 4_000_000
# What the plan reads of a registered instrument; rows stay the tuples the database returns.
STORED_INSTRUMENT = (
    "id",  # 0
    "instrument_type",  # 1
    "serial",  # 2
    "manufacturer",  # 3
    "manufacture_year",  # 4
    "first_registered_on",  # 5
    "owner",  # 6
    "last_verified_on",  # 7
    "archived_at",  # 8
)


@dataclass(slots=True)
class NewInstrument:
    """An instrument the file introduces, with the details of the first row naming it."""

    type_id: int
    serial: str
    manufacturer: str
    model: str
    manufacture_year: int | None
    location: str


@dataclass
class VerificationPlan(datasets.BulkPlan):
    """The verifications to write, one list per column, in the file's order; plain values, since a
    year file holds 100,000 of them. `instrument` holds a registered instrument's pk, or `~k` for
    `new_instruments[k]`; `owner` the owner each row names (the newest row's owner is kept).
    Dates are as the database driver returns them (date objects on both databases)."""

    instrument: list[int] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    date: list[dt.date] = field(default_factory=list)
    verifying_body: list[int] = field(default_factory=list)
    verifier: list[str] = field(default_factory=list)
    result: list[str] = field(default_factory=list)
    certificate_no: list[str] = field(default_factory=list)
    stamp_no: list[str] = field(default_factory=list)
    cycle_months: list[int | None] = field(default_factory=list)
    valid_until: list[dt.date | None] = field(default_factory=list)
    owner: list[int] = field(default_factory=list)
    # A registered instrument's owner and last verification as stored (None for a new one).
    stored_owner: list[int | None] = field(default_factory=list)
    stored_last_verified_on: list[dt.date | None] = field(default_factory=list)
    new_instruments: list[NewInstrument] = field(default_factory=list)
    # The last instrument registered before the import (see plan()).
    registered_up_to: int = 0
    # Written so far (write_part): new instruments' primary keys and the row each was created from.
    written_at: dt.datetime | None = None
    # Machine integers, indexed by the new instrument's number (0 and -1: not written yet): a
    # first import names 100,000 new instruments, and dicts of them cost 6 MiB more at the peak.
    new_pk: array[int] = field(default_factory=lambda: array("q"))
    new_first_row: array[int] = field(default_factory=lambda: array("q"))


class _Checks:
    """What the plan remembers from chunk to chunk: the rows already seen, and answers to rules
    that a year file asks again and again (a few hundred dates, a handful of types and cycles)."""

    def __init__(self, cycles: CycleTable) -> None:
        self.cycles = cycles
        # (type, manufacturer casefolded) -> serial -> slot of an instrument the file introduces
        self.new_by_key: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
        self.first_day: dict[int, int] = {}
        self.first_certificate: dict[int, dict[str, int]] = defaultdict(dict)
        # (day, year made, first registered) -> problems of a registered instrument's verification
        self.date_problems: dict[tuple[Any, ...], list[tuple[str, str]]] = {}
        # (type, day, result) -> (a cycle is in force, its months, valid until)
        self.cycle: dict[tuple[int, dt.date, str], tuple[bool, int | None, dt.date | None]] = {}

    def cycle_on(self, type_id: int, day: dt.date, result: str) -> tuple[bool, int | None, dt.date | None]:
        in_force, months = self.cycles.on(type_id, day)
        found = self.cycle[(type_id, day, result)] = (
            in_force,
            months,
            services.valid_until(day, result, months) if in_force else None,
        )
        return found


@datasets.register
class VerificationDataset(datasets.BulkDataset):
    name = "verifications"
    title = gettext_lazy("Kết quả kiểm định phương tiện đo")
    model = Verification
    writes_in_parts = True
    columns = (
        type_column(TYPE),
        tabular.Text("Số sêri", SERIAL, max_length=60, required=True),
        tabular.Text("Hãng sản xuất", MANUFACTURER, max_length=100),
        tabular.Text("Kiểu, mẫu", MODEL, max_length=100),
        tabular.Integer("Năm sản xuất", YEAR, min_value=1900, max_value=2100),
        organisation_column("Chủ sở hữu", OWNER, required=True),
        tabular.Text("Nơi sử dụng", LOCATION, max_length=300),
        tabular.Date("Ngày kiểm định", "date", required=True),
        tabular.Choice(
            "Hình thức kiểm định", "kind", choices=Verification.Kind.choices, default=Verification.Kind.PERIODIC
        ),
        organisation_column("Đơn vị kiểm định", "verifying_body", required=True),
        tabular.Text("Kiểm định viên", "verifier", max_length=200),
        tabular.Choice("Kết quả", "result", choices=Verification.Result.choices, required=True),
        tabular.Text("Số giấy chứng nhận", "certificate_no", max_length=60, aliases=("Số GCN",)),
        tabular.Text("Số tem", "stamp_no", max_length=60),
        tabular.Date(
            "Hạn kiểm định tiếp theo",
            "valid_until",
            help_text=gettext_lazy("Do hệ thống tính (ngày kiểm định + chu kỳ); nếu ghi thì phải khớp"),
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        self.today = timezone.localdate()
        self._row_problems: dict[tuple[Any, ...], list[tuple[str, str]]] = {}

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        problems = services.verification_value_problems(
            date=values["date"],
            result=values["result"],
            certificate_no=values.get("certificate_no", ""),
            stamp_no=values.get("stamp_no", ""),
            today=self.today,
        )
        # A new instrument's year made comes from the row; a registered one's is checked in plan().
        year = values.get(YEAR)
        if year is not None and year > self.today.year:
            problems.append((YEAR, _("Năm sản xuất %(year)d ở tương lai.") % {"year": year}))
        elif year is not None:
            problems += services.verification_date_problems(
                date=values["date"], manufacture_year=year, first_registered_on=None
            )
        return problems

    def check_rows(self, chunk: datasets.Chunk) -> None:
        # clean_row's answer depends only on these values (the numbers only on being given), and
        # a year file repeats them: each combination is asked once, and the chunk is looked up
        # a column at a time.
        values = chunk.values
        remembered = self._row_problems
        keys = list(
            zip(
                values["date"],
                values["result"],
                map(bool, values["certificate_no"]),
                map(bool, values["stamp_no"]),
                values[YEAR],
                strict=True,
            )
        )
        for key in set(keys) - remembered.keys():
            day, result, certificate, stamp, year = key
            remembered[key] = self.clean_row(
                {
                    "date": day,
                    "result": result,
                    "certificate_no": "x" if certificate else "",
                    "stamp_no": "x" if stamp else "",
                    YEAR: year,
                }
            )
        answers = list(map(remembered.__getitem__, keys))
        if not any(answers):
            return
        for index, problems in enumerate(answers):
            for field_name, message in problems:
                chunk.error(index, field_name, message)

    def export_value(self, obj: Any, column: tabular.Column) -> Any:
        instrument_field = INSTRUMENT_FIELDS.get(column.field)
        if instrument_field is not None:
            return getattr(obj.instrument, instrument_field)
        return getattr(obj, column.field)

    def export_queryset(self) -> Any:
        return Verification.objects.active().order_by("-date", "-id")

    # --- Checks against stored records -----------------------------------------------------------

    def plan(
        self,
        chunks: Iterable[datasets.Chunk],
        ready: Callable[[datasets.BulkPlan, int], None] | None = None,
    ) -> VerificationPlan:
        """Check every row against the registry (its instrument, the cycle in force, numbers
        already used) in a few queries per chunk; nothing is written here. After each chunk the
        rows checked so far are `ready` to be written (the runner writes them while the next
        chunk is read)."""
        plan = VerificationPlan()
        # Instruments this import creates are written while later chunks are read: they are not
        # the registered instruments a later row might name.
        plan.registered_up_to = Instrument.objects.aggregate(last=Max("pk"))["last"] or 0
        checks = _Checks(CycleTable.load())
        for chunk in chunks:
            self._plan_chunk(chunk, plan, checks)
            if ready is not None:
                ready(plan, len(plan.date))
        plan.created = len(plan.date)
        return plan

    def _plan_chunk(self, chunk: datasets.Chunk, plan: VerificationPlan, checks: _Checks) -> None:
        values = chunk.values
        numbers = chunk.numbers
        type_ids = [t.id for t in values[TYPE]]
        serials: list[str] = values[SERIAL]
        makers: list[str] = values[MANUFACTURER]
        days: list[dt.date] = values["date"]
        results: list[str] = values["result"]
        given_dues: list[dt.date | None] = values["valid_until"]
        certificates: list[str] = values["certificate_no"]
        body_ids = [body.id for body in values["verifying_body"]]
        stored = self._stored_instruments(serials, set(type_ids), plan.registered_up_to)
        date_problems, cycles = checks.date_problems, checks.cycle
        first_day, first_certificate = checks.first_day, checks.first_certificate
        # The rows that pass, with what the plan adds to them.
        kept: list[int] = []
        slots: list[int] = []
        cycle_months: list[int | None] = []
        dues: list[dt.date | None] = []
        found_rows: list[tuple[Any, ...] | None] = []
        for index, type_id in enumerate(type_ids):
            serial = serials[index]
            day = days[index]
            found = stored.get((type_id, serial))
            if found is not None and (found.__class__ is list or found[3] != makers[index] or found[8] is not None):
                # Not the usual case (one stored instrument, the same manufacturer, in use).
                found = self._match(chunk, index, found if found.__class__ is list else [found], makers[index])
                if found is False:
                    continue
            if found is None:
                maker = makers[index]
                same_kind = checks.new_by_key[(type_id, maker.casefold())]
                slot = same_kind.get(serial)
                if slot is None:
                    slot = same_kind[serial] = ~len(plan.new_instruments)
                    plan.new_instruments.append(
                        NewInstrument(
                            type_id, serial, maker, values[MODEL][index], values[YEAR][index], values[LOCATION][index]
                        )
                    )
            else:
                problems = date_problems.get((day, found[4], found[5]))
                if problems is None:
                    problems = date_problems[(day, found[4], found[5])] = services.verification_date_problems(
                        date=day, manufacture_year=found[4], first_registered_on=found[5]
                    )
                if problems:
                    for _field, message in problems:
                        chunk.error(index, "date", message)
                    continue
                slot = found[0]
            result = results[index]
            in_force, months, due = cycles.get((type_id, day, result)) or checks.cycle_on(type_id, day, result)
            if not in_force:
                type_name = values[TYPE][index].name
                chunk.error(index, "date", services.no_cycle_message(type_name, day))
                continue
            given = given_dues[index]
            if given is not None and given != due:
                chunk.error(
                    index,
                    "valid_until",
                    _("Hạn kiểm định tiếp theo phải là %(due)s (ngày kiểm định + chu kỳ %(months)s tháng).")
                    % {
                        "due": due.strftime("%d/%m/%Y") if due else "—",
                        "months": months if months is not None else "—",
                    },
                )
                continue
            # The same instrument twice on one day, or one certificate number twice, in the file.
            day_key = slot * _DAY_KEY + day.toordinal()
            earlier = first_day.get(day_key)
            if earlier is not None:
                chunk.error(
                    index, SERIAL, _("Trùng phương tiện đo và ngày kiểm định với dòng %(first)d.") % {"first": earlier}
                )
                continue
            certificate = certificates[index]
            if certificate:
                issued = first_certificate[body_ids[index]]
                earlier = issued.get(certificate)
                if earlier is not None:
                    chunk.error(
                        index,
                        "certificate_no",
                        _("Trùng số giấy chứng nhận của cùng đơn vị kiểm định với dòng %(first)d.")
                        % {"first": earlier},
                    )
                    continue
                issued[certificate] = numbers[index]
            first_day[day_key] = numbers[index]
            kept.append(index)
            slots.append(slot)
            cycle_months.append(months)
            dues.append(due)
            found_rows.append(found)
        self._check_repeats_stored(chunk, plan, kept, slots, cycle_months, dues, found_rows, body_ids)

    def _match(
        self, chunk: datasets.Chunk, index: int, candidates: list[tuple[Any, ...]], maker: str
    ) -> tuple[Any, ...] | None | Literal[False]:
        """The stored instrument a row names, None for a new one, False after an error."""
        folded = maker.casefold()
        same_maker = [c for c in candidates if c[3].casefold() == folded]
        if len(same_maker) == 1:
            found = same_maker[0]
        elif not same_maker and len(candidates) == 1 and not (maker and candidates[0][3]):
            # The file or the registry left the manufacturer out: the one stored serial is it.
            found = candidates[0]
        elif not candidates or (not same_maker and maker and all(c[3] for c in candidates)):
            return None  # unknown, or another manufacturer's instrument with the same serial
        else:
            chunk.error(
                index,
                MANUFACTURER,
                _(
                    "Có %(n)d phương tiện đo cùng loại, cùng số sêri “%(serial)s” của các hãng khác nhau; "
                    "hãy ghi đúng hãng sản xuất."
                )
                % {"n": len(candidates), "serial": chunk.values[SERIAL][index]},
            )
            return False
        if found[8] is not None:
            serial = chunk.values[SERIAL][index]
            chunk.error(index, SERIAL, _("Phương tiện đo số sêri “%(serial)s” đã bị lưu trữ.") % {"serial": serial})
            return False
        return found

    def _stored_instruments(self, serials: Sequence[str], type_ids: set[int], up_to: int) -> dict[tuple[int, str], Any]:
        """Registered instruments with the chunk's serials, by (type, serial): the row of
        STORED_INSTRUMENT as the database returns it, or a list of them when a serial is shared
        by several manufacturers' instruments of one type. Only those registered before the
        import (pk up to `up_to`)."""
        found: dict[tuple[int, str], Any] = {}
        # Filtered here, not in SQL: with "id <= n" SQLite scans the table by id instead of
        # searching the serial index.
        for row in bulk.select_in(Instrument, STORED_INSTRUMENT, "serial", sorted(set(serials))):
            if row[1] in type_ids and row[0] <= up_to:
                key = (row[1], row[2])
                same = found.get(key)
                if same is None:
                    found[key] = row
                elif same.__class__ is list:
                    same.append(row)
                else:
                    found[key] = [same, row]
        return found

    def _check_repeats_stored(
        self,
        chunk: datasets.Chunk,
        plan: VerificationPlan,
        kept: list[int],
        slots: list[int],
        cycle_months: list[int | None],
        dues: list[dt.date | None],
        found_rows: list[tuple[Any, ...] | None],
        body_ids: list[int],
    ) -> None:
        """The same instrument and day, or the same certificate number, already in the registry;
        the rows left go into the plan, a column at a time."""
        if not kept:
            return
        values = chunk.values
        days, certificates = values["date"], values["certificate_no"]
        stored_days = self._stored_days({slot for slot in slots if slot > 0}, [days[i] for i in kept])
        stored_certificates = self._stored_certificates({certificates[i] for i in kept} - {""})
        if stored_days or stored_certificates:
            passing = []
            for position, (index, slot) in enumerate(zip(kept, slots, strict=True)):
                day = days[index]
                if slot > 0 and (slot, day) in stored_days:
                    chunk.error(
                        index,
                        "date",
                        _("Phương tiện đo này đã có kết quả kiểm định ngày %(date)s trong hệ thống.")
                        % {"date": day.strftime("%d/%m/%Y")},
                    )
                    continue
                certificate = certificates[index]
                issued_on = stored_certificates.get((certificate, body_ids[index])) if certificate else None
                if issued_on is not None:
                    chunk.error(
                        index,
                        "certificate_no",
                        _(
                            "Số giấy chứng nhận “%(number)s” đã được đơn vị kiểm định này cấp cho lần kiểm định "
                            "ngày %(date)s (đã có trong hệ thống)."
                        )
                        % {"number": certificate, "date": issued_on.strftime("%d/%m/%Y")},
                    )
                    continue
                passing.append(position)
            if len(passing) < len(kept):
                kept = [kept[p] for p in passing]
                slots = [slots[p] for p in passing]
                cycle_months = [cycle_months[p] for p in passing]
                dues = [dues[p] for p in passing]
                found_rows = [found_rows[p] for p in passing]
        plan.instrument += slots
        plan.cycle_months += cycle_months
        plan.valid_until += dues
        plan.stored_owner += [None if row is None else row[6] for row in found_rows]
        plan.stored_last_verified_on += [None if row is None else row[7] for row in found_rows]
        plan.verifying_body += map(body_ids.__getitem__, kept)
        plan.owner += [owner.id for owner in map(values[OWNER].__getitem__, kept)]
        plan.kind += map(values["kind"].__getitem__, kept)
        plan.date += map(days.__getitem__, kept)
        plan.verifier += map(values["verifier"].__getitem__, kept)
        plan.result += map(values["result"].__getitem__, kept)
        plan.certificate_no += map(certificates.__getitem__, kept)
        plan.stamp_no += map(values["stamp_no"].__getitem__, kept)

    def _stored_days(self, ids: set[int], days: list[dt.date]) -> set[tuple[int, dt.date]]:
        if not ids:
            return set()
        bounds = [bulk.adapt_date(min(days)), bulk.adapt_date(max(days))]
        rows = bulk.select_in(
            Verification,
            ("instrument", "date"),
            "instrument",
            sorted(ids),
            where=f"{bulk.quoted(Verification, 'date')} BETWEEN %s AND %s",
            params=bounds,
        )
        return {(instrument_id, _day(day)) for instrument_id, day in rows}

    def _stored_certificates(self, numbers: set[str]) -> dict[tuple[str, int], dt.date]:
        if not numbers:
            return {}
        # The partial unique index's own condition, written as its definition writes it, so that
        # the database searches that index (SQLite scans the table for "<> ''").
        rows = bulk.select_in(
            Verification,
            ("certificate_no", "verifying_body", "date"),
            "certificate_no",
            sorted(numbers),
            where=f"NOT ({bulk.quoted(Verification, 'certificate_no')} = '')",
        )
        return {(number, body_id): _day(day) for number, body_id, day in rows}

    # --- Writing ---------------------------------------------------------------------------------

    def write(self, plan: datasets.BulkPlan, *, user: Any, reason: str) -> None:
        """Write a checked plan at once (the runner writes it in parts, as it is checked)."""
        assert isinstance(plan, VerificationPlan)
        self.write_part(plan, 0, len(plan.date), user=user, reason=reason)
        self.write_end(plan, user=user, reason=reason)

    def write_part(self, plan: datasets.BulkPlan, start: int, end: int, *, user: Any, reason: str) -> None:
        """Write rows start..end-1: the instruments they introduce (from the first row naming
        each), the verifications with their history rows, and each instrument's status, last
        verification and due date from its newest row so far, where newer than what it holds."""
        assert isinstance(plan, VerificationPlan)
        if plan.written_at is None:
            plan.written_at = timezone.now()
        now = plan.written_at
        user_id = getattr(user, "pk", None)
        slots = plan.instrument[start:end]
        grow = len(plan.new_instruments) - len(plan.new_pk)
        plan.new_pk.extend(array("q", bytes(8 * grow)))
        plan.new_first_row.extend(array("q", [-1]) * grow)
        new_pk = plan.new_pk
        introduced: dict[int, int] = {}
        for index, slot in enumerate(slots, start):
            if slot < 0 and not new_pk[~slot] and ~slot not in introduced:
                introduced[~slot] = index
        if introduced:
            keys = list(introduced)
            rows = list(introduced.values())
            instruments = [plan.new_instruments[k] for k in keys]
            ids = bulk.insert_with_history(
                Instrument,
                INSTRUMENT_COLUMNS,
                [
                    [i.type_id for i in instruments],
                    [i.serial for i in instruments],
                    [i.manufacturer for i in instruments],
                    [i.model for i in instruments],
                    [i.manufacture_year for i in instruments],
                    [plan.owner[n] for n in rows],
                    [i.location for i in instruments],
                    [self._status(plan.result[n]) for n in rows],
                    [plan.date[n] for n in rows],
                    [plan.valid_until[n] for n in rows],
                ],
                now=now,
                user_id=user_id,
                reason=reason,
            )
            for k, pk, first in zip(keys, ids, rows, strict=True):
                new_pk[k] = pk
                plan.new_first_row[k] = first
        instrument_ids = [slot if slot > 0 else new_pk[~slot] for slot in slots]
        bulk.insert_with_history(
            Verification,
            VERIFICATION_COLUMNS,
            [
                instrument_ids,
                plan.kind[start:end],
                plan.date[start:end],
                plan.verifying_body[start:end],
                plan.verifier[start:end],
                plan.result[start:end],
                plan.certificate_no[start:end],
                plan.stamp_no[start:end],
                plan.cycle_months[start:end],
                plan.valid_until[start:end],
            ],
            now=now,
            user_id=user_id,
            reason=reason,
            returning=False,
        )
        # Each instrument's newest row in the part (the file cannot hold two on one day).
        newest: dict[int, int] = {}
        dates = plan.date
        for index, pk in enumerate(instrument_ids, start):
            current = newest.get(pk)
            if current is None or dates[index] > dates[current]:
                newest[pk] = index
        for k, first in introduced.items():
            if newest.get(new_pk[k]) == first:
                del newest[new_pk[k]]  # created from that very row
        if newest:
            pks = sorted(newest)
            rows = [newest[pk] for pk in pks]
            bulk.update_rows(
                Instrument,
                ["last_verified_on", "status", "next_due_on"],
                [
                    [dates[n] for n in rows],
                    [self._status(plan.result[n]) for n in rows],
                    [plan.valid_until[n] for n in rows],
                ],
                pks,
                unless_newer="last_verified_on",
            )

    def write_end(self, plan: datasets.BulkPlan, *, user: Any, reason: str) -> None:
        """Owners: a registered instrument whose newest verification is in the file takes the
        owner of that row; an instrument the file introduces is recorded (its "+" history row
        too) with the owner and status of its newest row, not of the first one naming it."""
        assert isinstance(plan, VerificationPlan)
        latest = self._latest(plan)
        self._settle_introduced(plan, latest)
        self._follow_registered(plan, latest, now=plan.written_at or timezone.now(), user=user, reason=reason)

    @staticmethod
    def _latest(plan: VerificationPlan) -> dict[int, int]:
        """Each instrument's newest row in the plan (the file cannot hold two on one day)."""
        latest: dict[int, int] = {}
        dates = plan.date
        for index, slot in enumerate(plan.instrument):
            current = latest.get(slot)
            if current is None or dates[index] >= dates[current]:
                latest[slot] = index
        return latest

    @staticmethod
    def _status(result: str) -> str:
        return REJECTED if result == FAILED else IN_USE

    def _settle_introduced(self, plan: VerificationPlan, latest: dict[int, int]) -> None:
        """Instruments created from their first row whose newest row, in a later part, names
        another owner or result: the record and its creation in history say what the newest row
        says (as if the file had been written at once)."""
        pks: list[int] = []
        owners: list[int] = []
        statuses: list[str] = []
        for k, first in enumerate(plan.new_first_row):
            if first < 0:
                continue
            newest = latest[~k]
            if newest == first:
                continue
            owner, status = plan.owner[newest], self._status(plan.result[newest])
            if owner != plan.owner[first] or status != self._status(plan.result[first]):
                pks.append(plan.new_pk[k])
                owners.append(owner)
                statuses.append(status)
        if pks:
            bulk.update_rows(Instrument, ["owner", "status"], [owners, statuses], pks)
            bulk.update_rows(Instrument.history.model, ["owner", "status"], [owners, statuses], pks, key="id")

    def _follow_registered(
        self, plan: VerificationPlan, latest: dict[int, int], *, now: dt.datetime, user: Any, reason: str
    ) -> None:
        """Registered instruments whose newest verification is in the file take its owner (their
        status and dates were written with each part).

        Exact without reading their other verifications: `last_verified_on` is the date of the
        newest active one (services.instruments_refresh keeps it so), and the file cannot hold
        a second verification on that same day (checked above).
        """
        new_owner: dict[int, int] = {}
        for slot in sorted(s for s in latest if s > 0):
            index = latest[slot]
            owner_id, last = plan.stored_owner[index], plan.stored_last_verified_on[index]
            if last is not None and plan.date[index] <= last:
                continue
            if plan.owner[index] != owner_id:
                new_owner[slot] = plan.owner[index]
        owner_changes = sorted(new_owner)
        for start in range(0, len(owner_changes), MATCH_CHUNK):
            chunk = owner_changes[start : start + MATCH_CHUNK]
            # Few, and edits of a record (version, history): through the ORM.
            changed = list(Instrument.objects.filter(pk__in=chunk))
            for instrument in changed:
                instrument.owner_id = new_owner[instrument.pk]
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


def _day(value: Any) -> dt.date:
    # Drivers return date objects (Django registers SQLite's converter); ISO text just in case.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
