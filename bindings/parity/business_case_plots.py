"""Figures of a business case: who pays and who saves each year, cumulative net savings, and a
waterfall from the investment to the net position. Every function draws on the Axes it is given
(or a new one), labels the axes with the currency and price year, and returns the Axes; none
calls ``show()``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .plots import _axes, _money, _thousands

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from .budget_impact import BudgetImpactResults


def _label(results: "BudgetImpactResults", currency: str) -> str:
    return _money(currency, results.price_year)


def _by_year(ax: "Axes", results: "BudgetImpactResults", years: np.ndarray, ylabel: str,
             what: str) -> "Axes":
    """Budget years on the x axis, money on the y axis, a title and a legend."""
    ax.set_xticks(years)
    ax.set_xlabel("Budget year")
    ax.set_ylabel(ylabel)
    ax.set_title(f"{results.strategy} vs {results.comparator}: {what}")
    _thousands(ax.yaxis)
    ax.legend(fontsize="small")
    return ax


def payer_bars(results: "BudgetImpactResults", ax: "Axes | None" = None, currency: str = "GBP") -> "Axes":
    """Stacked bars of intervention minus current practice by payer in each budget year:
    above zero what a payer spends more (the investment), below zero what it saves. Payers
    outside the budget perspective are left out: their gains are wider benefits, not savings.

    Parameters
    ----------
    results
        A business case (:func:`parity.business_case.run_business_case`).
    ax
        Axes to draw on (default: a new figure).
    currency
        The model's currency (its ``currency`` setting).
    """
    ax = _axes(ax)
    increments = results.increments()
    table = increments[increments["in_perspective"]].pivot_table(
        index="year", columns="payer", values="increment", aggfunc="sum", sort=False
    )
    years = np.asarray(table.index, dtype=float)
    up = np.zeros(len(years))
    down = np.zeros(len(years))
    for payer in table.columns:
        values = table[payer].to_numpy(dtype=float)
        base = np.where(values >= 0, up, down)
        ax.bar(years, values, bottom=base, label=payer.replace("_", " "), width=0.7)
        up += np.clip(values, 0, None)
        down += np.clip(values, None, 0)
    net = table.sum(axis=1).to_numpy(dtype=float)
    ax.plot(years, net, "k_", markersize=28, markeredgewidth=2, label="net budget impact")
    ax.axhline(0, color="black", linewidth=0.8)
    return _by_year(ax, results, years, f"Intervention minus current practice "
                    f"({_label(results, currency)})", "who pays, who saves")


def cumulative_net_savings(
    results: "BudgetImpactResults", ax: "Axes | None" = None, currency: str = "GBP"
) -> "Axes":
    """Cumulative net savings (savings minus investment) by the end of each budget year, for all
    savings and for cash-releasing savings only; the break-even year, if any, is marked."""
    ax = _axes(ax)
    table = results.yearly
    years = np.asarray(table.index, dtype=float)
    ax.plot(years, (table["gross_savings"] - table["investment"]).cumsum(), "o-",
            label="all savings")
    ax.plot(years, (table["cash_savings"] - table["investment"]).cumsum(), "s--",
            label="cash-releasing savings only")
    ax.axhline(0, color="black", linewidth=0.8)
    year = int(results.summary["break_even_year"])
    if year:
        ax.axvline(year, color="grey", linestyle=":", label=f"break-even: year {year}")
    return _by_year(ax, results, years, f"Cumulative net savings ({_label(results, currency)}, "
                    "undiscounted)", "cumulative net savings")


def waterfall(results: "BudgetImpactResults", ax: "Axes | None" = None, currency: str = "GBP") -> "Axes":
    """From the investment to the net position over the horizon: the investment (down), each
    payer's savings (up; down where a payer's costs rise), and the net savings (savings -
    investment), undiscounted."""
    ax = _axes(ax)
    s = results.summary
    increments = results.increments()
    savings = (
        -increments[~increments["investment"]].groupby("payer", sort=False)["increment"].sum()
    )
    steps = [("investment", -float(s["total_investment"]))]
    steps += [(f"savings: {p.replace('_', ' ')}", float(v)) for p, v in savings.items()]
    level = 0.0
    for i, (label, value) in enumerate(steps):
        ax.bar(i, value, bottom=level, color="tab:red" if value < 0 else "tab:green", width=0.6)
        if i:
            ax.plot([i - 1.3, i - 0.7], [level, level], color="grey", linewidth=0.8)
        level += value
    net = float(s["total_gross_savings"] - s["total_investment"])
    ax.bar(len(steps), net, color="tab:blue", width=0.6)
    ax.plot([len(steps) - 1.3, len(steps) - 0.7], [level, level], color="grey", linewidth=0.8)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(range(len(steps) + 1))
    ax.set_xticklabels([label for label, _ in steps] + ["net position"], rotation=30, ha="right")
    ax.set_ylabel(f"Over {len(results.years)} years ({_label(results, currency)}, undiscounted)")
    ax.set_title(f"{results.strategy} vs {results.comparator}: from investment to net position")
    _thousands(ax.yaxis)
    return ax
