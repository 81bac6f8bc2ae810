"""Named scenarios of a business case (cautious, central, optimistic, or any names) run side by
side: ROI, NPV, break-even year and net savings by year.

A scenario changes the model's parameters, the business case's own inputs, or both:

- ``scenarios.csv`` of the model folder (columns ``scenario, parameter, value, notes``, the
  format :mod:`parity.scenario_file` reads for ``parity dsa``): parameter values, applied on
  top of the business case's ``overrides``;
- ``business_case_scenarios.csv`` (columns ``scenario, key, value, source, notes``): rows of
  ``business_case.csv`` replaced in a scenario, e.g. ``uptake`` ``0.3;0.6`` or ``incidence``
  ``0.00008``. Every key of business_case.csv may be given except ``strategy`` and
  ``comparator`` (a scenario answers the same question); ``overrides`` adds to the case's
  parameter values. Giving one of prevalence, incidence or entrants replaces whichever the case
  uses. Every row needs a source or "Assumption: ...".

A scenario named in both files takes the rows of both. Arguments given to the run (``ics``,
``population``, ``years``, ``price_year``) hold in every scenario. Formulas and the format:
docs/methods/budget-impact.md, section 8.
"""

from __future__ import annotations

import csv
import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional, Sequence, Union

import pandas as pd

from . import _core
from .budget_impact import BudgetImpactResults
from .business_case import (
    KEYS,
    BusinessCaseInputs,
    BusinessCaseRow,
    CaseLike,
    business_case_inputs,
    check_row,
    resolve_case,
)
from .scenario_file import BASE_CASE, read_folder_scenarios

FILE = "business_case_scenarios.csv"
COLUMNS = ("scenario", "key", "value", "source", "notes")
#: Keys a scenario may not change: it compares the same strategy with the same comparator.
FIXED_KEYS = ("strategy", "comparator")


@dataclass
class BusinessCaseScenario:
    """One named scenario: business-case rows replaced and parameter values set."""

    name: str
    rows: dict[str, BusinessCaseRow] = field(default_factory=dict)
    parameters: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def description(self) -> str:
        parts = [f"{k}={r.value}" for k, r in self.rows.items()]
        parts += [f"{k}={v:g}" for k, v in self.parameters.items()]
        text = "; ".join(parts)
        return f"{text} ({'; '.join(self.notes)})" if self.notes else text


def read_business_case_scenarios(folder: Union[str, os.PathLike]) -> dict[str, BusinessCaseScenario]:
    """Read ``business_case_scenarios.csv`` of a model folder (empty when there is none).

    Raises
    ------
    parity.InputError
        Naming the file and line: an unknown column or key (with the closest name), a key
        that cannot change (strategy, comparator), a key given twice in one scenario, an empty
        scenario name or "base case", a row without a source.
    """
    path = Path(folder) / FILE
    out: dict[str, BusinessCaseScenario] = {}
    if not path.exists():
        return out
    allowed = [k for k in KEYS if k not in FIXED_KEYS]
    with open(path, newline="", encoding="utf-8-sig") as f:
        header: Optional[list[str]] = None
        for line, cells in enumerate(csv.reader(f), start=1):
            if not any(c.strip() for c in cells) or cells[0].strip().startswith("#"):
                continue
            if header is None:
                header = [c.strip().lower() for c in cells]
                for column in header:
                    if column not in COLUMNS:
                        raise _core.InputError(
                            f"{path}:{line}: unknown column '{column}'. The columns are "
                            + ",".join(COLUMNS)
                        )
                for column in COLUMNS[:4]:
                    if column not in header:
                        raise _core.InputError(f"{path}:{line}: the header must name the column '{column}'")
                continue
            cell = dict(zip(header, (c.strip() for c in cells + [""] * (len(header) - len(cells)))))
            name, key = cell["scenario"], cell["key"].lower()
            if not name or name.lower() == BASE_CASE:
                raise _core.InputError(
                    f"{path}:{line}: scenario name '{name}': give each scenario a name other than "
                    f"'{BASE_CASE}' (the business case itself, reported beside every scenario)"
                )
            if key in FIXED_KEYS:
                raise _core.InputError(
                    f"{path}:{line}: a scenario cannot change '{key}': scenarios compare the same "
                    "strategy with the same comparator. Write another business case for another "
                    "comparison"
                )
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise _core.InputError(
                    f"{path}:{line}: unknown key '{key}'{hint}. The keys are " + ", ".join(allowed)
                )
            scenario = out.setdefault(name, BusinessCaseScenario(name))
            first = scenario.rows.get(key)
            check_row(path, line, key, cell.get("source", ""), first.line if first else None, name)
            scenario.rows[key] = BusinessCaseRow(
                key, cell["value"], cell["source"], cell.get("notes", ""), line, path
            )
            if cell.get("notes"):
                scenario.notes.append(cell["notes"])
    return out


