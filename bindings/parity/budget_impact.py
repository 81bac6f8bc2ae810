"""Budget impact analysis for a model: costs per budget year by category and payer, and the
investment view (net budget impact, ROI, NPV at the Green Book rate, break-even, who pays and
who saves). Follows the ISPOR good-practice principles (Sullivan et al. 2014); the formulas are
in docs/methods/budget-impact.md and the arithmetic in the C++ core (parity/budget_impact.hpp).

Example
-------
>>> import parity
>>> from parity.budget_impact import cohort_sizing, budget_impact
>>> sizing = cohort_sizing("Nottingham and Nottinghamshire", incidence=1e-4, uptake=[0.5, 1],
...                        horizon_years=5)
>>> bia = budget_impact(parity.load("params/pcpm"), sizing, strategy="pcpm",
...                     comparator="usual_care", price_year="2024/25")
>>> bia.summary
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _core
from .model import Model
from .populations import ics_population
from .prices import PriceIndex, PriceYear, price_year_label
from .staffing import StaffingPlan, staffing_plan

#: Columns of :attr:`BudgetImpactResults.costs`, in order.
COST_COLUMNS = ["year", "strategy", "category", "payer", "cash_releasing", "cost"]


@dataclass
class CohortSizing:
    """Who enters the model in each budget year.

    ``entrants[y] = population x rate x uptake[y]`` where ``rate`` is the prevalence (share of
    the population eligible) or the incidence (new eligible cases per person a year), and
    ``uptake[y]`` the share of the eligible who start the intervention in budget year ``y``.

    Attributes
    ----------
    population : float
        People in the area.
    area : str
        The ICS's name, or ``"population given"``.
    basis : str
        ``"prevalence"``, ``"incidence"`` or ``"entrants"`` (numbers given directly).
    rate : float
        Prevalence or incidence (1 for ``entrants``).
    uptake : list of float
        One value per budget year.
    """

    population: float
    area: str
    basis: str
    rate: float
    uptake: list[float]
    given_entrants: Optional[list[float]] = None

    @property
    def horizon_years(self) -> int:
        return len(self.uptake)

    @property
    def eligible(self) -> float:
        """Eligible people a year: population x rate."""
        return self.population * self.rate

    @property
    def entrants(self) -> list[float]:
        """People entering the model in each budget year."""
        if self.given_entrants is not None:
            return list(self.given_entrants)
        return [self.eligible * u for u in self.uptake]

    def table(self) -> pd.DataFrame:
        """The sizing year by year (``year, population, rate, eligible, uptake, entrants``)."""
        return pd.DataFrame(
            {
                "year": np.arange(1, self.horizon_years + 1),
                "population": self.population,
                "rate": self.rate,
                "eligible": self.eligible,
                "uptake": self.uptake,
                "entrants": self.entrants,
            }
        )


def _number(value: object, what: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise _core.InputError(f"{what}: {value!r} is not a number") from None
    if not math.isfinite(number):
        raise _core.InputError(f"{what}: {value!r} is not a finite number")
    return number


def _fractions(values: Union[float, Sequence[float]], what: str) -> list[float]:
    items = [values] if np.isscalar(values) else list(values)  # type: ignore[list-item]
    out = []
    for i, v in enumerate(items, start=1):
        x = _number(v, f"{what} of year {i}")
        if not 0.0 <= x <= 1.0:
            raise _core.InputError(
                f"{what} of year {i} is {x:g} ({x:.0%}); it must be a share between 0 and 1 "
                "(0% to 100%). Write 20% as 0.2"
            )
        out.append(x)
    return out


def cohort_sizing(
    population: Union[str, float],
    *,
    prevalence: Optional[float] = None,
    incidence: Optional[float] = None,
    uptake: Union[float, Sequence[float]] = 1.0,
    horizon_years: int = 5,
    entrants: Optional[Sequence[float]] = None,
) -> CohortSizing:
    """Size the entry cohorts of a business case.

    Parameters
    ----------
    population
        An ICS's name (see :func:`parity.populations.ics_population`) or a number of people.
    prevalence, incidence
        Exactly one (unless ``entrants`` is given): the share of the population eligible, or
        new eligible cases per person a year. A share between 0 and 1.
    uptake
        Share of the eligible who start the intervention in each budget year: one value, or a
        ramp-up such as ``[0.2, 0.5, 0.8]``; the last value holds for the remaining years.
    horizon_years
        Budget years, 1 to 10.
    entrants
        People entering in each budget year, given directly (for a service sized by its
        caseload); replaces prevalence, incidence and uptake.

    Raises
    ------
    parity.InputError
        For a negative population, a rate or uptake outside [0, 1], an unknown ICS (with the
        closest names), a horizon outside 1 to 10 years, or more uptake values than years.
    """
    horizon = int(horizon_years)
    if horizon != horizon_years or not 1 <= horizon <= 10:
        raise _core.InputError(
            f"horizon of {horizon_years} years: give a whole number of years from 1 to 10 "
            "(ISPOR recommends 1 to 5)"
        )
    if isinstance(population, str) and not _is_number(population):
        area, people = ics_population(population)
    else:
        people = _number(population, "population")
        area = "population given"
    if people < 0:
        raise _core.InputError(
            f"population is {people:g}: a population cannot be negative. Give the number of "
            "people in the area or an ICS name"
        )
    if entrants is not None:
        given = [_number(n, f"entrants of year {i}") for i, n in enumerate(entrants, start=1)]
        if len(given) != horizon:
            raise _core.InputError(
                f"{len(given)} entrant numbers for a horizon of {horizon} years: give one per year"
            )
        if any(n < 0 for n in given):
            raise _core.InputError("entrants cannot be negative: give 0 or more people a year")
        return CohortSizing(people, area, "entrants", 1.0, [1.0] * horizon, given)
    if (prevalence is None) == (incidence is None):
        raise _core.InputError(
            "give either prevalence (share of the population eligible) or incidence (new "
            "eligible cases per person a year), not both or neither"
        )
    basis = "prevalence" if prevalence is not None else "incidence"
    rate = _fractions(prevalence if prevalence is not None else incidence, basis)  # type: ignore[arg-type]
    if len(rate) != 1:
        raise _core.InputError(f"{basis}: give one number")
    ramp = _fractions(uptake, "uptake")
    if not ramp or len(ramp) > horizon:
        raise _core.InputError(
            f"{len(ramp)} uptake values for a horizon of {horizon} years: give 1 to {horizon} "
            "(the last value holds for the remaining years)"
        )
    ramp = ramp + [ramp[-1]] * (horizon - len(ramp))
    return CohortSizing(people, area, basis, rate[0], ramp)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class BudgetImpactResults:
    """Undiscounted costs per budget year of every strategy, and the investment view of one
    strategy against its comparator.

    Attributes
    ----------
    strategy, comparator : str
        The intervention scenario and current practice.
    sizing : CohortSizing
        Who enters each year.
    price_year : str
        Price year of every cost ("" when the model declares none and no conversion was asked).
    price_factor : float
        index(price_year) / index(model price year), applied to every cost.
    timing : str
        When entrants start within a year (``start_of_year`` or ``spread_over_year``).
    payers, cash_releasing : dict
        Each category's payer (``unassigned`` when the model names none) and flag.
    investment : parity._core.InvestmentSummary
        The core's summary (year vectors, totals, who pays / who saves).
    staffing : StaffingPlan or None
        Teams in post and set up each year, when the costs are per team (``team_capacity``).
    perspective : list of str or None
        The payers inside the budget perspective; None: every category counts.
    in_perspective : dict of str to bool
        Whether each category's change counts as investment or savings; the others are wider
        benefits (not budget savings).
    """

    def __init__(
        self,
        budget: _core.BudgetImpact,
        investment: _core.InvestmentSummary,
        sizing: CohortSizing,
        payers: Mapping[str, str],
        cash_releasing: Mapping[str, bool],
        price_year: str,
        price_factor: float,
        timing: str,
        one_off: Mapping[str, float],
        recurring: Mapping[str, float],
        staffing: Optional[StaffingPlan] = None,
        perspective: Optional[Sequence[str]] = None,
    ) -> None:
        self._budget = budget
        self.investment = investment
        self.strategy: str = investment.strategy
        self.comparator: str = investment.comparator
        self.sizing = sizing
        self.payers = dict(payers)
        self.cash_releasing = dict(cash_releasing)
        self.price_year = price_year
        self.price_factor = price_factor
        self.timing = timing
        #: One-off (year 1) and recurring (every year) costs added to the strategy, by
        #: category, in the model's price year: per team when ``staffing`` is given.
        self.one_off = dict(one_off)
        self.recurring = dict(recurring)
        self.staffing = staffing
        self.perspective = list(perspective) if perspective is not None else None
        self.in_perspective = {
            c: self.perspective is None or self.payers[c] in self.perspective for c in self.payers
        }

    @property
    def perspective_name(self) -> str:
        """The budget perspective in words: a named perspective (nhs, nhs_pss, public_sector,
        societal) when the payers are exactly its, else the payers; "all payers" without one."""
        return perspective_name(self.perspective)

    @property
    def years(self) -> list[int]:
        """Budget years 1..horizon."""
        return list(range(1, len(self._budget.entrants) + 1))

    @property
    def costs(self) -> pd.DataFrame:
        """Costs per budget year, tidy.

        Returns
        -------
        pandas.DataFrame
            Columns ``year, strategy, category, payer, cash_releasing, cost``: undiscounted cost
            in the business case's price year.
        """
        rows = []
        for s, matrix in zip(self._budget.strategies, self._budget.costs):
            for y in range(matrix.shape[0]):
                for c, category in enumerate(self._budget.categories):
                    rows.append(
                        (y + 1, s, category, self.payers[category],
                         self.cash_releasing[category], float(matrix[y, c]))
                    )
        return pd.DataFrame(rows, columns=COST_COLUMNS)

    def by_payer(self) -> pd.DataFrame:
        """Costs per budget year by payer: rows (strategy, year), one column per payer."""
        table = self.costs.pivot_table(
            index=["strategy", "year"], columns="payer", values="cost", aggfunc="sum", sort=False
        )
        return table.reindex(columns=list(dict.fromkeys(self.payers.values())))

    def increments(self) -> pd.DataFrame:
        """Strategy minus comparator per budget year and category (positive: costs more).

        Returns
        -------
        pandas.DataFrame
            Columns ``year, category, payer, cash_releasing, investment`` (True for the
            investment categories), ``in_perspective`` (False: a wider benefit, not a budget
            saving), ``comparator_cost, strategy_cost, increment``.
        """
        costs = self.costs.set_index(["strategy", "year", "category"])["cost"]
        rows = []
        for year in self.years:
            for category in self._budget.categories:
                base = costs[(self.comparator, year, category)]
                mine = costs[(self.strategy, year, category)]
                rows.append(
                    {
                        "year": year,
                        "category": category,
                        "payer": self.payers[category],
                        "cash_releasing": self.cash_releasing[category],
                        "investment": category in self.investment.investment_categories,
                        "in_perspective": self.in_perspective[category],
                        "comparator_cost": base,
                        "strategy_cost": mine,
                        "increment": mine - base,
                    }
                )
        return pd.DataFrame(rows)

    @property
    def yearly(self) -> pd.DataFrame:
        """The investment view year by year.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``year``: ``entrants``, ``investment`` (I), ``gross_savings`` (S),
            ``cash_savings``, ``wider_benefits`` (W: savings outside the budget perspective,
            counted in no other column), ``net_budget_impact`` (I - S),
            ``cumulative_net_budget_impact``,
            ``discount_factor`` (Green Book) and ``present_value_net_savings`` (d (S - I)); with
            costs per team, ``teams`` (in post) and ``teams_added`` (set up) after ``entrants``.
        """
        s = self.investment
        table = pd.DataFrame(
            {
                "year": self.years,
                "entrants": list(self._budget.entrants),
                "investment": s.investment,
                "gross_savings": s.gross_savings,
                "cash_savings": s.cash_savings,
                "wider_benefits": s.wider_benefits,
                "net_budget_impact": s.net_budget_impact,
                "cumulative_net_budget_impact": s.cumulative_net_budget_impact,
                "discount_factor": s.discount_factors,
            }
        )
        table["present_value_net_savings"] = table["discount_factor"] * (
            table["gross_savings"] - table["investment"]
        )
        if self.staffing is not None:
            table.insert(2, "teams", self.staffing.teams)
            table.insert(3, "teams_added", self.staffing.added)
        return table.set_index("year")

    @property
    def summary(self) -> pd.Series:
        """Totals over the horizon: investment, savings, net budget impact, ROI (=(S - I)/I),
        benefit-cost ratio (S/I), NPV, break-even year (0: not within the horizon), for all
        savings and for cash-releasing savings only; the budget ``perspective`` and the
        ``total_wider_benefits`` outside it (in none of the other figures); with costs per team,
        the ``team_capacity`` and the ``teams`` set up (the most in post in any year)."""
        s = self.investment
        staffing = (
            {"team_capacity": self.staffing.capacity, "teams": self.staffing.set_up}
            if self.staffing is not None
            else {}
        )
        return pd.Series(
            {
                "horizon_years": len(self.years),
                "price_year": self.price_year,
                "perspective": self.perspective_name,
                "entrants": float(sum(self._budget.entrants)),
                **staffing,
                "total_investment": s.total_investment,
                "total_gross_savings": s.total_gross_savings,
                "total_cash_savings": s.total_cash_savings,
                "total_wider_benefits": s.total_wider_benefits,
                "net_budget_impact": s.total_net_budget_impact,
                "roi": s.roi,
                "cash_roi": s.cash_roi,
                "benefit_cost_ratio": s.benefit_cost_ratio,
                "npv": s.npv,
                "cash_npv": s.cash_npv,
                "break_even_year": s.break_even_year,
                "cash_break_even_year": s.cash_break_even_year,
            },
            name=f"{self.strategy} vs {self.comparator}",
            dtype=object,
        )

    @property
    def who_pays_who_saves(self) -> pd.DataFrame:
        """Investing payer (rows) x saving payer (columns), over the horizon, undiscounted:
        each payer's savings shared among the investing payers in proportion to their
        investment. Row ``total`` holds each saving payer's savings; column ``investment``
        each investing payer's investment."""
        s = self.investment
        table = pd.DataFrame(
            np.asarray(s.who_pays_who_saves).reshape(len(s.investing_payers), len(s.saving_payers)),
            index=pd.Index(s.investing_payers, name="investing_payer"),
            columns=pd.Index(s.saving_payers, name="saving_payer"),
        )
        table.insert(0, "investment", list(s.payer_investment))
        total = pd.DataFrame(
            [[float(sum(s.payer_investment))] + list(s.payer_savings)],
            index=pd.Index(["total"], name="investing_payer"),
            columns=table.columns,
        )
        return pd.concat([table, total])

    def wider_benefits(self) -> pd.DataFrame:
        """Savings outside the budget perspective, by category, over the horizon (undiscounted):
        real gains (quality of life valued in money, output, ...) but no budget's savings, so in
        none of investment, savings, ROI, NPV or break-even.

        Returns
        -------
        pandas.DataFrame
            Columns ``category, payer, wider_benefit`` (comparator minus strategy cost), one
            row per category outside the perspective; empty when every category counts.
        """
        inc = self.increments()
        outside = inc[~inc["in_perspective"]]
        # + 0.0: a category that does not change shows 0, not -0.
        table = (0.0 - outside.groupby(["category", "payer"], sort=False)["increment"].sum()).rename(
            "wider_benefit"
        )
        return table.reset_index()

    def __repr__(self) -> str:
        price = f", {self.price_year} prices" if self.price_year else ""
        with pd.option_context("display.width", 160, "display.max_columns", 20):
            return (
                f"Budget impact of {self.strategy} vs {self.comparator} ({self.sizing.area}"
                f"{price}, undiscounted)\n{self.yearly.to_string()}\n\n{self.summary.to_string()}"
            )

    def _repr_html_(self) -> str:
        return self.yearly.to_html() + self.summary.to_frame().to_html()


