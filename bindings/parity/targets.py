"""targets.csv: the published figures a model targets, read and checked.

Each row names a published figure, the arithmetic (``measure``) that gives the model's value of
it, a tolerance implied by the figure's rounding and whether the figure is expected to be
reproduced, calibrated or not reproduced. :func:`read_targets` reads a file by the rules of every
model folder file and raises :class:`parity.InputError` naming the file, line and column of the
first problem. The format is in ``docs/model-folder-format.md`` (section "targets.csv").
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Union

from . import _core
from .measure import did_you_mean

PathLike = Union[str, "os.PathLike[str]"]

TARGETS_FILE = "targets.csv"

#: Columns targets.csv must have, and those it may have (their cells may all be empty).
REQUIRED_COLUMNS = [
    "id", "report", "figure", "published", "unit", "tolerance", "measure", "expected", "source",
    "notes",
]
OPTIONAL_COLUMNS = ["scenario", "comparison"]

REPRODUCED = "reproduced"
CALIBRATED = "calibrated"
NOT_REPRODUCED = "not reproduced"
#: The status of a figure expected reproduced or calibrated whose model value misses it.
FAILED = "NOT REPRODUCED (outside tolerance)"

#: What each status means (the legend of the generated page).
STATUS_LEGEND = {
    REPRODUCED: "the model's arithmetic on its sourced inputs gives the published figure "
    "within the tolerance implied by the figure's rounding.",
    CALIBRATED: "an input that no source gives was set so that the model hits this figure "
    "(the notes say which); at least one other figure of the same report is reproduced.",
    NOT_REPRODUCED: "the model does not give this figure; the notes say why (an input not "
    "published, a method the model does not follow, ...).",
    FAILED: "a figure expected to be reproduced or calibrated that the model now misses: "
    "an input or the model changed. `parity replicate` exits with status 1.",
}

COMPARISONS = {
    "equal": "|model - published| <= tolerance",
    "at_least": "model >= published - tolerance",
    "at_most": "model <= published + tolerance",
}

#: A plain number: what published, tolerance and parameter overrides accept.
PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


@dataclass
class Cell:
    """A cell's text and where it is (file, line, 1-based column, column name)."""

    text: str
    file: str
    line: int
    column: int
    name: str

    def error(self, what: str, fix: str = "") -> _core.InputError:
        """An InputError pointing at this cell, in the form the model folder reader uses."""
        place = f"{self.file}:{self.line}"
        if self.column > 0:
            place += f":{self.column} (column '{self.name}')"
        return _core.InputError(f"{place}: {what}" + (f". {fix}" if fix else ""))


@dataclass
class Target:
    """One row of targets.csv, checked."""

    cells: dict[str, Cell]
    published: float
    tolerance: float
    expected: str
    comparison: str
    scenario: tuple[tuple[str, str], ...]

    def __getitem__(self, column: str) -> str:
        cell = self.cells.get(column)
        return cell.text if cell is not None else ""

    @property
    def line(self) -> int:
        return self.cells["id"].line


def _split_record(text: str, file: str, line: int) -> list[str] | None:
    """The cells of one record, or None when it ends inside a quoted cell (it goes on on the
    next line). Same rules as the model folder reader: a cell starting with a quote runs to the
    matching quote, "" standing for one quote; unquoted cells are trimmed."""
    cells: list[str] = []
    n, j = len(text), 0
    while True:
        while j < n and text[j] in " \t\r":
            j += 1
        if j < n and text[j] == '"':
            cell, j, closed = [], j + 1, False
            while j < n:
                if text[j] != '"':
                    cell.append(text[j])
                elif j + 1 < n and text[j + 1] == '"':
                    cell.append('"')
                    j += 1
                else:
                    closed = True
                    j += 1
                    break
                j += 1
            if not closed:
                return None
            while j < n and text[j] in " \t\r":
                j += 1
            if j < n and text[j] != ",":
                column = len(cells) + 1
                raise _core.InputError(
                    f"{file}:{line + text.count(chr(10), 0, j)}:{column}: text follows the "
                    f"closing quote of cell {column}. Put the whole cell in quotes and write "
                    'each quote inside it twice, e.g. "5"" screen"'
                )
            cells.append("".join(cell))
        else:
            end = text.find(",", j)
            end = n if end < 0 else end
            cells.append(text[j:end].strip(" \t\r"))
            j = end
        if j >= n:
            return cells
        j += 1


