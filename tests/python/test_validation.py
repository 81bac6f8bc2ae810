"""The DARTH Sick-Sicker models, run through Python, reproduce the published figures to the
precision they are published with (/work/shared/references/validation-sick-sicker.md;
params/sick_sicker/README.md; params/sick_sicker_age/README.md)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from helpers import SICK_SICKER_AGE, STRATEGIES, article_weights, assert_published

import parity

# strategy: (cost, QALYs, status, ICER or None)
CORRECTED = {
    "SoC": ("152,282", "21.03", "frontier", None),
    "A": ("285,889", "21.83", "dominated", None),
    "B": ("260,222", "22.50", "frontier", "73,279"),
    "AB": ("380,378", "23.46", "frontier", "125,302"),
}
ARTICLE = {
    "SoC": ("151,580", "20.711", "frontier", None),
    "A": ("284,805", "21.499", "dominated", None),
    "B": ("259,100", "22.184", "frontier", "72,988"),
    "AB": ("378,875", "23.137", "frontier", "125,764"),
}
AGE_DEPENDENT = {
    "SoC": ("116,374", "18.879", "frontier", None),
    "A": ("218,789", "19.636", "dominated", None),
    "B": ("202,536", "20.199", "frontier", "65,288"),
    "AB": ("296,300", "21.097", "frontier", "104,461"),
}
# The published trace of the time-independent model, cycles 0-5 (H, S1, S2, D).
PUBLISHED_TRACE = [
    ("1", "0", "0", "0"),
    (".859", ".139", ".000", ".002"),
    (".792", ".189", ".014", ".005"),
    (".755", ".206", ".032", ".008"),
    (".729", ".208", ".052", ".011"),
    (".707", ".206", ".072", ".015"),
]
# The time-dependent tutorial's first transition matrix (age 25, SoC), rows H, S1, S2.
PUBLISHED_FIRST_MATRIX = {
    "H": ("0.8598357", "0.1391509", "0", "0.001013486"),
    "S1": ("0.3922742", "0.5053157", "0.09937273", "0.003037378"),
    "S2": ("0", "0", "0.98991124", "0.010088764"),
}


def check_published(results: parity.Results, published: dict) -> None:
    """Costs, QALYs, dominance status and ICERs of every strategy against a published table."""
    summary = results.summary
    icers = results.icers().set_index("strategy")
    assert sorted(summary.index) == sorted(published)
    for strategy, (cost, qalys, status, icer) in published.items():
        assert_published(summary.loc[strategy, "cost"], cost)
        assert_published(summary.loc[strategy, "qalys"], qalys)
        assert icers.loc[strategy, "status"] == status, strategy
        if icer is None:
            assert math.isnan(icers.loc[strategy, "icer"]), strategy
        else:
            assert_published(icers.loc[strategy, "icer"], icer)


def test_corrected_release(sick_sicker_results: parity.Results) -> None:
    check_published(sick_sicker_results, CORRECTED)


def test_corrected_release_comparators_and_dominance(
    sick_sicker_results: parity.Results,
) -> None:
    icers = sick_sicker_results.icers().set_index("strategy")
    assert icers.loc["B", "comparator"] == "SoC"
    assert icers.loc["AB", "comparator"] == "B"
    assert icers.loc["A", "note"] == "dominated by B"


def test_article_figures_with_the_articles_weights(sick_sicker: parity.Model) -> None:
    sick_sicker.set(correction_weights=article_weights())
    check_published(sick_sicker.run(), ARTICLE)


def test_article_weights_as_fractions_give_the_same_results(sick_sicker: parity.Model) -> None:
    as_numbers = sick_sicker.set(correction_weights=article_weights()).run().summary
    as_text = ["1/3", *("2/3" if t % 2 else "4/3" for t in range(1, 75)), "1/3"]
    as_fractions = sick_sicker.set(correction_weights=as_text).run().summary
    pd.testing.assert_frame_equal(as_numbers, as_fractions, check_exact=True)


def test_the_two_corrections_give_different_results(
    sick_sicker: parity.Model, sick_sicker_results: parity.Results
) -> None:
    # Guards against a correction_weights setting that is silently ignored.
    article = sick_sicker.set(correction_weights=article_weights()).run().summary
    corrected = sick_sicker_results.summary
    assert (article["qalys"] < corrected["qalys"] - 0.3).all()


def test_published_trace_cycles_0_to_5(sick_sicker_results: parity.Results) -> None:
    trace = sick_sicker_results.trace
    soc = trace[trace["strategy"] == "SoC"].set_index("cycle")
    for cycle, row in enumerate(PUBLISHED_TRACE):
        for state, published in zip(["H", "S1", "S2", "D"], row):
            assert_published(soc.loc[cycle, state], published)


def test_trace_is_the_same_for_strategies_without_treatment_b(
    sick_sicker_results: parity.Results,
) -> None:
    # Treatment A changes utilities only; B changes the S1 -> S2 probability.
    trace = sick_sicker_results.trace.set_index(["strategy", "cycle"])
    states = ["H", "S1", "S2", "D"]
    np.testing.assert_array_equal(trace.loc["SoC", states].values, trace.loc["A", states].values)
    np.testing.assert_array_equal(trace.loc["B", states].values, trace.loc["AB", states].values)
    assert not np.allclose(trace.loc["SoC", "S2"].values, trace.loc["B", "S2"].values)


def test_age_dependent_first_transition_matrix(sick_sicker_age: parity.Model) -> None:
    matrix = sick_sicker_age.transition_matrix("SoC", 0)
    assert list(matrix.columns) == ["H", "S1", "S2", "D"]
    for state, row in PUBLISHED_FIRST_MATRIX.items():
        for to, published in zip(matrix.columns, row):
            assert_published(matrix.loc[state, to], published)
    np.testing.assert_array_equal(matrix.loc["D"].values, [0, 0, 0, 1])


def test_age_dependent_matrix_changes_with_age(sick_sicker_age: parity.Model) -> None:
    # Transitions from cycle t use age 25 + t: mortality rises with age.
    first = sick_sicker_age.transition_matrix("SoC", 0).loc["H", "D"]
    later = sick_sicker_age.transition_matrix("SoC", 40).loc["H", "D"]
    lifetable = pd.read_csv(
        SICK_SICKER_AGE / "tables" / "darth_lifetable_usa_mx_2015.csv", usecols=["Age", "Total"]
    ).set_index("Age")["Total"]
    assert later == pytest.approx(1 - math.exp(-lifetable[65]), rel=1e-12)
    assert first == pytest.approx(1 - math.exp(-lifetable[25]), rel=1e-12)


def test_age_dependent_results(sick_sicker_age_results: parity.Results) -> None:
    check_published(sick_sicker_age_results, AGE_DEPENDENT)


def test_every_strategy_is_reported(
    sick_sicker_results: parity.Results, sick_sicker_age_results: parity.Results
) -> None:
    assert sick_sicker_results.strategies == STRATEGIES
    assert sick_sicker_age_results.strategies == STRATEGIES
