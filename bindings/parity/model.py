"""Build a cohort state-transition model in a few lines, or load one from a model folder.

Example
-------
>>> import parity
>>> m = parity.Model("two_state", n_cycles=40, discount_rate=0.035)
>>> m.states("Alive", parity.Model.dead("Dead"))
>>> m.strategies("Usual care")
>>> m.parameters(p_die=0.1, c_alive=1000, u_alive=0.8)
>>> m.transition("Alive", "Dead", "p_die")
>>> m.transition("Alive", "Alive", "C")
>>> m.transition("Dead", "Dead", 1)
>>> m.reward("Alive", cost="c_alive", utility="u_alive")
>>> m.initial(Alive=1)
>>> results = m.run()
"""

from __future__ import annotations

import os
from typing import Any, Iterable, Mapping, Sequence, Union

import numpy as np
import pandas as pd

from . import _core
from .results import Results

Value = Union[str, float, int]
StrategySelector = Union[str, Sequence[str]]

ALL = "*"


def _text(value: Value) -> str:
    """An expression as text; numbers keep every digit (repr round-trips a float)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        raise TypeError("a probability, cost or utility cannot be True/False; give a number")
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return repr(float(value))


def _strategies(strategy: StrategySelector) -> list[str]:
    return [strategy] if isinstance(strategy, str) else list(strategy)


class Model:
    """A cohort state-transition (Markov) model.

    Parameters
    ----------
    name
        A short name, used in reports and output folders.
    description
        One sentence on what the model is.
    **settings
        Any setting of :meth:`set` (``n_cycles``, ``cycle_length``, ``start_age``,
        ``discount_rate``, ``correction``, ...).
    """

    def __init__(self, name: str = "model", *, description: str = "", **settings: Any) -> None:
        self._spec = _core.ModelSpec()
        self._spec.name = name
        self._spec.description = description
        self._compiled: _core.CompiledModel | None = None
        self.set(**settings)

    # ---- construction -------------------------------------------------------------------

    @classmethod
    def from_folder(cls, path: Union[str, os.PathLike]) -> "Model":
        """Load a model folder of CSV files (see ``docs/model-folder-format.md``)."""
        model = cls.__new__(cls)
        model._spec = _core.read_model_folder(os.fspath(path))
        if not model._spec.name:
            model._spec.name = os.path.basename(os.path.normpath(os.fspath(path)))
        model._compiled = None
        return model

    @classmethod
    def from_spec(cls, spec: _core.ModelSpec) -> "Model":
        """Wrap a :class:`parity._core.ModelSpec` made elsewhere."""
        model = cls.__new__(cls)
        model._spec = spec
        model._compiled = None
        return model

    def to_folder(self, path: Union[str, os.PathLike]) -> None:
        """Write the model as a folder of CSV files that :meth:`from_folder` reads back."""
        _core.write_model_folder(self._spec, os.fspath(path))

    @staticmethod
    def dead(name: str = "Dead", label: str = "") -> _core.State:
        """A state that does not count towards life-years (for :meth:`states`)."""
        state = _core.State()
        state.name, state.label, state.alive = name, label, False
        return state

    def _changed(self) -> None:
        self._compiled = None

    def _append(self, field: str, items: Iterable[Any]) -> None:
        current = list(getattr(self._spec, field))
        current.extend(items)
        setattr(self._spec, field, current)
        self._changed()

    def set(self, **settings: Any) -> "Model":
        """Change settings, e.g. ``set(n_cycles=75, discount_rate=0.03, correction="simpson")``.

        Lists (``wtp``, ``correction_weights``) may be given as Python sequences. The accepted
        names are listed by ``parity._core.setting_descriptions()``.
        """
        for key, value in settings.items():
            if isinstance(value, (list, tuple, np.ndarray)):
                value = ";".join(_text(v) for v in value)
            elif isinstance(value, bool):
                value = "true" if value else "false"
            elif not isinstance(value, str):
                value = _text(value)
            settings_obj = self._spec.settings
            settings_obj.apply(key, value)
            self._spec.settings = settings_obj
        self._changed()
        return self

    def parameter(
        self,
        name: str,
        value: Value,
        *,
        unit: str = "",
        price_year: str = "",
        source: str = "",
        notes: str = "",
        distribution: str = "",
        distribution_parameters: str = "",
    ) -> "Model":
        """Add a parameter: a number or an expression of other parameters, with its source."""
        p = _core.Parameter()
        p.name, p.expression = name, _text(value)
        p.unit, p.price_year, p.source, p.notes = unit, price_year, source, notes
        p.distribution, p.distribution_parameters = distribution, distribution_parameters
        self._append("parameters", [p])
        return self

    def parameters(self, **values: Value) -> "Model":
        """Add several parameters at once: ``parameters(p_die=0.1, c_H="2000 * 1.02")``."""
        for name, value in values.items():
            self.parameter(name, value)
        return self

    def state(
        self,
        name: str,
        *,
        label: str = "",
        alive: bool = True,
        tunnel_length: int = 1,
        initial: Value | None = None,
    ) -> "Model":
        """Add a state; ``tunnel_length`` > 1 makes a tunnel that remembers time spent in it."""
        s = _core.State()
        s.name, s.label, s.alive, s.tunnel_length = name, label, alive, int(tunnel_length)
        self._append("states", [s])
        if initial is not None:
            self.initial(**{name: initial})
        return self

    def states(self, *states: Union[str, _core.State]) -> "Model":
        """Add states by name (or as :meth:`dead` / ``_core.State`` objects)."""
        for s in states:
            if isinstance(s, str):
                self.state(s)
            else:
                self._append("states", [s])
        return self

    def strategy(self, name: str, label: str = "") -> "Model":
        """Add a strategy (a treatment option compared in the analysis)."""
        s = _core.Strategy()
        s.name, s.label = name, label
        self._append("strategies", [s])
        return self

    def strategies(self, *names: str) -> "Model":
        """Add strategies by name."""
        for n in names:
            self.strategy(n)
        return self

    def transition(
        self, from_state: str, to_state: str, probability: Value, *, strategy: StrategySelector = ALL
    ) -> "Model":
        """Add the probability of moving between two states in one cycle.

        ``probability`` is a number, an expression, or ``"C"`` for the complement of the row.
        A row given for a named strategy replaces the row for all strategies.
        """
        rows = []
        for s in _strategies(strategy):
            t = _core.Transition()
            t.strategy, t.from_state, t.to_state, t.expression = s, from_state, to_state, _text(
                probability
            )
            rows.append(t)
        self._append("transitions", rows)
        return self

    def transitions(
        self, matrix: Mapping[str, Mapping[str, Value]], *, strategy: StrategySelector = ALL
    ) -> "Model":
        """Add a whole matrix as ``{from: {to: probability}}``."""
        for from_state, row in matrix.items():
            for to_state, p in row.items():
                self.transition(from_state, to_state, p, strategy=strategy)
        return self

    def reward(self, state: str, *, strategy: StrategySelector = ALL, **categories: Value) -> "Model":
        """Add rewards for each cycle in a state: ``reward("S1", nhs_acute="c_S1", utility="u_S1")``.

        Costs are per year and utilities annual values; both are multiplied by the cycle length.
        """
        rows = []
        for s in _strategies(strategy):
            for category, value in categories.items():
                r = _core.StateReward()
                r.strategy, r.state, r.category, r.expression = s, state, category, _text(value)
                rows.append(r)
        self._append("state_rewards", rows)
        return self

    def transition_reward(
        self, from_state: str, to_state: str, *, strategy: StrategySelector = ALL, **categories: Value
    ) -> "Model":
        """Add one-off rewards on a transition (``from_state="*"``: from every other state)."""
        rows = []
        for s in _strategies(strategy):
            for category, value in categories.items():
                r = _core.TransitionReward()
                r.strategy, r.from_state, r.to_state = s, from_state, to_state
                r.category, r.expression = category, _text(value)
                rows.append(r)
        self._append("transition_rewards", rows)
        return self

    def initial(self, *, strategy: StrategySelector = ALL, **shares: Value) -> "Model":
        """Set the share of the cohort starting in each state: ``initial(H=1)``."""
        rows = []
        for s in _strategies(strategy):
            for state, value in shares.items():
                r = _core.InitialShare()
                r.strategy, r.state, r.expression = s, state, _text(value)
                rows.append(r)
        self._append("initial", rows)
        return self

    def table(
        self,
        name: str,
        data: pd.DataFrame,
        key: str,
        *,
        interpolation: str = "step",
        out_of_range: str = "clamp",
    ) -> "Model":
        """Add a lookup table; each other column ``c`` becomes the function ``<name>_<c>(key)``."""
        if key not in data.columns:
            raise _core.InputError(
                f"table '{name}' has no column '{key}'. Columns are: {', '.join(map(str, data.columns))}"
            )
        t = _core.LookupTable()
        t.name, t.key_name = name, key
        t.keys = [float(k) for k in data[key]]
        columns = [c for c in data.columns if c != key]
        t.columns = [str(c) for c in columns]
        t.values = [[float(v) for v in data[c]] for c in columns]
        t.interpolation = _core.Interpolation.__members__[interpolation]
        t.out_of_range = _core.OutOfRange.__members__[out_of_range]
        self._append("tables", [t])
        return self

    # ---- inspection and running ---------------------------------------------------------

    @property
    def spec(self) -> _core.ModelSpec:
        """The model as plain data (a :class:`parity._core.ModelSpec`)."""
        return self._spec

    @property
    def name(self) -> str:
        return self._spec.name

    def compile(self) -> _core.CompiledModel:
        """Check the model and compile it (done once; :meth:`run` calls it)."""
        if self._compiled is None:
            self._compiled = _core.CompiledModel(self._spec)
        return self._compiled

    def run(
        self,
        overrides: Mapping[str, float] | None = None,
        *,
        keep_trace: bool = True,
        keep_cycles: bool = True,
    ) -> Results:
        """Run every strategy and return :class:`Results`.

        Parameters
        ----------
        overrides
            Parameter values to use instead of the model's (for scenarios).
        keep_trace, keep_cycles
            Keep the cohort trace and the per-cycle rewards (memory grows with cycles).
        """
        compiled = self.compile()
        outcomes = compiled.evaluate(dict(overrides or {}), keep_trace, keep_cycles)
        return Results(outcomes, self._spec)

    def transition_matrix(self, strategy: str, cycle: int = 0) -> pd.DataFrame:
        """The transition matrix of a strategy from cycle ``cycle`` to ``cycle + 1``."""
        compiled = self.compile()
        matrix = compiled.transition_matrix(strategy, cycle)
        return pd.DataFrame(
            matrix, index=pd.Index(compiled.expanded_state_names, name="from"),
            columns=pd.Index(compiled.state_names, name="to"),
        )

    def parameter_values(self, cycle: int = 0) -> pd.Series:
        """Every parameter's value at a cycle (time-varying ones take that cycle's value)."""
        values = self.compile().parameter_values(cycle)
        return pd.Series(values, name="value").rename_axis("parameter")

    def parameter_table(self) -> pd.DataFrame:
        """The parameters with their expressions, units, price years and sources."""
        return pd.DataFrame(
            [
                {
                    "name": p.name,
                    "value": p.expression,
                    "unit": p.unit,
                    "price_year": p.price_year,
                    "source": p.source,
                    "notes": p.notes,
                    "distribution": p.distribution,
                    "distribution_parameters": p.distribution_parameters,
                }
                for p in self._spec.parameters
            ]
        )

    def __repr__(self) -> str:
        s = self._spec
        return (
            f"Model({s.name!r}: {len(s.states)} states, {len(s.strategies)} strategies, "
            f"{len(s.parameters)} parameters, {s.settings.n_cycles} cycles)"
        )


def load(path: Union[str, os.PathLike]) -> Model:
    """Load a model folder: ``parity.load("params/sick_sicker")``."""
    return Model.from_folder(path)
