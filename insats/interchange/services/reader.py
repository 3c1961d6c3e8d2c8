"""Reading one CSV file of the interchange format.

UTF-8 with or without a byte-order mark; comma or semicolon delimiter (detected from the header
row, since Swedish Excel writes semicolons); RFC 4180 quoting; a header row naming the columns in
any order. Rows are yielded one at a time together with their physical line number (the header is
line 1), so that every error can point at the line a person sees in a text editor.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from insats.core.security.spreadsheet import restore


@dataclass(frozen=True, order=True)
class Problem:
    """One error in an interchange folder: file, line (header = 1), column and a Swedish message."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += _(", rad {line}").format(line=self.line)
        if self.column:
            where += _(", kolumn {column}").format(column=self.column)
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class FileSpec:
    """The columns of one interchange file, in the order the exporter writes them."""

    name: str
    columns: tuple[str, ...]
    required: frozenset[str]


@dataclass
class CsvRows:
    """An opened file: its delimiter, the usable columns and an iterator of (line, row)."""

    delimiter: str
    columns: frozenset[str]
    rows: Iterator[tuple[int, dict[str, str]]]


def detect_delimiter(header_line: str) -> str:
    """Semicolon when the header has more semicolons than commas (Swedish Excel), else comma."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def decode(data: bytes, spec: FileSpec, problems: list[Problem]) -> str | None:
    """The file's text without a byte-order mark, or None (with a problem) if it is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(
                spec.name,
                line,
                None,
                _(
                    "Filen är inte UTF-8-kodad (tecknet på den här raden kan inte läsas). "
                    "Spara filen som ”CSV UTF-8” och försök igen."
                ),
            )
        )
        return None


def open_csv(path: Path, spec: FileSpec, problems: list[Problem]) -> CsvRows | None:
    """Check the header of `path` and return its rows; header problems are appended to `problems`.

    Returns None when nothing in the file can be read (not UTF-8, empty). Unknown, duplicated or
    missing columns are reported, and the rows are still read so that every other error in the
    file is reported in the same run.
    """
    text = decode(path.read_bytes(), spec, problems)
    if text is None:
        return None
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        problems.append(Problem(spec.name, 1, None, _("Filen saknar rubrikrad med kolumnnamn.")))
        return None
    delimiter = detect_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [name.strip() for name in next(reader)]
    except csv.Error as exc:
        problems.append(
            Problem(spec.name, 1, None, _("Rubrikraden kan inte läsas: {error}.").format(error=exc))
        )
        return None
    known = set(spec.columns)
    seen: set[str] = set()
    for name in header:
        if name not in known:
            problems.append(
                Problem(
                    spec.name,
                    1,
                    name or _("(tom)"),
                    _("Okänd kolumn. Tillåtna kolumner är: {columns}.").format(
                        columns=", ".join(spec.columns)
                    ),
                )
            )
        elif name in seen:
            problems.append(Problem(spec.name, 1, name, _("Kolumnen finns två gånger.")))
        seen.add(name)
    for name in spec.columns:
        if name in spec.required and name not in seen:
            problems.append(
                Problem(spec.name, 1, name, _("Obligatorisk kolumn saknas i rubrikraden."))
            )
    return CsvRows(
        delimiter=delimiter,
        columns=frozenset(seen & known),
        rows=_rows(reader, header, spec, problems),
    )


def _csv_error(exc: csv.Error) -> str:
    """A Swedish explanation of the csv module's (English) quoting errors."""
    text = str(exc)
    if "unexpected end of data" in text:
        return _("ett citattecken avslutas aldrig")
    if "expected after" in text:
        return _('tecken direkt efter ett avslutande citattecken (skriv "" för " i text)')
    return text


def _rows(
    reader, header: list[str], spec: FileSpec, problems: list[Problem]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line, {column: value}) per record; blank lines are skipped."""
    width = len(header)
    # The first occurrence of a column wins; unknown columns are dropped (already reported).
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        if name in spec.columns and name not in positions:
            positions[name] = index
    previous_end = reader.line_num
    while True:
        start = previous_end + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(
                Problem(
                    spec.name,
                    start,
                    None,
                    _(
                        "Raden kan inte tolkas som CSV ({error}). "
                        "Resten av filen har inte kontrollerats."
                    ).format(error=_csv_error(exc)),
                )
            )
            return
        previous_end = reader.line_num
        if not record or (len(record) == 1 and not record[0].strip() and width > 1):
            continue
        if len(record) != width:
            problems.append(
                Problem(
                    spec.name,
                    start,
                    None,
                    _("Raden har {found} fält men rubrikraden har {expected}.").format(
                        found=len(record), expected=width
                    ),
                )
            )
            continue
        # Undo the exporter's formula neutralisation ('=x → =x) so the round trip is exact.
        yield start, {name: restore(record[index]) for name, index in positions.items()}
