"""Build a cohort state-transition model or a decision tree in a few lines, or load one from a
model folder.

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
>>> m.reward("Alive", nhs_acute="c_alive", utility="u_alive")
>>> m.initial(Alive=1)
>>> results = m.run()

A decision tree (see ``docs/methods/decision-tree.md``):

>>> t = parity.Model("screening")
>>> t.strategies("usual", "screen")
>>> t.parameters(p_ill=0.3, p_ill_screen=0.2)
>>> t.cost_category("nhs_acute", payer="nhs_acute")
>>> t.node("start")
>>> t.node("ill", parent="start", probability="p_ill")
>>> t.node("ill", parent="start", probability="p_ill_screen", strategy="screen")
>>> t.node("well", parent="start", probability="C")
>>> t.payoff("ill", nhs_acute=1200, qaly="annuity(0.035, 10) * 0.7")
>>> t.payoff("well", qaly="annuity(0.035, 10) * 0.9")
>>> t.run().tree()
"""

from __future__ import annotations

import math
import os
import sys
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence, Union

import numpy as np
import pandas as pd

from . import _core
from .results import Results

if TYPE_CHECKING:  # pragma: no cover
    from .psa import PsaResults

Value = Union[str, float, int]
StrategySelector = Union[str, Sequence[str]]

ALL = "*"