def read_csv(path: PathLike, shown_as: str) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    """Read a CSV file by the rules of every model folder file.

    A UTF-8 byte-order mark and CRLF line endings are accepted; blank lines, rows of empty
    cells and lines starting with ``#`` are skipped (line numbers still count them); quoted
    cells may hold commas, doubled quotes and line breaks; empty cells beyond the header are
    dropped. (The C++ reader of model folders is not exposed to Python, so its rules are
    followed here.)

    Returns
    -------
    tuple
        The header's line (0 for an empty file), the header and the data rows as
        ``(line, cells)`` with one cell per header column.

    Raises
    ------
    parity.InputError
        Naming the file, line and column of a quote never closed, a row with more or fewer
        cells than the header, an unnamed or duplicate column, or a header split by semicolons.
    """
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as err:
        raise _core.InputError(f"{shown_as}: cannot open the file ({err.strerror})") from None
    except UnicodeDecodeError:
        raise _core.InputError(
            f"{shown_as}: not UTF-8 text. Save it from Excel as 'CSV UTF-8 (Comma delimited)'"
        ) from None
    lines = text.split("\n")
    records: list[tuple[int, list[str]]] = []
    i = 0
    while i < len(lines):
        first, record = i + 1, lines[i].rstrip("\r")
        i += 1
        if not record.strip(" \t") or record.lstrip(" \t").startswith("#"):
            continue
        cells = _split_record(record, shown_as, first)
        while cells is None:
            if i >= len(lines):
                raise _core.InputError(
                    f"{shown_as}:{first}: a quote is never closed. Add the closing quote, and "
                    'write each quote inside a quoted cell twice ("")'
                )
            record += "\n" + lines[i].rstrip("\r")
            i += 1
            cells = _split_record(record, shown_as, first)
        if any(cells):
            records.append((first, cells))
    if not records:
        return 0, [], []
    header_line, header = records[0]
    while header and not header[-1]:
        header.pop()
    _check_header(header, shown_as, header_line)
    rows = []
    for line, cells in records[1:]:
        if len(cells) < len(header) or any(cells[len(header):]):
            raise _core.InputError(
                f"{shown_as}:{line}: the row has {len(cells)} cells but the header (line "
                f"{header_line}) has {len(header)} columns. Give every row one cell per column "
                '(leave cells empty if they do not apply) and quote cells holding commas ("a, b")'
            )
        rows.append((line, cells[: len(header)]))
    return header_line, header, rows


def _check_header(header: list[str], file: str, line: int) -> None:
    if len(header) == 1 and ";" in header[0]:
        raise _core.InputError(
            f"{file}:{line}:1: the header '{header[0]}' looks separated by semicolons. Save the "
            "file as 'CSV UTF-8 (Comma delimited)': cells must be separated by commas"
        )
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if not name:
            raise _core.InputError(
                f"{file}:{line}:{i + 1}: column {i + 1} of the header has no name. Give the "
                "column a name or delete it"
            )
        if name.lower() in seen:
            raise _core.InputError(
                f"{file}:{line}:{i + 1}: columns {seen[name.lower()] + 1} and {i + 1} are both "
                f"called '{name}'. Rename or delete one of them"
            )
        seen[name.lower()] = i


def _number(cell: Cell, fix: str) -> float:
    if not PLAIN_NUMBER.fullmatch(cell.text):
        shown = f"'{cell.text}'" if cell.text else "an empty cell"
        raise cell.error(f"{shown} is not a plain number", fix)
    return float(cell.text)


def _choice(cell: Cell, choices: Iterable[str], default: str = "") -> str:
    value = " ".join(cell.text.lower().split())
    if not value and default:
        return default
    choices = list(choices)
    if value not in choices:
        shown = f"'{cell.text}'" if cell.text else "an empty cell"
        raise cell.error(
            f"{shown} is not accepted{did_you_mean(value, choices)}",
            "Write one of: " + ", ".join(choices),
        )
    return value


def parse_scenario(cell: Cell) -> tuple[tuple[str, str], ...]:
    """The overrides of a ``scenario`` cell, ``"name=value; name=value"``, as (name, value)
    pairs. A piece without ``=`` continues the previous value, so that a list setting such as
    ``wtp=20000;30000`` needs no quoting.

    Raises
    ------
    parity.InputError
        For a cell that does not start with ``name=``, an empty name or value, or a name given
        twice.
    """
    pairs: list[list[str]] = []
    for piece in cell.text.split(";"):
        if "=" in piece:
            name, value = (s.strip() for s in piece.split("=", 1))
            if not name or not value:
                raise cell.error(
                    f"'{piece.strip()}' needs a name and a value",
                    "Write overrides as name=value separated by ';', e.g. n_cycles=1; c_drug=500",
                )
            if any(name == p[0] for p in pairs):
                raise cell.error(f"'{name}' is given twice", "Give each name once")
            pairs.append([name, value])
        elif piece.strip():
            if not pairs:
                raise cell.error(
                    f"'{piece.strip()}' is not name=value",
                    "Write overrides as name=value separated by ';', e.g. n_cycles=1; c_drug=500",
                )
            pairs[-1][1] += ";" + piece.strip()
    return tuple((name, value) for name, value in pairs)


