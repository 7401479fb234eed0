"""Reading an operator's usage file: CSV or XLSX, streamed, with its columns mapped to ours.

One row per voucher used: its code, the day, the place (its open-data id or SIRET) and the
amount. A file whose header reads `code;date;lieu;montant` or `code,date,place,amount` (in any
case, with or without accents) needs no mapping; any other gets a named mapping chosen once
(`UsageMapping`). Rows come out one at a time, so a file of a million rows is never in memory.

A row whose cells cannot be read (a missing cell, a date or an amount that means nothing) is a
`BadRow`: the whole file is refused, naming that row, because a file that is wrong in its form
cannot be trusted in its content. What a readable row says that the register contradicts is an
anomaly, decided in `usage_import`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from passdesk.errors import InvalidInput
from passdesk.i18n import N_, _
from passdesk.text import fold

FIELDS = ("code", "date", "place", "amount")
FIELD_LABELS = {
    "code": N_("voucher code"),
    "date": N_("date of use"),
    "place": N_("place (id or SIRET)"),
    "amount": N_("amount"),
}
# Headers that need no mapping (folded): French and English.
KNOWN_HEADERS = {
    "code": ("code", "code_cheque", "code_voucher", "voucher", "voucher_code"),
    "date": ("date", "date_utilisation", "date_of_use", "used_on"),
    "place": ("lieu", "place", "id_lieu", "place_id", "siret"),
    "amount": ("montant", "amount", "valeur", "value"),
}
_DATE_FR = re.compile(
    r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T](\d{1,2})[:h](\d{2})(?::\d{2})?)?"
)
_DATE_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?")
NOON = time(12, 0)


class BadRow(InvalidInput):
    """A row whose cells cannot be read: the file is refused whole."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(
            _("Line {line} of the file cannot be read: {reason} Nothing was imported.").format(
                line=line, reason=reason
            ),
            field="file",
        )
        self.line = line


@dataclass(frozen=True, slots=True)
class UseDay:
    """A date cell read: the moment of use, its day as an ordinal and as ISO text."""

    moment: datetime  # naive, the desk's local time (noon when the file gives only a day)
    ordinal: int
    iso: str


@dataclass(frozen=True, slots=True)
class Amount:
    """An amount cell read: its value and its normalised text (the row's hash uses it)."""

    value: Decimal
    key: str


def header_key(name: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(str(name or ""))).strip("_")


def auto_mapping(header: Sequence[Any]) -> dict[str, str] | None:
    """Our field -> the header, when the file's header is one of those that need no mapping."""
    keys = {header_key(h): str(h) for h in header}
    found = {}
    for field_name, names in KNOWN_HEADERS.items():
        match = next((keys[n] for n in names if n in keys), None)
        if match is None:
            return None
        found[field_name] = match
    return found


def column_indexes(header: Sequence[Any], mapping: Mapping[str, str]) -> dict[str, int]:
    """Our field -> the column index, or InvalidInput naming the header the mapping lacks."""
    keys = [header_key(h) for h in header]
    indexes = {}
    for field_name in FIELDS:
        wanted = mapping.get(field_name)
        if not wanted or header_key(wanted) not in keys:
            raise InvalidInput(
                _(
                    "The file has no column for the {field} (the mapping says {column!r}). Its "
                    "columns are: {columns}."
                ).format(
                    field=_(FIELD_LABELS[field_name]),
                    column=wanted or "",
                    columns=", ".join(str(h) for h in header),
                ),
                field="mapping",
            )
        indexes[field_name] = keys.index(header_key(wanted))
    return indexes


