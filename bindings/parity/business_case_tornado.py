"""Tornado of a business case's return on investment: each uncertain parameter set in turn to
the low and high ends of its range (percentiles of its PSA distribution, as
:func:`parity.dsa.parameter_ranges` gives them), the others at the case's values, and the
ROI (or another investment measure) recomputed. Formulas: docs/methods/budget-impact.md,
section 8.
"""

from __future__ import annotations

from typing import Mapping, Optional, Sequence

import pandas as pd

from . import _core, dsa
from .business_case import CaseLike, resolve_case

#: Investment measures a tornado can show (columns of BudgetImpactResults.summary).
MEASURES = {
    "roi": "Return on investment ((savings - investment) / investment)",
    "cash_roi": "Return on investment, cash-releasing savings only",
    "benefit_cost_ratio": "Benefit-cost ratio (savings / investment)",
    "npv": "Net present value of net savings (Green Book)",
    "cash_npv": "Net present value, cash-releasing savings only",
    "net_budget_impact": "Net budget impact over the horizon",
}
MONEY = ("npv", "cash_npv", "net_budget_impact")


def roi_tornado(
    case: CaseLike,
    *,
    measure: str = "roi",
    lower_percentile: float = 0.025,
    upper_percentile: float = 0.975,
    given: Optional[Mapping[str, tuple[float, float]]] = None,
    parameters: Optional[Sequence[str]] = None,
    **case_args: object,
) -> pd.DataFrame:
    """One-way sensitivity of a business case's ROI to each uncertain parameter.

    Parameters
    ----------
    case
        A model folder with a business_case.csv, or :class:`BusinessCaseInputs`.
    measure
        ``roi`` (default), ``cash_roi``, ``benefit_cost_ratio``, ``npv``, ``cash_npv`` or
        ``net_budget_impact``.
    lower_percentile, upper_percentile
        The range of each parameter: these percentiles of its distribution.
    given
        Bounds ``{name: (low, high)}`` replacing or adding to the distributions' ranges.
    parameters
        Only these parameters (default: every parameter with a range).
    **case_args
        ``ics``, ``population``, ``years``, ``price_year``.

    Returns
    -------
    pandas.DataFrame
        ``parameter, low, high, base_value, outcome_low, outcome_high, base_outcome, swing,
        basis``, largest swing first (the table :func:`parity.plots.tornado` draws).
        Parameters the business case sets in ``overrides`` are left out (the case fixes
        them); ``attrs["fixed_by_case"]`` lists them.

    Raises
    ------
    parity.InputError
        For an unknown measure or parameter.
    """
    if measure not in MEASURES:
        raise _core.InputError(
            f"unknown measure '{measure}' for a business-case tornado. Use one of: "
            + ", ".join(MEASURES)
        )
    inputs = resolve_case(case, **case_args)
    base = inputs.run()
    ranges = dsa.parameter_ranges(inputs.model, lower_percentile, upper_percentile, given)
    fixed = sorted(set(ranges["parameter"]) & set(inputs.overrides))
    ranges = ranges[~ranges["parameter"].isin(fixed)]
    if parameters is not None:
        unknown = sorted(set(parameters) - set(ranges["parameter"]))
        if unknown:
            raise _core.InputError(
                f"no range for {', '.join(unknown)}: give it a distribution or bounds in `given`"
                + (f" (the business case fixes {', '.join(fixed)})" if fixed else "")
            )
        ranges = ranges[ranges["parameter"].isin(list(parameters))]
    values = inputs.model.compile().parameter_values(0, inputs.overrides)

    def outcome(name: str, value: float) -> float:
        return float(inputs.run({name: value}).summary[measure])

    base_outcome = float(base.summary[measure])
    rows = []
    for r in ranges.itertuples(index=False):
        low, high = outcome(r.parameter, r.low), outcome(r.parameter, r.high)
        rows.append(
            {
                "parameter": r.parameter,
                "low": r.low,
                "high": r.high,
                "base_value": float(values[r.parameter]),
                "outcome_low": low,
                "outcome_high": high,
                "base_outcome": base_outcome,
                "swing": abs(high - low),
                "basis": r.basis,
            }
        )
    columns = ["parameter", "low", "high", "base_value", "outcome_low", "outcome_high",
               "base_outcome", "swing", "basis"]
    table = pd.DataFrame(rows, columns=columns)
    table = table.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    table.attrs["outcome"] = MEASURES[measure]
    table.attrs["measure"] = measure
    table.attrs["fixed_by_case"] = fixed
    table.attrs["currency"] = inputs.model.spec.settings.currency
    table.attrs["price_year"] = base.price_year
    return table