def budget_impact(
    model: Union[Model, str, os.PathLike],
    sizing: CohortSizing,
    *,
    strategy: str,
    comparator: str,
    timing: str = "start_of_year",
    price_year: Optional[PriceYear] = None,
    index: Optional[PriceIndex] = None,
    investment_categories: Optional[Sequence[str]] = None,
    payers: Optional[Mapping[str, str]] = None,
    overrides: Optional[Mapping[str, float]] = None,
    one_off: Optional[Mapping[str, Union[str, float]]] = None,
    recurring: Optional[Mapping[str, Union[str, float]]] = None,
    discount_rate: Optional[float] = None,
    team_capacity: Optional[float] = None,
    perspective: Optional[Sequence[str]] = None,
) -> BudgetImpactResults:
    """Budget impact of a strategy against current practice, with an open cohort.

    The model is run (undiscounted costs are used) for exactly the horizon's cycles; each entry
    cohort follows it from its own entry, and costs are summed by budget year. A decision
    tree's payoffs fall in the years after entry their timing gives (tree_payoffs.csv
    ``from_year`` and ``years``; without timing, in the year of entry).

    Parameters
    ----------
    model
        A model, or the path of a model folder.
    sizing
        Who enters each year (:func:`cohort_sizing`).
    strategy, comparator
        The intervention scenario and current practice.
    timing
        ``start_of_year`` (each year's entrants start at its beginning) or ``spread_over_year``
        (evenly over its cycles).
    price_year
        Express every cost in this financial year's prices (default: the model's price year).
    index
        The price index (default: the NHS cost inflation index shipped with parity).
    investment_categories
        Categories making up the investment (default: those that cost more under the strategy).
    payers
        Payers replacing the model's for some categories (``{category: payer}``), e.g. when the
        local authority funds a service the model charges to the NHS.
    overrides
        Parameter values replacing the model's (local unit costs, caseload, ...).
    one_off
        One-off costs charged to the strategy in budget year 1, ``{category: amount}``: a number
        or a parameter's name (its value in the model, at the model's price year).
    recurring
        Costs charged to the strategy in every budget year, ``{category: amount}`` as for
        ``one_off``: a service's fixed cost, such as staff WTE x unit costs, paid whether or not
        its caseload is full (set the model's per-patient charge to 0 in ``overrides``).
    discount_rate
        A flat rate for the NPV instead of the Green Book schedule (3.5% for 30 years).
    team_capacity
        People one team sees a year. Given, ``one_off`` and ``recurring`` are one team's: each
        year pays the recurring cost of ``ceil(entrants / team_capacity)`` teams and the
        one-off cost of each team set up that year (:mod:`parity.staffing`).
    perspective
        The payers of the budget perspective (``parity._core.parse_perspective("nhs_pss")``):
        only their categories count as investment and savings; the others are reported as
        wider benefits. None: every category counts.

    Raises
    ------
    parity.InputError
        For an unknown strategy, payer or category, a price year outside the index, or a model
        that does not declare the price year it is in when a conversion is asked.
    parity.ModelError
        If the model cannot be split into budget years (see docs/methods/budget-impact.md).
    """
    m = Model.from_folder(model) if isinstance(model, (str, os.PathLike)) else model
    spec = m.spec
    settings = dict(spec.settings.to_pairs())
    categories_listed = {c.name: c for c in spec.cost_categories}
    model_year = spec.settings.price_year
    price_label, factor = "", 1.0
    if price_year is not None:
        price_label = price_year_label(price_year)
        if not model_year:
            raise _core.InputError(
                f"model '{spec.name}' does not say which price year its costs are in, so they "
                f"cannot be converted to {price_label}. Add the setting price_year (e.g. "
                "price_year,2024/25 in settings.csv)"
            )
        factor = (index or PriceIndex()).factor(model_year, price_label)
    elif model_year:
        price_label = price_year_label(model_year)

    cycle_length = float(spec.settings.cycle_length)
    if len(spec.states):
        n_cycles = max(1, math.ceil(sizing.horizon_years / cycle_length - 1e-9))
        old = spec.settings.n_cycles
        m.set(n_cycles=n_cycles)
        try:
            results = m.run(overrides, keep_trace=False, keep_cycles=True)
        finally:
            m.set(n_cycles=old)
    else:
        # A decision tree alone has no cycles: its costs by year since entry come with the run.
        results = m.run(overrides, keep_trace=False, keep_cycles=True)
    outcomes = results._outcomes

    b = _core.BudgetImpactSpec()
    b.horizon_years = sizing.horizon_years
    b.entrants = sizing.entrants
    b.timing = _core.parse_entry_timing(timing)
    b.price_factor = factor
    budget = _core.budget_impact(outcomes, settings["correction"], cycle_length, b)
    one_off_values = _amounts(m, budget, strategy, one_off or {}, overrides, "one-off")
    recurring_values = _amounts(m, budget, strategy, recurring or {}, overrides, "recurring")
    staffing = staffing_plan(sizing.entrants, team_capacity) if team_capacity is not None else None
    if one_off_values or recurring_values:
        budget = _with_fixed_costs(
            budget, strategy, one_off_values, recurring_values, factor, staffing
        )

    category_payers = {
        c: (categories_listed[c].payer if c in categories_listed else "") for c in budget.categories
    }
    for category, payer in (payers or {}).items():
        if category not in category_payers:
            raise _core.InputError(
                f"payer given for unknown cost category '{category}'. The categories are "
                + ", ".join(budget.categories)
            )
        category_payers[category] = payer
    flags = {
        c: (bool(categories_listed[c].cash_releasing) if c in categories_listed else False)
        for c in budget.categories
    }
    inv = _core.InvestmentSpec()
    inv.strategy = strategy
    inv.comparator = comparator
    inv.payers = [category_payers[c] for c in budget.categories]
    inv.cash_releasing = [flags[c] for c in budget.categories]
    inv.investment_categories = list(investment_categories or [])
    inv.in_perspective = _in_perspective(category_payers, perspective, list(budget.categories))
    if discount_rate is not None:
        inv.discount_rate = float(discount_rate)
    summary = _core.investment_summary(budget, inv)
    shown_payers = {c: (p or "unassigned") for c, p in category_payers.items()}
    return BudgetImpactResults(
        budget, summary, sizing, shown_payers, flags, price_label, factor, timing,
        one_off_values, recurring_values, staffing, perspective,
    )