def file_hash(path: Path) -> str:
    """SHA-256 of the file's bytes: the same file imported twice is recognised."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def place_key(place: Any) -> str:
    """A place as a row names it, normalised: its id, open-data id or SIRET, upper case."""
    return str(place or "").strip().upper()


def row_hash(code: str, day: str, place: str, amount: str) -> str:
    """What a row says, normalised (canonical code, ISO day, `place_key`, `Amount.key`): the
    same use exported again (another file, another layout) hashes the same."""
    text = f"{code}|{day}|{place}|{amount}"
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class Cells:
    """Readers of date and amount cells, cached by the cell's value (a file holds few distinct
    ones): the import's loop looks in `days` and `amounts` first and calls `day` or `amount`
    only for a value it has not seen, which raises BadRow for one that means nothing."""

    def __init__(self) -> None:
        self.days: dict[Any, UseDay] = {}
        self.amounts: dict[Any, Amount] = {}

    def day(self, line: int, value: Any) -> UseDay:
        try:
            found = self.days.get(value)
        except TypeError:  # an unhashable cell value: not a date
            found = None
        if found is not None:
            return found
        moment = _parse_date(value)
        if moment is None:
            raise BadRow(
                line,
                _("the date {value!r} is not a date (DD/MM/YYYY or YYYY-MM-DD).").format(
                    value=value
                ),
            )
        day = moment.date()
        found = self.days[value] = UseDay(moment, day.toordinal(), day.isoformat())
        return found

    def amount(self, line: int, value: Any) -> Amount:
        try:
            found = self.amounts.get(value)
        except TypeError:
            found = None
        if found is not None:
            return found
        parsed = _parse_amount(value)
        if parsed is None:
            raise BadRow(line, _("the amount {value!r} is not an amount.").format(value=value))
        found = self.amounts[value] = Amount(parsed, str(parsed.normalize()))
        return found


def _parse_date(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return (
            value.replace(tzinfo=None)
            if value.time() != time(0)
            else datetime.combine(value.date(), NOON)
        )
    if isinstance(value, date):
        return datetime.combine(value, NOON)
    text = str(value or "").strip()
    for pattern, order in ((_DATE_ISO, (0, 1, 2)), (_DATE_FR, (2, 1, 0))):
        match = pattern.fullmatch(text)
        if match:
            parts = match.groups()
            try:
                day = date(int(parts[order[0]]), int(parts[order[1]]), int(parts[order[2]]))
                moment = time(int(parts[3]), int(parts[4])) if parts[3] else NOON
            except ValueError:
                return None
            return datetime.combine(day, moment)
    return None


def _parse_amount(value: Any) -> Decimal | None:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value)).quantize(Decimal("0.01"))
    text = str(value or "").replace("€", "").replace("\u202f", "").replace("\xa0", "")
    text = text.replace(" ", "").replace(",", ".")
    try:
        return Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def width_error(line: int, row: Sequence[Any], width: int) -> BadRow | None:
    """None for a blank line (skipped), else the BadRow of a row with too few cells."""
    if not any(str(c or "").strip() for c in row):
        return None
    return BadRow(
        line, _("it has {count} cells, {width} expected.").format(count=len(row), width=width)
    )


@dataclass
class UsageFile:
    """An opened usage file: its header, then its rows (read once), with progress in bytes
    or rows read so far against the whole."""

    path: Path
    header: tuple[Any, ...]
    body: Iterator[tuple[int, Sequence[Any]]]
    done: Callable[[], int]
    total: int
    close: Callable[[], None]

    def columns(self, mapping: Mapping[str, str]) -> tuple[int, int, int, int]:
        """The indexes of the code, date, place and amount columns."""
        indexes = column_indexes(self.header, mapping)
        return (indexes["code"], indexes["date"], indexes["place"], indexes["amount"])


def open_usage_file(path: Path) -> UsageFile:
    """Open a CSV (`;`, `,` or tab, UTF-8 with or without BOM) or an XLSX usage file."""
    path = Path(path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return _open_xlsx(path)
        return _open_csv(path)
    except OSError as error:
        raise InvalidInput(
            _("Cannot read the file {path}: {error}").format(
                path=path, error=error.strerror or error
            ),
            field="file",
        ) from error


def _open_csv(path: Path) -> UsageFile:
    raw = path.open("rb")
    total = max(path.stat().st_size, 1)
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
    first = text.readline()
    if not first.strip():
        text.close()
        raise InvalidInput(_("The file {path} is empty.").format(path=path), field="file")
    delimiter = max((";", ",", "\t"), key=first.count)
    header = next(csv.reader([first], delimiter=delimiter))
    reader = csv.reader(text, delimiter=delimiter)

    def body() -> Iterator[tuple[int, Sequence[Any]]]:
        for row in reader:  # line_num: the file's line, the header being line 1
            yield reader.line_num + 1, row

    return UsageFile(path, tuple(header), body(), raw.tell, total, text.close)


def _open_xlsx(path: Path) -> UsageFile:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several kinds for a file that is not XLSX
        raise InvalidInput(
            _("The file {path} is not a spreadsheet PassDesk can read.").format(path=path),
            field="file",
        ) from error
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        book.close()
        raise InvalidInput(_("The file {path} is empty.").format(path=path), field="file")
    read = [1]

    def body() -> Iterator[tuple[int, Sequence[Any]]]:
        for number, row in enumerate(rows, start=2):
            read[0] = number
            yield number, row

    return UsageFile(
        path, tuple(header), body(), lambda: read[0], max(sheet.max_row or 1, 1), book.close
    )
