"""``parity replicate``: published figures in targets.csv against the models' values.

The synthetic model is Alive/Dead with a constant probability of dying, no discounting and
costs counted at the start of each cycle, so every total is a geometric sum computed by hand:
the share alive at cycle t is (1 - q)^t and a total over n cycles is (1 - (1 - q)^n) / q per
unit of annual reward.
"""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from helpers import PARAMS, edit_file

import parity
from parity.cli import main
from parity.measure import MeasureError, Namespace, evaluate
from parity.replicate import COLUMNS, format_value
from parity.targets import CALIBRATED, FAILED, NOT_REPRODUCED, REPRODUCED, read_targets

Q_USUAL, RR, N = 0.1, 0.5, 10
C_ALIVE, C_DRUG, C_SOCIAL, U_ALIVE = 1000.0, 500.0, 200.0, 0.8

HEADER = "id,report,figure,published,unit,tolerance,measure,scenario,expected,comparison,source,notes"


def alive_years(q: float, n: int = N) -> float:
    """Expected cycles alive over n annual cycles counted at their start: sum of (1 - q)^t."""
    return (1 - (1 - q) ** n) / q


LY_USUAL = alive_years(Q_USUAL)
LY_TREAT = alive_years(Q_USUAL * RR)
COST_USUAL = (C_ALIVE + C_SOCIAL) * LY_USUAL
COST_TREAT = (C_ALIVE + C_SOCIAL + C_DRUG) * LY_TREAT


def build_model() -> parity.Model:
    m = parity.Model("alive_dead", n_cycles=N, discount_rate=0, correction="start")
    m.states("Alive", parity.Model.dead("Dead"))
    m.strategies("usual care", "Treat")
    m.parameter("p_die", Q_USUAL, source="Assumption: test value")
    m.parameter("rr", RR, source="Assumption: test value")
    m.parameter("p_die_treat", "p_die * rr", source="derived")
    m.parameters(c_alive=C_ALIVE, c_drug=C_DRUG, c_social=C_SOCIAL, u_alive=U_ALIVE)
    m.cost_category("hospital", payer="nhs_acute")
    m.cost_category("drug", payer="nhs_acute")
    m.cost_category("social", payer="local_authority_social_care")
    for strategy, p in (("usual care", "p_die"), ("Treat", "p_die_treat")):
        m.transition("Alive", "Dead", p, strategy=strategy)
    m.transition("Alive", "Alive", "C")
    m.transition("Dead", "Dead", 1)
    m.reward("Alive", hospital="c_alive", social="c_social", utility="u_alive")
    m.reward("Alive", strategy="Treat", drug="c_drug")
    m.initial(Alive=1)
    return m


def make_folder(path: Path, rows: list[str], header: str = HEADER) -> Path:
    """The synthetic model written to ``path`` with a targets.csv of ``rows``."""
    build_model().to_folder(path)
    (path / "targets.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def row(
    id: str,
    published: float | str,
    measure: str,
    *,
    expected: str = "reproduced",
    tolerance: float | str = 0.5,
    unit: str = "GBP",
    scenario: str = "",
    comparison: str = "",
    notes: str = "",
    report: str = "Test 2024",
) -> str:
    return (
        f'{id},{report},"figure {id}",{published},{unit},{tolerance},"{measure}",'
        f'"{scenario}",{expected},{comparison},"Test 2024, Table 1 (grade P)","{notes}"'
    )


def statuses(table: pd.DataFrame) -> dict[str, str]:
    return dict(zip(table["id"], table["status"]))


# ---- the synthetic model checks out by hand ------------------------------------------------


