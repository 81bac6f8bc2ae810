"""The long-term conditions and co-morbid depression model (params/ltc_comorbidity): structure
(onset, remission, relapse, death), payers, the Naylor 2012 / 2016 cost-of-illness arithmetic by
hand, two undiscounted cycles of the Markov model by hand from the raw inputs (trial view and
population view), and bad input."""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import pytest
from helpers import PARAMS, edit_file, plain_number_parameters

import parity
from parity.scenario_file import read_folder_scenarios

FOLDER = PARAMS / "ltc_comorbidity"
STRATEGIES = ["usual_care", "collaborative_care"]
STATES = ["not_depressed", "depressed", "remitted", "dead"]
POPULATION_VIEW = "Population view: 30% depressed at the start"
PAYERS = set(dict(parity._core.payer_descriptions()))


@pytest.fixture(scope="module")
def model() -> parity.Model:
    return parity.load(FOLDER)


@pytest.fixture(scope="module")
def values(model: parity.Model) -> dict[str, float]:
    return dict(model.parameter_values(0))



def table(name: str) -> dict[int, dict[str, float]]:
    """A lookup table of the folder as {key: {column: value}}, read without the engine."""
    with open(FOLDER / "tables" / name, newline="") as f:
        reader = csv.DictReader(f)
        key = reader.fieldnames[0]
        return {int(r[key]): {k: float(v) for k, v in r.items() if k != key} for r in reader}


def copy_folder(tmp_path: Path) -> Path:
    target = tmp_path / "ltc_comorbidity"
    shutil.copytree(FOLDER, target)
    return target


# ---- structure ----------------------------------------------------------------------------


def test_folder_runs_with_sources_required(model: parity.Model) -> None:
    settings = (FOLDER / "settings.csv").read_text()
    assert "require_sources,true" in settings
    assert model.spec.settings.currency == "GBP"
    assert [s.name for s in model.spec.strategies] == STRATEGIES
    for p in model.spec.parameters:
        assert p.source.strip(), f"parameter {p.name} has no source"


def test_cycle_years_matches_the_cycle_length(model: parity.Model, values: dict) -> None:
    # The one-off programme cost is divided by cycle_years; a mismatch would scale it wrongly.
    assert values["cycle_years"] == pytest.approx(model.spec.settings.cycle_length, abs=1e-12)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_rows_are_probabilities_summing_to_one(model: parity.Model, strategy: str) -> None:
    for cycle in range(model.spec.settings.n_cycles):
        matrix = model.transition_matrix(strategy, cycle)
        assert list(matrix.index) == STATES
        assert ((matrix.values >= 0) & (matrix.values <= 1)).all()
        assert matrix.sum(axis=1).to_numpy() == pytest.approx(1.0, abs=1e-12)
        assert matrix.loc["dead", "dead"] == 1.0
        # Onset is the only way into depression for people who have not been depressed; they
        # cannot be "remitted" without an episode, and nobody returns to not_depressed.
        assert matrix.loc["not_depressed", "remitted"] == 0.0
        assert (matrix["not_depressed"].drop("not_depressed") == 0.0).all()


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_onset_is_the_lunghi_rate_in_both_strategies(model: parity.Model, strategy: str) -> None:
    p = plain_number_parameters(FOLDER)
    life = table("ons_mx_uk_2022_2024.csv")
    dt = model.spec.settings.cycle_length
    onset = 1 - math.exp(-p["r_onset"] * dt)  # 9.47 per 1,000 person-years (Lunghi 2016)
    assert onset == pytest.approx(0.003152, abs=1e-6)
    for cycle in range(model.spec.settings.n_cycles):
        age = math.floor(58.5 + cycle * dt)
        mx = p["p_male"] * life[age]["male"] + (1 - p["p_male"]) * life[age]["female"]
        die = 1 - math.exp(-mx * dt)  # no excess mortality before depression
        row = model.transition_matrix(strategy, cycle).loc["not_depressed"]
        assert row["depressed"] == pytest.approx((1 - die) * onset, rel=1e-12)
        assert row["dead"] == pytest.approx(die, rel=1e-12)


def test_collaborative_care_raises_recovery_only_while_the_effect_lasts(model: parity.Model,
                                                                       values: dict) -> None:
    last = int(values["n_effect_cycles"])
    uc = model.transition_matrix("usual_care", 0).loc["depressed", "remitted"]
    cc = model.transition_matrix("collaborative_care", 0).loc["depressed", "remitted"]
    assert cc > uc
    after_uc = model.transition_matrix("usual_care", last).loc["depressed", "remitted"]
    after_cc = model.transition_matrix("collaborative_care", last).loc["depressed", "remitted"]
    assert after_cc == pytest.approx(after_uc, rel=1e-12)


# ---- payers -------------------------------------------------------------------------------


