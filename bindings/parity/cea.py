"""Fully incremental cost-effectiveness analysis as pandas tables.

The dominance rules live in the C++ core (``core/cea.cpp``); see
``docs/methods/cost-effectiveness.md`` for the rules and their sources.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import pandas as pd

from . import _core


def icer_table(
    strategies: Sequence[str], costs: Sequence[float], effects: Sequence[float]
) -> pd.DataFrame:
    """Order strategies by cost, flag dominance and extended dominance, and give ICERs.

    Parameters
    ----------
    strategies, costs, effects
        One entry per strategy: name, expected cost and expected effect (QALYs).

    Returns
    -------
    pandas.DataFrame
        One row per strategy sorted by cost, with columns ``strategy``, ``cost``, ``effect``,
        ``status`` (``frontier``, ``dominated`` or ``extendedly_dominated``), ``comparator``,
        ``incremental_cost``, ``incremental_effect``, ``icer`` and ``note``.
    """
    rows = _core.incremental_analysis(
        list(strategies), [float(c) for c in costs], [float(e) for e in effects]
    )
    return pd.DataFrame(
        {
            "strategy": [r.strategy for r in rows],
            "cost": [r.cost for r in rows],
            "effect": [r.effect for r in rows],
            "status": [r.status for r in rows],
            "comparator": [r.comparator or None for r in rows],
            "incremental_cost": [r.incremental_cost for r in rows],
            "incremental_effect": [r.incremental_effect for r in rows],
            "icer": [r.icer for r in rows],
            "note": [r.note for r in rows],
        }
    )


def net_benefit_table(
    strategies: Sequence[str],
    costs: Sequence[float],
    effects: Sequence[float],
    wtp: Iterable[float],
) -> pd.DataFrame:
    """Net monetary and net health benefit of each strategy at each willingness to pay.

    NMB = wtp * effect - cost and NHB = effect - cost / wtp (Stinnett & Mullahy 1998).

    Returns
    -------
    pandas.DataFrame
        Columns ``wtp``, ``strategy``, ``net_monetary_benefit``, ``net_health_benefit`` and
        ``optimal`` (the strategy with the highest NMB at that wtp).
    """
    rows = _core.net_benefit_table(
        list(strategies),
        [float(c) for c in costs],
        [float(e) for e in effects],
        [float(w) for w in wtp],
    )
    return pd.DataFrame(
        {
            "wtp": [r.wtp for r in rows],
            "strategy": [r.strategy for r in rows],
            "net_monetary_benefit": [r.nmb for r in rows],
            "net_health_benefit": [r.nhb for r in rows],
            "optimal": [r.optimal for r in rows],
        }
    )