def test_model_values_match_hand_calculation(tmp_path: Path) -> None:
    folder = make_folder(
        tmp_path / "alive_dead",
        [
            row("cost_usual", round(COST_USUAL), "cost_usual_care"),
            row("cost_treat", round(COST_TREAT), "cost_Treat"),
            row("ly_treat", round(LY_TREAT, 2), "ly_Treat", unit="years", tolerance=0.005),
            row("qaly_usual", round(U_ALIVE * LY_USUAL, 3), "qaly_usual_care", unit="QALY",
                tolerance=0.0005),
            row("drug", round(C_DRUG * LY_TREAT), "cost_Treat_drug"),
            row("nhs", round((C_ALIVE + C_DRUG) * LY_TREAT), "payer_Treat_nhs_acute"),
            row("la", round(C_SOCIAL * LY_USUAL), "payer_usual_care_local_authority_social_care"),
            row("derived", 0.05, "p_die_treat", unit="probability", tolerance=0),
            row("icer", round((COST_TREAT - COST_USUAL) / (U_ALIVE * (LY_TREAT - LY_USUAL))),
                "(cost_Treat - cost_usual_care) / (qaly_Treat - qaly_usual_care)",
                unit="GBP per QALY"),
            row("fns", 3.0, "max(1, abs(-3), min(5, 4)) - 1", unit="ratio", tolerance=0),
            row("power", 0.81, "(1 - p_die) ** 2", unit="share", tolerance=1e-12),
        ],
    )
    table = parity.replicate(folder)
    assert list(table.columns) == COLUMNS
    assert set(table["status"]) == {REPRODUCED}, table[["id", "model_value", "published"]]
    values = dict(zip(table["id"], table["model_value"]))
    assert values["cost_usual"] == pytest.approx(COST_USUAL, rel=1e-12)
    assert values["la"] == pytest.approx(C_SOCIAL * LY_USUAL, rel=1e-12)
    assert values["derived"] == pytest.approx(0.05, rel=1e-15)
    first = table.iloc[0]
    assert first["model"] == "alive_dead"
    assert first["difference"] == pytest.approx(COST_USUAL - round(COST_USUAL), abs=1e-9)
    assert first["relative_difference"] == pytest.approx(
        (COST_USUAL - round(COST_USUAL)) / round(COST_USUAL), abs=1e-15
    )


def test_statuses_reproduced_calibrated_not_reproduced(tmp_path: Path) -> None:
    folder = make_folder(
        tmp_path / "m",
        [
            row("cost", round(COST_USUAL), "cost_usual_care"),
            row("calib", round(COST_TREAT), "cost_Treat", expected="calibrated",
                notes="rr set to hit this figure"),
            row("why_not", 12345, "", expected="not reproduced", notes="input not published"),
            row("far", 1, "cost_Treat", expected="not reproduced", notes="different method"),
        ],
    )
    table = parity.replicate(folder)
    assert statuses(table) == {
        "cost": REPRODUCED, "calib": CALIBRATED, "why_not": NOT_REPRODUCED,
        "far": NOT_REPRODUCED,
    }
    assert math.isnan(table.set_index("id").loc["why_not", "model_value"])


@pytest.mark.parametrize(
    "comparison, published, tolerance, status",
    [
        ("equal", COST_USUAL + 0.4, 0.5, REPRODUCED),
        ("equal", COST_USUAL - 0.6, 0.5, FAILED),
        ("", COST_USUAL + 0.6, 0.5, FAILED),
        ("at_least", COST_USUAL + 0.4, 0.5, REPRODUCED),  # model >= published - tolerance
        ("at_least", COST_USUAL - 1000, 0.5, REPRODUCED),
        ("at_least", COST_USUAL + 0.6, 0.5, FAILED),
        ("at_most", COST_USUAL - 0.4, 0.5, REPRODUCED),  # model <= published + tolerance
        ("at_most", COST_USUAL + 1000, 0.5, REPRODUCED),
        ("at_most", COST_USUAL - 0.6, 0.5, FAILED),
        ("AT_LEAST", COST_USUAL, 0, REPRODUCED),
    ],
)
def test_comparisons(
    tmp_path: Path, comparison: str, published: float, tolerance: float, status: str
) -> None:
    folder = make_folder(
        tmp_path / "m",
        [row("x", repr(published), "cost_usual_care", tolerance=tolerance, comparison=comparison)],
    )
    assert statuses(parity.replicate(folder)) == {"x": status}


def test_scenarios_override_a_parameter_and_a_setting(tmp_path: Path) -> None:
    one_cycle = C_ALIVE + C_SOCIAL  # only cycle 0 is counted with n_cycles=1 and start weights
    folder = make_folder(
        tmp_path / "m",
        [
            row("base", round(COST_USUAL), "cost_usual_care"),
            row("param", round((2000 + C_SOCIAL) * LY_USUAL), "cost_usual_care",
                scenario="c_alive=2000"),
            row("setting", one_cycle, "cost_usual_care", scenario="n_cycles=1", tolerance=0),
            row("both", 2000 + C_SOCIAL, "cost_usual_care", scenario="n_cycles = 1 ; c_alive=2e3",
                tolerance=0),
            # The derived parameter follows the override in the measure's names too.
            row("derived", 0.1, "p_die_treat", scenario="rr=1", unit="probability", tolerance=1e-12),
            row("list", 1, "1", scenario="wtp=20000;30000; n_cycles=1", unit="ratio", tolerance=0),
            row("again", round(COST_USUAL), "cost_usual_care"),
        ],
    )
    table = parity.replicate(folder)
    assert set(table["status"]) == {REPRODUCED}, table[["id", "model_value", "published"]]
    values = dict(zip(table["id"], table["model_value"]))
    assert values["setting"] == one_cycle
    assert values["again"] == values["base"]  # a setting scenario leaves the base case alone


