"""The uncertainty a finance committee asks about in a business case: under the PSA, the
probability of breaking even by each year and intervals on net savings, ROI and NPV; named
scenarios side by side (:mod:`parity.business_case_scenarios`); and a tornado of the return on
investment (:mod:`parity.business_case_tornado`). Formulas: docs/methods/budget-impact.md,
section 8.

Each PSA sample's budget (the open cohort, fixed costs, the investment view) is computed in the
C++ core on the worker thread that ran the sample, with the GIL released
(``core/budget_psa.cpp``); memory grows with samples x budget years x cost categories.

Example
-------
>>> from parity import business_case_uncertainty as bcu
>>> psa = bcu.psa("params/pcpm", n=2000, seed=1)
>>> psa.break_even()          # probability of breaking even by each year
>>> psa.intervals()           # mean and 95% interval of net savings, each year and cumulative
>>> psa.summary()             # ROI, NPV, ... with intervals
>>> bcu.scenarios("params/pcpm").summary   # cautious, central, optimistic side by side
>>> bcu.roi_tornado("params/pcpm")          # one-way ROI ranges

Plots: :mod:`parity.business_case_uncertainty_plots`.
"""

from __future__ import annotations

import math
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from . import _core
from .budget_impact import BudgetImpactResults
from .business_case import BusinessCaseInputs, CaseLike, resolve_case
from .business_case_scenarios import BusinessCaseScenarios, investment_figures, scenarios  # noqa: F401 (API)
from .business_case_tornado import roi_tornado  # noqa: F401 (API)
from .model import Model
from .psa import _progress_bar, check_psa_arguments, model_from_payload, model_payload

#: Per-sample totals of :attr:`BusinessCasePsa.samples`, in order.
SAMPLE_COLUMNS = [
    "total_investment", "total_gross_savings", "total_cash_savings", "net_savings", "roi",
    "cash_roi", "benefit_cost_ratio", "npv", "cash_npv", "break_even_year",
    "cash_break_even_year",
]

#: Measures of :meth:`BusinessCasePsa.summary`, in order.
SUMMARY_MEASURES = [
    "net_savings", "total_investment", "total_gross_savings", "roi", "cash_roi",
    "benefit_cost_ratio", "npv", "cash_npv",
]


def _psa_model(inputs: BusinessCaseInputs) -> Model:
    """A copy of the model that runs the budget horizon, with the case's overrides fixed: an
    overridden parameter takes its value in every sample (its distribution is dropped)."""
    model = model_from_payload(model_payload(inputs.model))
    cycle_length = float(model.spec.settings.cycle_length)
    model.set(n_cycles=max(1, math.ceil(inputs.sizing.horizon_years / cycle_length - 1e-9)))
    if inputs.overrides:
        known = {p.name for p in model.spec.parameters}
        unknown = sorted(set(inputs.overrides) - known)
        if unknown:
            raise _core.InputError(
                f"{inputs.case.where('overrides')}: unknown parameter(s) {', '.join(unknown)} "
                "in overrides. Use names from parameters.csv"
            )
        parameters = list(model.spec.parameters)
        for p in parameters:
            if p.name in inputs.overrides:
                p.expression = repr(float(inputs.overrides[p.name]))
                p.distribution = ""
                p.distribution_parameters = ""
        model.spec.parameters = parameters
        model._changed()
    return model


def _fixed_costs(base: BudgetImpactResults, inputs: BusinessCaseInputs) -> list[_core.FixedCost]:
    """The one-off and recurring costs for the core. With costs per team, each year pays them
    for the base case's teams set up and in post: the staffing plan is decided before the PSA,
    so it is the same in every sample (the amounts still take each sample's values)."""
    plan = base.staffing
    out = []
    for one_off, amounts in ((True, inputs.one_off), (False, inputs.recurring)):
        per_year = [] if plan is None else [float(n) for n in (plan.added if one_off else plan.teams)]
        for category, amount in amounts.items():
            try:
                out.append(_core.FixedCost(category, one_off, "", float(amount), per_year))
            except ValueError:
                out.append(_core.FixedCost(category, one_off, str(amount), 0.0, per_year))
    return out


