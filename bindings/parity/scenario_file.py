"""scenarios.csv: named scenarios of a model folder, each a set of parameter values applied
together, read and checked, and their results at a willingness to pay.

A row gives one parameter's value in one scenario (columns ``scenario, parameter, value`` and an
optional ``notes``); the rows of one scenario need not be adjacent. Only parameters can be
overridden: settings such as the discount rate belong to the model. :func:`read_scenarios`
raises :class:`parity.InputError` naming the file, line and column of the first problem. The
format is in ``docs/model-folder-format.md`` (section "scenarios.csv").
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Sequence, Union

import pandas as pd

from . import _core, dsa
from .measure import did_you_mean
from .targets import read_csv

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model

PathLike = Union[str, "os.PathLike[str]"]

SCENARIOS_FILE = "scenarios.csv"
REQUIRED_COLUMNS = ["scenario", "parameter", "value"]
OPTIONAL_COLUMNS = ["notes"]
BASE_CASE = "base case"  # the name the core gives the model's own values

#: A plain number, as the other model folder files accept for values given outright.
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


@dataclass
class Scenarios:
    """The scenarios of a file, in order of first appearance."""

    overrides: dict[str, dict[str, float]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # per scenario, its rows' notes joined


def scenarios_file(folder: PathLike) -> Path | None:
    """The folder's scenarios.csv (matched ignoring case, as every model folder file), or None."""
    folder = Path(folder)
    exact = folder / SCENARIOS_FILE
    if exact.is_file():
        return exact
    matches = [p for p in folder.iterdir() if p.is_file() and p.name.lower() == SCENARIOS_FILE]
    return matches[0] if matches else None


def _error(file: str, line: int, column: int, name: str, what: str, fix: str) -> _core.InputError:
    return _core.InputError(f"{file}:{line}:{column} (column '{name}'): {what}. {fix}")


def _rows(path: Path, file: str) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    """Header line, header (lower case) and the data rows as (line, cells), read by the rules
    of every model folder file (:func:`parity.targets.read_csv`)."""
    header_line, header, rows = read_csv(path, file)
    if not header:
        raise _core.InputError(
            f"{file}: the file is empty. Its first row must be a header: "
            + ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
        )
    return header_line, [h.lower() for h in header], rows


def _columns(file: str, header_line: int, header: list[str]) -> dict[str, int]:
    accepted = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        if name not in accepted:
            shown = f"column {i + 1} has no name" if not name else f"unknown column '{name}'"
            raise _core.InputError(
                f"{file}:{header_line}:{i + 1}: {shown}{did_you_mean(name, accepted)}. Rename or "
                f"delete it; the columns are {', '.join(REQUIRED_COLUMNS)} and optionally notes"
            )
        if name in index:
            raise _core.InputError(
                f"{file}:{header_line}:{i + 1}: columns {index[name] + 1} and {i + 1} are both "
                f"called '{name}'. Rename or delete one of them"
            )
        index[name] = i
    for name in REQUIRED_COLUMNS:
        if name not in index:
            raise _core.InputError(
                f"{file}:{header_line}: the required column '{name}' is missing (the header has: "
                f"{', '.join(header)}). Add it; the columns are {', '.join(REQUIRED_COLUMNS)} and "
                "optionally notes"
            )
    return index


def read_scenarios(
    path: PathLike,
    parameters: Sequence[str],
    settings: Sequence[str] = (),
    shown_as: str | None = None,
) -> Scenarios:
    """Read and check a scenarios.csv.

    Parameters
    ----------
    path
        The file.
    parameters
        The model's parameter names: the only names a scenario may set.
    settings
        The setting names, to explain that they cannot be set here.
    shown_as
        How messages name the file (default: ``path`` as given).

    Raises
    ------
    parity.InputError
        Naming the file, line and column of the first problem: an unknown, duplicate or missing
        column, an empty scenario name or the name "base case", an empty or unknown parameter
        (with the closest names), a setting, a value that is not a plain number, or a parameter
        given twice in one scenario.
    """
    file = shown_as or os.fspath(path)
    header_line, header, rows = _rows(Path(path), file)
    col = _columns(file, header_line, header)
    known = set(parameters)
    out = Scenarios()
    first_line: dict[tuple[str, str], int] = {}
    for line, cells in rows:

        def fail(name: str, what: str, fix: str) -> _core.InputError:
            return _error(file, line, col[name] + 1, name, what, fix)

        name = cells[col["scenario"]]
        parameter = cells[col["parameter"]]
        value = cells[col["value"]]
        if not name:
            raise fail("scenario", "the scenario name is empty", "Name the scenario this row belongs to")
        if name.lower() == BASE_CASE:
            raise fail(
                "scenario",
                f"'{name}' is the name of the model's own values, reported beside every scenario",
                "Choose another name",
            )
        if not parameter:
            raise fail("parameter", "the parameter is empty", "Name the parameter this row sets")
        if parameter not in known:
            if parameter in settings:
                raise fail(
                    "parameter",
                    f"'{parameter}' is a setting, and scenarios set only parameters",
                    "Change it in settings.csv (or a copy of the model folder) instead",
                )
            raise fail(
                "parameter",
                f"unknown parameter '{parameter}'{did_you_mean(parameter, list(parameters))}",
                "Use a name from parameters.csv",
            )
        if not _PLAIN_NUMBER.fullmatch(value):
            shown = f"'{value}'" if value else "an empty cell"
            raise fail("value", f"{shown} is not a number", "Give a plain number such as 9750 or 0.8")
        key = (name, parameter)
        if key in first_line:
            raise fail(
                "parameter",
                f"'{parameter}' is set twice in scenario '{name}' (also on line {first_line[key]})",
                "Keep one of the two rows",
            )
        first_line[key] = line
        out.overrides.setdefault(name, {})[parameter] = float(value)
        note = cells[col["notes"]] if "notes" in col else ""
        if note:
            out.notes[name] = f"{out.notes[name]}; {note}" if out.notes.get(name) else note
    return out


def read_folder_scenarios(model: "Model", folder: PathLike) -> Scenarios | None:
    """The checked scenarios.csv of a model folder, or None when it has none."""
    path = scenarios_file(folder)
    if path is None:
        return None
    settings = [name for name, _ in _core.setting_descriptions()]
    names = [p.name for p in model.spec.parameters]
    return read_scenarios(path, names, settings, shown_as=os.fspath(path))


def scenario_results(model: "Model", scenarios: Scenarios, wtp: float | None = None) -> pd.DataFrame:
    """Every strategy's discounted cost, QALYs, life-years and net monetary benefit at ``wtp``
    (default: the model's first) in the base case and each scenario, with the scenario's
    preferred strategy (highest net monetary benefit).

    Returns
    -------
    pandas.DataFrame
        ``scenario, description, strategy, cost, qalys, life_years, wtp, net_monetary_benefit,
        preferred_strategy``, the base case first.
    """
    if wtp is None:
        wtp = float(list(model.spec.settings.wtp)[0])
    table = dsa.scenarios(model, scenarios.overrides, scenarios.notes)
    described = {BASE_CASE: "the model's own values", **scenarios.notes}
    table.insert(1, "description", [described.get(s, "") for s in table["scenario"]])
    table["wtp"] = float(wtp)
    table["net_monetary_benefit"] = float(wtp) * table["qalys"] - table["cost"]
    best = table.loc[table.groupby("scenario", sort=False)["net_monetary_benefit"].idxmax()]
    table["preferred_strategy"] = table["scenario"].map(dict(zip(best["scenario"], best["strategy"])))
    return table