def test_csv_conventions_of_model_folders(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "m", [])
    text = (
        "\ufeff# figures of Test 2024\r\n"
        "\r\n"
        " ID , Report,Figure,Published,Unit,Tolerance,Measure,Expected,Source,Notes\r\n"
        "  # a comment line\r\n"
        f'cost,Test 2024,"cost, usual care",{round(COST_USUAL)},GBP,0.5, cost_usual_care ,'
        'reproduced,"p. 3, ""Table 1""","multi\r\nline",,\r\n'
        ",,,,,,,,,\r\n"
    )
    (folder / "targets.csv").write_text(text, encoding="utf-8", newline="")
    targets = read_targets(folder / "targets.csv")
    assert [t["id"] for t in targets] == ["cost"]
    assert targets[0]["figure"] == "cost, usual care"
    assert targets[0]["source"] == 'p. 3, "Table 1"'
    assert targets[0]["notes"] == "multi\nline"
    assert targets[0].line == 5
    assert statuses(parity.replicate(folder)) == {"cost": REPRODUCED}


# ---- bad input -----------------------------------------------------------------------------

GOOD = row("cost", round(COST_USUAL), "cost_usual_care")

# name: (rows, header or None, fragments of the message). Data rows start on line 2.
BAD_CASES = {
    "missing column": (
        [GOOD.rsplit(",", 1)[0]], HEADER.rsplit(",", 1)[0],
        ["targets.csv:1", "required column 'notes' is missing"],
    ),
    "unknown column": (
        [GOOD], HEADER.replace("tolerance", "tolerence"),
        ["targets.csv:1:6", "unknown column 'tolerence'", "did you mean 'tolerance'"],
    ),
    "published not a number": (
        [row("x", "£8.1bn", "cost_usual_care")], None,
        ["targets.csv:2:4 (column 'published')", "'£8.1bn' is not a plain number", "8.1e9"],
    ),
    "empty published": (
        [row("x", "", "cost_usual_care")], None,
        ["targets.csv:2:4 (column 'published')", "an empty cell is not a plain number"],
    ),
    "tolerance not a number": (
        [row("x", 1, "cost_usual_care", tolerance="half")], None,
        ["targets.csv:2:6 (column 'tolerance')", "'half' is not a plain number"],
    ),
    "negative tolerance": (
        [row("x", 1, "cost_usual_care", tolerance=-0.5)], None,
        ["targets.csv:2:6 (column 'tolerance')", "negative"],
    ),
    "duplicate id": (
        [GOOD, GOOD], None,
        ["targets.csv:3:1 (column 'id')", "'cost' is already used on line 2"],
    ),
    "unknown expected": (
        [GOOD, row("x", 1, "1", expected="reproducd")], None,
        ["targets.csv:3:9 (column 'expected')", "did you mean 'reproduced'"],
    ),
    "unknown comparison": (
        [row("x", 1, "1", comparison="atleast")], None,
        ["targets.csv:2:10 (column 'comparison')", "did you mean 'at_least'"],
    ),
    "calibrated without notes": (
        [GOOD, row("x", 1, "1", expected="calibrated")], None,
        ["targets.csv:3:12 (column 'notes')", "calibrated needs notes", "which input"],
    ),
    "calibrated alone in its report": (
        [GOOD, row("x", 1, "1", expected="calibrated", notes="rr set", report="Other 2020")],
        None,
        ["targets.csv:3:9 (column 'expected')", "no figure of that report is expected reproduced"],
    ),
    "not reproduced without notes": (
        [row("x", 1, "", expected="not reproduced")], None,
        ["targets.csv:2:12 (column 'notes')", "not reproduced needs notes"],
    ),
    "reproduced without measure": (
        [row("x", 1, "")], None,
        ["targets.csv:2:7 (column 'measure')", "has no measure"],
    ),
    "unknown name": (
        [row("x", 1, "cost_usual_car - 1")], None,
        ["targets.csv:2:7 (column 'measure')", "unknown name 'cost_usual_car'",
         "did you mean 'cost_usual_care'"],
    ),
    "function call": (
        [row("x", 1, "__import__('os').getcwd()")], None,
        ["targets.csv:2:7 (column 'measure')", "unknown function"],
    ),
    "attribute": (
        [row("x", 1, "cost_Treat.real")], None,
        ["targets.csv:2:7 (column 'measure')", "'cost_Treat.real' is not accepted"],
    ),
    "caret for power": (
        [row("x", 1, "p_die ^ 2")], None, ["targets.csv:2:7", "write ** for a power"],
    ),
    "syntax": ([row("x", 1, "cost_Treat -")], None, ["targets.csv:2:7", "not a valid expression"]),
    "division by zero": (
        [row("x", 1, "cost_Treat / (qaly_Treat - qaly_Treat)")], None,
        ["targets.csv:2:7", "division by zero"],
    ),
    "scenario unknown name": (
        [row("x", 1, "1", scenario="n_cycle=1")], None,
        ["targets.csv:2:8 (column 'scenario')", "'n_cycle' is neither a parameter",
         "did you mean 'n_cycles'"],
    ),
    "scenario not a number": (
        [row("x", 1, "1", scenario="c_alive=lots")], None,
        ["targets.csv:2:8 (column 'scenario')", "c_alive=lots is not a number"],
    ),
    "scenario bad setting": (
        [row("x", 1, "1", scenario="correction=middle")], None,
        ["targets.csv:2:8 (column 'scenario')", "middle"],
    ),
    "scenario without equals": (
        [row("x", 1, "1", scenario="n_cycles")], None,
        ["targets.csv:2:8 (column 'scenario')", "'n_cycles' is not name=value"],
    ),
    "short row": (
        ["x,Test 2024,figure,1,GBP,0.5,1,,reproduced"], None,
        ["targets.csv:2", "the row has 9 cells but the header (line 1) has 12 columns"],
    ),
    "quote never closed": ([GOOD + ',"'], None, ["targets.csv:2", "quote is never closed"]),
}


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_targets_name_the_place(tmp_path: Path, case: str) -> None:
    rows, header, fragments = BAD_CASES[case]
    folder = make_folder(tmp_path / "m", rows, header or HEADER)
    with pytest.raises(parity.InputError) as info:
        parity.replicate(folder)
    message = str(info.value)
    assert str(folder / "targets.csv") in message
    for fragment in fragments:
        assert fragment in message, message


