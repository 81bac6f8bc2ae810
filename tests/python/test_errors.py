"""Bad input raises parity.InputError or parity.ModelError (both parity.ParityError and
ValueError) with a message that names the place (file and line when the input came from a file)
and says how to fix it. Each broken folder is a copy of params/sick_sicker with one edit."""

from __future__ import annotations

import inspect
import re
import shutil
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pytest
from helpers import SICK_SICKER, edit_file, two_state_model

import parity

BrokenFolder = Callable[[str, str, str], Path]


def test_exception_hierarchy() -> None:
    for cls in (parity.InputError, parity.ModelError):
        assert issubclass(cls, parity.ParityError)
        assert issubclass(cls, ValueError)
    assert issubclass(parity.ParityError, ValueError)
    assert not issubclass(parity.InputError, parity.ModelError)


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first occurrence of ``text`` in a file."""
    content = path.read_text(encoding="utf-8")
    assert text in content, f"{text!r} not in {path}"
    return content[: content.index(text)].count("\n") + 1


# case: (file, text replaced, replacement, exception, fragments of the message).
# The message must name "<folder>/<file>:<line>" where <line> is the line edited ({line} in a
# fragment), or the line after it for "setting given twice" (see LINE_OFFSET); line numbers
# are computed from the shipped files, so editing them does not break these tests.
FOLDER_CASES = {
    "row with an extra cell": (
        "states.csv", "S1,Sick,true,1,", "S1,Sick,true,1,,extra",
        parity.InputError, ["6 cells", "header (line 1) has 5 columns", "Delete the extra cells"],
    ),
    "row with a missing cell": (
        "transitions.csv", "*,H,D,p_HD", "*,H,D",
        parity.InputError, ["3 cells", "Add the missing cells"],
    ),
    "unknown parameter in an expression": (
        "transitions.csv", "*,H,D,p_HD", "*,H,D,p_HDX",
        parity.ModelError, ["transition H -> D", "unknown name 'p_HDX'", "did you mean 'p_HD'",
                            "Define it in parameters.csv"],
    ),
    "unknown state": (
        "transitions.csv", "*,H,D,p_HD", "*,H,Dead,p_HD",
        parity.ModelError, ["unknown state 'Dead'", "Use one of the states", "H, S1, S2, D"],
    ),
    "unknown state in a reward": (
        "state_rewards.csv", "*,S2,utility,u_S2", "*,S3,utility,u_S2",
        parity.ModelError, ["unknown state 'S3'", "did you mean 'S1' or 'S2'"],
    ),
    "unknown strategy": (
        "state_rewards.csv", "AB,S1,utility,u_trtA", "ABC,S1,utility,u_trtA",
        parity.ModelError, ["unknown strategy 'ABC'", "did you mean 'AB'",
                            "or * for all strategies"],
    ),
    "circular parameters": (
        "parameters.csv", "r_S1D,r_HD * hr_S1", "r_S1D,p_S1D * hr_S1",
        parity.ModelError, ["circular", "r_S1D -> p_S1D -> r_S1D", "Break the circle"],
    ),
    "probability above 1": (
        "transitions.csv", "*,H,D,p_HD", "*,H,D,1.5",
        parity.ModelError, ["strategy 'SoC'", "state 'H'", "cycle 0", "moving to D is 1.5",
                            "must lie in [0, 1]"],
    ),
    "probability below 0": (
        "transitions.csv", "*,H,D,p_HD", "*,H,D,0 - 0.1",
        parity.ModelError, ["moving to D is -0.1", "must lie in [0, 1]"],
    ),
    "tunnel_length not a number": (
        "states.csv", "S1,Sick,true,1,", "S1,Sick,true,abc,",
        parity.InputError, ["column 'tunnel_length'", "'abc' is not a whole number", "Write 1"],
    ),
    "alive not true or false": (
        "states.csv", "S2,Sicker,true", "S2,Sicker,maybe",
        parity.InputError, ["column 'alive'", "'maybe' is not true or false", "Write true"],
    ),
    "n_cycles not a number": (
        "settings.csv", "n_cycles,75,", "n_cycles,seventy-five,",
        parity.InputError, ["'n_cycles' needs a number", "'seventy-five'", "plain number"],
    ),
    "unknown setting": (
        "settings.csv", "currency,USD,", "curency,USD,",
        parity.InputError, ["unknown setting 'curency'", "did you mean 'currency'",
                            "Valid settings are"],
    ),
    "setting given twice": (
        "settings.csv", "currency,USD,", "currency,USD,\ncurrency,GBP,",
        parity.InputError, ["'currency' is defined twice", "lines {line} and {next}",
                            "delete one"],
    ),
    "parameter defined twice": (
        "parameters.csv", "r_S1D,r_HD * hr_S1", "r_HD,r_HD * hr_S1",
        parity.InputError, ["'r_HD' is defined twice", "lines {r_HD} and {line}"],
    ),
    "misspelt column": (
        "transitions.csv", "strategy,from,to,probability", "strategy,from,to,probabilty",
        parity.InputError, ["unknown column 'probabilty'", "did you mean 'probability'"],
    ),
    "expression that cannot be read": (
        "parameters.csv", "p_HS1,rate_to_prob(r_HS1)", "p_HS1,rate_to_prob(r_HS1",
        parity.ModelError, ["parameter 'p_HS1'", "cannot read expression 'rate_to_prob(r_HS1'",
                            "brackets match"],
    ),
    "non-numeric parameter value": (
        "parameters.csv", "c_S1,4000,", "c_S1,4000 USD,",
        parity.ModelError, ["parameter 'c_S1'", "'4000 USD'", "USD"],
    ),
}
LINE_OFFSET = {"setting given twice": 1}


@pytest.mark.parametrize("case", list(FOLDER_CASES), ids=list(FOLDER_CASES))
def test_broken_folder(case: str, broken_folder: BrokenFolder) -> None:
    file, old, new, exc, fragments = FOLDER_CASES[case]
    line = line_of(SICK_SICKER / file, old)
    lines = {"line": line, "next": line + 1, "r_HD": line_of(SICK_SICKER / "parameters.csv", "r_HD,")}
    folder = broken_folder(file, old, new)
    with pytest.raises(exc) as info:
        parity.load(folder).run()
    message = str(info.value)
    place = f"{folder / file}:{line + LINE_OFFSET.get(case, 0)}:"
    assert place in message, message
    for fragment in fragments:
        fragment = fragment.format(**lines)
        assert fragment in message, f"{fragment!r} not in {message!r}"


def test_complement_below_zero_names_the_row(broken_folder: BrokenFolder) -> None:
    # H -> H becomes the complement while H -> D is 0.9: H -> S1 + H -> D exceed 1.
    old = "*,H,H,(1 - p_HD) * (1 - p_HS1)"
    folder = broken_folder("transitions.csv", old, "*,H,H,C")
    edit_file(folder / "transitions.csv", "*,H,D,p_HD", "*,H,D,0.9")
    with pytest.raises(parity.ModelError) as info:
        parity.load(folder).run()
    message = str(info.value)
    assert "strategy 'SoC', state 'H'" in message and "the complement (C) is" in message
    assert f"{folder / 'transitions.csv'}:{line_of(SICK_SICKER / 'transitions.csv', old)}:" in message
    assert "may not add up to more than 1" in message


def test_row_not_summing_to_one(broken_folder: BrokenFolder) -> None:
    folder = broken_folder("transitions.csv", "*,S2,D,p_S2D", "*,S2,D,0.5")
    with pytest.raises(parity.ModelError) as info:
        parity.load(folder).run()
    message = str(info.value)
    for fragment in ["strategy 'SoC'", "state 'S2'", "cycle 0", "not 1",
                     "Make the row sum to 1", "write C"]:
        assert fragment in message, message


def test_row_not_summing_to_one_names_the_file(broken_folder: BrokenFolder) -> None:
    folder = broken_folder("transitions.csv", "*,S2,D,p_S2D", "*,S2,D,0.5")
    with pytest.raises(parity.ModelError) as info:
        parity.load(folder).run()
    message = str(info.value)
    assert "transitions.csv:" in message
    assert "state 'S2'" in message and "sum to" in message


def test_missing_file(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "model"
    shutil.copytree(SICK_SICKER, folder)
    (folder / "transitions.csv").unlink()
    with pytest.raises(parity.InputError) as info:
        parity.load(folder)
    message = str(info.value)
    assert str(folder / "transitions.csv") in message
    assert "no transitions.csv" in message
    assert "A model folder needs" in message and "docs/model-folder-format.md" in message


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(parity.InputError, match="does not exist"):
        parity.load(tmp_path / "nowhere")


def test_n_cycles_missing(broken_folder: BrokenFolder) -> None:
    folder = broken_folder("settings.csv", "n_cycles,75,annual cycles from age 25 to age 100\n", "")
    model = parity.load(folder)  # reading succeeds: the setting is optional in the file ...
    with pytest.raises(parity.ModelError) as info:  # ... but a model cannot run without it
        model.run()
    message = str(info.value)
    assert "number of cycles is not set" in message
    assert "n_cycles" in message and "settings.csv" in message


def test_initial_shares_not_summing_to_one(broken_folder: BrokenFolder) -> None:
    folder = broken_folder("states.csv", "H,Healthy,true,1,1", "H,Healthy,true,1,0.5")
    with pytest.raises(parity.ModelError, match=r"initial shares sum to 0\.5.*sum to 1"):
        parity.load(folder).run()


def test_no_initial_distribution(broken_folder: BrokenFolder) -> None:
    folder = broken_folder("states.csv", "H,Healthy,true,1,1", "H,Healthy,true,1,")
    with pytest.raises(parity.ModelError, match="no initial distribution.*initial column"):
        parity.load(folder).run()


def test_the_first_error_of_a_file_is_reported(broken_folder: BrokenFolder) -> None:
    # The reader stops at the first problem of a file and reports that one.
    folder = broken_folder("states.csv", "S1,Sick,true,1,", "S1,Sick,true,x,")
    edit_file(folder / "states.csv", "D,Dead,false,1,", "D,Dead,false,y,")
    with pytest.raises(parity.InputError) as info:
        parity.load(folder)
    line = line_of(SICK_SICKER / "states.csv", "S1,Sick")
    assert f"states.csv:{line}:" in str(info.value) and "'x'" in str(info.value)


# ---- errors in models built in Python ------------------------------------------------------


def test_unknown_setting_in_python_suggests_the_name() -> None:
    with pytest.raises(parity.InputError, match=r"unknown setting 'discount_rat'.*did you mean "
                       r"'discount_rate'"):
        parity.Model("m", discount_rat=0.03)


def test_bad_setting_value_in_python() -> None:
    with pytest.raises(parity.InputError, match="n_cycles.*whole number"):
        parity.Model("m").set(n_cycles=2.5)
    with pytest.raises(parity.InputError, match="correction.*simpson"):
        parity.Model("m").set(correction="simpsons")


def test_failed_set_still_invalidates_the_compiled_model() -> None:
    m = two_state_model(n_cycles=10)
    first = m.run().summary
    with pytest.raises(parity.InputError):
        m.set(n_cycles=20, no_such_setting=1)
    # n_cycles=20 was applied before the bad setting: the next run must use it.
    assert m.spec.settings.n_cycles == 20
    assert m.run().summary.loc["Usual care", "life_years"] > first.loc["Usual care", "life_years"]


def test_wrong_number_of_correction_weights() -> None:
    m = two_state_model(n_cycles=3).set(correction_weights=[1, 1, 1])
    with pytest.raises(parity.ModelError, match="3 entries.*needs 4"):
        m.run()


def test_unknown_state_in_python_model() -> None:
    m = two_state_model()
    m.transition("Alive", "Deadd", 0)
    with pytest.raises(parity.ModelError, match=r"unknown state 'Deadd'.*did you mean 'Dead'"):
        m.run()


def test_unknown_parameter_in_python_model() -> None:
    m = two_state_model()
    m.reward("Alive", social_care="0.5 * c_alve")
    with pytest.raises(parity.ModelError, match="unknown name 'c_alve'.*did you mean 'c_alive'"):
        m.run()


def test_python_model_errors_name_the_line_that_added_the_row() -> None:
    m = two_state_model()
    line = inspect.currentframe().f_lineno + 1  # type: ignore[union-attr]
    m.transition("Alive", "Dead", 0.2)
    with pytest.raises(parity.ModelError) as info:
        m.run()
    message = str(info.value)
    assert message.startswith(f"{__file__}:{line}: a transition (Alive -> Dead) is given twice"), message
    # ... and the other row, added by the helper that built the model.
    assert "helpers.py:" in message


def test_python_model_duplicate_reward_names_both_lines() -> None:
    m = two_state_model()
    line = inspect.currentframe().f_lineno + 1  # type: ignore[union-attr]
    m.reward("Alive", utility=0.5)
    with pytest.raises(parity.ModelError, match=rf"test_errors.py:{line}: a state reward "
                       r"\(utility of Alive\) is given twice.*also at .*helpers.py"):
        m.run()


def test_not_finite_numbers_are_refused() -> None:
    for bad in (float("nan"), np.inf):
        with pytest.raises(parity.InputError, match="not a finite number"):
            parity.Model("m").parameter("x", bad)


def test_true_false_is_not_a_probability() -> None:
    with pytest.raises(TypeError, match="True/False"):
        parity.Model("m").transition("A", "B", True)


def test_lookup_table_errors() -> None:
    table = pd.DataFrame({"age": [1, 2], "mx": [0.1, 0.2]})
    with pytest.raises(parity.InputError, match="no column 'Age'.*age, mx"):
        parity.Model("m").table("lt", table, key="Age")
    with pytest.raises(parity.InputError, match="interpolation 'cubic'.*step, linear"):
        parity.Model("m").table("lt", table, key="age", interpolation="cubic")
    with pytest.raises(parity.InputError, match="out_of_range 'extrapolate'.*clamp, error"):
        parity.Model("m").table("lt", table, key="age", out_of_range="extrapolate")
    with pytest.raises(parity.InputError, match="column 'mx'.*finite number"):
        parity.Model("m").table("lt", table.assign(mx=["0.1", "n/a"]), key="age")


def test_tunnel_length_must_be_whole() -> None:
    with pytest.raises(parity.InputError, match="tunnel_length 2.5"):
        parity.Model("m").state("S", tunnel_length=2.5)


def test_unknown_payer_suggests_the_closest() -> None:
    model = two_state_model()
    model.cost_category("nhs_acute", payer="nhs_acute_trust", cash_releasing=True)
    with pytest.raises(parity.ModelError, match=r"unknown payer 'nhs_acute_trust'.*nhs_acute"):
        model.run()
    assert "nhs_acute" in dict(parity._core.payer_descriptions())


def test_require_sources_names_the_unsourced_parameter() -> None:
    model = two_state_model().set(require_sources=True)
    with pytest.raises(parity.ModelError, match=r"parameter 'p_die' has no source"):
        model.run()


# ---- errors that lead back to the input a person typed ----------------------------------

LTC = SICK_SICKER.parent / "ltc_comorbidity"


def _ltc_copy(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """A copy of params/ltc_comorbidity with one edit of parameters.csv, and the edited line."""
    folder = tmp_path / "ltc"
    shutil.copytree(LTC, folder)
    line = line_of(folder / "parameters.csv", old)
    edit_file(folder / "parameters.csv", old, new)
    return folder, line


def test_require_sources_fails_the_load(tmp_path: Path) -> None:
    folder, line = _ltc_copy(tmp_path, ",derived,,,\n", ",,,,\n")
    name = (folder / "parameters.csv").read_text().split("\n")[line - 1].split(",")[0]
    with pytest.raises(parity.InputError) as error:
        parity.load(folder)
    message = str(error.value)
    assert f"{folder / 'parameters.csv'}:{line}:5 (column 'source')" in message
    assert f"parameter '{name}' has no source" in message
    assert "Give a citation" in message and "'Assumption: <reasoning>'" in message


def test_require_sources_fails_parity_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from parity.cli import main

    folder, line = _ltc_copy(tmp_path, ",derived,,,\n", ",,,,\n")
    assert main(["check", str(folder)]) == 2
    err = capsys.readouterr().err
    assert f"{folder / 'parameters.csv'}:{line}:5 (column 'source')" in err
    assert "has no source" in err


def test_require_sources_builder_adds_sources_step_by_step(tmp_path: Path) -> None:
    # The setting may come first: the check waits until the model is compiled or written.
    model = parity.Model("m", n_cycles=2, require_sources=True)
    model.states("Alive", parity.Model.dead("Dead")).strategies("usual")
    model.parameter("p_die", 0.1, source="Assumption: round number for a test")
    model.parameter("c_alive", 500)
    unsourced_line = inspect.currentframe().f_lineno - 1
    model.transitions({"Alive": {"Dead": "p_die", "Alive": "C"}, "Dead": {"Dead": 1}})
    model.reward("Alive", nhs_acute="c_alive", utility=1).initial(Alive=1)
    where = f"{__file__}:{unsourced_line}: parameter 'c_alive' has no source"
    with pytest.raises(parity.ModelError, match=re.escape(where)):
        model.compile()
    with pytest.raises(parity.ModelError, match=re.escape(where)):
        model.to_folder(tmp_path / "m")
    assert not (tmp_path / "m").exists()
    model.spec.parameters[1].source = "Assumption: round number for a test"
    model.to_folder(tmp_path / "m")
    assert parity.load(tmp_path / "m").run().summary.loc["usual", "cost"] > 0


def test_percentage_for_a_probability_fails_the_load(tmp_path: Path) -> None:
    folder, line = _ltc_copy(tmp_path, "pr_relapse_2y,0.268,", "pr_relapse_2y,26.8,")
    with pytest.raises(parity.InputError) as error:
        parity.load(folder)
    message = str(error.value)
    assert f"{folder / 'parameters.csv'}:{line}:2 (column 'value')" in message
    assert "'pr_relapse_2y' is 26.8, but its unit is 'probability over 2 years'" in message
    assert "was a percentage typed? Write 0.268 for 26.8%" in message


def test_percentage_for_a_probability_in_the_builder() -> None:
    model = two_state_model()
    model.spec.parameters[0].expression = "26.8"
    model.spec.parameters[0].unit = "probability per cycle"
    with pytest.raises(parity.ModelError, match=r"'p_die' is 26\.8.*Write 0\.268 for 26\.8%"):
        model.run()


def test_nan_parameter_names_the_typed_input(tmp_path: Path) -> None:
    # Without a unit the load cannot tell; the run traces the NaN back to the typed number.
    folder, line = _ltc_copy(
        tmp_path, "pr_relapse_2y,0.268,probability over 2 years,", "pr_relapse_2y,26.8,,"
    )
    derived = line_of(folder / "parameters.csv", "p_relapse,")
    with pytest.raises(parity.ModelError) as error:
        parity.load(folder).run()
    message = str(error.value)
    assert f"parameters.csv:{derived}:2 (column 'value'): parameter 'p_relapse'" in message
    assert "'rescale_prob(pr_relapse_2y, 2)' evaluates to nan" in message
    assert f"It reads pr_relapse_2y = 26.8 ({folder / 'parameters.csv'}:{line})" in message
    assert "must lie in [0, 1]; was a percentage typed? Write 0.268 for 26.8%" in message


def test_transition_out_of_range_names_the_inputs(broken_folder: BrokenFolder) -> None:
    folder = broken_folder("parameters.csv", "hr_S1,3,", "hr_S1,-3,")
    hr_line = line_of(folder / "parameters.csv", "hr_S1,-3,")
    with pytest.raises(parity.ModelError) as error:
        parity.load(folder).run()
    message = str(error.value)
    assert "the probability of moving to D is -0.006" in message
    assert "It reads p_S1D = -0.006" in message
    assert "r_S1D = -0.006" in message and "(= r_HD * hr_S1, " in message
    assert f"hr_S1 = -3 ({folder / 'parameters.csv'}:{hr_line}, hazard ratio)" in message


def test_infinite_reward_names_the_inputs(broken_folder: BrokenFolder) -> None:
    folder = broken_folder("state_rewards.csv", "S1,health_care,c_S1", "S1,health_care,c_S1 / c_D")
    with pytest.raises(parity.ModelError) as error:
        parity.load(folder).run()
    message = str(error.value)
    c_d = line_of(folder / "parameters.csv", "c_D,")
    assert "state_rewards.csv" in message and "'c_S1 / c_D' evaluates to inf" in message
    assert f"c_D = 0 ({folder / 'parameters.csv'}:{c_d}, USD/year)" in message
