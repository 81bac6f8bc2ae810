"""Results of a deterministic run as tidy pandas tables, rendered as HTML in Jupyter."""

from __future__ import annotations

import html
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from . import _core
from .cea import icer_table, net_benefit_table

#: Outcome names that :attr:`Results.cycles` uses for QALYs and life-years; a cost category
#: cannot take one of these names (see :meth:`parity.Model.compile`).
OUTCOME_NAMES = ("qalys", "life_years")

#: Columns of :meth:`Results.table`, in order.
TABLE_COLUMNS = [
    "cost",
    "qalys",
    "life_years",
    "status",
    "comparator",
    "incremental_cost",
    "incremental_qalys",
    "icer",
    "note",
]

#: The first columns of :meth:`Results.tree`, in order; one column per cost category, then
#: ``qalys`` and ``life_years`` follow.
TREE_COLUMNS = [
    "strategy",
    "node",
    "parent",
    "label",
    "markov_state",
    "probability",
    "reach_probability",
]

#: Columns of :attr:`Results.cycles`, in order.
CYCLE_COLUMNS = [
    "strategy",
    "cycle",
    "time",
    "age",
    "outcome",
    "value",
    "weight",
    "discount",
    "contribution",
]


class Results:
    """Costs by category, QALYs, life-years and the cohort trace of every strategy.

    Totals are corrected (within-cycle correction) and discounted unless the column says
    ``undiscounted``. Costs are in the model's currency and price year. For a decision tree the
    totals are the expected payoffs of the tree (present values, see :meth:`tree`) plus the
    Markov model its branches end in, if any.

    Parameters
    ----------
    outcomes
        What :meth:`parity._core.CompiledModel.evaluate` returned.
    spec
        The model that was run (for its name, currency, cycle length, ...).

    Attributes
    ----------
    model_name : str
        The model's name.
    currency, price_year : str
        Currency and price year of every cost.
    cycle_length, start_age : float
        Cycle length in years and the cohort's age at cycle 0.
    wtp : list of float
        The model's willingness-to-pay values (the default of :meth:`net_benefit`).
    strategies, categories, states : list of str
        Strategy names (model order), cost categories (report order) and state names.
    has_tree : bool
        Whether the model is a decision tree (see :meth:`tree`).
    """

    def __init__(self, outcomes: _core.Outcomes, spec: _core.ModelSpec) -> None:
        self._outcomes = outcomes
        self.model_name: str = spec.name
        self.currency: str = spec.settings.currency
        self.price_year: str = spec.settings.price_year
        self.cycle_length: float = spec.settings.cycle_length
        self.start_age: float = spec.settings.start_age
        self.wtp: list[float] = list(spec.settings.wtp)
        self.strategies: list[str] = [s.strategy for s in outcomes.strategies]
        self.categories: list[str] = list(outcomes.categories)
        self.states: list[str] = list(outcomes.states)
        listed = {c.name: c for c in spec.cost_categories}
        #: Who bears each cost category ("" when the model does not say) and whether a saving
        #: in it releases cash.
        self.payers: dict[str, str] = {
            c: (listed[c].payer if c in listed else "") for c in self.categories
        }
        self.cash_releasing: dict[str, bool] = {
            c: (bool(listed[c].cash_releasing) if c in listed else False) for c in self.categories
        }
        self.has_tree: bool = any(len(s.tree) > 0 for s in outcomes.strategies)

    # ---- totals ---------------------------------------------------------------------------

    @property
    def summary(self) -> pd.DataFrame:
        """Totals per strategy.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``strategy`` (model order), with columns ``cost`` (all categories),
            ``qalys``, ``life_years`` (discounted) and ``cost_undiscounted``,
            ``qalys_undiscounted``, ``life_years_undiscounted``.
        """
        rows = []
        for s in self._outcomes.strategies:
            rows.append(
                {
                    "strategy": s.strategy,
                    "cost": s.total_cost,
                    "qalys": s.qalys,
                    "life_years": s.life_years,
                    "cost_undiscounted": s.total_cost_undiscounted,
                    "qalys_undiscounted": s.qalys_undiscounted,
                    "life_years_undiscounted": s.life_years_undiscounted,
                }
            )
        return pd.DataFrame(rows).set_index("strategy")

    @property
    def costs(self) -> pd.DataFrame:
        """Costs by strategy and category, tidy.

        Returns
        -------
        pandas.DataFrame
            One row per strategy and cost category, with columns ``strategy``, ``category``,
            ``discounted`` and ``undiscounted``.
        """
        rows = []
        for s in self._outcomes.strategies:
            for c, d, u in zip(self.categories, s.costs, s.costs_undiscounted):
                rows.append({"strategy": s.strategy, "category": c, "discounted": d, "undiscounted": u})
        return pd.DataFrame(rows, columns=["strategy", "category", "discounted", "undiscounted"])

    @property
    def costs_by_category(self) -> pd.DataFrame:
        """Discounted costs as a table.

        Returns
        -------
        pandas.DataFrame
            One row per strategy (model order), one column per cost category (report order).
        """
        table = self.costs.pivot(index="strategy", columns="category", values="discounted")
        return table.reindex(index=self.strategies, columns=self.categories)

    @property
    def costs_by_payer(self) -> pd.DataFrame:
        """Discounted costs summed by payer.

        Returns
        -------
        pandas.DataFrame
            One row per strategy (model order), one column per payer in the order the cost
            categories first name them (``unassigned`` for categories without a payer).
        """
        costs = self.costs.assign(payer=lambda d: d["category"].map(self._payer_or_unassigned))
        payers = list(dict.fromkeys(self._payer_or_unassigned(c) for c in self.categories))
        table = costs.pivot_table(
            index="strategy", columns="payer", values="discounted", aggfunc="sum", sort=False
        )
        return table.reindex(index=self.strategies, columns=payers)

    def _payer_or_unassigned(self, category: str) -> str:
        return self.payers.get(category) or "unassigned"

    def savings(self, comparator: str | None = None) -> pd.DataFrame:
        """Who pays and who saves: each strategy's costs against a comparator, by category.

        Parameters
        ----------
        comparator
            The strategy the others are compared with (default: the first strategy, usually
            usual care).

        Returns
        -------
        pandas.DataFrame
            One row per other strategy and cost category, with columns ``strategy``,
            ``category``, ``payer``, ``cash_releasing``, ``comparator_cost``,
            ``strategy_cost`` and ``saving`` (comparator cost minus strategy cost: positive
            where the strategy saves, negative where it costs more), discounted and
            ``saving_undiscounted``.

        Raises
        ------
        ValueError
            If ``comparator`` is not a strategy of the model.
        """
        base = comparator if comparator is not None else self.strategies[0]
        if base not in self.strategies:
            raise ValueError(
                f"comparator '{base}' is not a strategy; the strategies are "
                + ", ".join(self.strategies)
            )
        costs = self.costs.set_index(["strategy", "category"])
        rows = []
        for strategy in self.strategies:
            if strategy == base:
                continue
            for category in self.categories:
                mine, theirs = costs.loc[(strategy, category)], costs.loc[(base, category)]
                rows.append(
                    {
                        "strategy": strategy,
                        "category": category,
                        "payer": self._payer_or_unassigned(category),
                        "cash_releasing": self.cash_releasing[category],
                        "comparator_cost": theirs["discounted"],
                        "strategy_cost": mine["discounted"],
                        "saving": theirs["discounted"] - mine["discounted"],
                        "saving_undiscounted": theirs["undiscounted"] - mine["undiscounted"],
                    }
                )
        columns = [
            "strategy", "category", "payer", "cash_releasing", "comparator_cost",
            "strategy_cost", "saving", "saving_undiscounted",
        ]
        return pd.DataFrame(rows, columns=columns)

    # ---- per cycle ----------------------------------------------------------------------

    def _cycle_frame(self) -> pd.DataFrame:
        n = len(self._outcomes.correction_weights)
        cycle = np.arange(n)
        return pd.DataFrame(
            {
                "cycle": cycle,
                "time": cycle * self.cycle_length,
                "age": self.start_age + cycle * self.cycle_length,
                "weight": self._outcomes.correction_weights,
                "cost_discount": self._outcomes.cost_discount,
                "outcome_discount": self._outcomes.outcome_discount,
            }
        )

    @property
    def trace(self) -> pd.DataFrame:
        """The cohort trace.

        Returns
        -------
        pandas.DataFrame
            One row per strategy and cycle point ``0..n_cycles``, with columns ``strategy``,
            ``cycle`` and one column per state holding the share of the cohort in it (tunnel
            states summed over their positions).

        Raises
        ------
        ValueError
            If the model was run with ``keep_trace=False``.
        """
        if not self.states:  # a decision tree without a Markov model
            return pd.DataFrame(columns=["strategy", "cycle"])
        frames = []
        for s in self._outcomes.strategies:
            if s.trace.shape[0] == 0:
                raise ValueError("the trace was not kept: run with keep_trace=True")
            df = pd.DataFrame(s.trace, columns=self.states)
            df.insert(0, "cycle", np.arange(len(df)))
            df.insert(0, "strategy", s.strategy)
            frames.append(df)
        return pd.concat(frames, ignore_index=True)

    @property
    def cycles(self) -> pd.DataFrame:
        """Rewards at every cycle point, tidy, so that every total can be redone by hand.

        Returns
        -------
        pandas.DataFrame
            Columns ``strategy, cycle, time, age, outcome, value, weight, discount,
            contribution``. ``outcome`` is a cost category, ``qalys`` or ``life_years``;
            ``value`` is the reward counted at the cycle point before correction and
            discounting; ``weight`` the within-cycle correction weight; ``discount`` the cost
            or outcome discount factor; ``contribution = weight * discount * value``. The
            contributions of a strategy and outcome sum to its discounted total, less the
            expected payoffs of a decision tree (:meth:`tree`), which have no cycle. Empty for
            a decision tree without a Markov model.

        Raises
        ------
        ValueError
            If the model was run with ``keep_cycles=False``.
        """
        if not self.states:
            return pd.DataFrame(columns=CYCLE_COLUMNS)
        base = self._cycle_frame()
        frames = []
        for s in self._outcomes.strategies:
            if s.cycle_costs.shape[0] == 0:
                raise ValueError("per-cycle rewards were not kept: run with keep_cycles=True")
            # (outcome, values, is_cost) triples: a list, not a dict keyed by name, so that
            # nothing is silently overwritten.
            series: list[tuple[str, np.ndarray, bool]] = [
                (c, np.asarray(s.cycle_costs[:, i]), True) for i, c in enumerate(self.categories)
            ]
            series.append(("qalys", np.asarray(s.cycle_qalys), False))
            series.append(("life_years", np.asarray(s.cycle_life_years), False))
            for outcome, values, is_cost in series:
                df = base.copy()
                df["discount"] = df["cost_discount"] if is_cost else df["outcome_discount"]
                df["strategy"] = s.strategy
                df["outcome"] = outcome
                df["value"] = values
                df["contribution"] = df["weight"] * df["discount"] * df["value"]
                frames.append(df[CYCLE_COLUMNS])
        return pd.concat(frames, ignore_index=True)

    # ---- decision tree -------------------------------------------------------------------

    def tree(self, strategy: str | None = None) -> pd.DataFrame:
        """The decision tree as evaluated: each node's probabilities and expected payoffs.

        Parameters
        ----------
        strategy
            One strategy (default: every strategy, one after the other).

        Returns
        -------
        pandas.DataFrame
            One row per strategy and node, parents before their children (depth first), with
            columns ``strategy``, ``node``, ``parent`` (empty for the root), ``label``,
            ``markov_state`` (the state a terminal node enters, or empty), ``probability``
            (of the branch given its parent; 1 for the root), ``reach_probability`` (of
            reaching the node from the root: the product of the branch probabilities on the
            way), then one column per cost category and ``qalys`` and ``life_years``: the
            node's expected payoff, ``reach_probability`` x the payoff per person reaching
            it. Summed over the nodes of a strategy, these columns give the tree's part of
            the totals in :attr:`summary` (the Markov model adds the rest).

        Raises
        ------
        ValueError
            If the model has no decision tree, or ``strategy`` is not one of its strategies.
        """
        if not self.has_tree:
            raise ValueError(
                "the model has no decision tree: tree() needs tree nodes (tree.csv or "
                "Model.node)"
            )
        if strategy is not None and strategy not in self.strategies:
            raise ValueError(
                f"unknown strategy {strategy!r}; the strategies are {', '.join(self.strategies)}"
            )
        outcomes = [*self.categories, "qalys", "life_years"]
        rows = []
        for s in self._outcomes.strategies:
            if strategy is not None and s.strategy != strategy:
                continue
            for n in s.tree:
                row = {
                    "strategy": s.strategy,
                    "node": n.node,
                    "parent": n.parent,
                    "label": n.label,
                    "markov_state": n.markov_state,
                    "probability": n.probability,
                    "reach_probability": n.reach,
                }
                for name, payoff in zip(outcomes, n.payoffs):
                    row[name] = n.reach * payoff
                rows.append(row)
        return pd.DataFrame(rows, columns=TREE_COLUMNS + outcomes)

    # ---- cost-effectiveness -------------------------------------------------------------

    def icers(self) -> pd.DataFrame:
        """Fully incremental analysis on total discounted costs and QALYs.

        Returns
        -------
        pandas.DataFrame
            One row per strategy sorted by cost; see :func:`parity.icer_table` for the
            columns (``effect`` is QALYs here).
        """
        summary = self.summary
        return icer_table(self.strategies, summary["cost"].tolist(), summary["qalys"].tolist())

    def net_benefit(self, wtp: float | Iterable[float] | None = None) -> pd.DataFrame:
        """Net monetary and net health benefit at each willingness to pay.

        Parameters
        ----------
        wtp
            One value or several, in money per QALY (default: the model's ``wtp`` setting).

        Returns
        -------
        pandas.DataFrame
            Columns ``wtp``, ``strategy``, ``net_monetary_benefit`` (wtp x QALYs - cost),
            ``net_health_benefit`` (QALYs - cost / wtp) and ``optimal`` (True for the strategy
            with the highest net monetary benefit at that wtp).
        """
        if wtp is None:
            values: Sequence[float] = self.wtp
        elif np.isscalar(wtp):
            values = [float(wtp)]  # type: ignore[arg-type]
        else:
            values = [float(w) for w in wtp]  # type: ignore[union-attr]
        summary = self.summary
        return net_benefit_table(self.strategies, summary["cost"], summary["qalys"], values)

    def table(self) -> pd.DataFrame:
        """The results table a report shows.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``strategy``, sorted by cost as in :meth:`icers`, with columns
            ``cost``, ``qalys``, ``life_years`` (discounted totals), ``status``
            (``frontier``, ``dominated`` or ``extendedly_dominated``), ``comparator`` (the
            frontier strategy an ICER is against; empty otherwise), ``incremental_cost``,
            ``incremental_qalys``, ``icer`` (NaN where there is none) and ``note``.
        """
        icers = self.icers().set_index("strategy")
        icers = icers.rename(columns={"incremental_effect": "incremental_qalys"})
        icers["comparator"] = icers["comparator"].fillna("").astype(str)
        summary = self.summary
        out = summary[["cost", "qalys", "life_years"]].join(
            icers[["status", "comparator", "incremental_cost", "incremental_qalys", "icer", "note"]]
        )
        return out.loc[icers.index, TABLE_COLUMNS]

    # ---- display ------------------------------------------------------------------------

    def _caption(self) -> str:
        price = f", {self.price_year} prices" if self.price_year else ""
        return f"{self.model_name}: costs in {self.currency}{price}; discounted totals"

    def _formatted_table(self) -> pd.DataFrame:
        """:meth:`table` as text: thousands separators, 3 decimals, blanks instead of NaN."""
        table = self.table()
        formats = {
            "cost": "{:,.0f}",
            "qalys": "{:.3f}",
            "life_years": "{:.3f}",
            "incremental_cost": "{:,.0f}",
            "incremental_qalys": "{:.3f}",
            "icer": "{:,.0f}",
        }
        shown = table.copy().astype(object)
        for column, fmt in formats.items():
            shown[column] = [("" if pd.isna(v) else fmt.format(v)) for v in table[column]]
        return shown

    def __repr__(self) -> str:
        with pd.option_context("display.width", 160, "display.max_columns", 20):
            text = self._formatted_table().to_string(na_rep="")
        return f"{self._caption()}\n{text}"

    def _repr_html_(self) -> str:
        caption = html.escape(self._caption())
        return f"<p><b>{caption}</b></p>" + self._formatted_table().to_html(na_rep="")