def test_ambiguous_name(tmp_path: Path) -> None:
    # A parameter named like a result: the measure cannot know which is meant.
    m = build_model()
    m.parameter("cost_Treat", 1, source="Assumption: test")
    folder = tmp_path / "m"
    m.to_folder(folder)
    (folder / "targets.csv").write_text(
        f"{HEADER}\n{row('x', 1, 'cost_Treat')}\n{row('y', 1, 'cost_Treat_drug', tolerance=1e9)}\n",
        encoding="utf-8",
    )
    with pytest.raises(parity.InputError, match="'cost_Treat' is ambiguous: it is the parameter"):
        parity.replicate(folder)


def test_two_strategy_category_pairs_giving_one_name(tmp_path: Path) -> None:
    # Strategy A with category B_c and strategy A_B with category c both give cost_A_B_c.
    m = parity.Model("clash", n_cycles=1, discount_rate=0, correction="start")
    m.states("Alive", parity.Model.dead("Dead"))
    m.strategies("A", "A_B")
    m.parameters(c=1)
    m.transition("Alive", "Dead", 0)
    m.transition("Alive", "Alive", "C")
    m.transition("Dead", "Dead", 1)
    m.reward("Alive", B_c="c", c="c", utility=1)
    m.initial(Alive=1)
    folder = tmp_path / "clash"
    m.to_folder(folder)
    (folder / "targets.csv").write_text(
        f"{HEADER}\n{row('ok', 1, 'cost_A_c')}\n{row('x', 1, 'cost_A_B_c')}\n", encoding="utf-8"
    )
    with pytest.raises(parity.InputError) as info:
        parity.replicate(folder)
    message = str(info.value)
    assert "targets.csv:3:7 (column 'measure')" in message
    assert "the cost of category 'B_c' for strategy 'A'" in message
    assert "the cost of category 'c' for strategy 'A_B'" in message


