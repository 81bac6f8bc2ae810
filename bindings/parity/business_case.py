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
team_capacity         people one team sees a year (a parameter or number): one_off and recurring
                      become one team's, paid for ceil(entrants / capacity) teams each year
overrides             parameter values for the business case, ``name=value; ...``
payer                 payers replacing the model's, ``category=payer; ...``
perspective           the budget perspective: nhs, nhs_pss, public_sector, societal or payers
                      ``a;b`` (default: the model's perspective setting, else every payer);
                      categories outside it are wider benefits, not investment or savings
discount_rate         a flat NPV rate instead of the Green Book schedule
===================== ==========================================================================
"""

from __future__ import annotations

import csv
import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional, Union

import pandas as pd

from . import _core
from .budget_impact import BudgetImpactResults, budget_impact, cohort_sizing
from .model import Model
from .staffing import check_capacity

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
    "team_capacity": "people one team sees a year, a parameter or number: costs per team",
    "overrides": "parameter values, name=value; ...",
    "payer": "payers replacing the model's, category=payer; ...",
    "perspective": "budget perspective: nhs, nhs_pss, public_sector, societal or payers "
    "separated by ';' (default: the model's perspective)",
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
    #: The file the row was read from when it is not the business case's own (a scenario's).
    path: Optional[Path] = None


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
        return f"{row.path or self.path}:{row.line}" if row is not None else str(self.path)

    def replaced(self, rows: Mapping[str, BusinessCaseRow]) -> "BusinessCase":
        """A copy with some rows replaced (a scenario). A row giving one of prevalence,
        incidence or entrants drops the others, since a case is sized by one of them."""
        out = BusinessCase(self.path, dict(self.rows))
        sizing = {"prevalence", "incidence", "entrants"}
        if sizing & set(rows):
            for key in sizing - set(rows):
                out.rows.pop(key, None)
        out.rows.update(rows)
        return out

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
            first = case.rows.get(key)
            check_row(path, line, key, cell.get("source", ""), first.line if first else None)
            case.rows[key] = BusinessCaseRow(
                key, cell["value"], cell["source"], cell.get("notes", ""), line
            )
    for key in ("strategy", "comparator", "population"):
        if case.get(key) is None:
            raise _core.InputError(f"{path}: no '{key}' row ({KEYS[key]}); add one")
    return case


def check_row(
    path: Path, line: int, key: str, source: str, first_line: Optional[int], scenario: str = ""
) -> None:
    """The checks every row of business_case.csv (and of a scenario of it) passes: its key is
    not repeated (first given at ``first_line``) and it cites a source."""
    within = f" in scenario '{scenario}'" if scenario else ""
    if first_line is not None:
        raise _core.InputError(
            f"{path}:{line}: '{key}' is given twice{within} (first at line {first_line}); keep one row"
        )
    if not source:
        of = f" of scenario '{scenario}'" if scenario else ""
        raise _core.InputError(
            f"{path}:{line}: '{key}'{of} has no source. Cite where the value comes from, or write "
            "'Assumption: <reasoning>'"
        )


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


@dataclass
class BusinessCaseInputs:
    """A business case resolved from its file: the arguments of
    :func:`parity.budget_impact.budget_impact`, ready to run, and to run again with changes
    (scenarios, sensitivity analyses, a PSA).

    Attributes
    ----------
    case : BusinessCase
        The rows and their sources.
    model : Model
        The model of the folder.
    sizing : CohortSizing
        Who enters each year.
    one_off, recurring : dict of str to str
        ``{category: parameter name or number}`` as written in the file.
    overrides : dict of str to float
        Parameter values of the business case.
    team_capacity : float or None
        People one team sees a year, at the case's base-case parameter values (a staffing
        plan is fixed before the PSA, so it does not vary with the samples); None: the one-off
        and recurring costs are the whole service's.
    perspective : list of str or None
        The payers inside the budget perspective (the ``perspective`` row, else the model's
        perspective setting); None: every category counts.
    """

    case: BusinessCase
    model: Model
    sizing: CohortSizing
    strategy: str
    comparator: str
    timing: str
    price_year: Optional[Union[str, int]]
    investment_categories: Optional[list[str]]
    payers: Optional[dict[str, str]]
    overrides: dict[str, float]
    one_off: dict[str, str]
    recurring: dict[str, str]
    discount_rate: Optional[float]
    team_capacity: Optional[float] = None
    perspective: Optional[list[str]] = None
    #: The arguments that replaced the file's values (ics, population, years, price_year).
    arguments: dict[str, object] = field(default_factory=dict)

    def run(self, overrides: Optional[Mapping[str, float]] = None) -> BudgetImpactResults:
        """The budget impact, with ``overrides`` (parameter values) on top of the case's."""
        values = {**self.overrides, **{k: float(v) for k, v in (overrides or {}).items()}}
        return budget_impact(
            self.model,
            self.sizing,
            strategy=self.strategy,
            comparator=self.comparator,
            timing=self.timing,
            price_year=self.price_year,
            investment_categories=self.investment_categories,
            payers=self.payers,
            overrides=values or None,
            one_off=self.one_off or None,
            recurring=self.recurring or None,
            discount_rate=self.discount_rate,
            team_capacity=self.team_capacity,
            perspective=self.perspective,
        )


