"""Replication of published figures: does each model still give the numbers it targets?

A model folder may hold ``targets.csv`` (read by :mod:`parity.targets`): the published figures
the model targets, each with the arithmetic (``measure``) that gives the model's value of the
figure, a tolerance implied by the rounding of the published number, and whether the figure is
expected to be reproduced, calibrated (an unknown input was set to hit it) or not reproduced.

:func:`replicate` runs the base case and every scenario a folder's targets ask for once,
evaluates each measure and gives every figure a status; :func:`failures` picks the figures
expected to be reproduced or calibrated that fell outside their tolerance. :func:`render_text`
and :func:`render_markdown` show the table for a terminal and for ``docs/replication.md``.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Sequence

import pandas as pd

from . import _core
from .currency import CURRENCY_SIGNS
from .measure import MeasureError, Namespace, did_you_mean, evaluate, namespace
from .model import Model
from .targets import (
    CALIBRATED,
    FAILED,
    NOT_REPRODUCED,
    REPRODUCED,
    STATUS_LEGEND,
    TARGETS_FILE,
    Cell,
    PLAIN_NUMBER,
    PathLike,
    Target,
    read_targets,
)

#: Columns of the table :func:`replicate` returns, in order.
COLUMNS = [
    "model", "report", "id", "figure", "published", "model_value", "difference",
    "relative_difference", "unit", "tolerance", "status", "source", "notes", "expected",
    "comparison", "scenario", "measure",
]


# ---- running ------------------------------------------------------------------------------


class _ModelRuns:
    """The base case and the scenarios of one model folder, each run once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.base = Model.from_folder(folder)
        self.settings = [name for name, _ in _core.setting_descriptions()]
        self.parameters = list(self.base.compile().parameter_names)
        self._cache: dict[tuple[tuple[str, str], ...], Namespace] = {}

    def namespace(self, target: Target) -> Namespace:
        key = tuple(sorted(target.scenario))
        if key not in self._cache:
            cell = target.cells.get("scenario")
            try:
                self._cache[key] = self._run(key, cell)
            except _core.ParityError as err:
                if cell is None or not key:
                    raise
                raise cell.error(f"scenario '{cell.text}': {err}") from None
        return self._cache[key]

    def _run(self, scenario: tuple[tuple[str, str], ...], cell: Cell | None) -> Namespace:
        settings: dict[str, str] = {}
        overrides: dict[str, float] = {}
        for name, value in scenario:
            assert cell is not None
            if name in self.settings:
                settings[name] = value
            elif name in self.parameters:
                if not PLAIN_NUMBER.fullmatch(value):
                    raise cell.error(
                        f"the override {name}={value} is not a number",
                        "A scenario replaces a parameter by a plain number",
                    )
                overrides[name] = float(value)
            else:
                raise cell.error(
                    f"'{name}' is neither a parameter of the model nor a setting"
                    + did_you_mean(name, self.parameters + self.settings),
                    "Name a parameter of parameters.csv or a setting such as n_cycles",
                )
        model = self.base
        if settings:
            model = Model.from_folder(self.folder)  # a fresh copy: the base case stays as read
            model.set(**settings)
        results = model.run(overrides, keep_trace=False, keep_cycles=False)
        values = model.compile().parameter_values(0, overrides)
        return namespace(values, results, model.spec)


def _status(target: Target, value: float) -> str:
    if target.expected == NOT_REPRODUCED:
        return NOT_REPRODUCED
    if math.isnan(value):
        return FAILED
    if target.comparison == "at_least":
        hit = value >= target.published - target.tolerance
    elif target.comparison == "at_most":
        hit = value <= target.published + target.tolerance
    else:
        hit = abs(value - target.published) <= target.tolerance
    return target.expected if hit else FAILED


def targets_file(folder: PathLike) -> Path:
    """The targets.csv of a model folder."""
    return Path(folder) / TARGETS_FILE