@pytest.mark.parametrize(
    "expression, fragment",
    [
        ("(lambda: 1)()", "unknown function"),
        ("[1, 2][0]", "is not accepted"),
        ("1 if x else 2", "is not accepted"),
        ("x < 2", "is not accepted"),
        ("True", "is not a number"),
        ("'text'", "is not a number"),
        ("1j", "is not a number"),
        ("max(x)", "at least two arguments"),
        ("abs(x, x)", "one argument"),
        ("max(*x)", "plain arguments"),
        ("x % 2", "fractions"),
        ("(-x) ** 0.5", "fractional power"),
        ("10.0 ** 400", "too large"),
        ("y", "unknown name 'y'"),
        ("X", "did you mean 'x'"),
    ],
)
def test_measure_accepts_only_arithmetic(expression: str, fragment: str) -> None:
    ns = Namespace()
    ns.add("x", 2.0, "the parameter 'x'")
    with pytest.raises(MeasureError, match=re.escape(fragment)):
        evaluate(expression, ns)


def test_measure_arithmetic() -> None:
    ns = Namespace()
    ns.add("x", 2.0, "the parameter 'x'")
    assert evaluate("-x ** 2 + max(1, x, 3) / abs(-4) - min(x, 5) * +1", ns) == -4 + 0.75 - 2


def test_folders_without_targets(tmp_path: Path) -> None:
    build_model().to_folder(tmp_path / "params" / "m")
    with pytest.raises(parity.InputError, match="has no targets.csv"):
        parity.replicate(tmp_path / "params" / "m")
    with pytest.raises(parity.InputError, match="no model folder in it has a targets.csv"):
        parity.replicate(tmp_path / "params")


# ---- the command ---------------------------------------------------------------------------


def shipped_style_folder(params: Path) -> Path:
    return make_folder(
        params / "alive_dead",
        [
            row("cost", round(COST_USUAL), "cost_usual_care"),
            row("icer", round((COST_TREAT - COST_USUAL) / (U_ALIVE * (LY_TREAT - LY_USUAL))),
                "(cost_Treat - cost_usual_care) / (qaly_Treat - qaly_usual_care)",
                unit="GBP per QALY"),
            row("calib", round(COST_TREAT), "cost_Treat", expected="calibrated", notes="rr set"),
            row("why_not", 0.72, "", expected="not reproduced", notes="input not published",
                unit="share", tolerance=0.005),
        ],
    )


def test_cli_passes_then_fails_when_an_input_moves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = shipped_style_folder(tmp_path / "params")
    assert main(["replicate", "--params", str(tmp_path / "params")]) == 0
    out = capsys.readouterr().out
    assert "alive_dead" in out
    assert f"£{round(COST_USUAL):,}" in out  # published beside the model value
    assert "4 figures: 2 reproduced, 1 calibrated, 1 not reproduced" in out

    moved = tmp_path / "moved" / "alive_dead"
    shutil.copytree(folder, moved)
    edit_file(moved / "parameters.csv", "c_alive,1000", "c_alive,1001")
    assert main(["replicate", str(moved)]) == 1
    out = capsys.readouterr().out
    assert FAILED in out
    # The cost, the ICER and the calibrated figure all move; the one not reproduced stays so.
    assert "4 figures: 1 not reproduced, 3 NOT REPRODUCED (outside tolerance)" in out


def test_cli_bad_targets_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_folder(tmp_path / "m", [row("x", "lots", "1")])
    assert main(["replicate", str(folder)]) == 2
    assert "targets.csv:2:4 (column 'published')" in capsys.readouterr().err


def test_cli_markdown_and_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shipped_style_folder(tmp_path / "params")
    page = tmp_path / "docs" / "replication.md"
    page.parent.mkdir()
    table_file = tmp_path / "replication.csv"
    args = ["replicate", str(tmp_path / "params"), "--markdown", str(page), "--csv",
            str(table_file)]
    assert main(args) == 0
    text = page.read_text(encoding="utf-8")
    assert text.startswith("# Replication of published figures")
    assert f"Generated by `parity replicate {tmp_path / 'params'} --markdown {page}`" in text
    for status in (REPRODUCED, CALIBRATED, NOT_REPRODUCED, FAILED):
        assert f"- **{status}**:" in text
    assert "## [alive_dead](models/alive_dead.md)" in text
    difference = COST_USUAL - round(COST_USUAL)
    sign = "-" if difference < 0 else "+"
    shown = re.search(
        re.escape(f"| £{round(COST_USUAL):,} | £{COST_USUAL:,.1f} | ") + r"([-+])£([0-9.]+) \| reproduced \|",
        text,
    )
    assert shown is not None
    assert shown.group(1) == sign
    assert float(shown.group(2)) == pytest.approx(abs(difference), abs=0.01)
    table = pd.read_csv(table_file)
    assert list(table.columns) == COLUMNS
    assert list(table["id"]) == ["cost", "icer", "calib", "why_not"]
    assert main(args) == 0  # regenerating from unchanged models gives the same page
    assert page.read_text(encoding="utf-8") == text
    capsys.readouterr()


