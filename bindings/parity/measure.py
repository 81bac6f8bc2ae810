"""The ``measure`` of a published figure: arithmetic over a model's inputs and results.

A measure such as ``(cost_B - cost_SoC) / (qaly_B - qaly_SoC)`` says how a model's run gives a
published figure. It is read with Python's parser but evaluated by walking the syntax tree, so
that only numbers, names, ``+ - * / **``, unary minus, parentheses and the functions ``abs``,
``min`` and ``max`` are accepted; anything else (attribute access, comparisons, other calls) is
an error, never executed.

The names a measure may use (:func:`namespace`) are the model's parameters at their base-case
values and, for each strategy ``S`` of the run, ``cost_S``, ``cost_S_<category>``, ``qaly_S``,
``ly_S`` and ``payer_S_<payer>``, all discounted as the model's settings say.
"""

from __future__ import annotations

import ast
import difflib
import math
import operator
import re
from dataclasses import dataclass, field
from typing import Callable, Mapping

from . import _core
from .results import Results

_BINARY: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}

_FUNCTIONS: dict[str, Callable[..., float]] = {"abs": abs, "min": min, "max": max}

# Operators people bring from spreadsheets, with what to write instead.
_HINTS: dict[type, str] = {
    ast.BitXor: "write ** for a power (x ** 2), not ^",
    ast.Mod: "% is not accepted; write shares as fractions (0.72)",
    ast.FloorDiv: "use / for division",
}