def test_cost_categories_have_known_payers_and_cash_releasing() -> None:
    with open(FOLDER / "cost_categories.csv", newline="") as f:
        rows = {r["category"]: r for r in csv.DictReader(f)}
    assert {c: r["payer"] for c, r in rows.items()} == {
        "physical_acute": "nhs_acute",
        "physical_primary_community": "nhs_primary_care",
        "cc_programme": "nhs_mental_health",
    }
    for r in rows.values():
        assert r["payer"] in PAYERS
        assert r["cash_releasing"] in ("yes", "no")
        assert r["notes"].strip()


def test_trial_view_starts_depressed_and_population_view_at_30_percent(model: parity.Model) -> None:
    trace = model.run().trace
    start = trace[trace["cycle"] == 0].set_index("strategy")
    assert (start["depressed"] == 1.0).all() and (start["not_depressed"] == 0.0).all()
    scenarios = read_folder_scenarios(model, FOLDER)
    assert scenarios is not None
    assert scenarios.overrides[POPULATION_VIEW] == {"p_start_depressed": 0.3}
    trace = model.run({"p_start_depressed": 0.3}).trace
    start = trace[trace["cycle"] == 0].set_index("strategy")
    assert start["depressed"].to_numpy() == pytest.approx([0.3, 0.3], abs=1e-15)
    assert start["not_depressed"].to_numpy() == pytest.approx([0.7, 0.7], abs=1e-15)


def test_programme_cost_falls_only_to_mental_health_in_the_intervention_arm(
        model: parity.Model, values: dict) -> None:
    costs = model.run().costs.set_index(["strategy", "category"])["undiscounted"]
    assert costs[("usual_care", "cc_programme")] == 0.0
    # One-off at cycle 0 (counted in full with the start correction), in py prices.
    assert costs[("collaborative_care", "cc_programme")] == pytest.approx(
        values["c_cc"] * values["infl_from_2012_13"], rel=1e-12)


def test_physical_costs_split_by_the_acute_share(model: parity.Model, values: dict) -> None:
    costs = model.run().costs.set_index(["strategy", "category"])["undiscounted"]
    for s in STRATEGIES:
        acute = costs[(s, "physical_acute")]
        primary = costs[(s, "physical_primary_community")]
        assert acute / (acute + primary) == pytest.approx(values["share_acute"], rel=1e-12)


# ---- cost of illness (Naylor 2012, Naylor 2016) by hand -------------------------------------


def test_cost_of_illness_by_hand(values: dict) -> None:
    p = plain_number_parameters(FOLDER)
    u_low = p["c_pp_ltc_comorbid"] / p["c_pp_ltc"] - 1
    share = {u: p["p_comorbid"] * u / ((1 - p["p_comorbid"]) + p["p_comorbid"] * (1 + u))
             for u in (u_low, p["uplift_high"])}
    base = p["share_spend_ltc"] * p["nhs_hchs_fhs_spend"]
    assert values["uplift_low"] == pytest.approx(u_low, rel=1e-12)
    assert values["share_low"] == pytest.approx(share[u_low], rel=1e-12)
    assert values["share_high"] == pytest.approx(share[p["uplift_high"]], rel=1e-12)
    assert values["coi_low"] == pytest.approx(share[u_low] * base, rel=1e-12)
    assert values["coi_high"] == pytest.approx(share[p["uplift_high"]] * base, rel=1e-12)
    # The published figures, at the rounding they are printed with.
    assert round(u_low, 2) == 0.45
    assert round(share[u_low], 2) == 0.12 and round(share[p["uplift_high"]], 2) == 0.18
    assert round(values["coi_low"] / 1e9) == 8 and round(values["coi_high"] / 1e9) == 13
    assert round(1 / share[u_low]) == 8  # "around £1 in every £8"
    assert values["pop_comorbid"] == pytest.approx(4.5e6)
    assert values["coi_low_plus_mus"] > 11e9  # Naylor 2016: "more than £11 billion"


# ---- the Markov model: two undiscounted cycles by hand --------------------------------------