def _text(value: Value) -> str:
    """An expression as text; numbers keep every digit (``repr`` round-trips a float).

    Raises
    ------
    TypeError
        For True/False, which are not numbers here.
    parity.InputError
        For NaN and infinity, which an expression cannot hold.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        raise TypeError("a probability, cost or utility cannot be True/False; give a number")
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    number = float(value)
    if not math.isfinite(number):
        raise _core.InputError(
            f"the value {number!r} is not a finite number. Give a number such as 0.1, or an "
            "expression as text"
        )
    return repr(number)


def _strategies(strategy: StrategySelector) -> list[str]:
    """A strategy selector (one name, ``"*"``, or several names) as a list of names."""
    return [strategy] if isinstance(strategy, str) else list(strategy)


def _category_rows(
    row_type: Any, strategy: StrategySelector, categories: Mapping[str, Value],
    where: _core.Location, **fields: Any,
) -> list[Any]:
    """One ``row_type`` per strategy and category (a reward or payoff row), each with the
    strategy, the category, its value as an expression, ``where`` and the other ``fields``."""
    rows = []
    for s in _strategies(strategy):
        for category, value in categories.items():
            row = row_type()
            row.strategy, row.category, row.expression, row.where = s, category, _text(value), where
            for name, field in fields.items():
                setattr(row, name, field)
            rows.append(row)
    return rows


_PACKAGE = __name__.rpartition(".")[0] or "parity"


def _here() -> _core.Location:
    """The caller's place outside the parity package (file and line), recorded on every row a
    builder method adds so that errors found when the model compiles point at the line of the
    user's script or notebook cell that added the row, as they point at a file and line for
    model folders."""
    where = _core.Location()
    frame = sys._getframe(1)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module != _PACKAGE and not module.startswith(_PACKAGE + "."):
            where.file = frame.f_code.co_filename
            where.line = frame.f_lineno
            break
        frame = frame.f_back
    return where


def _choice(enum: Any, value: str, what: str) -> Any:
    """The member of a ``_core`` enum named ``value``, or an InputError listing the choices."""
    members = enum.__members__
    if value not in members:
        raise _core.InputError(
            f"unknown {what} {value!r}. Use one of: {', '.join(members)}"
        )
    return members[value]


class Model:
    """A cohort state-transition (Markov) model, a decision tree, or a decision tree whose
    branches end in a Markov model.

    Every builder method returns the model, so calls can be chained. The model is checked when
    it is compiled (by :meth:`compile`, :meth:`run` and :meth:`transition_matrix`), and
    problems raise :class:`parity.ModelError` naming the place.

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
        self._pending: dict[str, list[Any]] = {}
        self._compiled: _core.CompiledModel | None = None
        self.set(**settings)

    # ---- construction -------------------------------------------------------------------

    @classmethod
    def from_folder(cls, path: Union[str, os.PathLike]) -> "Model":
        """Load a model folder of CSV files (see ``docs/model-folder-format.md``).

        Parameters
        ----------
        path
            The folder. Its name is the model's name unless settings.csv gives one.

        Raises
        ------
        parity.InputError
            If the folder or a required file is missing or a file is malformed, if settings.csv
            sets ``require_sources`` and a parameter or lookup table has no source, or if a
            parameter whose unit is a probability is a number outside [0, 1]; the message gives
            the file, line and column.
        """
        spec = _core.read_model_folder(os.fspath(path))
        if not spec.name:
            spec.name = os.path.basename(os.path.abspath(os.fspath(path)))
        return cls.from_spec(spec)

    @classmethod
    def from_spec(cls, spec: _core.ModelSpec) -> "Model":
        """Wrap a :class:`parity._core.ModelSpec` made elsewhere (it is not copied)."""
        model = cls.__new__(cls)
        model._spec = spec
        model._pending = {}
        model._compiled = None
        return model

    def to_folder(self, path: Union[str, os.PathLike]) -> None:
        """Write the model as a folder of CSV files that :meth:`from_folder` reads back.

        Parameters
        ----------
        path
            The folder; created if needed. Files of the folder that are not part of the format
            (a README, notes) are kept.

        Raises
        ------
        parity.ModelError
            Before anything is written, if the model sets ``require_sources`` and a parameter or
            lookup table has no source, or a parameter whose unit is a probability is a number
            outside [0, 1]; the message gives the line of the script that added it.
        """
        _core.write_model_folder(self.spec, os.fspath(path))

    @staticmethod
    def dead(name: str = "Dead", label: str = "") -> _core.State:
        """A state that does not count towards life-years (for :meth:`states`)."""
        state = _core.State()
        state.name, state.label, state.alive = name, label, False
        return state

    def _changed(self) -> None:
        self._compiled = None

    def _append(self, field: str, items: Iterable[Any]) -> None:
        # Rows wait in Python lists and reach the spec in one assignment per field (_flush):
        # copying the whole C++ vector on every call made building large models quadratic.
        self._pending.setdefault(field, []).extend(items)
        self._changed()

    def _flush(self) -> None:
        for field, items in self._pending.items():
            setattr(self._spec, field, list(getattr(self._spec, field)) + items)
        self._pending = {}

    def set(self, **settings: Any) -> "Model":
        """Change settings, e.g. ``set(n_cycles=75, discount_rate=0.03, correction="simpson")``.

        Parameters
        ----------
        **settings
            Any setting of settings.csv: ``name`` and ``description``, and the names listed
            by ``parity._core.setting_descriptions()``. Lists (``wtp``,
            ``correction_weights``) may be Python sequences of numbers or of text such as
            ``"1/3"``.

        Returns
        -------
        Model
            The model itself, so calls can be chained.

        Raises
        ------
        parity.InputError
            For an unknown setting (the message suggests the closest name) or a malformed
            value. Settings before the bad one are applied.
        """
        try:
            for key, value in settings.items():
                if key in ("name", "description"):
                    setattr(self._spec, key, str(value))
                    continue
                if isinstance(value, (list, tuple, np.ndarray)):
                    value = ";".join(_text(v) for v in value)
                elif isinstance(value, (bool, np.bool_)):
                    value = "true" if value else "false"
                elif not isinstance(value, str):
                    value = _text(value)
                settings_obj = self._spec.settings
                settings_obj.apply(key, value)
                self._spec.settings = settings_obj
        finally:
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
        """Add a parameter: a number or an expression of other parameters, with its source.

        Parameters
        ----------
        name
            The name used in expressions.
        value
            A number, or an expression such as ``"rate_to_prob(r_HS1)"`` or
            ``"lifetable_Total(age)"``.
        unit, price_year, source, notes
            Documentation kept with the parameter (parameters.csv columns).
        distribution, distribution_parameters
            The distribution for probabilistic analysis, e.g. ``"gamma"`` and
            ``"shape=30; rate=200"``.
        """
        p = _core.Parameter()
        p.name, p.expression = name, _text(value)
        p.unit, p.price_year, p.source, p.notes = unit, price_year, source, notes
        p.distribution, p.distribution_parameters = distribution, distribution_parameters
        p.where = _here()
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
        """Add a state.

        Parameters
        ----------
        name
            A unique state name.
        label
            A longer name for reports.
        alive
            Whether time in the state counts as life-years.
        tunnel_length
            Cycles of memory: ``L > 1`` makes a tunnel whose occupants know how many cycles
            they have spent in it (``state_time`` = 0..L-1 in expressions).
        initial
            The share of the cohort starting in the state, for every strategy.
        """
        if isinstance(tunnel_length, (bool, np.bool_)) or int(tunnel_length) != tunnel_length:
            raise _core.InputError(
                f"state '{name}': tunnel_length {tunnel_length!r} is not a whole number. Give 1 "
                "for an ordinary state or the number of cycles the state must remember"
            )
        s = _core.State()
        s.name, s.label, s.alive, s.tunnel_length = name, label, bool(alive), int(tunnel_length)
        s.where = _here()
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
                if not s.where.file and not s.where.line:
                    s.where = _here()
                self._append("states", [s])
        return self

    def strategy(self, name: str, label: str = "") -> "Model":
        """Add a strategy (a treatment option compared in the analysis)."""
        s = _core.Strategy()
        s.name, s.label, s.where = name, label, _here()
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

        Parameters
        ----------
        from_state, to_state
            The states.
        probability
            A number, an expression, or ``"C"`` for one minus the other entries of the row.
        strategy
            ``"*"`` (every strategy), a strategy name or several. A row given for a named
            strategy replaces the ``"*"`` row with the same from and to.
        """
        rows = []
        where = _here()
        for s in _strategies(strategy):
            t = _core.Transition()
            t.strategy, t.from_state, t.to_state = s, from_state, to_state
            t.expression, t.where = _text(probability), where
            rows.append(t)
        self._append("transitions", rows)
        return self

    def transitions(
        self, matrix: Mapping[str, Mapping[str, Value]], *, strategy: StrategySelector = ALL
    ) -> "Model":
        """Add a whole matrix as ``{from: {to: probability}}`` (see :meth:`transition`)."""
        for from_state, row in matrix.items():
            for to_state, p in row.items():
                self.transition(from_state, to_state, p, strategy=strategy)
        return self

    def reward(self, state: str, *, strategy: StrategySelector = ALL, **categories: Value) -> "Model":
        """Add rewards for each cycle in a state: ``reward("S1", nhs_acute="c_S1", utility="u_S1")``.

        Parameters
        ----------
        state
            The state.
        strategy
            ``"*"`` (every strategy), a strategy name or several.
        **categories
            ``utility`` (an annual utility) and cost categories (costs per year) with their
            values. Both are multiplied by the cycle length.
        """
        rows = _category_rows(_core.StateReward, strategy, categories, _here(), state=state)
        self._append("state_rewards", rows)
        return self

    def transition_reward(
        self, from_state: str, to_state: str, *, strategy: StrategySelector = ALL, **categories: Value
    ) -> "Model":
        """Add one-off rewards counted on the share of the cohort making a move.

        Parameters
        ----------
        from_state, to_state
            The move; ``from_state="*"`` means from every state other than ``to_state``.
        strategy
            ``"*"`` (every strategy), a strategy name or several.
        **categories
            Cost categories and ``utility`` with the value per person moving (not scaled by
            the cycle length); a one-off utility decrement is a negative value.
        """
        rows = _category_rows(
            _core.TransitionReward, strategy, categories, _here(),
            from_state=from_state, to_state=to_state,
        )
        self._append("transition_rewards", rows)
        return self

    def initial(self, *, strategy: StrategySelector = ALL, **shares: Value) -> "Model":
        """Set the share of the cohort starting in each state: ``initial(H=1)``.

        Parameters
        ----------
        strategy
            ``"*"`` (every strategy), a strategy name or several.
        **shares
            State names with their shares (numbers or expressions); they must sum to 1.
        """
        rows = []
        where = _here()
        for s in _strategies(strategy):
            for state, value in shares.items():
                r = _core.InitialShare()
                r.strategy, r.state, r.expression, r.where = s, state, _text(value), where
                rows.append(r)
        self._append("initial", rows)
        return self

    def cost_category(
        self,
        name: str,
        label: str = "",
        *,
        payer: str = "",
        cash_releasing: bool = False,
        notes: str = "",
    ) -> "Model":
        """Declare a cost category (cost_categories.csv); results list categories in the order
        declared, then those only used in rewards in order of first use.

        Parameters
        ----------
        name
            The category name used in :meth:`reward` and :meth:`transition_reward`.
        label
            A longer name for reports.
        payer, cash_releasing, notes
            Who bears the cost and whether a saving releases cash (for budget impact).
        """
        c = _core.CostCategory()
        c.name, c.label, c.payer, c.cash_releasing, c.notes = (
            name,
            label,
            payer,
            bool(cash_releasing),
            notes,
        )
        c.where = _here()
        self._append("cost_categories", [c])
        return self

    def node(
        self,
        name: str,
        parent: str | None = None,
        probability: Value | None = None,
        *,
        label: str = "",
        markov_state: str = "",
        strategy: StrategySelector = ALL,
        notes: str = "",
    ) -> "Model":
        """Add a node of the decision tree (a row of tree.csv).

        A model with tree nodes is a decision tree: states, transitions and rewards become
        optional, and if given, branches may end in the Markov model they define.

        Parameters
        ----------
        name
            A unique node name.
        parent
            The chance node this node is a branch of; ``None`` for the root (exactly one).
        probability
            The probability of this branch given its parent: a number, an expression, or
            ``"C"`` for one minus the other branches. ``None`` for the root.
        label
            A longer name for tables.
        markov_state
            Terminal nodes only: the branch enters this state of the Markov model at cycle 0.
        strategy
            ``"*"`` (every strategy), a strategy name or several. A node given for a named
            strategy replaces the ``"*"`` node of the same name (e.g. a lower risk).
        notes
            Kept with the node (tree.csv column).
        """
        rows = []
        where = _here()
        for s in _strategies(strategy):
            n = _core.TreeNode()
            n.strategy, n.node, n.parent = s, name, parent or ""
            n.probability = "" if probability is None else _text(probability)
            n.label, n.markov_state, n.notes = label, markov_state, notes
            n.where = n.parent_where = n.probability_where = n.markov_state_where = where
            rows.append(n)
        self._append("tree", rows)
        return self

    def payoff(
        self,
        node: str,
        *,
        strategy: StrategySelector = ALL,
        from_year: Value | None = None,
        years: Value | None = None,
        **categories: Value,
    ) -> "Model":
        """Add payoffs counted once for every person reaching a tree node (tree_payoffs.csv):
        ``payoff("severe", nhs_acute="c_severe", qaly="0 - annuity(0.035, 5) * 0.2")``.

        Parameters
        ----------
        node
            The node (any node, not only terminal ones).
        strategy
            ``"*"`` (every strategy), a strategy name or several.
        from_year, years
            Timing of these payoffs (tree_payoffs.csv columns ``from_year`` and ``years``):
            each value is then the UNDISCOUNTED total, spread evenly over ``years`` years
            starting ``from_year`` whole years after entry into the tree (``years`` 0: all of
            it at the start of ``from_year``). The engine discounts each year's share with the
            model's rates, and a budget impact places it in those years. Numbers or
            expressions; both ``None`` (the default): no timing.
        **categories
            Cost categories (declared with :meth:`cost_category` or used by rewards),
            ``qaly`` and ``life_years``. Without timing each is a PRESENT VALUE per person
            reaching the node: the engine does not discount it; use ``discount_factor``,
            ``annuity`` and ``annuity_from`` in the expression.
        """
        where = _here()
        timing = {
            "from_year": "" if from_year is None else _text(from_year),
            "years": "" if years is None else _text(years),
        }
        rows = _category_rows(
            _core.TreePayoff, strategy, categories, where,
            node=node, node_where=where, category_where=where,
            from_year_where=where, years_where=where, **timing,
        )
        self._append("tree_payoffs", rows)
        return self

    def table(
        self,
        name: str,
        data: pd.DataFrame,
        key: str,
        *,
        interpolation: str = "step",
        out_of_range: str = "clamp",
        source: str = "",
        notes: str = "",
    ) -> "Model":
        """Add a lookup table, such as a life table by age.

        Each column ``c`` of ``data`` other than ``key`` becomes the function
        ``<name>_<c>(key)`` in expressions (and ``<name>(key)`` when there is one such
        column), e.g. ``lifetable_Total(age)``.

        Parameters
        ----------
        name
            The table's name.
        data
            The table: a numeric key column and numeric value columns.
        key
            The column holding the key; its values must increase strictly.
        interpolation
            ``"step"`` (the value at the largest key not above the argument) or ``"linear"``.
        out_of_range
            ``"clamp"`` (use the first or last row) or ``"error"``.
        source, notes
            Where the table comes from.

        Raises
        ------
        parity.InputError
            If ``key`` is not a column, a cell is not a number, or ``interpolation`` /
            ``out_of_range`` is not one of the accepted values.
        """
        if key not in data.columns:
            raise _core.InputError(
                f"table '{name}' has no column '{key}'. Columns are: {', '.join(map(str, data.columns))}"
            )

        def numbers(column: Any) -> list[float]:
            try:
                values = [float(v) for v in data[column]]
            except (TypeError, ValueError):
                values = [math.nan]
            if not all(math.isfinite(v) for v in values):
                raise _core.InputError(
                    f"table '{name}', column '{column}': every cell must be a finite number. "
                    "Fix or drop the cells that are empty or text"
                )
            return values

        t = _core.LookupTable()
        t.name, t.key_name = name, str(key)
        t.keys = numbers(key)
        columns = [c for c in data.columns if c != key]
        t.columns = [str(c) for c in columns]
        t.values = [numbers(c) for c in columns]
        t.interpolation = _choice(_core.Interpolation, interpolation, "interpolation")
        t.out_of_range = _choice(_core.OutOfRange, out_of_range, "out_of_range")
        t.source, t.notes, t.where = source, notes, _here()
        self._append("tables", [t])
        return self

    # ---- inspection and running ---------------------------------------------------------

    @property
    def spec(self) -> _core.ModelSpec:
        """The model as plain data (a :class:`parity._core.ModelSpec`)."""
        self._flush()
        return self._spec

    @property
    def name(self) -> str:
        """The model's name."""
        return self._spec.name

    def compile(self) -> _core.CompiledModel:
        """Check the model and compile it (done once until the model changes; :meth:`run`
        calls it).

        Raises
        ------
        parity.ModelError
            For the first problem found: a parameter without a source under
            ``require_sources``, an unknown state, strategy or parameter, circular parameters, a
            cost category named like an outcome, ...
        """
        if self._compiled is None:
            self._compiled = _core.CompiledModel(self.spec)
        return self._compiled

    def psa(
        self,
        n: int = 1000,
        seed: int = 1,
        *,
        threads: int | None = None,
        progress: bool | None = None,
        client: Any = None,
        chunk_size: int = 2000,
        keep_parameters: bool = True,
    ) -> "PsaResults":
        """Probabilistic sensitivity analysis: every parameter with a distribution varies.

        Parameters
        ----------
        n
            Number of samples.
        seed
            Seed of the counter-based random streams: the same seed gives bit-identical
            results on any number of threads, in chunks, or over a Dask cluster.
        threads
            Worker threads (default: every core).
        progress
            Show a tqdm progress bar (default: for 20,000 samples or more, if tqdm is
            installed). Ctrl-C stops the run and raises KeyboardInterrupt.
        client
            A ``dask.distributed.Client`` to spread the samples over its workers.
        chunk_size
            Samples per Dask task.
        keep_parameters
            Keep every sample's parameter values (needed for EVPPI); False keeps outcomes
            only, for models with thousands of varying parameters.

        Returns
        -------
        PsaResults
            Sampled parameters, outcomes per sample and strategy, and the CEAC, CEAF,
            expected loss, EVPI and EVPPI analyses.
        """
        from .psa import run_psa

        return run_psa(
            self, n, seed, threads=threads, progress=progress, client=client,
            chunk_size=chunk_size, keep_parameters=keep_parameters,
        )

    def run(
        self,
        overrides: Mapping[str, float] | None = None,
        *,
        keep_trace: bool = True,
        keep_cycles: bool = True,
    ) -> Results:
        """Run every strategy.

        Parameters
        ----------
        overrides
            Parameter values to use instead of the model's (for scenarios), e.g.
            ``{"c_trtA": 10000}``.
        keep_trace, keep_cycles
            Keep the cohort trace and the per-cycle rewards (memory grows with cycles).

        Returns
        -------
        Results
            Totals, costs by category, the trace and the per-cycle rewards.

        Raises
        ------
        parity.ModelError
            If the model is invalid, an override names no parameter (the message suggests
            the closest name) or a probability leaves [0, 1].
        parity.InputError
            If an override's value is not a number.
        """
        compiled = self.compile()
        values: dict[str, float] = {}
        for key, value in (overrides or {}).items():
            try:
                values[str(key)] = float(value)
            except (TypeError, ValueError):
                raise _core.InputError(
                    f"override '{key}': {value!r} is not a number. Overrides replace a "
                    "parameter by a number; change the model's expression to use a formula"
                ) from None
        outcomes = compiled.evaluate(values, keep_trace, keep_cycles)
        return Results(outcomes, self._spec)

    def transition_matrix(self, strategy: str, cycle: int = 0) -> pd.DataFrame:
        """The transition matrix of a strategy for the move from cycle ``cycle`` to ``cycle + 1``.

        Returns
        -------
        pandas.DataFrame
            Rows ``from`` (tunnel states expanded as ``name[k]``), columns ``to`` (states).
        """
        compiled = self.compile()
        matrix = compiled.transition_matrix(strategy, cycle)
        return pd.DataFrame(
            matrix,
            index=pd.Index(compiled.expanded_state_names, name="from"),
            columns=pd.Index(compiled.state_names, name="to"),
        )

    def parameter_values(self, cycle: int = 0) -> pd.Series:
        """Every parameter's value at a cycle (time-varying ones take that cycle's value).

        Returns
        -------
        pandas.Series
            Values indexed by parameter name.
        """
        values = self.compile().parameter_values(cycle)
        return pd.Series(values, name="value").rename_axis("parameter")

    def parameter_table(self) -> pd.DataFrame:
        """The parameters with their expressions, units, price years and sources.

        Returns
        -------
        pandas.DataFrame
            One row per parameter in model order, with the columns of parameters.csv
            (``value`` holds the expression as text).
        """
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
                for p in self.spec.parameters
            ],
            columns=[
                "name",
                "value",
                "unit",
                "price_year",
                "source",
                "notes",
                "distribution",
                "distribution_parameters",
            ],
        )

    def __repr__(self) -> str:
        s = self.spec
        tree = f"{len({n.node for n in s.tree})} tree nodes, " if s.has_tree else ""
        return (
            f"Model({s.name!r}: {tree}{len(s.states)} states, {len(s.strategies)} strategies, "
            f"{len(s.parameters)} parameters, {s.settings.n_cycles} cycles)"
        )


def load(path: Union[str, os.PathLike]) -> Model:
    """Load a model folder: ``parity.load("params/sick_sicker")`` (see :meth:`Model.from_folder`)."""
    return Model.from_folder(path)