def _spec(base: BudgetImpactResults, inputs: BusinessCaseInputs) -> _core.BudgetPsaSpec:
    spec = _core.BudgetPsaSpec()
    budget = spec.budget
    budget.horizon_years = inputs.sizing.horizon_years
    budget.entrants = inputs.sizing.entrants
    budget.timing = _core.parse_entry_timing(inputs.timing)
    budget.price_factor = base.price_factor
    spec.budget = budget
    categories = list(base._budget.categories)
    inv = _core.InvestmentSpec()
    inv.strategy = base.strategy
    inv.comparator = base.comparator
    inv.payers = ["" if base.payers[c] == "unassigned" else base.payers[c] for c in categories]
    inv.cash_releasing = [bool(base.cash_releasing[c]) for c in categories]
    # The base case's investment categories, so that every sample splits investment from
    # savings the same way.
    inv.investment_categories = list(base.investment.investment_categories)
    inv.in_perspective = [bool(base.in_perspective[c]) for c in categories] if base.perspective else []
    if inputs.discount_rate is not None:
        inv.discount_rate = float(inputs.discount_rate)
    spec.investment = inv
    spec.fixed_costs = _fixed_costs(base, inputs)
    return spec


def psa(
    case: CaseLike,
    n: int = 1000,
    seed: int = 1,
    *,
    threads: Optional[int] = None,
    progress: Optional[bool] = None,
    keep_parameters: bool = True,
    **case_args: object,
) -> "BusinessCasePsa":
    """Probabilistic sensitivity analysis of a business case.

    Every model parameter with a distribution varies, except those the business case sets in
    ``overrides`` (they keep the case's value). Business-case inputs that are not model
    parameters (population, incidence, uptake) do not vary: explore them with
    :func:`parity.business_case_scenarios.scenarios`.

    Parameters
    ----------
    case
        A model folder with a business_case.csv, or :class:`BusinessCaseInputs`.
    n
        Number of samples (>= 1).
    seed
        Seed of the random streams: the same seed gives identical results on any number of
        threads.
    threads
        Worker threads (default: every core).
    progress
        Show a tqdm progress bar (default: for 20,000 samples or more).
    keep_parameters
        Keep each sample's parameter values (:attr:`BusinessCasePsa.parameters`).
    **case_args
        ``ics``, ``population``, ``years``, ``price_year``: replace the file's values.

    Returns
    -------
    BusinessCasePsa

    Raises
    ------
    parity.InputError, parity.ModelError
        For a malformed business case, or a model without uncertain parameters.
    """
    check_psa_arguments(n, seed, threads)
    inputs = resolve_case(case, **case_args)
    base = inputs.run()
    model = _psa_model(inputs)
    spec = _spec(base, inputs)
    callback, close = _progress_bar(int(n), progress)
    try:
        out = _core.run_budget_psa(
            model.compile(), spec, int(n), int(seed), 0, int(threads or 0), callback,
            bool(keep_parameters),
        )
    finally:
        close()
    if not out.psa.complete:
        raise _core.ModelError("the PSA was stopped before every sample was run")
    parameters = pd.DataFrame(
        np.asarray(out.psa.parameter_values),
        columns=list(out.psa.parameters) if keep_parameters else [],
        index=pd.RangeIndex(0, int(n), name="sample"),
    )
    return BusinessCasePsa(
        base, out.budget, parameters, int(seed), inputs.model.spec.settings.currency or "GBP"
    )


