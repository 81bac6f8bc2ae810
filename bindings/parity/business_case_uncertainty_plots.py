"""Figures of a business case's uncertainty: the probability of breaking even by year, the
interval of cumulative net savings, the ROI tornado and scenarios side by side. Every function
draws on the Axes it is given (or a new one) and returns it; none calls ``show()``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import plots
from .plots import _axes, _money, _thousands

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from .business_case_scenarios import BusinessCaseScenarios
    from .business_case_uncertainty import BusinessCasePsa


def plot_break_even(result: "BusinessCasePsa", ax: "Axes | None" = None, *, cash: bool = True) -> "Axes":
    """Probability that the cumulative net savings are >= 0 at the end of each budget year
    (and, with ``cash``, counting cash-releasing savings only)."""
    ax = _axes(ax)
    table = result.break_even()
    ax.plot(table.index, table["probability"], marker="o", label="All savings")
    if cash:
        ax.plot(table.index, table["probability_cash"], marker="s", linestyle="--",
                label="Cash-releasing savings only")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xticks(table.index)
    ax.set_xlabel("Budget year")
    ax.set_ylabel("Probability of having broken even")
    ax.set_title(f"Probability of breaking even ({result.n_samples:,} PSA samples)")
    ax.legend()
    return ax


def plot_cumulative_net_savings(
    result: "BusinessCasePsa", ax: "Axes | None" = None, *, level: float = 0.95
) -> "Axes":
    """Cumulative net savings by budget year: the base case, the PSA mean and the percentile
    interval at ``level``; below the zero line the investment has not yet been paid back."""
    ax = _axes(ax)
    table = result.intervals(level)
    table = table[table["measure"] == "cumulative_net_savings"]
    years = table["year"].to_numpy()
    ax.fill_between(years, table["lower"], table["upper"], alpha=0.25,
                    label=f"{level:.0%} interval")
    ax.plot(years, table["mean"], marker="o", label="PSA mean")
    ax.plot(years, table["base_case"], marker="s", linestyle="--", color="black", label="Base case")
    ax.axhline(0, color="grey", linewidth=1)
    ax.set_xticks(years)
    _thousands(ax.yaxis)
    ax.set_xlabel("Budget year")
    ax.set_ylabel(f"Cumulative net savings ({_money(result.currency, result.base.price_year)})")
    ax.set_title("Cumulative net savings (savings - investment)")
    ax.legend()
    return ax


def plot_roi_tornado(table: pd.DataFrame, ax: "Axes | None" = None, max_bars: int = 15) -> "Axes":
    """Tornado of :func:`parity.business_case_tornado.roi_tornado`, with the break-even line
    (ROI 0) when the measure is a return on investment."""
    ax = plots.tornado(table, ax=ax, max_bars=max_bars)
    measure = table.attrs.get("measure", "roi")
    if measure in ("roi", "cash_roi"):
        ax.axvline(0.0, color="grey", linestyle=":", linewidth=1, label="Break-even (ROI 0)")
        from matplotlib.ticker import PercentFormatter

        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    elif measure in ("npv", "cash_npv", "net_budget_impact"):
        _thousands(ax.xaxis)
        ax.set_xlabel(
            f"{table.attrs.get('outcome', measure)} "
            f"({_money(table.attrs.get('currency', 'GBP'), table.attrs.get('price_year', ''))})"
        )
    ax.set_title("One-way sensitivity of the business case")
    ax.legend()
    return ax


def plot_scenarios(result: "BusinessCaseScenarios", ax: "Axes | None" = None, currency: str = "GBP") -> "Axes":
    """Cumulative net savings by budget year, one line per scenario."""
    ax = _axes(ax)
    yearly = result.yearly
    for name, rows in yearly.groupby("scenario", sort=False):
        ax.plot(rows["year"], rows["cumulative_net_savings"], marker="o", label=name)
    ax.axhline(0, color="grey", linewidth=1)
    ax.set_xticks(np.unique(yearly["year"]))
    _thousands(ax.yaxis)
    price_year = next(iter(result.results.values())).price_year
    ax.set_xlabel("Budget year")
    ax.set_ylabel(f"Cumulative net savings ({_money(currency, price_year)})")
    ax.set_title("Scenarios")
    ax.legend()
    return ax