class MeasureError(ValueError):
    """A measure that cannot be evaluated; ``offset`` is the 0-based character it is about."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.offset = offset


def identifier(name: str) -> str:
    """A strategy, category or payer name as it appears in a measure's names: every run of
    characters other than ASCII letters, digits and ``_`` becomes one ``_`` ("Usual care" ->
    ``Usual_care``); case is kept, as parameter names are case-sensitive."""
    return re.sub(r"[^0-9A-Za-z_]+", "_", name).strip("_")


@dataclass
class Namespace:
    """The names a measure may use, each with what it means.

    Attributes
    ----------
    values : dict of str to float
        Value of each name that has one meaning.
    meanings : dict of str to list of str
        What each name stands for ("parameter c_H", "total cost of strategy SoC", ...); more
        than one meaning makes the name ambiguous.
    """

    values: dict[str, float] = field(default_factory=dict)
    meanings: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, value: float, meaning: str) -> None:
        """Record ``name``; a second meaning makes it ambiguous (it is then not in ``values``)."""
        self.meanings.setdefault(name, []).append(meaning)
        if len(self.meanings[name]) == 1:
            self.values[name] = float(value)
        else:
            self.values.pop(name, None)

    def lookup(self, name: str, offset: int) -> float:
        """The value of ``name``.

        Raises
        ------
        MeasureError
            When the name is ambiguous, or unknown (with the closest names).
        """
        meanings = self.meanings.get(name)
        if meanings is None:
            raise MeasureError(f"unknown name '{name}'{did_you_mean(name, self.meanings)}", offset)
        if len(meanings) > 1:
            raise MeasureError(
                f"the name '{name}' is ambiguous: it is " + " and ".join(meanings)
                + ". Rename one of them in the model folder",
                offset,
            )
        return self.values[name]


def did_you_mean(name: str, candidates: Mapping[str, object] | list[str]) -> str:
    """`` (did you mean 'a' or 'b'?)`` for the closest candidates, or an empty string."""
    pool = list(candidates)
    by_case = [c for c in pool if c.lower() == name.lower()]
    close = by_case or difflib.get_close_matches(name, pool, n=3, cutoff=0.6)
    if not close:
        return ""
    quoted = [f"'{c}'" for c in close]
    return " (did you mean " + (", ".join(quoted[:-1]) + " or " if len(quoted) > 1 else "") + (
        quoted[-1] + "?)"
    )


def namespace(parameters: Mapping[str, float], results: Results, spec: _core.ModelSpec) -> Namespace:
    """The names a measure may use for one run of a model.

    Parameters
    ----------
    parameters
        Parameter values of the run (its base-case values, or those of a scenario).
    results
        The run.
    spec
        The model that was run, for the payer of each cost category.

    Returns
    -------
    Namespace
        Parameters, then per strategy ``cost_S``, ``qaly_S``, ``ly_S``, ``cost_S_<category>``
        and ``payer_S_<payer>`` (the sum of the categories declared with that payer in
        cost_categories.csv; only payers that some category names are defined).
    """
    ns = Namespace()
    for name, value in parameters.items():
        ns.add(name, value, f"the parameter '{name}'")
    payer_of = {c.name: c.payer for c in spec.cost_categories if c.payer}
    summary = results.summary
    by_category = results.costs_by_category
    for strategy in results.strategies:
        s = identifier(strategy)
        row = summary.loc[strategy]
        # Every category, whatever the model's perspective: published totals are sums of all
        # the costs a report counts.
        ns.add(f"cost_{s}", float(by_category.loc[strategy].sum()),
               f"the total cost (all categories) of strategy '{strategy}'")
        ns.add(f"qaly_{s}", row["qalys"], f"the QALYs of strategy '{strategy}'")
        ns.add(f"ly_{s}", row["life_years"], f"the life-years of strategy '{strategy}'")
        payers: dict[str, float] = {}
        for category in results.categories:
            cost = float(by_category.loc[strategy, category])
            ns.add(
                f"cost_{s}_{identifier(category)}",
                cost,
                f"the cost of category '{category}' for strategy '{strategy}'",
            )
            if category in payer_of:
                payers[payer_of[category]] = payers.get(payer_of[category], 0.0) + cost
        for payer, total in payers.items():
            ns.add(
                f"payer_{s}_{identifier(payer)}",
                total,
                f"the cost borne by payer '{payer}' for strategy '{strategy}'",
            )
    return ns


def evaluate(expression: str, ns: Namespace) -> float:
    """The value of a measure.

    Raises
    ------
    MeasureError
        For syntax that is not accepted, an unknown or ambiguous name, division by zero, or a
        result that is not a finite real number; ``offset`` points at the culprit.
    """
    value = _eval(_parse(expression), ns)
    if not math.isfinite(value):
        raise MeasureError(f"the measure gives {value!r}, not a finite number")
    return value


def _parse(expression: str) -> ast.Expression:
    try:
        return ast.parse(expression.strip(), mode="eval")
    except SyntaxError as err:
        offset = max((err.offset or 1) - 1, 0)
        raise MeasureError(f"not a valid expression ({err.msg})", offset) from None


def _eval(node: ast.AST, ns: Namespace) -> float:
    offset = getattr(node, "col_offset", 0)
    if isinstance(node, ast.Expression):
        return _eval(node.body, ns)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise MeasureError(f"{node.value!r} is not a number", offset)
        return float(node.value)
    if isinstance(node, ast.Name):
        return ns.lookup(node.id, offset)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _eval(node.operand, ns)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _eval(node.left, ns), _eval(node.right, ns)
        try:
            result = _BINARY[type(node.op)](left, right)
        except ZeroDivisionError:
            raise MeasureError("division by zero", node.right.col_offset) from None
        except OverflowError:
            raise MeasureError("the result is too large", offset) from None
        if isinstance(result, complex):
            raise MeasureError("a negative number raised to a fractional power", offset)
        return float(result)
    if isinstance(node, ast.BinOp) and type(node.op) in _HINTS:
        raise MeasureError(_HINTS[type(node.op)], offset)
    if isinstance(node, ast.Call):
        return _call(node, ns)
    shown = ast.unparse(node)
    raise MeasureError(
        f"'{shown}' is not accepted: a measure holds numbers, names, + - * / ** ( ) and "
        "abs, min, max",
        offset,
    )


def _call(node: ast.Call, ns: Namespace) -> float:
    name = node.func.id if isinstance(node.func, ast.Name) else ""
    if name not in _FUNCTIONS:
        shown = name or ast.unparse(node.func)
        raise MeasureError(
            f"unknown function '{shown}'{did_you_mean(shown, list(_FUNCTIONS))}; the functions "
            "are abs, min and max",
            node.col_offset,
        )
    if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
        raise MeasureError(f"{name}() takes plain arguments separated by commas", node.col_offset)
    wanted = (1, 1) if name == "abs" else (2, None)
    if len(node.args) < wanted[0] or (wanted[1] is not None and len(node.args) > wanted[1]):
        want = "one argument" if name == "abs" else "at least two arguments"
        raise MeasureError(f"{name}() takes {want}", node.col_offset)
    return float(_FUNCTIONS[name](*(_eval(a, ns) for a in node.args)))
