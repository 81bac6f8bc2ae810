"""The business-case inputs of a model folder (``business_case.csv``) and a run of them.

``business_case.csv`` has the columns ``key,value,source,notes``, one input a row; every row
cites its source or says "Assumption: ...". The keys (docs/model-folder-format.md,
"business_case.csv"):

===================== ==========================================================================
key                   value
===================== ==========================================================================
strategy              the intervention strategy (required)
comparator            current practice (required)
population            an ICS name (params/reference/ics_populations.csv) or a number (required)
prevalence            share of the population eligible (one of prevalence, incidence, entrants)
incidence             new eligible cases per person a year
entrants              people entering each year, ``126;126;126``, instead of the three above
uptake                share of the eligible starting each year, ``0.2;0.5;0.8`` (last value holds)
horizon_years         budget years, 1 to 10 (default 5)
entry_timing          start_of_year (default) or spread_over_year
price_year            price year of the results, e.g. 2024/25 (default: the model's)
investment_categories categories making up the investment, ``a;b`` (default: those costing more)
one_off               one-off costs in year 1 of the strategy, ``category=parameter or number; ...``
recurring             costs of the strategy in every year (fixed staff cost), same form
overrides             parameter values for the business case, ``name=value; ...``
payer                 payers replacing the model's, ``category=payer; ...``
discount_rate         a flat NPV rate instead of the Green Book schedule
===================== ==========================================================================
"""

from __future__ import annotations

import csv
import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union

import pandas as pd

from . import _core
from .budget_impact import BudgetImpactResults, budget_impact, cohort_sizing
from .model import Model

FILE = "business_case.csv"

KEYS = {
    "strategy": "the intervention strategy",
    "comparator": "current practice",
    "population": "an ICS name or a number of people",
    "prevalence": "share of the population eligible",
    "incidence": "new eligible cases per person a year",
    "entrants": "people entering each budget year, separated by ';'",
    "uptake": "share of the eligible starting each year, separated by ';'",
    "horizon_years": "budget years, 1 to 10",
    "entry_timing": "start_of_year or spread_over_year",
    "price_year": "price year of the results, e.g. 2024/25",
    "investment_categories": "cost categories making up the investment, separated by ';'",
    "one_off": "one-off year-1 costs, category=parameter or number; ...",
    "recurring": "costs in every year, category=parameter or number; ...",
    "overrides": "parameter values, name=value; ...",
    "payer": "payers replacing the model's, category=payer; ...",
    "discount_rate": "a flat discount rate for the NPV instead of the Green Book schedule",
}


@dataclass
class BusinessCaseRow:
    """One row of business_case.csv and where it came from."""

    key: str
    value: str
    source: str
    notes: str
    line: int


@dataclass
class BusinessCase:
    """The business-case inputs of a model folder.

    Attributes
    ----------
    path : pathlib.Path
        The file read.
    rows : dict of str to BusinessCaseRow
        The rows by key.
    """

    path: Path
    rows: dict[str, BusinessCaseRow] = field(default_factory=dict)

    def get(self, key: str, default: Optional[str] = None) -> Optional[str]:
        row = self.rows.get(key)
        return row.value if row is not None and row.value != "" else default

    def where(self, key: str) -> str:
        row = self.rows.get(key)
        return f"{self.path}:{row.line}" if row is not None else str(self.path)

    def table(self) -> pd.DataFrame:
        """The inputs with their sources (for an inputs sheet)."""
        return pd.DataFrame(
            [(r.key, r.value, r.source, r.notes) for r in self.rows.values()],
            columns=["key", "value", "source", "notes"],
        )