#: The named perspectives, widest last (a payer set matching one is shown by its name).
NAMED_PERSPECTIVES = ("nhs", "nhs_pss", "public_sector", "societal")


def perspective_name(payers: Optional[Sequence[str]]) -> str:
    """A perspective's name when its payers are exactly a named one's, else its payers
    separated by ';' ("all payers" for None)."""
    if payers is None:
        return "all payers"
    for name in NAMED_PERSPECTIVES:
        if set(_core.parse_perspective(name)) == set(payers):
            return name
    return ";".join(payers)


def _in_perspective(
    payers: Mapping[str, str], perspective: Optional[Sequence[str]], categories: list[str]
) -> list[bool]:
    """Per category, whether its payer is inside the perspective (empty: every category)."""
    if perspective is None:
        return []
    missing = [c for c in categories if not payers[c]]
    if missing:
        raise _core.InputError(
            "cost categories " + ", ".join(missing) + " have no payer, but the business case "
            "has a budget perspective (" + ";".join(perspective) + "). Give them a payer in "
            "cost_categories.csv (or business_case.csv 'payer')"
        )
    return [payers[c] in perspective for c in categories]


def _amounts(
    model: Model,
    budget: _core.BudgetImpact,
    strategy: str,
    one_off: Mapping[str, Union[str, float]],
    overrides: Optional[Mapping[str, float]],
    what: str,
) -> dict[str, float]:
    """Amounts by category: numbers, or parameters' values (with the overrides applied)."""
    if not one_off:
        return {}
    if strategy not in budget.strategies:
        raise _core.InputError(
            f"unknown strategy '{strategy}'. The strategies are " + ", ".join(budget.strategies)
        )
    values = dict(model.compile().parameter_values(0, {k: float(v) for k, v in (overrides or {}).items()}))
    out = {}
    for category, amount in one_off.items():
        if category not in budget.categories:
            raise _core.InputError(
                f"{what} cost for unknown cost category '{category}'. The categories are "
                + ", ".join(budget.categories)
            )
        if isinstance(amount, str) and not _is_number(amount):
            if amount not in values:
                raise _core.InputError(
                    f"{what} cost '{category}': '{amount}' is neither a number nor a parameter "
                    "of the model"
                )
            out[category] = float(values[amount])
        else:
            out[category] = _number(amount, f"{what} cost '{category}'")
    return out


