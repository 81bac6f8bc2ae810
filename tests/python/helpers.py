"""Plain helpers shared by the test modules (fixtures are in conftest.py)."""

from __future__ import annotations

import csv
import math
import shutil
from decimal import Decimal
from pathlib import Path

import parity

ROOT = Path(__file__).resolve().parents[2]
PARAMS = ROOT / "params"
SICK_SICKER = PARAMS / "sick_sicker"
SICK_SICKER_AGE = PARAMS / "sick_sicker_age"
STRATEGIES = ["SoC", "A", "B", "AB"]


def article_weights(n_cycles: int = 75) -> list[float]:
    """The mis-indexed Simpson weights printed with the DARTH article (the code's ``v_wcc``):
    1/3 at t = 0 and t = n, 2/3 at odd t and 4/3 at even t in between."""
    inner = [2 / 3 if t % 2 else 4 / 3 for t in range(1, n_cycles)]
    return [1 / 3, *inner, 1 / 3]


def assert_published(value: float, published: str) -> None:
    """Assert ``value`` rounds to ``published`` at the number of decimals it is printed with
    ("152,282" -> nearest unit, "21.03" -> 2 decimals, "0.001013486" -> 9 decimals)."""
    text = published.replace(",", "")
    exponent = Decimal(text).as_tuple().exponent
    assert isinstance(exponent, int)
    half_unit = 0.5 * 10.0**exponent
    assert math.isfinite(value)
    assert abs(value - float(text)) <= half_unit, (
        f"{value!r} does not round to the published {published} (tolerance {half_unit:g})"
    )


def edit_file(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` by ``new`` in a text file; fail if ``old`` is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not found in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def two_state_model(
    q: float = 0.1,
    n_cycles: int = 40,
    *,
    correction: str = "start",
    discount_rate: float = 0.0,
    cost: float = 1000.0,
    utility: float = 0.8,
) -> parity.Model:
    """Alive/Dead with a constant probability ``q`` of dying each cycle."""
    m = parity.Model(
        "two_state", n_cycles=n_cycles, discount_rate=discount_rate, correction=correction
    )
    m.states("Alive", parity.Model.dead("Dead"))
    m.strategies("Usual care")
    m.parameters(p_die=q, c_alive=cost, u_alive=utility)
    m.transition("Alive", "Dead", "p_die")
    m.transition("Alive", "Alive", "C")
    m.transition("Dead", "Dead", 1)
    m.reward("Alive", nhs_acute="c_alive", utility="u_alive")
    m.initial(Alive=1)
    return m


def plain_number_parameters(folder: Path) -> dict[str, float]:
    """Parameter cells of ``folder``/parameters.csv that hold plain numbers, read without the
    engine (expressions are left out: tests recompute them by hand)."""
    out = {}
    with open(folder / "parameters.csv", newline="") as f:
        for row in csv.DictReader(f):
            try:
                out[row["name"]] = float(row["value"])
            except ValueError:
                pass
    return out


def broken_copy(source: Path, target: Path, file: str, old: str, new: str) -> Path:
    """A copy of the model folder ``source`` at ``target`` with the first ``old`` of ``file``
    replaced by ``new``; returns the copy."""
    shutil.copytree(source, target)
    edit_file(target / file, old, new)
    return target


def budget_cost(bia: object, year: int, strategy: str, category: str) -> float:
    """The one cost of a budget impact's tidy table (``BudgetImpactResults.costs``) in a budget
    year, strategy and category."""
    c = bia.costs  # type: ignore[attr-defined]
    row = c[(c["year"] == year) & (c["strategy"] == strategy) & (c["category"] == category)]
    assert len(row) == 1
    return float(row["cost"].iloc[0])