def folder_scenarios(inputs: BusinessCaseInputs) -> dict[str, BusinessCaseScenario]:
    """The scenarios of the business case's folder: scenarios.csv (parameters) and
    business_case_scenarios.csv (business-case rows), joined by name, in order of appearance."""
    folder = inputs.case.path.parent
    out: dict[str, BusinessCaseScenario] = {}
    parameters = read_folder_scenarios(inputs.model, folder)
    if parameters is not None:
        for name, values in parameters.overrides.items():
            out[name] = BusinessCaseScenario(name, parameters=dict(values))
            if parameters.notes.get(name):
                out[name].notes.append(parameters.notes[name])
    for name, scenario in read_business_case_scenarios(folder).items():
        mine = out.setdefault(name, BusinessCaseScenario(name))
        mine.rows.update(scenario.rows)
        mine.notes.extend(scenario.notes)
    return out


def _given(name: str, values: Mapping[str, object], inputs: BusinessCaseInputs) -> BusinessCaseScenario:
    """A scenario given in Python: business_case.csv keys and parameter names."""
    parameters = {p.name for p in inputs.model.spec.parameters}
    scenario = BusinessCaseScenario(name)
    for key, value in values.items():
        if key in KEYS and key in parameters:
            raise _core.InputError(
                f"scenario '{name}': '{key}' is both a business-case key and a parameter of the "
                "model; rename the parameter"
            )
        if key in FIXED_KEYS:
            raise _core.InputError(f"scenario '{name}': a scenario cannot change '{key}'")
        if key in KEYS:
            text = ";".join(str(v) for v in value) if isinstance(value, (list, tuple)) else str(value)
            scenario.rows[key] = BusinessCaseRow(key, text, "given in Python", "", 0, Path(f"scenario '{name}'"))
        elif key in parameters:
            try:
                scenario.parameters[key] = float(value)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                raise _core.InputError(f"scenario '{name}': {key}={value!r} is not a number") from None
        else:
            close = difflib.get_close_matches(key, list(KEYS) + sorted(parameters), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise _core.InputError(
                f"scenario '{name}': '{key}' is neither a business-case key nor a parameter{hint}"
            )
    return scenario


def scenario_inputs(inputs: BusinessCaseInputs, scenario: BusinessCaseScenario) -> BusinessCaseInputs:
    """The business case with a scenario's rows replaced (its parameters are applied by
    :meth:`BusinessCaseInputs.run`)."""
    rows = dict(scenario.rows)
    if "overrides" in rows and inputs.case.get("overrides"):
        # A scenario's overrides add to the case's rather than replacing them.
        row = rows["overrides"]
        rows["overrides"] = BusinessCaseRow(
            "overrides", f"{inputs.case.get('overrides')}; {row.value}", row.source, row.notes,
            row.line, row.path,
        )
    case = inputs.case.replaced(rows)
    return business_case_inputs(
        inputs.case.path.parent, case=case, model=inputs.model, **inputs.arguments
    )


def scenarios(
    case: CaseLike,
    definitions: Optional[Mapping[str, Mapping[str, object]]] = None,
    *,
    from_folder: bool = True,
    **case_args: object,
) -> "BusinessCaseScenarios":
    """Run the business case under named scenarios, side by side with the case itself.

    Parameters
    ----------
    case
        A model folder with a business_case.csv, or :class:`BusinessCaseInputs`.
    definitions
        Scenarios given in Python, ``{name: {key or parameter: value}}``: business_case.csv
        keys (``uptake``: ``[0.3, 0.6]`` or ``"0.3;0.6"``, ``incidence``, ...) and parameter
        names. A name also in the folder's files replaces that scenario.
    from_folder
        Read the folder's scenarios.csv and business_case_scenarios.csv.
    **case_args
        ``ics``, ``population``, ``years``, ``price_year``: hold in every scenario.

    Returns
    -------
    BusinessCaseScenarios

    Raises
    ------
    parity.InputError
        For a malformed scenario (naming the file and line), or none to run.
    """
    inputs = resolve_case(case, **case_args)
    found = folder_scenarios(inputs) if from_folder else {}
    for name, values in (definitions or {}).items():
        found[name] = _given(name, values, inputs)
    if not found:
        raise _core.InputError(
            f"{inputs.case.path.parent}: no scenarios. Write {FILE} (business-case inputs such as "
            "uptake) or scenarios.csv (parameter values), or pass definitions"
        )
    results = {BASE_CASE: inputs.run()}
    for name, scenario in found.items():
        results[name] = scenario_inputs(inputs, scenario).run(scenario.parameters)
    return BusinessCaseScenarios(results, found)


def investment_figures(summary: pd.Series) -> dict[str, float]:
    """The investment view of :attr:`BudgetImpactResults.summary` as plain numbers, with the
    net savings (savings - investment) instead of the net budget impact."""
    figures: dict[str, float] = {
        name: float(summary[name])
        for name in (
            "total_investment", "total_gross_savings", "roi", "cash_roi", "benefit_cost_ratio",
            "npv", "cash_npv", "total_wider_benefits",
        )
    }
    figures["net_savings"] = -float(summary["net_budget_impact"])
    for name in ("break_even_year", "cash_break_even_year"):
        figures[name] = int(summary[name])
    return figures


class BusinessCaseScenarios:
    """Results of a business case under named scenarios, the case itself first.

    Attributes
    ----------
    results : dict of str to BudgetImpactResults
        Each scenario's full results (``"base case"`` first), e.g. for a workbook sheet.
    scenarios : dict of str to BusinessCaseScenario
        What each scenario changes.
    """

    def __init__(self, results: Mapping[str, BudgetImpactResults], scenarios: Mapping[str, BusinessCaseScenario]):
        self.results = dict(results)
        self.scenarios = dict(scenarios)

    def description(self, name: str) -> str:
        return "the business case as written" if name == BASE_CASE else self.scenarios[name].description

    @property
    def summary(self) -> pd.DataFrame:
        """One row per scenario: what it changes, entrants, investment, savings, net savings,
        ROI, cash ROI, benefit-cost ratio, NPV, cash NPV, break-even years (0: not within the
        horizon) and net savings of each year (``net_savings_year_1``, ...)."""
        rows = []
        for name, r in self.results.items():
            s = r.summary
            row = {
                "scenario": name,
                "description": self.description(name),
                "entrants": float(s["entrants"]),
                **investment_figures(s),
            }
            for year, nbi in r.yearly["net_budget_impact"].items():
                row[f"net_savings_year_{year}"] = -float(nbi)
            rows.append(row)
        return pd.DataFrame(rows).set_index("scenario")

    @property
    def yearly(self) -> pd.DataFrame:
        """Tidy, one row per scenario and budget year: ``scenario, year, entrants, investment,
        gross_savings, cash_savings, net_savings, cumulative_net_savings``."""
        frames = []
        for name, r in self.results.items():
            y = r.yearly.reset_index()
            frames.append(
                pd.DataFrame(
                    {
                        "scenario": name,
                        "year": y["year"],
                        "entrants": y["entrants"],
                        "investment": y["investment"],
                        "gross_savings": y["gross_savings"],
                        "cash_savings": y["cash_savings"],
                        "net_savings": -y["net_budget_impact"],
                        "cumulative_net_savings": -y["cumulative_net_budget_impact"],
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)

    def __repr__(self) -> str:
        with pd.option_context("display.width", 160, "display.max_columns", 20):
            return self.summary.drop(columns="description").to_string()


__all__: Sequence[str] = [
    "BusinessCaseScenario", "BusinessCaseScenarios", "investment_figures", "read_business_case_scenarios",
    "folder_scenarios", "scenario_inputs", "scenarios",
]
