"""A business case as an Excel workbook a finance analyst can audit.

The workbook holds the inputs (with sources), the assumptions, the model's per-person costs, the
budget year by year, a summary and charts. Everything a spreadsheet can compute is a live
formula over the workbook's own cells: entrants from population x rate x uptake, the teams
staffing them (entrants / a team's capacity, rounded up) when costs are per team, each budget
year's cost as the open-cohort sum over entry cohorts, the price-year factor from the index
rows, totals, the investment view, ROI, NPV (from a discount-rate cell) and the break-even
year. Only the per-person cost profiles come from the model as values (sheet "Model results").
The method is in docs/methods/budget-impact.md; the user's guide in
docs/how-to/business-case.md.

Needs ``openpyxl`` (``pip install "parity[excel]"``).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _core
from .budget_impact import BudgetImpactResults, budget_impact, cohort_sizing, fixed_cost_multipliers
from .business_case import BusinessCase, _pairs, read_business_case
from .model import Model
from .populations import ics_table
from .prices import PriceIndex, price_year_label
from .staffing import RATIO_DECIMALS

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.worksheet.worksheet import Worksheet

    from .business_case_scenarios import BusinessCaseScenarios
    from .business_case_uncertainty import BusinessCasePsa

#: The sheets of the workbook, in order.
SHEETS = ["Summary", "Year by year", "Charts", "Inputs", "Assumptions", "Model results"]

#: Sheets added after "Charts" when the uncertainty is given: the named scenarios side by side,
#: and the PSA and ROI tornado (values from the model, not formulas).
SCENARIOS_SHEET = "Scenarios"
UNCERTAINTY_SHEET = "Uncertainty"

#: Rows of the Scenarios sheet: (column of BusinessCaseScenarios.summary, label, number format).
SCENARIO_ROWS = [
    ("entrants", "People entering over the horizon", "#,##0.00"),
    ("total_investment", "Investment", '#,##0.00;[Red]-#,##0.00'),
    ("total_gross_savings", "Gross savings", '#,##0.00;[Red]-#,##0.00'),
    ("net_savings", "Net savings (savings - investment)", '#,##0.00;[Red]-#,##0.00'),
    ("roi", "Return on investment", "0.00%"),
    ("cash_roi", "Return on investment, cash-releasing savings only", "0.00%"),
    ("benefit_cost_ratio", "Benefit-cost ratio", "0.0000"),
    ("npv", "Net present value of net savings", '#,##0.00;[Red]-#,##0.00'),
    ("cash_npv", "Net present value, cash-releasing savings only", '#,##0.00;[Red]-#,##0.00'),
    ("break_even_year", "Break-even (payback) year", "0"),
    ("cash_break_even_year", "Break-even year, cash-releasing savings only", "0"),
    ("total_wider_benefits", "Wider benefits outside the budget perspective (not savings)",
     '#,##0.00;[Red]-#,##0.00'),
]

#: What the Summary shows where no PSA result was given.
NOT_RUN = "not run"

#: Column D of a category outside the budget perspective (neither investment nor saving).
OUTSIDE = "outside perspective"

#: Units of the business_case.csv keys, for the Inputs sheet.
KEY_UNITS = {
    "strategy": "strategy name",
    "comparator": "strategy name",
    "population": "people (or an ICS name)",
    "prevalence": "share of the population",
    "incidence": "new cases per person a year",
    "entrants": "people a year",
    "uptake": "share of the eligible, by year",
    "horizon_years": "years",
    "entry_timing": "timing",
    "price_year": "financial year",
    "investment_categories": "cost categories",
    "one_off": "category = parameter or amount",
    "recurring": "category = parameter or amount a year",
    "team_capacity": "people one team sees a year (parameter or number)",
    "overrides": "parameter = value",
    "payer": "category = payer",
    "perspective": "payers counted in the budget",
    "discount_rate": "per year",
}

#: The method conventions the Assumptions sheet lists (docs/methods/budget-impact.md).
CONVENTIONS = [
    ("Open cohort",
     "New people enter in every budget year and each entry cohort follows the model from its own "
     "entry, on its own clock (Sullivan et al. 2014, ISPOR Budget Impact Analysis Good Practice "
     "II, Value Health 17:5-14, 'open population')."),
    ("Budget perspective",
     "Only the categories whose payer is inside the budget perspective (business_case.csv "
     "'perspective', default the model's perspective setting) count as investment and savings: "
     "a budget impact takes the budget holder's perspective (Sullivan et al. 2014). The others "
     "(e.g. quality of life valued in money, lost output) are shown as wider benefits, in no "
     "total, ROI, NPV or break-even year. Column D of the Year by year sheet says 'outside "
     "perspective' for them."),
    ("Undiscounted budget years",
     "Costs per budget year are not discounted: a budget impact reports what is paid in each year "
     "(Sullivan et al. 2014)."),
    ("Net present value at the Green Book rate",
     "The NPV discounts net savings at 3.5% a year (HM Treasury, The Green Book 2022, Annex 6, "
     "social time preference rate for years 0-30), budget year 1 undiscounted: "
     "d_y = 1/(1 + rate)^(y - 1). The rate is a cell on the Inputs sheet."),
    ("Price-year conversion",
     "Model costs are in the model's price year; every cost is multiplied by index(business-case "
     "price year) / index(model price year) of the NHS cost inflation index "
     "(params/reference/nhs_cost_inflation_index.csv; PSSRU/CHE Unit Costs of Health and Social "
     "Care 2025, NHSCII pay and prices, chained to HCHS pay and prices before 2015/16)."),
    ("Investment and savings",
     "Investment = the intervention-minus-current-practice cost of the investment categories; "
     "gross savings = minus that of every other category; cash-releasing savings count only "
     "categories marked cash-releasing (cost_categories.csv). ROI = (savings - investment) / "
     "investment; benefit-cost ratio = savings / investment."),
    ("Break-even year",
     "The first budget year from whose end the cumulative net savings stay at or above zero up "
     "to the horizon; 'none within the horizon' otherwise."),
    ("Who pays, who saves",
     "Each payer's savings are shared among the investing payers in proportion to their "
     "investment: a convention, not a finding."),
    ("Costs only",
     "QALYs are not part of a budget impact (Sullivan et al. 2014)."),
]

#: The convention the Assumptions sheet adds when the costs are per team (team_capacity).
STAFFING_CONVENTION = (
    "Staffing in whole teams",
    "The one-off and recurring costs are one team's. Each year has ceil(entrants / capacity) "
    "teams in post, each paid the recurring cost; a team's set-up is paid in the year it is "
    "first needed (at least one team in year 1), and a team no longer needed is not set up "
    "again. The capacity is evaluated at the base case: the staffing plan is decided before the "
    "uncertainty analyses, which vary the costs but not the number of teams.",
)

_MONEY = '#,##0.00;[Red]-#,##0.00'
_SHARE = "0.00%"
_YEAR = '"Year "0'


def _require_openpyxl():
    try:
        import openpyxl  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the environment
        raise _core.InputError(
            "writing an Excel workbook needs openpyxl: pip install \"parity[excel]\" (or write "
            "CSV files with --csv)"
        ) from None
    return openpyxl


def _col(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _ref(sheet: str, column: int, row: int) -> str:
    """An absolute reference to a cell of another sheet, e.g. 'Year by year'!$E$10."""
    return f"'{sheet}'!${_col(column)}${row}"


# --------------------------------------------------------------------------------------------
# Per-person cost profiles: the part of the budget that has to come from the model.
# --------------------------------------------------------------------------------------------

@dataclass
class EntrantProfiles:
    """Costs of one person entering in budget year 1, by year since entry, in the model's price
    year, undiscounted, without the business case's one-off and recurring costs.

    Because a budget year's cost is ``F x (sum over entry years k <= y of N_k x q(y - k + 1) +
    fixed costs)``, these profiles and the entrants give every budget cost by a formula.

    Attributes
    ----------
    costs : dict of str to pandas.DataFrame
        Per strategy: rows are categories, columns years since entry 1..H.
    model_price_year : str
        The price year the profiles are in ("" when the model declares none).
    """

    costs: dict[str, pd.DataFrame]
    model_price_year: str


def entrant_profiles(folder: Union[str, os.PathLike], results: BudgetImpactResults) -> EntrantProfiles:
    """Run the business case of ``folder`` for one person entering in year 1.

    Parameters
    ----------
    folder
        The model folder the results came from (its business_case.csv gives the overrides).
    results
        The business case's results (horizon, strategies, entry timing).

    Raises
    ------
    parity.ModelError
        If the profiles convolved with the entrants do not give the results' costs (they always
        should: a budget is linear in the entrants), so that a workbook never disagrees with
        the Python results.
    """
    case = read_business_case(folder)
    model = Model.from_folder(folder)
    horizon = len(results.years)
    overrides = {k: float(v) for k, v in _pairs(case, "overrides").items()}
    one = cohort_sizing(1.0, entrants=[1.0] + [0.0] * (horizon - 1), horizon_years=horizon)
    unit = budget_impact(
        model, one, strategy=results.strategy, comparator=results.comparator,
        timing=results.timing, overrides=overrides or None,
    )
    model_year = model.spec.settings.price_year
    tidy = unit.costs
    profiles = {
        s: tidy[tidy["strategy"] == s].pivot(index="category", columns="year", values="cost")
        .reindex(list(results.payers))
        for s in (results.comparator, results.strategy)
    }
    _check_profiles(profiles, results)
    return EntrantProfiles(profiles, price_year_label(model_year) if model_year else "")


def rebuild_costs(profiles: dict[str, pd.DataFrame], results: BudgetImpactResults) -> dict[str, np.ndarray]:
    """Budget costs (years x categories) per strategy from the profiles, as the workbook's
    formulas compute them: ``F x (sum_k N_k q(y - k + 1) + one-off in year 1 + recurring)``,
    the fixed costs times the teams set up and in post when they are per team."""
    entrants = np.asarray(results.sizing.entrants, dtype=float)
    horizon = len(entrants)
    set_ups, in_post = fixed_cost_multipliers(horizon, results.staffing)
    out = {}
    for s, table in profiles.items():
        q = table.to_numpy(dtype=float)  # categories x years since entry
        costs = np.zeros((horizon, q.shape[0]))
        for y in range(horizon):
            for k in range(y + 1):
                costs[y] += entrants[k] * q[:, y - k]
        if s == results.strategy:
            for c, category in enumerate(table.index):
                costs[:, c] += results.one_off.get(category, 0.0) * set_ups
                costs[:, c] += results.recurring.get(category, 0.0) * in_post
        out[s] = costs * results.price_factor
    return out


def _check_profiles(profiles: dict[str, pd.DataFrame], results: BudgetImpactResults) -> None:
    rebuilt = rebuild_costs(profiles, results)
    tidy = results.costs
    for s, costs in rebuilt.items():
        expected = (
            tidy[tidy["strategy"] == s].pivot(index="year", columns="category", values="cost")
            .reindex(columns=list(profiles[s].index)).to_numpy(dtype=float)
        )
        scale = max(1.0, float(np.abs(expected).max()))
        if not np.allclose(costs, expected, rtol=1e-9, atol=1e-9 * scale):
            raise _core.ModelError(
                f"the per-person cost profiles of '{s}' do not rebuild the budget (largest "
                f"difference {float(np.abs(costs - expected).max()):g}); the workbook's formulas "
                "would disagree with the results, so it is not written"
            )


# --------------------------------------------------------------------------------------------
# The workbook.
# --------------------------------------------------------------------------------------------

@dataclass
class _Cells:
    """Where the live inputs are, as absolute references for formulas."""

    entrants: list[str]
    factor: str
    discount_rate: str
    one_off: dict[str, str]
    recurring: dict[str, str]
    #: A team's capacity (people a year) when the fixed costs are per team.
    capacity: Optional[str] = None


class _Writer:
    def __init__(self, results: BudgetImpactResults, folder: Path, case: BusinessCase,
                 profiles: EntrantProfiles, index: PriceIndex, model: Model,
                 sheets: Sequence[str] = tuple(SHEETS)) -> None:
        openpyxl = _require_openpyxl()
        from openpyxl.styles import Alignment, Font, PatternFill

        self.r = results
        self.folder = folder
        self.case = case
        self.profiles = profiles
        self.index = index
        self.model = model
        self.currency = str(model.spec.settings.currency or "GBP")
        self.horizon = len(results.years)
        self.categories = list(results.payers)
        self.book = openpyxl.Workbook()
        self.book.remove(self.book.active)
        self.sheets = {name: self.book.create_sheet(name) for name in sheets}
        self.bold = Font(bold=True)
        self.title = Font(bold=True, size=14)
        self.note = Font(italic=True, color="555555")
        self.input_fill = PatternFill("solid", fgColor="DDEBF7")  # blue: change me
        self.model_fill = PatternFill("solid", fgColor="F2F2F2")  # grey: from the model
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.money_label = (f"{self.currency}, {results.price_year} prices" if results.price_year
                            else self.currency)

    # -- small helpers ---------------------------------------------------------------------
    def _header(self, ws: "Worksheet", row: int, labels: Sequence[object], start: int = 1) -> None:
        for j, label in enumerate(labels):
            cell = ws.cell(row=row, column=start + j, value=label)
            cell.font = self.bold
            if isinstance(label, int):
                cell.number_format = _YEAR

    def _title(self, ws: "Worksheet", text: str, note: str) -> None:
        ws.cell(row=1, column=1, value=text).font = self.title
        ws.cell(row=2, column=1, value=note).font = self.note

    # -- Inputs ----------------------------------------------------------------------------
    def inputs(self) -> _Cells:
        ws = self.sheets["Inputs"]
        r = self.r
        self._title(
            ws, f"Inputs: {r.strategy} vs {r.comparator}, {r.sizing.area}",
            "Blue cells are live inputs: change one and every formula of the workbook "
            "recalculates. Grey cells come from the model. Sources on every row.",
        )
        widths = {"A": 44, "B": 18, "C": 26, "D": 12, "E": 90, "F": 60, "G": 40}
        for column, width in widths.items():
            ws.column_dimensions[column].width = width
        row = 4
        ws.cell(row=row, column=1, value="Live inputs").font = self.bold
        row += 1
        self._header(ws, row, ["Input", "Value", "Unit", "Price year", "Source", "Notes"])
        row += 1
        sizing = r.sizing
        entrants: list[str] = []

        def put(label: str, value: object, unit: str, price_year: str, source: str,
                notes: str = "", fmt: Optional[str] = None, live: bool = True) -> str:
            nonlocal row
            ws.cell(row=row, column=1, value=label)
            cell = ws.cell(row=row, column=2, value=value)
            if fmt:
                cell.number_format = fmt
            if live:
                cell.fill = self.input_fill
            ws.cell(row=row, column=3, value=unit)
            ws.cell(row=row, column=4, value=price_year)
            ws.cell(row=row, column=5, value=source).alignment = self.wrap
            ws.cell(row=row, column=6, value=notes).alignment = self.wrap
            ref = _ref("Inputs", 2, row)
            row += 1
            return ref

        if sizing.basis == "entrants":
            src = self._source("entrants")
            for y, n in enumerate(sizing.entrants, start=1):
                entrants.append(put(f"Entrants in year {y}", n, "people", "", src, fmt="#,##0.00"))
        else:
            pop = put("Population", sizing.population, "people", "", self._population_source(),
                      sizing.area, fmt="#,##0")
            rate = put(sizing.basis.capitalize(), sizing.rate,
                       KEY_UNITS[sizing.basis], "", self._source(sizing.basis), fmt="0.000000")
            for y, u in enumerate(sizing.uptake, start=1):
                share = put(f"Uptake in year {y}", u, "share of the eligible", "",
                            self._source("uptake"), "the last value given holds for later years"
                            if y > len(self._list("uptake")) else "", fmt=_SHARE)
                entrants.append(f"{pop}*{rate}*{share}")

        model_year = self.profiles.model_price_year
        index_refs = self._index_rows(ws, model_year)
        if model_year and r.price_year:
            model_level = put(f"Index level of the model's price year ({model_year})",
                              f"={index_refs[model_year]}", "index, 2014/15 = 100", model_year,
                              "NHS cost inflation index row below", fmt="0.0000", live=False)
            case_level = put(f"Index level of the business case's price year ({r.price_year})",
                             f"={index_refs[r.price_year]}", "index, 2014/15 = 100", r.price_year,
                             "NHS cost inflation index row below", fmt="0.0000", live=False)
            factor = put("Price factor (model price year to business-case price year)",
                         f"={case_level}/{model_level}", "ratio", "",
                         "index(business-case price year) / index(model price year)",
                         fmt="0.000000", live=False)
        else:
            factor = put("Price factor", 1.0, "ratio", "",
                         "no conversion: the model declares no price year", live=False)

        capacity = None
        if r.staffing is not None:
            capacity = put("Team capacity (people one team sees a year)", r.staffing.capacity,
                           "people a year", "", self._source("team_capacity"),
                           f"{self._value('team_capacity')}, at the base case; the one-off and "
                           "recurring costs below are one team's", fmt="#,##0.00")
        per_team = r.staffing is not None
        one_off = {
            c: put(f"One-off cost per team set up: {c}" if per_team else
                   f"One-off cost in year 1: {c}", amount, self.currency, model_year,
                   self._source("one_off"), f"intervention only; {self._value('one_off')}",
                   fmt=_MONEY)
            for c, amount in r.one_off.items()
        }
        recurring = {
            c: put(f"Recurring cost a year per team: {c}" if per_team else
                   f"Recurring cost a year: {c}", amount, f"{self.currency} a year", model_year,
                   self._source("recurring"), f"intervention only; {self._value('recurring')}",
                   fmt=_MONEY)
            for c, amount in r.recurring.items()
        }
        rate_value, rate_source = self._discount_rate()
        discount = put("Discount rate for the NPV", rate_value, "per year", "", rate_source,
                       "budget year 1 is not discounted", fmt=_SHARE)

        row += 1
        row = self._case_rows(ws, row)
        row += 1
        self._parameter_rows(ws, row)
        return _Cells(entrants, factor, discount, one_off, recurring, capacity)

    def _list(self, key: str) -> list[str]:
        return [p for p in (self.case.get(key) or "").split(";") if p.strip()]

    def _value(self, key: str) -> str:
        return f"business_case.csv {key}: {self.case.get(key) or ''}"

    def _source(self, key: str) -> str:
        row = self.case.rows.get(key)
        return row.source if row is not None else "parity default (docs/methods/budget-impact.md)"

    def _population_source(self) -> str:
        sizing = self.r.sizing
        if sizing.area == "population given":
            given = self.case.get("population")
            try:
                from_file = given is not None and float(given) == sizing.population
            except ValueError:
                from_file = False
            return self._source("population") if from_file else "given by the user (--population)"
        table = ics_table()
        match = table[table["ics_name"] == sizing.area]
        source = str(match["source"].iloc[0]) if len(match) else ""
        return f"{sizing.area}: {source}; params/reference/ics_populations.csv (ONS, OGL v3)"

    def _discount_rate(self) -> tuple[float, str]:
        d = list(self.r.investment.discount_factors)
        given = self.case.get("discount_rate")
        if given is not None:
            rate, source = float(given), self._source("discount_rate")
        else:
            rate = 0.035
            source = ("HM Treasury, The Green Book (2022), Annex 6: social time preference rate "
                      "3.5% a year for years 0-30")
        expected = [(1.0 + rate) ** -(y) for y in range(len(d))]
        if not np.allclose(d, expected, rtol=1e-12):
            raise _core.ModelError(
                "the results' discount factors are not 1/(1 + rate)^(year - 1); the workbook's "
                "NPV formula would disagree with them"
            )
        return rate, source

    def _index_rows(self, ws: "Worksheet", model_year: str) -> dict[str, str]:
        """Write the index rows the conversion uses (the chain between them) at column H."""
        years = [y for y in (model_year, self.r.price_year) if y]
        refs: dict[str, str] = {}
        if not years:
            return refs
        all_years = self.index.years
        lo, hi = sorted(all_years.index(y) for y in years)
        table = self.index.table
        start_col, row = 8, 4
        ws.cell(row=row, column=start_col, value="NHS cost inflation index rows used "
                f"({self.index.path.name})").font = self.bold
        row += 1
        columns = [c for c in ("financial_year", "index_value", "annual_pct_change", "series",
                               "source") if c in table.columns]
        self._header(ws, row, columns, start=start_col)
        for j in range(len(columns)):
            ws.column_dimensions[_col(start_col + j)].width = 14 if j < 3 else 40
        for i in range(lo, hi + 1):
            row += 1
            record = table.iloc[i]
            for j, column in enumerate(columns):
                value = record[column]
                if isinstance(value, float) and math.isnan(value):
                    value = None
                ws.cell(row=row, column=start_col + j, value=value)
            refs[str(record["financial_year"])] = _ref("Inputs", start_col + 1, row)
        return refs

    def _case_rows(self, ws: "Worksheet", row: int) -> int:
        ws.cell(row=row, column=1, value=f"business_case.csv as read ({self.case.path})").font = self.bold
        row += 1
        self._header(ws, row, ["Key", "Value", "Unit", "Price year", "Source", "Notes", "Line"])
        price_year = self.profiles.model_price_year
        for item in self.case.rows.values():
            row += 1
            money = item.key in ("one_off", "recurring")
            values = [item.key, item.value, KEY_UNITS.get(item.key, ""),
                      price_year if money else "", item.source, item.notes, item.line]
            for j, value in enumerate(values, start=1):
                ws.cell(row=row, column=j, value=value).alignment = self.wrap
        return row + 1

    def _parameter_rows(self, ws: "Worksheet", row: int) -> None:
        model = self.model
        overrides = {k: float(v) for k, v in _pairs(self.case, "overrides").items()}
        values = dict(model.compile().parameter_values(0, overrides))
        ws.cell(row=row, column=1,
                value="Model parameters (parameters.csv), base-case values with the business "
                "case's overrides").font = self.bold
        row += 1
        self._header(ws, row, ["Parameter", "Value used", "Unit", "Price year", "Source", "Notes",
                               "Expression in parameters.csv"])
        for p in model.spec.parameters:
            row += 1
            note = p.notes
            if p.name in overrides:
                note = f"set to {overrides[p.name]:g} by business_case.csv overrides. {note}"
            cells = [p.name, values.get(p.name), p.unit, p.price_year, p.source, note, p.expression]
            for j, value in enumerate(cells, start=1):
                cell = ws.cell(row=row, column=j, value=value)
                cell.alignment = self.wrap
            ws.cell(row=row, column=2).fill = self.model_fill

    # -- Assumptions -----------------------------------------------------------------------
    def assumptions(self) -> None:
        ws = self.sheets["Assumptions"]
        self._title(ws, "Assumptions",
                    "Every input whose source is an assumption, then the method's conventions "
                    "(docs/methods/budget-impact.md).")
        for column, width in {"A": 34, "B": 30, "C": 110}.items():
            ws.column_dimensions[column].width = width
        row = 4
        self._header(ws, row, ["Input", "Value", "Assumption and reasoning"])
        found = [(f"business_case.csv: {r.key}", r.value, r.source)
                 for r in self.case.rows.values() if r.source.lower().startswith("assumption")]
        found += [(f"parameters.csv: {p.name}", p.expression, p.source)
                  for p in self.model.spec.parameters
                  if p.source.strip().lower().startswith("assumption")]
        for item in found:
            row += 1
            for j, value in enumerate(item, start=1):
                ws.cell(row=row, column=j, value=value).alignment = self.wrap
        row += 2
        ws.cell(row=row, column=1, value="Method conventions").font = self.bold
        staffing = [STAFFING_CONVENTION] if self.r.staffing is not None else []
        for name, text in CONVENTIONS + staffing:
            row += 1
            ws.cell(row=row, column=1, value=name)
            ws.cell(row=row, column=3, value=text).alignment = self.wrap

    # -- Model results ---------------------------------------------------------------------
    def model_results(self) -> dict[str, dict[str, int]]:
        """Write the per-person profiles; return each strategy's row by category."""
        ws = self.sheets["Model results"]
        price = self.profiles.model_price_year or "the model's own"
        self._title(
            ws, "Model results: cost per person entering in budget year 1",
            f"Values from the model (parity, model folder {self.folder.name}, with the overrides "
            f"of business_case.csv): undiscounted cost per person, {price} prices, in each year "
            "after entry (entry timing: " + self.r.timing + "). They are not formulas: change "
            "the model folder and rerun parity business-case to change them.",
        )
        ws.column_dimensions["A"].width = 18
        ws.column_dimensions["B"].width = 26
        ws.column_dimensions["C"].width = 26
        row = 4
        self._header(ws, row, ["Strategy", "Category", "Payer"] + list(range(1, self.horizon + 1)))
        rows: dict[str, dict[str, int]] = {}
        for s, table in self.profiles.costs.items():
            rows[s] = {}
            for category in self.categories:
                row += 1
                ws.cell(row=row, column=1, value=s)
                ws.cell(row=row, column=2, value=category)
                ws.cell(row=row, column=3, value=self.r.payers[category])
                for a in range(self.horizon):
                    cell = ws.cell(row=row, column=4 + a, value=float(table.loc[category, a + 1]))
                    cell.number_format = _MONEY
                    cell.fill = self.model_fill
                rows[s][category] = row
        return rows

    # -- Year by year ----------------------------------------------------------------------
    def year_by_year(self, cells: _Cells, profile_rows: dict[str, dict[str, int]]) -> dict[str, object]:
        ws = self.sheets["Year by year"]
        r, H = self.r, self.horizon
        first = 5  # column of year 1
        last = first + H - 1
        total_col = last + 1
        self._title(
            ws, f"Year by year: {r.strategy} vs {r.comparator}, {r.sizing.area}",
            f"Undiscounted costs, {self.money_label}. Every cell is a formula: budget year y "
            "costs price factor x (sum over entry years k <= y of entrants(k) x the model's cost "
            "per person in their (y - k + 1)th year) plus the intervention's one-off and "
            "recurring costs" + (" per team: times the teams set up and in post." if cells.capacity
                                 else "."),
        )
        for column, width in {"A": 44, "B": 26, "C": 15, "D": 12}.items():
            ws.column_dimensions[column].width = width
        for j in range(first, total_col + 1):
            ws.column_dimensions[_col(j)].width = 16
        row = 4
        self._header(ws, row, ["", "", "", ""] + list(range(1, H + 1)) + ["Total"])
        years_row = row
        row += 1
        ws.cell(row=row, column=1, value="Entrants (people starting)")
        for y in range(H):
            ws.cell(row=row, column=first + y, value=f"={cells.entrants[y]}").number_format = "#,##0.00"
        ws.cell(row=row, column=total_col, value=f"=SUM({_col(first)}{row}:{_col(last)}{row})").number_format = "#,##0.00"
        entrants_row = row
        teams = self._teams(ws, cells, row, first, last) if cells.capacity else None
        if teams is not None:
            row = teams["added"]

        def cost_block(strategy: str, label: str, fixed: bool) -> tuple[int, int]:
            nonlocal row
            row += 2
            ws.cell(row=row, column=1, value=label).font = self.bold
            row += 1
            self._header(ws, row, ["Category", "Payer", "Cash-releasing", "Investment"]
                         + list(range(1, H + 1)) + ["Total"])
            top = row + 1
            for category in self.categories:
                row += 1
                self._category_cells(ws, row, category)
                q = profile_rows[strategy][category]
                for y in range(H):
                    terms = [
                        f"{_col(first + k)}${entrants_row}*'Model results'!${_col(4 + y - k)}${q}"
                        for k in range(y + 1)
                    ]
                    extra = ""
                    c = _col(first + y)
                    if fixed and category in cells.one_off and teams is not None:
                        extra += f"+{cells.one_off[category]}*{c}${teams['added']}"
                    elif fixed and category in cells.one_off and y == 0:
                        extra += f"+{cells.one_off[category]}"
                    if fixed and category in cells.recurring:
                        per_team = f"*{c}${teams['in_post']}" if teams is not None else ""
                        extra += f"+{cells.recurring[category]}{per_team}"
                    formula = f"={cells.factor}*({'+'.join(terms)}{extra})"
                    ws.cell(row=row, column=first + y, value=formula).number_format = _MONEY
                self._row_total(ws, row, first, last)
            bottom = row
            row += 1
            self._column_totals(ws, row, "Total", top, bottom, first, total_col)
            return top, bottom

        comp = cost_block(r.comparator, f"Current practice ({r.comparator})", False)
        strat = cost_block(r.strategy, f"Intervention ({r.strategy})", True)

        row += 2
        ws.cell(row=row, column=1, value="Intervention minus current practice "
                "(positive: costs more; negative: saves)").font = self.bold
        row += 1
        self._header(ws, row, ["Category", "Payer", "Cash-releasing", "Investment"]
                     + list(range(1, H + 1)) + ["Total"])
        top = row + 1
        for i, category in enumerate(self.categories):
            row += 1
            self._category_cells(ws, row, category)
            for j in range(first, last + 1):
                c = _col(j)
                ws.cell(row=row, column=j, value=f"={c}{strat[0] + i}-{c}{comp[0] + i}").number_format = _MONEY
            self._row_total(ws, row, first, last)
        bottom = row
        row += 1
        self._column_totals(ws, row, "Net budget impact (total)", top, bottom, first, total_col)
        incr = (top, bottom)

        def span(column: str) -> str:
            return f"${column}${incr[0]}:${column}${incr[1]}"

        row += 2
        ws.cell(row=row, column=1, value="By payer (intervention minus current practice)").font = self.bold
        row += 1
        self._header(ws, row, ["Payer", "", "", ""] + list(range(1, H + 1)) + ["Total"])
        payer_rows = {}
        for payer in dict.fromkeys(r.payers.values()):
            row += 1
            ws.cell(row=row, column=1, value=payer)
            for j in range(first, last + 1):
                c = _col(j)
                ws.cell(row=row, column=j,
                        value=f'=SUMIF({span("B")},$A{row},{c}${incr[0]}:{c}${incr[1]})').number_format = _MONEY
            self._row_total(ws, row, first, last)
            payer_rows[payer] = row

        row += 2
        ws.cell(row=row, column=1, value="Investment view").font = self.bold
        row += 1
        self._header(ws, row, ["", "", "", ""] + list(range(1, H + 1)) + ["Total"])
        view: dict[str, int] = {}

        def line(key: str, label: str, formula_of, total: bool = True, fmt: str = _MONEY) -> None:
            nonlocal row
            row += 1
            ws.cell(row=row, column=1, value=label)
            for y in range(H):
                c = _col(first + y)
                ws.cell(row=row, column=first + y, value=formula_of(y, c)).number_format = fmt
            if total:
                self._row_total(ws, row, first, last)
            view[key] = row

        def inc(c: str) -> str:
            return f"{c}${incr[0]}:{c}${incr[1]}"

        def minus(a: str, b: str):
            return lambda y, c: f"={c}{view[a]}-{c}{view[b]}"

        def running(key: str):
            # A running total: the sum from year 1 to this year.
            return lambda y, c: f"=SUM(${_col(first)}{view[key]}:{c}{view[key]})"

        line("investment", "Investment (I)", lambda y, c: f'=SUMIF({span("D")},"yes",{inc(c)})')
        line("gross_savings", "Gross savings (S)", lambda y, c: f'=-SUMIF({span("D")},"no",{inc(c)})')
        line("cash_savings", "Cash-releasing savings",
             lambda y, c: f'=-SUMIFS({inc(c)},{span("D")},"no",{span("C")},"yes")')
        line("wider_benefits", "Wider benefits outside the budget perspective (W, not savings)",
             lambda y, c: f'=-SUMIF({span("D")},"{OUTSIDE}",{inc(c)})')
        line("net_budget_impact", "Net budget impact (I - S)", minus("investment", "gross_savings"))
        line("cumulative_net_budget_impact", "Cumulative net budget impact",
             running("net_budget_impact"), total=False)
        line("net_savings", "Net savings (S - I)", minus("gross_savings", "investment"))
        line("cumulative_net_savings", "Cumulative net savings", running("net_savings"),
             total=False)
        line("cash_net_savings", "Cash-releasing net savings (cash S - I)",
             minus("cash_savings", "investment"))
        line("cumulative_cash_net_savings", "Cumulative cash-releasing net savings",
             running("cash_net_savings"), total=False)
        line("discount_factor", "Discount factor (1 + rate)^-(year - 1)",
             lambda y, c: f"=1/(1+{cells.discount_rate})^({c}${years_row}-1)", total=False,
             fmt="0.000000")
        line("present_value", "Present value of net savings",
             lambda y, c: f"={c}{view['discount_factor']}*{c}{view['net_savings']}")
        line("cash_present_value", "Present value of cash-releasing net savings",
             lambda y, c: f"={c}{view['discount_factor']}*{c}{view['cash_net_savings']}")
        end = _col(last)
        line("stays_even", "Cumulative net savings stay >= 0 from here (1 = yes)",
             lambda y, c: f"=IF(MIN({c}{view['cumulative_net_savings']}:${end}{view['cumulative_net_savings']})>=0,1,0)",
             total=False, fmt="0")
        line("cash_stays_even", "Cumulative cash-releasing net savings stay >= 0 from here",
             lambda y, c: f"=IF(MIN({c}{view['cumulative_cash_net_savings']}:${end}{view['cumulative_cash_net_savings']})>=0,1,0)",
             total=False, fmt="0")
        ws.freeze_panes = ws.cell(row=5, column=first)
        return {"view": view, "payers": payer_rows, "increments": incr, "years_row": years_row,
                "first": first, "last": last, "total": total_col, "entrants_row": entrants_row,
                "teams": teams}

    def _teams(self, ws: "Worksheet", cells: _Cells, entrants_row: int, first: int,
               last: int) -> dict[str, int]:
        """The staffing rows under the entrants: teams in post (entrants / capacity rounded up,
        the ratio first rounded to RATIO_DECIMALS decimals as parity does), teams set up by the
        end of each year (at least one in year 1, never fewer than before) and the set-ups paid
        in each year. Returns their rows."""
        rows = {"in_post": entrants_row + 1, "built": entrants_row + 2, "added": entrants_row + 3}
        labels = {"in_post": "Teams in post (entrants / team capacity, rounded up)",
                  "built": "Teams set up by the end of the year",
                  "added": "Teams set up this year (set-up costs paid)"}
        for key, row in rows.items():
            ws.cell(row=row, column=1, value=labels[key])
            for y in range(last - first + 1):
                c, before = _col(first + y), _col(first + y - 1)
                formula = {
                    "in_post": f"=CEILING(ROUND({c}{entrants_row}/{cells.capacity},{RATIO_DECIMALS}),1)",
                    "built": (f"=MAX(1,{c}{rows['in_post']})" if y == 0
                              else f"=MAX({before}{row},{c}{rows['in_post']})"),
                    "added": (f"={c}{rows['built']}" if y == 0
                              else f"={c}{rows['built']}-{before}{rows['built']}"),
                }[key]
                ws.cell(row=row, column=first + y, value=formula).number_format = "0"
            if key != "built":
                ws.cell(row=row, column=last + 1,
                        value=f"=SUM({_col(first)}{row}:{_col(last)}{row})").number_format = "0"
        return rows

    def _category_cells(self, ws: "Worksheet", row: int, category: str) -> None:
        ws.cell(row=row, column=1, value=category)
        ws.cell(row=row, column=2, value=self.r.payers[category])
        ws.cell(row=row, column=3, value="yes" if self.r.cash_releasing[category] else "no")
        inv = category in self.r.investment.investment_categories
        role = "yes" if inv else "no" if self.r.in_perspective[category] else OUTSIDE
        ws.cell(row=row, column=4, value=role)

    def _column_totals(self, ws: "Worksheet", row: int, label: str, top: int, bottom: int,
                       first: int, total_col: int) -> None:
        ws.cell(row=row, column=1, value=label).font = self.bold
        for j in range(first, total_col + 1):
            c = _col(j)
            ws.cell(row=row, column=j, value=f"=SUM({c}{top}:{c}{bottom})").number_format = _MONEY

    @staticmethod
    def _row_total(ws: "Worksheet", row: int, first: int, last: int) -> None:
        ws.cell(row=row, column=last + 1,
                value=f"=SUM({_col(first)}{row}:{_col(last)}{row})").number_format = _MONEY

    # -- Summary ---------------------------------------------------------------------------
    def summary(self, layout: dict[str, object],
                break_even_probability: Optional[Sequence[float]],
                psa_label: str = "the PSA") -> dict[str, str]:
        ws = self.sheets["Summary"]
        r = self.r
        view: dict[str, int] = layout["view"]  # type: ignore[assignment]
        first, last, total = layout["first"], layout["last"], layout["total"]  # type: ignore[misc]
        years_row = layout["years_row"]
        Y = "'Year by year'!"
        self._title(
            ws, f"Business case: {r.strategy} vs {r.comparator}",
            f"{r.sizing.area}; {self.horizon} budget years; perspective {r.perspective_name}; "
            f"{self.money_label}, undiscounted except the NPV. Every figure is a formula over the 'Year by year' and 'Inputs' "
            "sheets.",
        )
        ws.column_dimensions["A"].width = 58
        ws.column_dimensions["B"].width = 22
        ws.column_dimensions["C"].width = 70

        def tot(key: str) -> str:
            return f"{Y}${_col(total)}${view[key]}"  # type: ignore[arg-type]

        def span(key: str) -> str:
            return f"{Y}${_col(first)}${view[key]}:${_col(last)}${view[key]}"  # type: ignore[arg-type]

        years = f"{Y}${_col(first)}${years_row}:${_col(last)}${years_row}"  # type: ignore[arg-type]
        none = "none within the horizon"
        items = [
            ("entrants", "People entering over the horizon", f"={Y}${_col(total)}${layout['entrants_row']}", "#,##0.00", ""),
        ]
        teams = layout["teams"]
        if teams is not None:
            items.append(("teams", "Teams set up over the horizon", f"={Y}${_col(total)}${teams['added']}", "0",  # type: ignore[index]
                          "the most teams in post in any year; one team sees the capacity on the Inputs sheet"))
        items += [
            ("total_investment", "Investment", f"={tot('investment')}", _MONEY, "intervention minus current practice, investment categories"),
            ("total_gross_savings", "Gross savings", f"={tot('gross_savings')}", _MONEY, f"the other categories inside the budget perspective ({r.perspective_name})"),
            ("total_cash_savings", "Cash-releasing savings", f"={tot('cash_savings')}", _MONEY, "categories marked cash-releasing only"),
            ("total_wider_benefits", "Wider benefits outside the budget perspective (not budget savings)", f"={tot('wider_benefits')}", _MONEY, "categories whose payer is outside the perspective; in no other figure"),
            ("net_budget_impact", "Net budget impact (investment - savings)", f"={tot('net_budget_impact')}", _MONEY, "positive: costs the system more"),
            ("roi", "Return on investment (savings - investment) / investment", None, "0.00%", "0% = break-even, -100% = nothing back"),
            ("cash_roi", "Return on investment, cash-releasing savings only", None, "0.00%", ""),
            ("benefit_cost_ratio", "Benefit-cost ratio (savings / investment)", None, "0.0000", ""),
            ("npv", "Net present value of net savings", f"=SUMPRODUCT({span('net_savings')},{span('discount_factor')})", _MONEY, "discount rate on the Inputs sheet (Green Book 3.5%)"),
            ("cash_npv", "Net present value, cash-releasing savings only", f"=SUMPRODUCT({span('cash_net_savings')},{span('discount_factor')})", _MONEY, ""),
            ("break_even_year", "Break-even (payback) year", f'=IFERROR(INDEX({years},MATCH(1,{span("stays_even")},0)),"{none}")', "0", "first year from whose end cumulative net savings stay >= 0"),
            ("cash_break_even_year", "Break-even year, cash-releasing savings only", f'=IFERROR(INDEX({years},MATCH(1,{span("cash_stays_even")},0)),"{none}")', "0", ""),
        ]
        refs: dict[str, str] = {}
        row = 3
        self._header(ws, row, ["Measure", "Value", "How it is computed"])
        for key, label, formula, fmt, how in items:
            row += 1
            refs[key] = f"$B${row}"
        inv, sav, cash = refs["total_investment"], refs["total_gross_savings"], refs["total_cash_savings"]
        no_inv = '"undefined (no investment)"'
        formulas = {
            "roi": f"=IF({inv}=0,{no_inv},({sav}-{inv})/{inv})",
            "cash_roi": f"=IF({inv}=0,{no_inv},({cash}-{inv})/{inv})",
            "benefit_cost_ratio": f"=IF({inv}=0,{no_inv},{sav}/{inv})",
        }
        row = 3
        for key, label, formula, fmt, how in items:
            row += 1
            ws.cell(row=row, column=1, value=label)
            cell = ws.cell(row=row, column=2, value=formula or formulas[key])
            cell.number_format = fmt
            ws.cell(row=row, column=3, value=how).font = self.note

        row += 2
        ws.cell(row=row, column=1, value="Probability of breaking even (PSA)").font = self.bold
        for y in range(self.horizon):
            row += 1
            ws.cell(row=row, column=1, value=f"Probability of breaking even by the end of year {y + 1}")
            if break_even_probability is None:
                ws.cell(row=row, column=2, value=NOT_RUN)
                ws.cell(row=row, column=3, value="probabilistic sensitivity analysis not run for "
                        "this workbook").font = self.note
            else:
                ws.cell(row=row, column=2, value=float(break_even_probability[y])).number_format = "0.0%"
                ws.cell(row=row, column=3, value=f"from {psa_label}: share of samples whose "
                        "cumulative net savings are >= 0 at the end of this year (a value, "
                        "not a formula)").font = self.note
            refs[f"break_even_probability_{y + 1}"] = f"$B${row}"

        row += 2
        self._who_pays(ws, row, layout)
        return refs

    def _who_pays(self, ws: "Worksheet", row: int, layout: dict[str, object]) -> None:
        s = self.r.investment
        first, last = layout["first"], layout["last"]
        top, bottom = layout["increments"]  # type: ignore[misc]
        total = _col(layout["total"])  # type: ignore[arg-type]
        Y = "'Year by year'!"
        tot = f"{Y}${total}${top}:${total}${bottom}"
        payer = f"{Y}$B${top}:$B${bottom}"
        inv = f"{Y}$D${top}:$D${bottom}"
        ws.cell(row=row, column=1, value="Who pays, who saves (over the horizon, undiscounted): "
                "each payer's savings shared among the investing payers in proportion to their "
                "investment").font = self.bold
        row += 1
        savers = list(s.saving_payers)
        self._header(ws, row, ["Investing payer", "Investment"] + savers)
        for j in range(len(savers)):
            ws.column_dimensions[_col(3 + j)].width = max(18, len(savers[j]) + 2)
        inv_top = row + 1
        investors = list(s.investing_payers)
        total_row = inv_top + len(investors)
        for i, investor in enumerate(investors):
            row += 1
            ws.cell(row=row, column=1, value=investor)
            ws.cell(row=row, column=2, value=f'=SUMIFS({tot},{payer},$A{row},{inv},"yes")').number_format = _MONEY
            for j in range(len(savers)):
                c = _col(3 + j)
                ws.cell(row=row, column=3 + j,
                        value=f"=IF($B${total_row}=0,0,$B{row}/$B${total_row}*{c}${total_row})").number_format = _MONEY
        row += 1
        ws.cell(row=row, column=1, value="total (savings by payer)").font = self.bold
        ws.cell(row=row, column=2, value=f"=SUM(B{inv_top}:B{row - 1})").number_format = _MONEY
        for j, saver in enumerate(savers):
            ws.cell(row=row, column=3 + j,
                    value=f'=-SUMIFS({tot},{payer},"{saver}",{inv},"no")').number_format = _MONEY

    # -- Scenarios and uncertainty: values from the model, not formulas --------------------
    def _values_note(self, ws: "Worksheet", title: str, note: str) -> None:
        self._title(ws, title, note)
        ws.cell(row=3, column=1, value=(
            "These are values, not formulas: they do not follow edits of the Inputs sheet. Run "
            "parity business-case again to update them.")).font = self.note

    def _table(self, ws: "Worksheet", row: int, header: Sequence[str],
               rows: Sequence[Sequence[object]], formats: Sequence[Optional[str]]) -> int:
        """Write a header and rows from column A; return the row after the table."""
        self._header(ws, row, header)
        for values in rows:
            row += 1
            for j, (value, fmt) in enumerate(zip(values, formats), start=1):
                if isinstance(value, float) and math.isnan(value):
                    value = "undefined"
                cell = ws.cell(row=row, column=j, value=value)
                if fmt and isinstance(value, (int, float)):
                    cell.number_format = fmt
        return row + 1

    def scenarios(self, scenarios: "BusinessCaseScenarios") -> None:
        ws = self.sheets[SCENARIOS_SHEET]
        table = scenarios.summary
        self._values_note(
            ws, f"Scenarios: {self.r.strategy} vs {self.r.comparator}",
            f"Each named scenario run by the model (scenarios.csv and "
            f"business_case_scenarios.csv of the model folder) beside the business case as "
            f"written; {self.money_label}, undiscounted except the NPV.",
        )
        ws.column_dimensions["A"].width = 52
        ws.column_dimensions["B"].width = 26
        names = list(table.index)
        for j in range(len(names)):
            ws.column_dimensions[_col(3 + j)].width = 22
        row = 5
        self._header(ws, row, ["Measure", "Key (column of the CSV table)"] + names)
        row += 1
        ws.cell(row=row, column=1, value="What the scenario changes")
        ws.cell(row=row, column=2, value="description")
        for j, name in enumerate(names):
            ws.cell(row=row, column=3 + j, value=str(table.loc[name, "description"])).alignment = self.wrap
        years = [c for c in table.columns if c.startswith("net_savings_year_")]
        lines = list(SCENARIO_ROWS) + [
            (c, f"Net savings in year {c.rsplit('_', 1)[1]}", _MONEY) for c in years
        ]
        none = "none within the horizon"
        for key, label, fmt in lines:
            row += 1
            ws.cell(row=row, column=1, value=label)
            ws.cell(row=row, column=2, value=key).font = self.note
            for j, name in enumerate(names):
                value = table.loc[name, key]
                if key.endswith("break_even_year"):
                    value = int(value) if int(value) else none
                elif isinstance(value, float) and math.isnan(value):
                    value = "undefined (no investment)"
                else:
                    value = float(value)
                cell = ws.cell(row=row, column=3 + j, value=value)
                if not isinstance(value, str):
                    cell.number_format = fmt
        row += 2
        ws.cell(row=row, column=1, value=(
            "Break-even year: the first year from whose end cumulative net savings stay >= 0 "
            "(docs/methods/budget-impact.md, section 8.3 for the scenario files).")).font = self.note

    def uncertainty(self, psa: "Optional[BusinessCasePsa]", tornado: Optional[pd.DataFrame],
                    level: float) -> None:
        ws = self.sheets[UNCERTAINTY_SHEET]
        r = self.r
        runs = []
        if psa is not None:
            runs.append(f"probabilistic sensitivity analysis (PSA) of {psa.n_samples:,} samples, "
                        f"seed {psa.seed}")
        if tornado is not None:
            runs.append("one-way deterministic sensitivity analysis (DSA) of the ROI")
        self._values_note(
            ws, f"Uncertainty: {r.strategy} vs {r.comparator}",
            "From the model's " + " and ".join(runs or ["runs (none given)"]) + f"; "
            f"{self.money_label}. Method: docs/methods/budget-impact.md, section 8.",
        )
        ws.column_dimensions["A"].width = 30
        for c in "BCDEFGH":
            ws.column_dimensions[c].width = 22
        ws.column_dimensions["I"].width = 60
        row = 5
        money, share = _MONEY, "0.0%"
        ws.cell(row=row, column=1, value="Probability of breaking even by year (PSA)").font = self.bold
        row += 1
        if psa is None:
            ws.cell(row=row, column=1, value=NOT_RUN)
            ws.cell(row=row, column=2, value="run parity business-case with --psa N").font = self.note
            row += 2
        else:
            be = psa.break_even()
            row = self._table(
                ws, row,
                ["Year", "Probability cumulative net savings >= 0 at the end of the year",
                 "The same, cash-releasing savings only",
                 "Probability the break-even year is this year or earlier",
                 "Base case cumulative net savings"],
                [(int(y), float(b["probability"]), float(b["probability_cash"]),
                  float(b["probability_stays"]), float(b["base_cumulative_net_savings"]))
                 for y, b in be.iterrows()],
                [_YEAR, share, share, share, money],
            )
            row += 1
            low, high = (1 - level) / 2, (1 + level) / 2
            ws.cell(row=row, column=1, value=(
                f"Net savings by year: mean and {level:.0%} interval (PSA; {low:.1%} and "
                f"{high:.1%} percentiles)")).font = self.bold
            row += 1
            intervals = psa.intervals(level)
            row = self._table(
                ws, row, ["Year", "Measure", "Base case", "Mean", "Lower", "Upper"],
                [(int(i.year), i.measure, float(i.base_case), float(i.mean), float(i.lower),
                  float(i.upper)) for i in intervals.itertuples(index=False)],
                [_YEAR, None, money, money, money, money],
            )
            row += 1
            ws.cell(row=row, column=1, value=(
                f"Totals over the horizon: mean and {level:.0%} interval (PSA)")).font = self.bold
            row += 1
            summary = psa.summary(level)
            ratio = {"roi": share, "cash_roi": share, "benefit_cost_ratio": "0.0000"}
            self._header(ws, row, ["Measure", "Base case", "Mean", "Lower", "Upper",
                                   "Probability above 0", "Samples undefined"])
            labels = {key: label for key, label, _ in SCENARIO_ROWS}
            for measure, m in summary.iterrows():
                row += 1
                fmt = ratio.get(str(measure), money)
                values = [labels.get(str(measure), str(measure))]
                values += [float(m[c]) for c in ("base_case", "mean", "lower", "upper",
                                                 "probability_positive")]
                values.append(int(m["undefined"]))
                formats = [None, fmt, fmt, fmt, fmt, share, "0"]
                for j, (value, f) in enumerate(zip(values, formats), start=1):
                    if isinstance(value, float) and math.isnan(value):
                        value = "undefined"
                    cell = ws.cell(row=row, column=j, value=value)
                    if f and not isinstance(value, str):
                        cell.number_format = f
            row += 3
        ws.cell(row=row, column=1, value="Tornado of the return on investment (one-way DSA)").font = self.bold
        row += 1
        if tornado is None:
            ws.cell(row=row, column=1, value=NOT_RUN)
            return
        fixed = tornado.attrs.get("fixed_by_case") or []
        ws.cell(row=row, column=1, value=(
            "Each uncertain parameter set in turn to the ends of its range, the others at the "
            "business case's values; largest swing first"
            + (f"; fixed by the business case, so left out: {', '.join(fixed)}" if fixed else "")
        )).font = self.note
        row += 1
        measure = tornado.attrs.get("measure", "roi")
        name = {"roi": "ROI", "cash_roi": "cash ROI", "npv": "NPV"}.get(measure, measure)
        fmt = share if measure in ("roi", "cash_roi") else ("0.0000" if measure == "benefit_cost_ratio" else money)
        if tornado.empty:
            ws.cell(row=row, column=1, value="no parameter has a range (no PSA distributions)")
            return
        self._table(
            ws, row,
            ["Parameter", "Low", "High", "Base value", f"{name} at low", f"{name} at high",
             f"Base case {name}", "Swing", "Range"],
            [(t.parameter, float(t.low), float(t.high), float(t.base_value),
              float(t.outcome_low), float(t.outcome_high), float(t.base_outcome),
              float(t.swing), t.basis) for t in tornado.itertuples(index=False)],
            [None, "0.0000", "0.0000", "0.0000", fmt, fmt, fmt, fmt, None],
        )

    # -- Charts ----------------------------------------------------------------------------
    def charts(self, layout: dict[str, object]) -> None:
        from openpyxl.chart import BarChart, LineChart, Reference

        ws = self.sheets["Charts"]
        src = self.sheets["Year by year"]
        self._title(ws, "Charts", f"Drawn from the 'Year by year' sheet; {self.money_label}.")
        first, last = layout["first"], layout["last"]
        years = Reference(src, min_col=first, max_col=last, min_row=layout["years_row"])
        payer_rows = list(layout["payers"].values())  # type: ignore[union-attr]

        bars = BarChart()
        bars.type = "col"
        bars.grouping = "stacked"
        bars.overlap = 100
        bars.title = "Intervention minus current practice by payer"
        bars.y_axis.title = f"{self.money_label} (positive: costs more)"
        bars.x_axis.title = "Budget year"
        for row in payer_rows:
            data = Reference(src, min_col=1, max_col=last, min_row=row)
            bars.add_data(data, from_rows=True, titles_from_data=True)
        # Columns B-D of the payer rows are empty; keep only the year columns as values.
        for series, row in zip(bars.series, payer_rows):
            series.val.numRef.f = f"'Year by year'!${_col(first)}${row}:${_col(last)}${row}"
        bars.set_categories(years)
        bars.width, bars.height = 22, 11
        ws.add_chart(bars, "A4")

        view = layout["view"]
        curve = LineChart()
        curve.title = "Cumulative net savings"
        curve.y_axis.title = f"{self.money_label} (positive: saved more than invested)"
        curve.x_axis.title = "Budget year"
        for key in ("cumulative_net_savings", "cumulative_cash_net_savings"):
            row = view[key]  # type: ignore[index]
            curve.add_data(Reference(src, min_col=1, max_col=last, min_row=row),
                           from_rows=True, titles_from_data=True)
            curve.series[-1].val.numRef.f = f"'Year by year'!${_col(first)}${row}:${_col(last)}${row}"
        curve.set_categories(years)
        curve.width, curve.height = 22, 11
        ws.add_chart(curve, "A28")