def business_case_inputs(
    folder: Union[str, os.PathLike],
    *,
    ics: Optional[str] = None,
    population: Optional[float] = None,
    years: Optional[int] = None,
    price_year: Optional[Union[str, int]] = None,
    case: Optional[BusinessCase] = None,
    model: Optional[Model] = None,
) -> BusinessCaseInputs:
    """Read and resolve a model folder's business case; arguments replace the file's values.

    Parameters
    ----------
    folder
        A model folder with a business_case.csv.
    ics, population, years, price_year
        As for :func:`run_business_case`.
    case
        The business case to resolve instead of the folder's file (e.g. one with a scenario's
        rows, :meth:`BusinessCase.replaced`).
    model
        The folder's model, if already loaded.

    Raises
    ------
    parity.InputError
        For a malformed business case (naming the file and line) or bad values.
    """
    case = case if case is not None else read_business_case(folder)
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
    model = model if model is not None else Model.from_folder(folder)
    return BusinessCaseInputs(
        case=case,
        model=model,
        sizing=sizing,
        strategy=case.get("strategy"),  # type: ignore[arg-type]
        comparator=case.get("comparator"),  # type: ignore[arg-type]
        timing=case.get("entry_timing", "start_of_year"),  # type: ignore[arg-type]
        price_year=price_year if price_year is not None else case.get("price_year"),
        investment_categories=_list(case.get("investment_categories")) or None,
        payers=_pairs(case, "payer") or None,
        overrides=overrides,
        one_off=_pairs(case, "one_off"),
        recurring=_pairs(case, "recurring"),
        discount_rate=_float(case, "discount_rate", discount) if discount else None,
        team_capacity=_team_capacity(case, model, overrides),
        perspective=_perspective(case, model),
        arguments={
            k: v
            for k, v in dict(ics=ics, population=population, years=years, price_year=price_year).items()
            if v is not None
        },
    )


def _perspective(case: BusinessCase, model: Model) -> Optional[list[str]]:
    """The payers of the budget perspective: the ``perspective`` row's, else the model's
    perspective setting (the costs its ICER counts); None when neither sets one."""
    text = case.get("perspective")
    if text is None:
        model_payers = dict(model.spec.settings.to_pairs()).get("perspective", "")
        return [p for p in model_payers.split(";") if p] or None
    row = case.rows["perspective"]
    return list(_core.parse_perspective(text, str(row.path or case.path), row.line))


def _team_capacity(case: BusinessCase, model: Model, overrides: Mapping[str, float]) -> Optional[float]:
    """The ``team_capacity`` row's value: a number, or a parameter's value at the case's base
    case (the model's values with the case's overrides); None without the row."""
    text = case.get("team_capacity")
    if text is None:
        return None
    where = f"{case.where('team_capacity')}: 'team_capacity'"
    try:
        value = float(text)
    except ValueError:
        values = dict(model.compile().parameter_values(0, dict(overrides)))
        if text not in values:
            close = difflib.get_close_matches(text, list(values), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise _core.InputError(
                f"{where} '{text}' is neither a number nor a parameter of the model{hint}. Give "
                "the people one team sees a year, or a parameter of parameters.csv holding it"
            ) from None
        value = float(values[text])
        where += f" (parameter {text})"
    return check_capacity(value, where)


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
    return business_case_inputs(
        folder, ics=ics, population=population, years=years, price_year=price_year
    ).run()


#: A business case: a model folder with a business_case.csv, or its resolved inputs.
CaseLike = Union[str, "os.PathLike[str]", BusinessCaseInputs]


def resolve_case(case: CaseLike, **case_args: object) -> BusinessCaseInputs:
    """The business case of a model folder (``case_args``: ``ics``, ``population``, ``years``,
    ``price_year`` as for :func:`run_business_case`), or ``case`` itself if already resolved."""
    if isinstance(case, BusinessCaseInputs):
        if case_args:
            raise _core.InputError(
                "give ics, population, years or price_year with a model folder, not with "
                "resolved business-case inputs"
            )
        return case
    return business_case_inputs(case, **case_args)  # type: ignore[arg-type]
