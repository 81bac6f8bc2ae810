"""The printed and Jupyter (HTML) views of a PSA: hand-checked figures on a small sample."""

import numpy as np

import parity


def _analysis(name: str = "toy") -> parity.UncertaintyAnalysis:
    # Four samples, two strategies. At 20,000 per QALY the net benefits of B minus A are
    # 20000*0.1-1000=1000, 20000*0.1-3000=-1000, 20000*0.2-1000=3000, 20000*0.0-1000=-1000,
    # so B is cost-effective in 2 of 4 samples; EVPI = mean(max(0, d)) - max(0, mean(d))
    # = (1000 + 3000) / 4 - 500 = 500.
    costs = np.array([[0.0, 1000.0], [0.0, 3000.0], [0.0, 1000.0], [0.0, 1000.0]])
    effects = np.array([[1.0, 1.1], [1.0, 1.1], [1.0, 1.2], [1.0, 1.0]])
    return parity.UncertaintyAnalysis(costs, effects, ["A", "B"], model_name=name, wtp=[20000.0])


def test_summary_has_means_intervals_and_probabilities():
    from parity.uncertainty_display import summary_table

    table = summary_table(_analysis())
    assert list(table.index) == ["A", "B"]
    assert table.loc["B", "mean cost"] == "1,500"
    assert table.loc["B", "mean QALYs"] == "1.100"
    assert table.loc["A", "P(cost-effective) at 20,000"] == "0.50"
    assert table.loc["B", "P(cost-effective) at 20,000"] == "0.50"
    lower, upper = np.quantile([1000.0, 3000.0, 1000.0, 1000.0], [0.025, 0.975])
    assert table.loc["B", "cost 95% interval"] == f"{lower:,.0f} to {upper:,.0f}"


def test_text_and_html_show_the_evpi_and_escape_names():
    analysis = _analysis("<b>model & co</b>")
    assert "EVPI per person: 500.00 at 20,000 per QALY" in repr(analysis)
    page = analysis._repr_html_()
    assert "&lt;b&gt;model &amp; co&lt;/b&gt;" in page and "<b>model" not in page
    assert page.split("<tbody>")[1].count("<tr") == 2  # one row per strategy


def test_psa_results_name_their_samples_and_seed(sick_sicker):
    psa = sick_sicker.psa(n=50, seed=7, progress=False)
    assert "50 samples; seed 7" in repr(psa)
    assert "<table" in psa._repr_html_()