def write_workbook(
    results: BudgetImpactResults,
    path: Union[str, os.PathLike],
    folder: Union[str, os.PathLike],
    *,
    break_even_probability: Optional[Sequence[float]] = None,
    index: Optional[PriceIndex] = None,
    psa: "Optional[BusinessCasePsa]" = None,
    scenarios: "Optional[BusinessCaseScenarios]" = None,
    tornado: Optional[pd.DataFrame] = None,
    level: float = 0.95,
) -> dict[str, str]:
    """Write a business case as an Excel workbook whose totals are live formulas.

    Parameters
    ----------
    results
        The business case (:func:`parity.business_case.run_business_case`).
    path
        The .xlsx file to write.
    folder
        The model folder the results came from (business_case.csv, parameters.csv).
    break_even_probability
        From a PSA: the probability of having broken even by the end of each budget year. The
        Summary says "not run" without it.
    index
        The price index (default: the NHS cost inflation index shipped with parity).
    psa
        A PSA of the same business case
        (:func:`parity.business_case_uncertainty.psa`): fills the Summary's probability of
        breaking even (instead of ``break_even_probability``) and adds the "Uncertainty"
        sheet: break-even probabilities, intervals on net savings by year and on the totals.
    scenarios
        Named scenarios (:func:`parity.business_case_scenarios.scenarios`): adds the
        "Scenarios" sheet, the scenarios side by side.
    tornado
        A ROI tornado (:func:`parity.business_case_tornado.roi_tornado`): adds its table to
        the "Uncertainty" sheet.
    level
        Level of the PSA intervals.

    Returns
    -------
    dict of str to str
        The Summary's cells by measure (``"npv"`` -> ``"$B$12"``), for reading the workbook back.

    Raises
    ------
    parity.InputError
        If openpyxl is missing, or the business case cannot be read.
    parity.ModelError
        If the model's per-person profiles do not rebuild the results (see
        :func:`entrant_profiles`).
    """
    folder = Path(folder)
    case = read_business_case(folder)
    profiles = entrant_profiles(folder, results)
    model = Model.from_folder(folder)
    if break_even_probability is not None and len(break_even_probability) != len(results.years):
        raise _core.InputError(
            f"{len(break_even_probability)} break-even probabilities for {len(results.years)} "
            "budget years: give one per year"
        )
    psa_label = "the PSA"
    if psa is not None:
        if break_even_probability is not None:
            raise _core.InputError(
                "give either break_even_probability or psa (whose probabilities are used), not both"
            )
        if len(psa.years) != len(results.years):
            raise _core.InputError(
                f"the PSA has {len(psa.years)} budget years and the business case "
                f"{len(results.years)}: run both with the same horizon"
            )
        break_even_probability = list(psa.break_even()["probability"])
        psa_label = f"the PSA ({psa.n_samples:,} samples, seed {psa.seed}; sheet Uncertainty)"
    sheets = list(SHEETS)
    extra = ([SCENARIOS_SHEET] if scenarios is not None else []) + (
        [UNCERTAINTY_SHEET] if psa is not None or tornado is not None else []
    )
    sheets[sheets.index("Charts") + 1:sheets.index("Charts") + 1] = extra
    writer = _Writer(results, folder, case, profiles, index or PriceIndex(), model, sheets)
    cells = writer.inputs()
    writer.assumptions()
    rows = writer.model_results()
    layout = writer.year_by_year(cells, rows)
    refs = writer.summary(layout, break_even_probability, psa_label)
    writer.charts(layout)
    if scenarios is not None:
        writer.scenarios(scenarios)
    if psa is not None or tornado is not None:
        writer.uncertainty(psa, tornado, level)
    writer.book.save(path)
    return refs