def replicate_folder(folder: PathLike) -> pd.DataFrame:
    """The replication table of one model folder (see :func:`replicate`)."""
    path = Path(folder)
    targets = read_targets(targets_file(path), os.fspath(targets_file(folder)))
    runs = _ModelRuns(path)
    rows = []
    for t in targets:
        value = math.nan
        if t["measure"]:
            ns = runs.namespace(t)
            try:
                value = evaluate(t["measure"], ns)
            except MeasureError as err:
                raise t.cells["measure"].error(
                    f"{err} (at character {err.offset + 1} of '{t['measure']}')",
                    "A measure holds numbers, parameter names, cost_S, cost_S_<category>, "
                    "qaly_S, ly_S and payer_S_<payer> for each strategy S, + - * / ** ( ) and "
                    "abs, min, max",
                ) from None
        difference = value - t.published
        rows.append(
            {
                "model": path.resolve().name,
                "report": t["report"],
                "id": t["id"],
                "figure": t["figure"],
                "published": t.published,
                "model_value": value,
                "difference": difference,
                "relative_difference": difference / abs(t.published) if t.published else math.nan,
                "unit": t["unit"],
                "tolerance": t.tolerance,
                "status": _status(t, value),
                "source": t["source"],
                "notes": t["notes"],
                "expected": t.expected,
                "comparison": t.comparison,
                "scenario": "; ".join(f"{n}={v}" for n, v in t.scenario),
                "measure": t["measure"],
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def target_folders(paths: Sequence[PathLike]) -> list[Path]:
    """Expand each path: a model folder with targets.csv, or a folder of model folders (such as
    params/) from which those with targets.csv are taken.

    Raises
    ------
    parity.InputError
        For a path that is not a folder, a model folder without targets.csv, or a folder with
        no model folder holding targets.csv.
    """
    folders: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            raise _core.InputError(f"{os.fspath(raw)}: no such folder")
        if (path / "settings.csv").exists():
            if not targets_file(path).exists():
                raise _core.InputError(
                    f"{os.fspath(raw)}: the model folder has no {TARGETS_FILE}. Add one listing "
                    "the published figures the model targets (docs/model-folder-format.md)"
                )
            folders.append(path)
            continue
        children = sorted(p for p in path.iterdir() if targets_file(p).exists())
        if not children:
            raise _core.InputError(
                f"{os.fspath(raw)}: no model folder in it has a {TARGETS_FILE}. Give a model "
                "folder with targets.csv, or a folder of such folders"
            )
        folders.extend(children)
    return list(dict.fromkeys(folders))


def replicate(folders: PathLike | Sequence[PathLike]) -> pd.DataFrame:
    """Compare every published figure the models target with the models' values.

    Parameters
    ----------
    folders
        A model folder with targets.csv, a folder of model folders (such as ``params/``), or a
        list of these.

    Returns
    -------
    pandas.DataFrame
        One row per figure with the columns of :data:`COLUMNS`: ``model`` (the folder's name),
        ``report``, ``id``, ``figure``, ``published``, ``model_value`` (NaN for a figure not
        reproduced that has no measure), ``difference`` (model - published),
        ``relative_difference`` (difference / abs(published)), ``unit``, ``tolerance``,
        ``status`` (:data:`REPRODUCED`, :data:`CALIBRATED`, :data:`NOT_REPRODUCED` or
        :data:`FAILED`), ``source``, ``notes``, then ``expected``, ``comparison``,
        ``scenario`` and ``measure`` as read.

    Raises
    ------
    parity.InputError
        For a malformed targets.csv or a measure that cannot be evaluated (file, line and
        column), or a folder without targets.csv.
    parity.ModelError
        For a model that does not run.
    """
    paths = [folders] if isinstance(folders, (str, os.PathLike)) else list(folders)
    tables = [replicate_folder(f) for f in target_folders(paths)]
    if not tables:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(tables, ignore_index=True)


def failures(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a :func:`replicate` table expected reproduced or calibrated that the model
    misses."""
    return table[table["status"] == FAILED]


def summary_line(table: pd.DataFrame) -> str:
    """``"12 figures: 8 reproduced, 2 calibrated, 2 not reproduced"`` (and how many failed)."""
    counts = table["status"].value_counts()
    parts = [f"{int(counts[s])} {s}" for s in (REPRODUCED, CALIBRATED, NOT_REPRODUCED, FAILED)
             if s in counts]
    n = len(table)
    return f"{n} figure{'s' if n != 1 else ''}" + (": " + ", ".join(parts) if parts else "")


# ---- showing ------------------------------------------------------------------------------

_SCALES = [(1e9, "bn"), (1e6, "m")]


def _decimals(step: float) -> int:
    """Decimals needed to show a number rounded to ``step`` (0..6)."""
    if not step > 0:
        return 0
    return min(6, max(0, math.ceil(-math.log10(step) - 1e-9)))


def _exact_decimals(x: float) -> int:
    """Decimals needed to write ``x`` as given (0..6): 4 -> 0, 4.25 -> 2."""
    return next((d for d in range(7) if abs(round(x, d) - x) <= 1e-9 * max(1.0, abs(x))), 6)


def _significant(x: float, digits: int) -> int:
    """Decimals that show ``digits`` significant digits of ``x`` (0..6)."""
    if x == 0 or not math.isfinite(x):
        return 0
    return min(6, max(0, digits - 1 - math.floor(math.log10(abs(x)))))


def format_value(
    value: float, unit: str, tolerance: float, published: float | None = None
) -> str:
    """A figure as a report prints it: ``£8.1bn``, ``72%``, ``£74,000``, ``£3,145/QALY``.

    Parameters
    ----------
    value
        The number in base units (pounds, fractions for shares).
    unit
        The unit of targets.csv: ``GBP`` (or USD, EUR), ``GBP per <thing>``, ``share``,
        ``people``, ``QALY``, ``ratio``, or any other text (shown after the number).
    tolerance
        The published figure's tolerance: a published figure is shown to the precision it
        implies (the rounding step is twice the tolerance), or as written when it is 0.
    published
        For a model value: the published figure it is set beside. The model value then takes
        the published figure's scale (bn, m) and one decimal more, and at least two
        significant digits (three when the tolerance is 0), so that a difference shows.

    Returns
    -------
    str
        The text; empty for NaN.
    """
    if math.isnan(value):
        return ""
    words = unit.split()
    sign = CURRENCY_SIGNS.get(words[0], "") if words else ""
    per = ""
    if sign and len(words) >= 3 and words[1] == "per":
        thing = " ".join(words[2:])
        per = f"/{thing}" if len(words) == 3 else f" per {thing}"
    factor, suffix = 1.0, ""
    if unit == "share":
        factor, suffix = 100.0, "%"
    elif unit in ("QALY", "QALYs"):
        suffix = " QALYs"
    elif unit == "people":
        suffix = " people"
    elif not sign and unit and unit != "ratio":
        suffix = f" {unit}"
    reference = value if published is None else published
    scale = ""
    if sign or unit == "people":
        for size, name in _SCALES:
            if abs(reference) >= size:
                factor, scale = factor / size, name
                break
    if tolerance > 0:
        decimals = _decimals(2 * tolerance * factor)
    else:
        decimals = _exact_decimals(reference * factor)
    if published is not None:
        floor = _significant(value * factor, 3 if tolerance == 0 else 2)
        decimals = min(6, max(decimals + 1, floor))
    number = f"{abs(value * factor):,.{decimals}f}"
    minus = "-" if value < 0 and float(number.replace(",", "")) != 0 else ""
    return f"{minus}{sign}{number}{scale}{suffix}{per}"


def _published_text(row: pd.Series) -> str:
    text = format_value(row["published"], row["unit"], row["tolerance"])
    if row["comparison"] == "at_least":
        return "at least " + text
    if row["comparison"] == "at_most":
        return "at most " + text
    return text


def _model_text(row: pd.Series) -> str:
    return format_value(row["model_value"], row["unit"], row["tolerance"], row["published"])


def _difference_text(row: pd.Series) -> str:
    """Model minus published, signed, at the model value's precision ("" without a value)."""
    if pd.isna(row["model_value"]):
        return ""
    text = format_value(abs(row["difference"]), row["unit"], row["tolerance"], row["published"])
    return ("-" if row["difference"] < 0 else "+") + text


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def render_text(table: pd.DataFrame, figure_width: int = 44) -> str:
    """The table for a terminal: one block per model, published beside model values with the
    report each figure comes from (full sources: ``--csv`` or ``--markdown``), then the summary
    count."""
    lines: list[str] = []
    for model, rows in table.groupby("model", sort=False):
        cells = [
            [r["id"], _short(r["figure"], figure_width), _published_text(r), _model_text(r),
             _difference_text(r), r["status"], _short(r["report"], 28)]
            for _, r in rows.iterrows()
        ]
        header = ["id", "figure", "published", "model", "difference", "status", "source"]
        widths = [max(len(c[i]) for c in cells + [header]) for i in range(len(header))]

        def line(c: list[str]) -> str:
            return "  ".join(
                c[i].rjust(widths[i]) if i in (2, 3, 4) else c[i].ljust(widths[i])
                for i in range(len(c))
            ).rstrip()

        lines += [f"{model}", "  " + line(header)]
        lines += ["  " + line(c) for c in cells]
        lines.append("")
    lines.append(summary_line(table))
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Text safe in a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def render_markdown(
    table: pd.DataFrame, command: str, model_pages: dict[str, str] | None = None
) -> str:
    """The replication page (docs/replication.md): what generated it, the status legend, a
    summary and one table per model.

    Parameters
    ----------
    table
        What :func:`replicate` returned.
    command
        The command that generates the page, quoted in its header.
    model_pages
        Link of each model's page, by model name (default ``models/<name>.md``).

    Returns
    -------
    str
        The page. It holds no date, so generating it again from unchanged models gives the
        same text.
    """
    pages = model_pages or {}
    out = [
        "# Replication of published figures",
        "",
        f"<!-- Generated by `{command}`. Do not edit by hand: change the model folders' "
        "targets.csv and run the command again. -->",
        "",
        f"This page is generated by `{command}` from the `targets.csv` of each model folder "
        "(format: [model-folder-format.md](model-folder-format.md#targetscsv-optional)). Each row sets a "
        "published figure beside the model's value of it, computed from the model's run by "
        "the figure's measure. Published figures are shown as rounded in the report; model "
        "values with one more decimal.",
        "",
        "Status:",
        "",
    ]
    out += [f"- **{status}**: {meaning}" for status, meaning in STATUS_LEGEND.items()]
    out += ["", f"Summary: {summary_line(table)}.", ""]
    for model, rows in table.groupby("model", sort=False):
        link = pages.get(str(model), f"models/{model}.md")
        out += [
            f"## [{model}]({link})",
            "",
            "| Figure | Report | Published | Model | Difference | Status | Source | Notes |",
            "|---|---|---:|---:|---:|---|---|---|",
        ]
        for _, r in rows.iterrows():
            notes = r["notes"]
            if r["scenario"]:
                notes = f"Scenario: {r['scenario']}. {notes}".strip()
            status = r["status"] if r["status"] != FAILED else f"**{FAILED}**"
            cells = [
                f"{r['figure']} (`{r['id']}`)", r["report"], _published_text(r), _model_text(r),
                _difference_text(r), status, r["source"], notes,
            ]
            out.append("| " + " | ".join(_md(c) for c in cells) + " |")
        out.append("")
    return "\n".join(out)