def hand_two_cycles(start_depressed: float = 1.0) -> dict[str, dict[str, float]]:
    """Undiscounted totals of cycles 0 and 1 (start correction), from the raw inputs.

    Parameters
    ----------
    start_depressed : float
        Share starting depressed; the rest start not depressed (1 = the trial view).

    Returns
    -------
    dict
        Per strategy, the undiscounted cost, QALYs and life-years.
    """
    p = plain_number_parameters(FOLDER)
    life = table("ons_mx_uk_2022_2024.csv")
    index = table("cost_inflation_index.csv")
    dt = 1 / 3
    age = math.floor(58.5)  # step lookup; cycle 0 starts at 58.5
    mx = p["p_male"] * life[age]["male"] + (1 - p["p_male"]) * life[age]["female"]
    die_dep = 1 - math.exp(-mx * p["hr_death_dep"] * dt)
    die_well = 1 - math.exp(-mx * dt)
    onset = 1 - math.exp(-p["r_onset"] * dt)
    r_remit = -math.log(1 - p["pr_remit_6m"]) / 0.5
    infl_2010 = index[2024]["index"] / index[2010]["index"]
    infl_2012 = index[2024]["index"] / index[2012]["index"]
    uplift = p["c_pp_ltc_comorbid"] / p["c_pp_ltc"] - 1
    c_well = p["c_pp_ltc"] * infl_2010  # Naylor's cost without a mental health problem
    c_rem = c_well  # the whole uplift falls away on remission (f_uplift_reversible = 1)
    c_dep = c_well * (1 + uplift)
    dep0, well0 = start_depressed, 1 - start_depressed
    out = {}
    for strategy, rate in (("usual_care", r_remit), ("collaborative_care", r_remit * p["rr_remit_cc"])):
        remit = 1 - math.exp(-rate * dt)
        onsets = well0 * (1 - die_well) * onset
        well1 = well0 * (1 - die_well) * (1 - onset)
        dep1 = dep0 * (1 - die_dep) * (1 - remit) + onsets
        rem1 = dep0 * (1 - die_dep) * remit
        physical = dt * (c_well * (well0 + well1) + c_dep * (dep0 + dep1) + c_rem * rem1)
        # Collaborative care: everyone depressed at the start, and each onset in the programme
        # window, costs the trial's £317 once.
        programme = p["c_cc"] * infl_2012 * (dep0 + onsets) if strategy == "collaborative_care" else 0.0
        out[strategy] = {
            "cost": physical + programme,
            "qalys": dt * (p["u_remitted"] * (well0 + well1) + p["u_depressed"] * (dep0 + dep1)
                           + p["u_remitted"] * rem1),
            "life_years": dt * (well0 + dep0 + well1 + dep1 + rem1),
        }
    return out


@pytest.mark.parametrize("start_depressed", [1.0, 0.3])
def test_two_undiscounted_cycles_match_a_hand_calculation(start_depressed: float) -> None:
    model = parity.load(FOLDER)
    model.set(n_cycles=2)
    summary = model.run({"p_start_depressed": start_depressed}).summary
    for strategy, expected in hand_two_cycles(start_depressed).items():
        assert summary.loc[strategy, "cost_undiscounted"] == pytest.approx(expected["cost"], rel=1e-12)
        assert summary.loc[strategy, "qalys_undiscounted"] == pytest.approx(expected["qalys"], rel=1e-12)
        assert summary.loc[strategy, "life_years_undiscounted"] == pytest.approx(
            expected["life_years"], rel=1e-12)


def test_savings_scenario_lowers_physical_costs_by_at_least_a_fifth(model: parity.Model) -> None:
    def physical(results: parity.Results, strategy: str) -> float:
        c = results.costs_by_category.loc[strategy]
        return c["physical_acute"] + c["physical_primary_community"]

    results = model.run({"phys_cost_reduction_cc": 0.2})
    ratio = physical(results, "collaborative_care") / physical(results, "usual_care")
    # 20% off every physical cost, and fewer depressed months on top.
    assert ratio < 0.8
    base = model.run()
    assert physical(base, "collaborative_care") < physical(base, "usual_care")


# ---- bad input ----------------------------------------------------------------------------


def test_a_probability_above_one_names_the_state_and_file(tmp_path: Path) -> None:
    folder = copy_folder(tmp_path)
    edit_file(folder / "parameters.csv", 'p_relapse,"rescale_prob(pr_relapse_2y, 2)"', "p_relapse,1.2")
    # Its unit says probability, so the load refuses it at the cell.
    with pytest.raises(parity.InputError) as err:
        parity.load(folder)
    assert "parameters.csv:" in str(err.value) and "'p_relapse' is 1.2" in str(err.value)
    # A probability above one that only an expression computes is found when the model runs.
    edit_file(folder / "parameters.csv", "p_relapse,1.2", "p_relapse,pr_relapse_2y * 5")
    with pytest.raises(parity.ModelError) as err:
        parity.load(folder).run()
    message = str(err.value)
    assert "remitted" in message and "transitions.csv" in message
    assert "pr_relapse_2y = 0.268" in message


def test_an_unknown_payer_is_named(tmp_path: Path) -> None:
    folder = copy_folder(tmp_path)
    edit_file(folder / "cost_categories.csv", ",nhs_acute,no,", ",nhs_hospital,no,")
    with pytest.raises(parity.ParityError) as err:
        parity.load(folder).run()
    assert "nhs_hospital" in str(err.value)


def test_a_parameter_without_source_is_refused(tmp_path: Path) -> None:
    folder = copy_folder(tmp_path)
    text = (folder / "parameters.csv").read_text()
    lines = text.splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if line.startswith("p_male,"))
    cells = next(csv.reader([lines[row]]))
    cells[4] = ""
    with open(folder / "parameters.csv", "w", newline="") as f:
        f.writelines(lines[:row])
        csv.writer(f, lineterminator="\n").writerow(cells)
        f.writelines(lines[row + 1:])
    with pytest.raises(parity.ParityError) as err:
        parity.load(folder).run()
    assert "p_male" in str(err.value) or "parameters.csv:" in str(err.value)