def _percentiles(values: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """The (1 - level)/2 and (1 + level)/2 percentiles along axis 0, ignoring NaN."""
    tail = (1.0 - level) / 2.0
    return (
        np.nanquantile(values, tail, axis=0),
        np.nanquantile(values, 1.0 - tail, axis=0),
    )


class BusinessCasePsa:
    """Budget impact and investment view of every PSA sample, with the summaries a finance
    committee reads: the probability of breaking even by each year, intervals on net savings,
    ROI and NPV.

    Attributes
    ----------
    base : BudgetImpactResults
        The deterministic business case.
    parameters : pandas.DataFrame
        Each sample's values of the varying parameters.
    seed : int
    currency : str
    """

    def __init__(
        self,
        base: BudgetImpactResults,
        budget: _core.BudgetPsaOutcomes,
        parameters: pd.DataFrame,
        seed: int,
        currency: str = "GBP",
    ) -> None:
        self.base = base
        self.currency = currency
        self.parameters = parameters
        self.seed = seed
        self.strategies = list(budget.strategies)
        self.categories = list(budget.categories)
        #: samples x 2 (strategy, comparator) x years x categories, undiscounted.
        self.cost_values = np.asarray(budget.costs)
        yearly = np.asarray(budget.yearly)
        #: samples x years: I_y, S_y and cash-releasing S_y.
        self.investment = yearly[:, :, 0]
        self.gross_savings = yearly[:, :, 1]
        self.cash_savings = yearly[:, :, 2]
        self._summary = pd.DataFrame(
            np.asarray(budget.summary), columns=list(_core.BudgetPsaOutcomes.summary_names)
        )

    @property
    def n_samples(self) -> int:
        return int(self.investment.shape[0])

    @property
    def years(self) -> list[int]:
        return list(range(1, self.investment.shape[1] + 1))

    @property
    def net_savings(self) -> np.ndarray:
        """samples x years: S_y - I_y (the negative of the net budget impact)."""
        return self.gross_savings - self.investment

    @property
    def cumulative_net_savings(self) -> np.ndarray:
        return np.cumsum(self.net_savings, axis=1)

    @property
    def samples(self) -> pd.DataFrame:
        """One row per sample: totals over the horizon, ROI, cash ROI, benefit-cost ratio, NPV,
        cash NPV and break-even years (0: not within the horizon)."""
        table = pd.DataFrame(
            {
                "total_investment": self.investment.sum(axis=1),
                "total_gross_savings": self.gross_savings.sum(axis=1),
                "total_cash_savings": self.cash_savings.sum(axis=1),
                "net_savings": self.net_savings.sum(axis=1),
            }
        )
        table = pd.concat([table, self._summary], axis=1)[SAMPLE_COLUMNS]
        for column in ("break_even_year", "cash_break_even_year"):
            table[column] = table[column].astype(int)
        table.index = pd.RangeIndex(0, self.n_samples, name="sample")
        return table

    @property
    def yearly(self) -> pd.DataFrame:
        """Tidy, one row per sample and budget year: ``sample, year, investment,
        gross_savings, cash_savings, net_savings, cumulative_net_savings,
        net_budget_impact`` (= investment - gross savings)."""
        n, years = self.investment.shape
        return pd.DataFrame(
            {
                "sample": np.repeat(np.arange(n), years),
                "year": np.tile(np.arange(1, years + 1), n),
                "investment": self.investment.reshape(-1),
                "gross_savings": self.gross_savings.reshape(-1),
                "cash_savings": self.cash_savings.reshape(-1),
                "net_savings": self.net_savings.reshape(-1),
                "cumulative_net_savings": self.cumulative_net_savings.reshape(-1),
                "net_budget_impact": -self.net_savings.reshape(-1),
            }
        )

    def costs(self) -> pd.DataFrame:
        """Tidy costs of every sample: ``sample, strategy, year, category, payer, cost``
        (undiscounted, the business case's price year, fixed costs included)."""
        n, k, years, c = self.cost_values.shape
        return pd.DataFrame(
            {
                "sample": np.repeat(np.arange(n), k * years * c),
                "strategy": np.tile(np.repeat(self.strategies, years * c), n),
                "year": np.tile(np.repeat(np.arange(1, years + 1), c), n * k),
                "category": np.tile(self.categories, n * k * years),
                "payer": np.tile([self.base.payers[x] for x in self.categories], n * k * years),
                "cost": self.cost_values.reshape(-1),
            }
        )

    def break_even(self) -> pd.DataFrame:
        """Probability of breaking even by each budget year.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``year``: ``probability`` that the cumulative net savings at the end of
            the year are >= 0; ``probability_cash`` the same counting cash-releasing savings
            only; ``probability_stays`` that the break-even year (from which the cumulative
            position stays >= 0 up to the horizon) is this year or earlier; and the base
            case's cumulative net savings.
        """
        cumulative_cash = np.cumsum(self.cash_savings - self.investment, axis=1)
        be = self._summary["break_even_year"].to_numpy()
        table = pd.DataFrame(
            {
                "year": self.years,
                "probability": (self.cumulative_net_savings >= 0).mean(axis=0),
                "probability_cash": (cumulative_cash >= 0).mean(axis=0),
                "probability_stays": [float(((be >= 1) & (be <= y)).mean()) for y in self.years],
                "base_cumulative_net_savings": -np.asarray(
                    self.base.investment.cumulative_net_budget_impact
                ),
            }
        )
        return table.set_index("year")

    def intervals(self, level: float = 0.95) -> pd.DataFrame:
        """Mean and percentile interval of each year's investment, savings and net savings.

        Returns
        -------
        pandas.DataFrame
            Tidy: ``year, measure, base_case, mean, lower, upper`` for the measures
            ``investment, gross_savings, cash_savings, net_savings, cumulative_net_savings``;
            ``lower`` and ``upper`` are the (1 - level)/2 and (1 + level)/2 percentiles.
        """
        _check_level(level)
        base = self.base.yearly
        measures = {
            "investment": (self.investment, base["investment"]),
            "gross_savings": (self.gross_savings, base["gross_savings"]),
            "cash_savings": (self.cash_savings, base["cash_savings"]),
            "net_savings": (self.net_savings, -base["net_budget_impact"]),
            "cumulative_net_savings": (
                self.cumulative_net_savings, -base["cumulative_net_budget_impact"],
            ),
        }
        rows = []
        for name, (values, deterministic) in measures.items():
            low, high = _percentiles(values, level)
            mean = values.mean(axis=0)
            for i, year in enumerate(self.years):
                rows.append((year, name, float(deterministic.iloc[i]), mean[i], low[i], high[i]))
        table = pd.DataFrame(rows, columns=["year", "measure", "base_case", "mean", "lower", "upper"])
        table.attrs["level"] = level
        return table.sort_values(["year", "measure"], kind="stable").reset_index(drop=True)

    def summary(self, level: float = 0.95) -> pd.DataFrame:
        """Distributions of the totals: ROI, cash ROI, benefit-cost ratio, NPV, cash NPV, net
        savings over the horizon, total investment and savings.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``measure``: ``base_case, mean, lower, upper`` (percentile interval at
            ``level``), ``probability_positive`` (share of samples above 0, for ROI: of
            samples that more than pay back) and ``undefined`` (samples where it is NaN: ROI
            without investment).
        """
        _check_level(level)
        samples = self.samples
        base = investment_figures(self.base.summary)
        rows = []
        for name in SUMMARY_MEASURES:
            deterministic = base[name]
            values = samples[name].to_numpy(dtype=float)
            finite = values[~np.isnan(values)]
            if finite.size:
                low, high = _percentiles(finite, level)
                mean, positive = float(finite.mean()), float((finite > 0).mean())
            else:
                low = high = mean = positive = math.nan
            rows.append(
                (name, deterministic, mean, float(low), float(high), positive,
                 int(values.size - finite.size))
            )
        table = pd.DataFrame(
            rows,
            columns=["measure", "base_case", "mean", "lower", "upper", "probability_positive", "undefined"],
        ).set_index("measure")
        table.attrs["level"] = level
        table.attrs["n_samples"] = self.n_samples
        return table

    def __repr__(self) -> str:
        with pd.option_context("display.width", 160, "display.max_columns", 20):
            return (
                f"PSA of the business case {self.base.strategy} vs {self.base.comparator} "
                f"({self.n_samples} samples, seed {self.seed})\n{self.break_even().to_string()}"
                f"\n\n{self.summary().to_string()}"
            )


def _check_level(level: float) -> None:
    if not 0.0 < float(level) < 1.0:
        raise _core.InputError(f"interval level {level}: give a share between 0 and 1, e.g. 0.95")


__all__: Sequence[str] = ["BusinessCasePsa", "BusinessCaseScenarios", "psa", "scenarios", "roi_tornado"]
