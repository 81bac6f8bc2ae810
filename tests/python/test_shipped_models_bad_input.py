"""Bad input into the shipped mental-health models: each gets a clear error naming the file.

Every model folder with targets.csv promises sourced inputs (``require_sources``) and payers
from the known list; these tests break a copy of each folder the three ways the issue names.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

import parity

PARAMS = Path(__file__).resolve().parents[2] / "params"
SHIPPED = sorted(p.parent for p in PARAMS.glob("*/targets.csv"))


def _copy(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / folder.name
    shutil.copytree(folder, target)
    return target


def _rewrite(path: Path, change) -> None:
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    rows = change(rows)
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def _load_and_run(folder: Path) -> None:
    parity.load(folder).run(keep_trace=False, keep_cycles=False)


@pytest.mark.parametrize("folder", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_models_require_sources(folder: Path) -> None:
    settings = {row[0]: row[1] for row in csv.reader((folder / "settings.csv").open()) if row}
    assert settings.get("require_sources") == "true"


@pytest.mark.parametrize("folder", SHIPPED, ids=[p.name for p in SHIPPED])
def test_a_missing_source_column_is_an_error(folder: Path, tmp_path: Path) -> None:
    copy = _copy(folder, tmp_path)

    def drop_source(rows: list[list[str]]) -> list[list[str]]:
        i = [c.strip().lower() for c in rows[0]].index("source")
        return [r[:i] + r[i + 1:] for r in rows]

    _rewrite(copy / "parameters.csv", drop_source)
    with pytest.raises(parity.InputError, match=r"parameters\.csv:1.*'source' is missing"):
        _load_and_run(copy)


@pytest.mark.parametrize("folder", SHIPPED, ids=[p.name for p in SHIPPED])
def test_an_empty_source_is_an_error(folder: Path, tmp_path: Path) -> None:
    copy = _copy(folder, tmp_path)
    name = {}

    def empty_first_source(rows: list[list[str]]) -> list[list[str]]:
        header = [c.strip().lower() for c in rows[0]]
        rows[1][header.index("source")] = ""
        name["parameter"] = rows[1][header.index("name")]
        return rows

    _rewrite(copy / "parameters.csv", empty_first_source)
    # The load fails, at the cell to fill in.
    with pytest.raises(
        parity.InputError,
        match=rf"parameters\.csv:2:\d+ \(column 'source'\): "
        rf"parameter '{name['parameter']}' has no source",
    ):
        parity.load(copy)


@pytest.mark.parametrize("folder", SHIPPED, ids=[p.name for p in SHIPPED])
def test_a_percentage_typed_for_a_probability_is_an_error(folder: Path, tmp_path: Path) -> None:
    copy = _copy(folder, tmp_path)
    typed = {}

    def first_probability_as_percent(rows: list[list[str]]) -> list[list[str]]:
        header = [c.strip().lower() for c in rows[0]]
        for line, row in enumerate(rows[1:], start=2):
            unit, value = row[header.index("unit")], row[header.index("value")]
            try:
                p = float(value)
            except ValueError:
                continue
            if unit.lower().startswith(("probability", "proportion", "share")) and 0 < p < 1:
                row[header.index("value")] = f"{100 * p:g}"
                typed.update(name=row[header.index("name")], line=line)
                return rows
        pytest.skip("no probability typed as a number")

    _rewrite(copy / "parameters.csv", first_probability_as_percent)
    with pytest.raises(
        parity.InputError,
        match=rf"parameters\.csv:{typed['line']}:2 \(column 'value'\): parameter "
        rf"'{typed['name']}' is .*, but its unit is .*was a percentage typed\?",
    ):
        parity.load(copy)


@pytest.mark.parametrize("folder", SHIPPED, ids=[p.name for p in SHIPPED])
def test_an_unknown_payer_is_an_error(folder: Path, tmp_path: Path) -> None:
    copy = _copy(folder, tmp_path)

    def misspell_payer(rows: list[list[str]]) -> list[list[str]]:
        i = [c.strip().lower() for c in rows[0]].index("payer")
        rows[1][i] = "nhs_hospitals"
        return rows

    _rewrite(copy / "cost_categories.csv", misspell_payer)
    with pytest.raises(parity.ModelError, match=r"cost_categories\.csv:2.*unknown payer 'nhs_hospitals'"):
        _load_and_run(copy)


@pytest.mark.parametrize("folder", SHIPPED, ids=[p.name for p in SHIPPED])
def test_a_probability_above_one_is_an_error(folder: Path, tmp_path: Path) -> None:
    copy = _copy(folder, tmp_path)
    tree = (copy / "tree.csv").exists()
    file = "tree.csv" if tree else "transitions.csv"

    def first_probability_too_big(rows: list[list[str]]) -> list[list[str]]:
        i = [c.strip().lower() for c in rows[0]].index("probability")
        for row in rows[1:]:
            if len(row) <= i or row[0].lstrip().startswith("#"):
                continue  # comment lines
            if row[i].strip() and row[i].strip() != "C":
                row[i] = "1.5"
                break
        return rows

    _rewrite(copy / file, first_probability_too_big)
    with pytest.raises(parity.ModelError, match=rf"{file}:\d+.*(outside \[0, ?1\]|above 1|\[0, ?1\])"):
        _load_and_run(copy)