def read_targets(path: PathLike, shown_as: str | None = None) -> list[Target]:
    """Read and check a targets.csv.

    Parameters
    ----------
    path
        The file.
    shown_as
        How messages name it (default: ``path`` as given).

    Returns
    -------
    list of Target
        The rows in file order.

    Raises
    ------
    parity.InputError
        Naming the file, line and column of the first problem: a missing or unknown column, a
        published value or tolerance that is not a plain number, a negative tolerance, an
        empty or duplicate id, an unknown ``expected`` or ``comparison``, a malformed scenario,
        an empty measure for a figure expected to be reproduced or calibrated, missing notes
        for one calibrated or not reproduced, or a calibrated figure whose report has no
        figure expected to be reproduced.
    """
    file = shown_as or os.fspath(path)
    header_line, header, rows = read_csv(path, file)
    accepted = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    accepted_text = ", ".join(REQUIRED_COLUMNS) + " (required) and " + ", ".join(
        OPTIONAL_COLUMNS
    ) + " (optional)"
    if not header_line:
        raise _core.InputError(
            f"{file}: the file is empty. Its first row must be a header naming the columns: "
            + accepted_text
        )
    index = {name.lower(): i for i, name in enumerate(header)}
    for i, name in enumerate(header):
        if name.lower() not in accepted:
            raise _core.InputError(
                f"{file}:{header_line}:{i + 1}: unknown column '{name}'"
                f"{did_you_mean(name.lower(), accepted)}. Rename or delete it; the accepted "
                f"columns are {accepted_text}"
            )
    for name in REQUIRED_COLUMNS:
        if name not in index:
            raise _core.InputError(
                f"{file}:{header_line}: the required column '{name}' is missing (the header "
                f"has: {', '.join(header)}). Add a column named '{name}'; the accepted columns "
                f"are {accepted_text}"
            )
    targets: list[Target] = []
    first_line: dict[str, int] = {}
    for line, values in rows:
        cells = {
            name: Cell(values[i], file, line, i + 1, header[i]) for name, i in index.items()
        }
        target = _check_row(cells)
        if target["id"] in first_line:
            raise cells["id"].error(
                f"the id '{target['id']}' is already used on line {first_line[target['id']]}",
                "Give every figure its own id",
            )
        first_line[target["id"]] = line
        targets.append(target)
    _check_calibrated(targets)
    return targets


def _check_row(cells: dict[str, Cell]) -> Target:
    for name in ("id", "report", "figure", "unit", "source"):
        if not cells[name].text:
            raise cells[name].error(
                f"the {name} is empty",
                "Every figure needs an id, report, figure, unit and source (where it was "
                "published, with its grade)",
            )
    published = _number(cells["published"], "Write the published value in base units, e.g. "
                        "8.1e9 for £8.1bn or 0.72 for 72%")
    tolerance = _number(cells["tolerance"], "Write the half-width implied by the published "
                        "rounding in the same units, e.g. 0.05e9 for £8.1bn")
    if tolerance < 0:
        raise cells["tolerance"].error(
            f"the tolerance {cells['tolerance'].text} is negative",
            "Give the absolute half-width implied by the rounding, e.g. 0.005 for 72%",
        )
    expected = _choice(cells["expected"], [REPRODUCED, CALIBRATED, NOT_REPRODUCED])
    comparison_cell = cells.get("comparison")
    comparison = _choice(comparison_cell, COMPARISONS, "equal") if comparison_cell else "equal"
    scenario_cell = cells.get("scenario")
    scenario = parse_scenario(scenario_cell) if scenario_cell else ()
    if expected != NOT_REPRODUCED and not cells["measure"].text:
        raise cells["measure"].error(
            f"the figure is expected {expected} but has no measure",
            "Give the arithmetic that gives the model's value, e.g. cost_B - cost_SoC, or "
            "mark the figure 'not reproduced' and say why in notes",
        )
    if expected != REPRODUCED and not cells["notes"].text:
        why = "which input was set to hit it" if expected == CALIBRATED else "why"
        raise cells["notes"].error(
            f"a figure expected {expected} needs notes", f"Say {why} in the notes"
        )
    return Target(cells, published, tolerance, expected, comparison, scenario)


def _check_calibrated(targets: list[Target]) -> None:
    """A calibrated figure is only evidence when another figure of its report is reproduced."""
    reproduced = {t["report"] for t in targets if t.expected == REPRODUCED}
    for t in targets:
        if t.expected == CALIBRATED and t["report"] not in reproduced:
            raise t.cells["expected"].error(
                f"'{t['id']}' is calibrated to {t['report']}, but no figure of that report is "
                "expected reproduced",
                "Add a figure of the same report that the model reproduces, or mark this one "
                "'not reproduced'",
            )