def read_business_case(folder: Union[str, os.PathLike]) -> BusinessCase:
    """Read ``business_case.csv`` of a model folder.

    Raises
    ------
    parity.InputError
        If the file is missing, a column or key is unknown (with the closest name), a key is
        repeated, a required key is missing, or a row has no source.
    """
    path = Path(folder) / FILE
    if not path.exists():
        raise _core.InputError(
            f"{path}: no business case. Write {FILE} with the columns key,value,source,notes "
            "(see docs/model-folder-format.md)"
        )
    case = BusinessCase(path)
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header: Optional[list[str]] = None
        for line, cells in enumerate(reader, start=1):
            if not any(c.strip() for c in cells) or cells[0].strip().startswith("#"):
                continue
            if header is None:
                header = [c.strip().lower() for c in cells]
                for column in header:
                    if column not in ("key", "value", "source", "notes"):
                        raise _core.InputError(
                            f"{path}:{line}: unknown column '{column}'. The columns are "
                            "key,value,source,notes"
                        )
                if "key" not in header or "value" not in header or "source" not in header:
                    raise _core.InputError(
                        f"{path}:{line}: the header must name the columns key, value and source"
                    )
                continue
            cells = cells + [""] * (len(header) - len(cells))
            cell = dict(zip(header, (c.strip() for c in cells)))
            key = cell["key"].lower()
            if key not in KEYS:
                close = difflib.get_close_matches(key, list(KEYS), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise _core.InputError(
                    f"{path}:{line}: unknown key '{key}'{hint}. The keys are " + ", ".join(KEYS)
                )
            if key in case.rows:
                raise _core.InputError(
                    f"{path}:{line}: '{key}' is given twice (first at line "
                    f"{case.rows[key].line}); keep one row"
                )
            if not cell.get("source"):
                raise _core.InputError(
                    f"{path}:{line}: '{key}' has no source. Cite where the value comes from, or "
                    "write 'Assumption: <reasoning>'"
                )
            case.rows[key] = BusinessCaseRow(
                key, cell["value"], cell["source"], cell.get("notes", ""), line
            )
    for key in ("strategy", "comparator", "population"):
        if case.get(key) is None:
            raise _core.InputError(f"{path}: no '{key}' row ({KEYS[key]}); add one")
    return case


def _list(text: Optional[str]) -> list[str]:
    return [part.strip() for part in (text or "").split(";") if part.strip()]


def _pairs(case: BusinessCase, key: str) -> dict[str, str]:
    out = {}
    for part in _list(case.get(key)):
        name, sep, value = part.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise _core.InputError(
                f"{case.where(key)}: '{key}' entry '{part}' is not name=value. Write entries as "
                "name=value separated by ';'"
            )
        out[name.strip()] = value.strip()
    return out


def _float(case: BusinessCase, key: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise _core.InputError(f"{case.where(key)}: '{key}' value '{text}' is not a number") from None


def run_business_case(
    folder: Union[str, os.PathLike],
    *,
    ics: Optional[str] = None,
    population: Optional[float] = None,
    years: Optional[int] = None,
    price_year: Optional[Union[str, int]] = None,
) -> BudgetImpactResults:
    """Budget impact of a model folder's business case; arguments replace the file's values.

    Parameters
    ----------
    folder
        A model folder with a business_case.csv.
    ics, population
        An ICS name or a number of people instead of the file's population.
    years
        Horizon instead of the file's.
    price_year
        Price year instead of the file's (or the model's).

    Raises
    ------
    parity.InputError
        For a malformed business case (naming the file and line) or bad values.
    """
    case = read_business_case(folder)
    who: Union[str, float] = case.get("population")  # type: ignore[assignment]
    if ics is not None:
        who = ics
    if population is not None:
        who = population
    horizon = years if years is not None else int(_float(case, "horizon_years", case.get("horizon_years", "5")))  # type: ignore[arg-type]
    entrants = case.get("entrants")
    try:
        sizing = cohort_sizing(
            who,
            prevalence=_float(case, "prevalence", case.get("prevalence")) if case.get("prevalence") else None,  # type: ignore[arg-type]
            incidence=_float(case, "incidence", case.get("incidence")) if case.get("incidence") else None,  # type: ignore[arg-type]
            uptake=[_float(case, "uptake", u) for u in _list(case.get("uptake", "1"))],
            horizon_years=horizon,
            entrants=[_float(case, "entrants", n) for n in _list(entrants)] if entrants else None,
        )
    except _core.InputError as e:
        raise _core.InputError(f"{case.path}: {e}") from None
    overrides = {k: _float(case, "overrides", v) for k, v in _pairs(case, "overrides").items()}
    discount = case.get("discount_rate")
    return budget_impact(
        Model.from_folder(folder),
        sizing,
        strategy=case.get("strategy"),  # type: ignore[arg-type]
        comparator=case.get("comparator"),  # type: ignore[arg-type]
        timing=case.get("entry_timing", "start_of_year"),  # type: ignore[arg-type]
        price_year=price_year if price_year is not None else case.get("price_year"),
        investment_categories=_list(case.get("investment_categories")) or None,
        payers=_pairs(case, "payer") or None,
        overrides=overrides or None,
        one_off=_pairs(case, "one_off") or None,
        recurring=_pairs(case, "recurring") or None,
        discount_rate=_float(case, "discount_rate", discount) if discount else None,
    )