def test_cli_nothing_to_replicate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_model().to_folder(tmp_path / "m")
    assert main(["replicate", "--params", str(tmp_path)]) == 2
    assert "no model folder in it has a targets.csv" in capsys.readouterr().err


@pytest.mark.parametrize(
    "value, unit, tolerance, published, text",
    [
        (8.1e9, "GBP", 0.05e9, None, "£8.1bn"),
        (8.1234e9, "GBP", 0.05e9, 8.1e9, "£8.12bn"),  # a model value: one decimal more
        (0.9e9, "GBP", 0.05e9, 8.1e9, "£0.90bn"),  # the published scale, 2 significant digits
        (0.72, "share", 0.0005, None, "72.0%"),
        (0.72, "share", 0.005, None, "72%"),
        (74000, "GBP", 500, None, "£74,000"),
        (3145, "GBP per QALY", 0.5, None, "£3,145/QALY"),
        (12.5e6, "GBP", 0.05e6, None, "£12.5m"),
        (-1500, "GBP per case", 50, None, "-£1,500/case"),
        (4.6e6, "people", 0.05e6, None, "4.6m people"),
        (4e6, "people", 0, None, "4m people"),  # no tolerance: as written
        (4.5e6, "people", 0, 4e6, "4.50m people"),  # ... and 3 significant digits beside it
        (1.25, "ratio", 0.005, None, "1.25"),
        (1234.5, "QALY", 0.5, None, "1,234 QALYs"),
        (1500, "USD per patient treated", 0.5, None, "$1,500 per patient treated"),
        (3.0, "years", 0, None, "3 years"),
        (math.nan, "GBP", 1, 1.0, ""),
    ],
)
def test_format_value(
    value: float, unit: str, tolerance: float, published: float | None, text: str
) -> None:
    assert format_value(value, unit, tolerance, published) == text


# ---- the shipped models --------------------------------------------------------------------

SHIPPED = sorted(PARAMS.glob("*/targets.csv"))


@pytest.mark.parametrize(
    "targets",
    SHIPPED or [pytest.param(None, marks=pytest.mark.skip(reason="no params/*/targets.csv yet"))],
    ids=[p.parent.name for p in SHIPPED] or ["none"],
)
def test_shipped_models_reproduce_their_published_figures(targets: Path) -> None:
    """Fails when a shipped model's figure expected reproduced or calibrated moves outside its
    tolerance (an input or the engine changed)."""
    table = parity.replicate(targets.parent)
    failed = table[table["status"] == FAILED]
    assert failed.empty, "\n" + failed[
        ["id", "published", "model_value", "tolerance", "comparison", "measure"]
    ].to_string()


def test_the_replication_page_is_current(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/replication.md is what `parity replicate --markdown docs/replication.md` writes
    today: regenerate it when a model or its targets change."""
    root = Path(__file__).resolve().parents[2]
    committed = root / "docs" / "replication.md"
    if not SHIPPED:
        pytest.skip("no params/*/targets.csv yet")
    monkeypatch.chdir(root)
    fresh = tmp_path / "docs" / "replication.md"
    fresh.parent.mkdir()
    (tmp_path / "docs" / "models").mkdir()
    code = main(["replicate", "--markdown", str(fresh)])
    capsys.readouterr()
    assert code == 0
    expected = committed.read_text(encoding="utf-8")
    got = fresh.read_text(encoding="utf-8").replace(str(fresh), "docs/replication.md")
    # Links are relative to the page: point them at docs/models as the committed page does.
    got = re.sub(r"\]\([^)]*?/docs/models/", "](models/", got)
    assert got == expected, "docs/replication.md is stale: run `parity replicate --markdown docs/replication.md`"
