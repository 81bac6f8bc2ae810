"""params/perinatal: the perinatal mental health decision tree (after Bauer et al. 2014).

The structure, payer and source tests read the CSV files directly, so they run on any engine.
The tests that run the model need the decision-tree engine (tree.csv); they are skipped, with a
reason, while the installed parity does not list tree.csv among its model files.

The hand calculations restate the transcription's arithmetic (cost per case = public costs +
QALY losses valued in money + productivity + ..., per woman with the condition) on the values in
parameters.csv, independently of tree.csv and tree_payoffs.csv.
"""

from __future__ import annotations

import ast
import csv
import importlib
import math
import operator
import re
import shutil
from pathlib import Path
from typing import Callable, Dict, List

import pytest

import parity

FOLDER = Path(__file__).resolve().parents[2] / "params" / "perinatal"

TREE_ENGINE = "tree.csv" in parity._core.optional_model_files()
needs_tree_engine = pytest.mark.skipif(
    not TREE_ENGINE, reason="the installed parity has no decision-tree engine (tree.csv) yet"
)


# ---- reading the folder without the engine -----------------------------------------------


def _rows(name: str) -> List[Dict[str, str]]:
    with open(FOLDER / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _annuity(r: float, n: float) -> float:
    """Present value of 1 a year paid at the start of each of n years (tree-spec formula)."""
    return sum(min(1.0, n - k) * (1.0 + r) ** -k for k in range(math.ceil(n)))


_OPS: Dict[type, Callable[..., float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.USub: operator.neg,
}


def _evaluate(expression: str, env: Dict[str, float]) -> float:
    """Arithmetic on parameter names and numbers, plus annuity(); enough for this folder."""

    def walk(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            return env[node.id]
        if isinstance(node, ast.BinOp):
            return _OPS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp):
            return _OPS[type(node.op)](walk(node.operand))
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "annuity":
            return _annuity(*(walk(a) for a in node.args))
        raise ValueError(f"unsupported expression {expression!r}")

    return walk(ast.parse(expression, mode="eval"))


def _parameters(**overrides: float) -> Dict[str, float]:
    """Base-case parameter values (derived ones evaluated in file order after overrides)."""
    env: Dict[str, float] = {}
    derived = []
    for row in _rows("parameters.csv"):
        try:
            env[row["name"]] = float(row["value"])
        except ValueError:
            derived.append(row)
    env.update(overrides)
    for row in derived:
        env[row["name"]] = _evaluate(row["value"], env)
    return env


def _tree(strategy: str) -> Dict[str, Dict[str, str]]:
    """tree.csv rows for one strategy (a named-strategy row replaces the `*` row)."""
    nodes: Dict[str, Dict[str, str]] = {}
    for row in _rows("tree.csv"):
        s = row["strategy"] or "*"
        if s == strategy or (s == "*" and row["node"] not in nodes):
            nodes[row["node"]] = row
    return nodes


STRATEGIES = [row["name"] for row in _rows("strategies.csv")]


# ---- independent hand calculations ---------------------------------------------------------


def hand_depression_per_case(p: Dict[str, float]) -> Dict[str, float]:
    """Cost per woman with perinatal depression, mother and child, as the transcription adds it."""
    years = p["d_dep"]  # the episode's years, undiscounted (settings.csv discount_rate 0)
    mother = (
        p["c_dep_mother_hsc"]
        + p["u_loss_dep"] * years * p["v_qaly"]
        + p["wk_lost_dep"] * years * p["w_mother_weekly"]
    )
    conduct = p["p_conduct_dep"] * (
        p["c_conduct_hsc"]
        + p["c_conduct_justice"]
        + p["q_conduct"] * p["v_qaly"]
        + p["c_conduct_prod"]
        + p["c_conduct_crime_victims"]
    )
    child = (
        p["c_dep_child_preterm_hsc"]
        + p["c_dep_child_emotional_hsc"]
        + p["c_dep_child_sen"]
        + p["c_dep_child_emotional_qol"]
        + p["c_dep_child_emotional_prod"]
        + p["c_dep_child_school_prod"]
        + conduct
        + p["p_child_death_dep"] * p["v_vsl"]
    )
    return {"mother": mother, "child": child, "total": mother + child}


def test_hand_calculation_of_depression_per_case() -> None:
    """1,670 + 0.29*2.5*25,000 + 12*2.5*120 = 23,395 (mother); 50,909 (child); 74,304 in all."""
    cost = hand_depression_per_case(_parameters())
    assert cost["mother"] == pytest.approx(1670 + 18125 + 3600)
    assert cost["child"] == pytest.approx(968 + 1020 + 3166 + 4609 + 2169 + 1463 + 22100 + 0.12 * 128450)
    assert cost["total"] == pytest.approx(74304.0)
    # The published 'around £74,000, £23,000 mother and £51,000 child' (targets.csv tolerances).
    assert abs(cost["total"] - 74000) <= 500
    assert abs(cost["child"] - 51000) <= 500


# ---- structure -----------------------------------------------------------------------------


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_branch_probabilities_sum_to_one(strategy: str) -> None:
    params = _parameters()
    nodes = _tree(strategy)
    roots = [n for n, row in nodes.items() if not row["parent"]]
    assert roots == ["birth"]
    children: Dict[str, List[str]] = {}
    for n, row in nodes.items():
        if row["parent"]:
            assert row["parent"] in nodes, f"{n}: unknown parent {row['parent']}"
            children.setdefault(row["parent"], []).append(n)
    for parent, kids in children.items():
        probabilities = [nodes[k]["probability"] for k in kids]
        assert probabilities.count("C") <= 1, parent
        given = [_evaluate(x, params) for x in probabilities if x != "C"]
        assert all(0.0 <= x <= 1.0 for x in given), parent
        if "C" in probabilities:
            assert 1.0 - sum(given) >= 0.0, parent
        else:
            assert sum(given) == pytest.approx(1.0, abs=1e-9), parent


def test_recommended_standard_changes_only_depression_prevalence() -> None:
    current, recommended = _tree("current_provision"), _tree("recommended_standard")
    changed = [n for n in current if current[n]["probability"] != recommended[n]["probability"]]
    assert changed == ["depression"]
    p = _parameters()
    assert _evaluate(recommended["depression"]["probability"], p) == pytest.approx(0.094 * 0.84)


def test_payers_follow_the_issue4_conventions() -> None:
    payer = {row["category"]: row["payer"] for row in _rows("cost_categories.csv")}
    public = {"nhs_mental_health", "nhs_other", "other_public_sector"}
    assert {c for c, p in payer.items() if p in public} == {
        "mother_health_social_care",
        "child_health_social_care",
        "child_education",
        "child_criminal_justice",
        "service_cost",
    }
    assert payer["child_education"] == payer["child_criminal_justice"] == "other_public_sector"
    for c in ("mother_unpaid_care", "child_unpaid_care", "child_out_of_pocket"):
        assert payer[c] == "individuals"
    for c in ("mother_quality_of_life", "child_quality_of_life", "child_death", "child_crime_victims"):
        assert payer[c] == "wider_society"
    # Every payoff goes to a declared category (or the qaly outcome), and every category
    # says whether its savings release cash.
    used = {row["category"] for row in _rows("tree_payoffs.csv")}
    assert used - set(payer) == {"qaly"}
    assert all(row["cash_releasing"] in ("yes", "no") for row in _rows("cost_categories.csv"))


def test_every_parameter_has_a_source_and_costs_a_price_year() -> None:
    for row in _rows("parameters.csv"):
        assert row["source"].strip(), row["name"]
        if "GBP" in row["unit"]:
            assert row["price_year"], row["name"]
        if "pedugnat/psyperinathon" in row["source"]:
            assert "verify" in row["source"], row["name"]


# ---- with the decision-tree engine -----------------------------------------------------------


def _copy_with(tmp_path: Path, **values: float) -> Path:
    """A copy of the folder in tmp_path with some parameter values replaced."""
    folder = tmp_path / "perinatal"
    shutil.copytree(FOLDER, folder)
    rows = _rows("parameters.csv")
    for row in rows:
        if row["name"] in values:
            row["value"] = repr(values[row["name"]])
    with open(folder / "parameters.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return folder


def _run(folder: Path = FOLDER) -> Dict[str, Dict[str, float]]:
    table = parity.load(folder).run().costs_by_category
    return {s: table.loc[s].to_dict() for s in table.index}


@needs_tree_engine
def test_engine_depression_per_case_matches_hand_calculation(tmp_path: Path) -> None:
    p = _parameters()
    hand = hand_depression_per_case(p)
    folder = _copy_with(tmp_path, p_anxiety_alone=0.0, p_psychosis=0.0)
    costs = _run(folder)["current_provision"]
    mother = sum(v for c, v in costs.items() if c.startswith("mother_"))
    child = sum(v for c, v in costs.items() if c.startswith("child_"))
    assert mother / p["p_depression"] == pytest.approx(hand["mother"], rel=1e-12)
    assert child / p["p_depression"] == pytest.approx(hand["child"], rel=1e-12)


@needs_tree_engine
def test_engine_service_cost_falls_on_the_nhs_only_under_the_intervention() -> None:
    costs = _run()
    assert costs["current_provision"]["service_cost"] == 0.0
    assert costs["recommended_standard"]["service_cost"] == pytest.approx(414.5)


@needs_tree_engine
def test_replication_table_has_no_failures() -> None:
    replicate = importlib.import_module("parity.replicate")
    table = replicate.replicate_folder(FOLDER)
    assert replicate.failures(table).empty, replicate.render_text(replicate.failures(table))
    by_id = table.set_index("id")
    assert by_id.loc["dep_cost_per_case", "model_value"] == pytest.approx(74304.0)
    assert by_id.loc["total_cost_uk_cohort", "status"] == "calibrated"


@needs_tree_engine
def test_probability_above_one_names_tree_csv_line(tmp_path: Path) -> None:
    broken = tmp_path / "perinatal"
    shutil.copytree(FOLDER, broken)
    text = (broken / "tree.csv").read_text(encoding="utf-8")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if s.startswith("dep_conduct,"))
    (broken / "tree.csv").write_text(
        text.replace("dep_conduct,depression,p_conduct_dep,", "dep_conduct,depression,1.2,"),
        encoding="utf-8",
    )
    with pytest.raises(parity.ParityError) as err:
        parity.load(broken).run()
    message = str(err.value)
    assert "tree.csv" in message and re.search(rf"\b{line}\b", message), message
