"""Spreadsheet formula neutralisation (skydd mot formelinjektion i CSV/Excel).

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula by
Excel and LibreOffice when a CSV or workbook is opened, so free text typed by one user (a
workplace, a note) could make another user's spreadsheet program fetch URLs or run commands.
Every CSV and Excel writer in Insats passes text cells through `neutralise`, which puts an
apostrophe in front: spreadsheet programs show the text as typed and never evaluate it.

For the interchange format the change must be reversible, so that export → import → export
gives the same files. `neutralise` also escapes text that already starts with apostrophes
followed by a formula character (`'=x` becomes `''=x`), and `restore` removes exactly one
leading apostrophe only when apostrophes are followed by a formula character. Hence
`restore(neutralise(s)) == s` for every string, and text without a formula character at the
start (after leading apostrophes) is never touched.

Numbers and dates are written as such (not text) and are never changed: the interchange format
has no negative numbers, and Excel writers pass numbers as numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_CHARACTERS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPE_NEEDED = re.compile(r"^'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"^'+[=+\-@\t\r]")


def neutralise(value: Any) -> Any:
    """The cell as a spreadsheet program will show but never evaluate; non-text unchanged."""
    if isinstance(value, str) and _ESCAPE_NEEDED.match(value):
        return "'" + value
    return value


def restore(value: str) -> str:
    """Undo `neutralise` on a cell read back from a file that Insats (or Excel) wrote."""
    if _ESCAPED.match(value):
        return value[1:]
    return value


def neutralise_row(row: Iterable[Any]) -> list[Any]:
    """`neutralise` every cell of a row (for csv.writer.writerow and openpyxl append)."""
    return [neutralise(value) for value in row]
