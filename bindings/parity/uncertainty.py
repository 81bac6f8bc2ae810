"""Analyses of decision uncertainty from samples of costs and effects: CE plane, CEAC, CEAF,
expected loss, EVPI and EVPPI. The arithmetic is in the C++ core (``core/voi.cpp``,
``core/metamodel.cpp``); formulas and references are in ``docs/methods/value-of-information.md``.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence, Union

import numpy as np
import pandas as pd

from . import _core

ParameterGroups = Union[Sequence[str], Mapping[str, Sequence[str]]]


def default_wtp_grid(maximum: float = 100_000.0, step: float = 1_000.0) -> np.ndarray:
    """Willingness-to-pay values 0, step, ..., maximum."""
    maximum, step = float(maximum), float(step)
    if not (np.isfinite(maximum) and maximum >= 0):
        raise _core.ModelError(f"the largest willingness to pay must be finite and >= 0 (it was {maximum:g})")
    if not (np.isfinite(step) and step > 0):
        raise _core.ModelError(f"the willingness-to-pay step must be finite and > 0 (it was {step:g})")
    return np.arange(0.0, maximum + step / 2, step)


def _unknown(names: Sequence[str], known: Sequence[str], what: str) -> str:
    """``'x' (did you mean 'y'?)`` for each unknown name."""
    import difflib

    parts = []
    for name in names:
        close = difflib.get_close_matches(name, known, n=1)
        parts.append(f"'{name}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
    return f"{what}: {', '.join(parts)}"


def _as_grid(wtp: float | Iterable[float] | None, fallback: Iterable[float]) -> np.ndarray:
    if wtp is None:
        values = np.asarray(list(fallback), dtype=float)
    elif np.isscalar(wtp):
        values = np.asarray([float(wtp)])  # type: ignore[arg-type]
    else:
        values = np.asarray(list(wtp), dtype=float)  # type: ignore[arg-type]
    if values.size == 0 or not np.all(np.isfinite(values)) or np.any(values < 0):
        raise _core.ModelError("willingness-to-pay values must be finite and >= 0")
    return values


class UncertaintyAnalysis:
    """Decision uncertainty from ``n_samples x strategies`` arrays of costs and effects (QALYs).

    Parameters
    ----------
    costs, effects
        Arrays of shape ``(n_samples, n_strategies)``.
    strategies
        Strategy names.
    parameters
        The sampled parameter values (rows aligned with the samples), used by EVPPI.
    """

    def __init__(
        self,
        costs: np.ndarray,
        effects: np.ndarray,
        strategies: Sequence[str],
        parameters: pd.DataFrame | None = None,
        *,
        model_name: str = "",
        currency: str = "GBP",
        price_year: str = "",
        wtp: Sequence[float] = (20000.0, 30000.0),
    ) -> None:
        self.costs = np.ascontiguousarray(costs, dtype=float)
        self.effects = np.ascontiguousarray(effects, dtype=float)
        if self.costs.shape != self.effects.shape or self.costs.ndim != 2:
            raise _core.ModelError("costs and effects must both be samples x strategies arrays")
        self.strategies = list(strategies)
        if len(self.strategies) != self.costs.shape[1]:
            raise _core.ModelError("one strategy name is needed per column of costs")
        self.parameters = parameters if parameters is not None else pd.DataFrame(index=range(len(costs)))
        self.model_name = model_name
        self.currency = currency
        self.price_year = price_year
        self.wtp = list(wtp)

    # ---- display ---------------------------------------------------------------------------

    def __repr__(self) -> str:
        from .uncertainty_display import as_text

        return as_text(self)

    def _repr_html_(self) -> str:
        from .uncertainty_display import as_html

        return as_html(self)

    # ---- summaries -------------------------------------------------------------------------

    def summary(self) -> pd.DataFrame:
        """Mean, standard deviation and 95% interval of costs and QALYs per strategy."""
        rows = []
        for k, name in enumerate(self.strategies):
            for label, data in (("cost", self.costs[:, k]), ("qalys", self.effects[:, k])):
                rows.append(
                    {
                        "strategy": name,
                        "outcome": label,
                        "mean": data.mean(),
                        "sd": data.std(ddof=1) if len(data) > 1 else np.nan,
                        "lower_95": np.quantile(data, 0.025),
                        "upper_95": np.quantile(data, 0.975),
                    }
                )
        return pd.DataFrame(rows)

    def net_monetary_benefit(self, wtp: float) -> np.ndarray:
        """``n_samples x strategies`` net monetary benefit wtp * QALYs - cost."""
        return float(wtp) * self.effects - self.costs

    def ce_plane(self, reference: str | None = None) -> pd.DataFrame:
        """Incremental costs and QALYs of each strategy against ``reference`` (default: the
        first strategy), one row per sample and strategy."""
        if reference is not None and reference not in self.strategies:
            raise _core.ModelError(
                _unknown([reference], self.strategies, "unknown reference strategy")
                + f". Strategies are: {', '.join(self.strategies)}"
            )
        ref = self.strategies.index(reference) if reference is not None else 0
        frames = []
        for k, name in enumerate(self.strategies):
            if k == ref:
                continue
            frames.append(
                pd.DataFrame(
                    {
                        "sample": self.parameters.index,
                        "strategy": name,
                        "comparator": self.strategies[ref],
                        "incremental_cost": self.costs[:, k] - self.costs[:, ref],
                        "incremental_qalys": self.effects[:, k] - self.effects[:, ref],
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)

    # ---- acceptability and loss ------------------------------------------------------------

    def ceac(self, wtp: float | Iterable[float] | None = None) -> pd.DataFrame:
        """Cost-effectiveness acceptability curves: probability each strategy has the highest
        net monetary benefit, at each willingness to pay (Fenwick et al. 2001)."""
        rows = []
        for w in _as_grid(wtp, default_wtp_grid()):
            probs = _core.probability_optimal(self.net_monetary_benefit(w))
            rows += [{"wtp": w, "strategy": s, "probability": p} for s, p in zip(self.strategies, probs)]
        return pd.DataFrame(rows)

    def ceaf(self, wtp: float | Iterable[float] | None = None) -> pd.DataFrame:
        """The cost-effectiveness acceptability frontier: at each willingness to pay, the
        strategy with the highest expected net benefit and its probability of being optimal
        (Fenwick, Claxton & Sculpher 2001)."""
        rows = []
        for w in _as_grid(wtp, default_wtp_grid()):
            nmb = self.net_monetary_benefit(w)
            best = int(np.argmax(nmb.mean(axis=0)))
            probs = _core.probability_optimal(nmb)
            rows.append({"wtp": w, "strategy": self.strategies[best], "probability": probs[best]})
        return pd.DataFrame(rows)

    def expected_loss(self, wtp: float | Iterable[float] | None = None) -> pd.DataFrame:
        """Expected loss of choosing each strategy, E[max_k NB_k - NB_j] (Eckermann & Willan
        2008); its minimum over strategies is the EVPI."""
        rows = []
        for w in _as_grid(wtp, default_wtp_grid()):
            loss = _core.expected_loss(self.net_monetary_benefit(w))
            rows += [{"wtp": w, "strategy": s, "expected_loss": x} for s, x in zip(self.strategies, loss)]
        return pd.DataFrame(rows)

    # ---- value of information --------------------------------------------------------------

    def evpi(
        self,
        wtp: float | Iterable[float] | None = None,
        *,
        population: float | None = None,
        years: int = 10,
        discount_rate: float = 0.035,
    ) -> pd.DataFrame:
        """Expected value of perfect information per person and, when ``population`` (people
        affected per year) is given, for that population over ``years`` discounted at
        ``discount_rate``."""
        rows = []
        for w in _as_grid(wtp, default_wtp_grid()):
            per_person = _core.evpi(self.net_monetary_benefit(w))
            row = {"wtp": w, "evpi_per_person": per_person}
            if population is not None:
                row["population_evpi"] = _core.population_evpi(per_person, float(population), int(years), float(discount_rate))
            rows.append(row)
        return pd.DataFrame(rows)

    def evppi(
        self,
        parameters: ParameterGroups,
        wtp: float | None = None,
        *,
        method: str = "automatic",
    ) -> pd.DataFrame:
        """Expected value of partial perfect information for parameters or groups of them,
        estimated by non-parametric regression (Strong, Oakley & Brennan 2014).

        Parameters
        ----------
        parameters
            Parameter names (each on its own), or ``{"group name": [names...]}``.
        wtp
            Willingness to pay (default: the model's first ``wtp`` setting).
        method
            ``automatic`` (penalised spline for one parameter, tensor-product spline for 2-4,
            Gaussian process for more), ``spline``, ``gam_tensor`` or ``gaussian_process``.
        """
        w = float(_as_grid(self.wtp[0] if wtp is None else wtp, [])[0])
        if isinstance(parameters, str):
            parameters = [parameters]
        groups = (
            {label: [names] if isinstance(names, str) else list(names) for label, names in parameters.items()}
            if isinstance(parameters, Mapping)
            else {p: [p] for p in parameters}
        )
        known = list(self.parameters.columns)
        if not known:
            raise _core.ModelError(
                "EVPPI needs the sampled parameter values, and this PSA did not keep them: run "
                "it with keep_parameters=True"
            )
        values = np.ascontiguousarray(self.parameters.to_numpy(dtype=float))
        nmb = np.ascontiguousarray(self.net_monetary_benefit(w))
        total = _core.evpi(nmb)
        rows = []
        for label, names in groups.items():
            if not names:
                raise _core.ModelError(f"EVPPI: the group '{label}' has no parameters")
            missing = [n for n in names if n not in known]
            if missing:
                raise _core.ModelError(
                    _unknown(missing, known, "EVPPI: no sampled parameter")
                    + f". Parameters that vary in this PSA: {', '.join(known)}"
                )
            twice = sorted({n for n in names if names.count(n) > 1})
            if twice:
                raise _core.ModelError(f"EVPPI: the group '{label}' lists {', '.join(twice)} more than once")
            constant = [n for n in names if np.ptp(values[:, known.index(n)]) == 0]
            if constant:
                raise _core.ModelError(
                    f"EVPPI: {', '.join(constant)} has the same value in every sample, so it cannot "
                    "be a regression input (its EVPPI is 0). Leave it out"
                )
            result = _core.evppi(nmb, values, [known.index(n) for n in names], method)
            rows.append(
                {
                    "parameters": label,
                    "members": ", ".join(names),
                    "wtp": w,
                    "evppi": result.evppi,
                    "standard_error": result.standard_error,
                    "evpi": total,
                    "r_squared": result.r_squared,
                    "method": result.method,
                }
            )
        return pd.DataFrame(rows)