def _with_fixed_costs(
    budget: _core.BudgetImpact,
    strategy: str,
    one_off: Mapping[str, float],
    recurring: Mapping[str, float],
    factor: float,
    staffing: Optional[StaffingPlan] = None,
) -> _core.BudgetImpact:
    """The budget with one-off costs in year 1 and recurring costs in every year (in the
    model's price year, times the price factor); with a staffing plan, one-off costs times the
    teams set up each year and recurring costs times the teams in post."""
    costs = [np.array(c, dtype=float) for c in budget.costs]
    s = list(budget.strategies).index(strategy)
    years = costs[s].shape[0]
    set_ups, in_post = fixed_cost_multipliers(years, staffing)
    for category, amount in one_off.items():
        costs[s][:, list(budget.categories).index(category)] += amount * factor * set_ups
    for category, amount in recurring.items():
        costs[s][:, list(budget.categories).index(category)] += amount * factor * in_post
    return _core.BudgetImpact(
        list(budget.strategies), list(budget.categories), list(budget.entrants), costs
    )


def fixed_cost_multipliers(
    years: int, staffing: Optional[StaffingPlan]
) -> tuple[np.ndarray, np.ndarray]:
    """How many times each budget year pays a one-off and a recurring cost: once in year 1 and
    once every year, or, with a staffing plan, per team set up and per team in post."""
    if staffing is None:
        return np.eye(1, years).ravel(), np.ones(years)
    return np.asarray(staffing.added, dtype=float), np.asarray(staffing.teams, dtype=float)
