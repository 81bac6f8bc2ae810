// Deterministic sensitivity analysis: one-way curves against closed forms, tornado ordering,
// thresholds against values solved by hand, two-way grids and scenarios against direct
// evaluation, and the Sick-Sicker model (params/sick_sicker).
#include <catch2/catch.hpp>
#include <cmath>

#include "model_builders.hpp"
#include "parity/csv_io.hpp"
#include "parity/distributions.hpp"
#include "parity/dsa.hpp"

using namespace parity;
using parity::testing::two_state_model;

namespace {

Parameter parameter(const std::string& name, const std::string& expression) {
    Parameter p;
    p.name = name;
    p.expression = expression;
    return p;
}

StateReward reward(const std::string& strategy, const std::string& category,
                   const std::string& expression) {
    StateReward r;
    r.strategy = strategy;
    r.state = "Alive";
    r.category = category;
    r.expression = expression;
    return r;
}

/// Life-years of the two-state model counted at the start of each cycle, undiscounted.
double life_years(double q, int n) { return (1 - std::pow(1 - q, n)) / q; }

/// Strategies that share the two-state model's survival (q = 0.1, 10 cycles) and differ only in
/// their annual cost and utility while alive: for strategy s,
/// NMB_s = LY * (wtp * u_s - c_s), so every incremental NMB is LY times a difference of lines.
ModelSpec strategies_model(const std::vector<std::string>& names,
                           const std::vector<std::string>& costs,
                           const std::vector<std::string>& utilities,
                           const std::vector<Parameter>& parameters) {
    ModelSpec m = two_state_model(0.1, 10, "start");
    m.strategies.clear();
    m.state_rewards.clear();
    for (std::size_t s = 0; s < names.size(); ++s) {
        Strategy strategy;
        strategy.name = names[s];
        m.strategies.push_back(strategy);
        m.state_rewards.push_back(reward(names[s], "cost", costs[s]));
        m.state_rewards.push_back(reward(names[s], "utility", utilities[s]));
    }
    m.parameters.insert(m.parameters.end(), parameters.begin(), parameters.end());
    return m;
}

/// Old: cost 1, utility 0.7. New: cost 1 + c_new, utility u_new (0.8).
/// INMB(New vs Old) = LY * (wtp * (u_new - 0.7) - c_new): zero at c_new = 0.1 * wtp.
ModelSpec new_vs_old() {
    return strategies_model({"Old", "New"}, {"1", "1 + c_new"}, {"0.7", "u_new"},
                            {parameter("c_new", "1000"), parameter("u_new", "0.8")});
}

std::string folder(const std::string& name) {
    return std::string(PARITY_SOURCE_DIR) + "/params/" + name;
}

int best_strategy(const Outcomes& out, double wtp) {
    int best = 0;
    for (std::size_t s = 1; s < out.strategies.size(); ++s) {
        const auto nmb = [&](std::size_t k) {
            return wtp * out.strategies[k].qalys - out.strategies[k].total_cost();
        };
        if (nmb(s) > nmb(static_cast<std::size_t>(best))) best = static_cast<int>(s);
    }
    return best;
}

}  // namespace

TEST_CASE("one-way analysis follows the closed-form life expectancy", "[dsa][closed-form]") {
    const int n = 40;
    const CompiledModel model(two_state_model(0.1, n, "start"));
    const std::vector<double> qs = {0.02, 0.05, 0.1, 0.2, 0.5};
    DsaOutcome what;
    what.measure = DsaMeasure::life_years;
    what.wtp = 30000;
    const auto curve = one_way(model, "q", qs, what);
    REQUIRE(curve.parameter == "q");
    REQUIRE(curve.values == qs);
    REQUIRE(curve.strategies == std::vector<std::string>{"Only"});
    REQUIRE(curve.outcome.size() == qs.size());
    REQUIRE(curve.net_monetary_benefit.size() == 1);
    for (std::size_t i = 0; i < qs.size(); ++i) {
        const double ly = life_years(qs[i], n);
        REQUIRE(curve.outcome[i] == Approx(ly).epsilon(1e-13));
        // cost 1 and utility 1 a year: NMB = (wtp - 1) * LY
        REQUIRE(curve.net_monetary_benefit[0][i] == Approx((30000 - 1) * ly).epsilon(1e-13));
        REQUIRE(curve.optimal[i] == 0);
    }
}

TEST_CASE("tornado: bars sorted by swing, swing = |outcome_high - outcome_low|", "[dsa]") {
    const int n = 40;
    auto spec = two_state_model(0.1, n, "start");
    spec.parameters.push_back(parameter("unused", "5"));
    const CompiledModel model(spec);
    DsaOutcome what;
    what.measure = DsaMeasure::cost;  // c_alive * LY(q)
    const std::vector<ParameterRange> ranges = {{"unused", 0, 10, "given bounds"},
                                                {"q", 0.09, 0.11, "given bounds"},
                                                {"c_alive", 0.5, 2, "given bounds"}};
    const auto bars = tornado(model, ranges, what);
    REQUIRE(bars.size() == 3);
    REQUIRE(bars[0].parameter == "c_alive");
    REQUIRE(bars[1].parameter == "q");
    REQUIRE(bars[2].parameter == "unused");
    const double ly = life_years(0.1, n);
    for (const auto& b : bars) {
        REQUIRE(b.swing == std::abs(b.outcome_high - b.outcome_low));
        REQUIRE(b.base_outcome == Approx(ly).epsilon(1e-13));
        REQUIRE(b.basis == "given bounds");
    }
    REQUIRE(bars[0].base_value == 1.0);
    REQUIRE(bars[0].outcome_low == Approx(0.5 * ly).epsilon(1e-13));
    REQUIRE(bars[0].outcome_high == Approx(2 * ly).epsilon(1e-13));
    REQUIRE(bars[1].base_value == 0.1);
    REQUIRE(bars[1].outcome_low == Approx(life_years(0.09, n)).epsilon(1e-13));
    REQUIRE(bars[1].outcome_high == Approx(life_years(0.11, n)).epsilon(1e-13));
    REQUIRE(bars[2].swing == 0.0);
}

TEST_CASE("measure: each outcome and its checks", "[dsa]") {
    const CompiledModel model(new_vs_old());
    const auto out = model.evaluate();
    const double ly = life_years(0.1, 10);
    DsaOutcome what{DsaMeasure::incremental_net_monetary_benefit, "New", "Old", 20000};
    REQUIRE(measure(out, what) == Approx(ly * (20000 * 0.1 - 1000)).epsilon(1e-12));
    what.measure = DsaMeasure::icer;
    REQUIRE(measure(out, what) == Approx(1000 / 0.1).epsilon(1e-12));
    what.measure = DsaMeasure::cost;
    REQUIRE(measure(out, what) == Approx(1000 * ly).epsilon(1e-12));  // incremental
    what.comparator.clear();
    REQUIRE(measure(out, what) == Approx(1001 * ly).epsilon(1e-12));
    what.measure = DsaMeasure::net_monetary_benefit;
    REQUIRE(measure(out, what) == Approx((20000 * 0.8 - 1001) * ly).epsilon(1e-12));
    what.measure = DsaMeasure::qalys;
    REQUIRE(measure(out, what) == Approx(0.8 * ly).epsilon(1e-12));

    REQUIRE_THROWS_WITH(measure(out, {DsaMeasure::cost, "Nwe", "", 0}),
                        Catch::Contains("did you mean 'New'"));
    REQUIRE_THROWS_AS(measure(out, {DsaMeasure::icer, "New", "", 0}), ModelError);
    REQUIRE_THROWS_AS(measure(out, {DsaMeasure::icer, "New", "New", 0}), ModelError);
    REQUIRE_THROWS_AS(measure(out, {DsaMeasure::cost, "", "", 0}), ModelError);
    REQUIRE_THROWS_AS(measure(out, {DsaMeasure::cost, "New", "", -1}), ModelError);
    REQUIRE(describe({DsaMeasure::incremental_net_monetary_benefit, "New", "Old", 20000}) ==
            "incremental NMB of New vs Old at 20,000 per QALY");
    REQUIRE(parse_dsa_measure(to_string(DsaMeasure::life_years)) == DsaMeasure::life_years);
    REQUIRE_THROWS_AS(parse_dsa_measure("qaly"), ModelError);
}

TEST_CASE("threshold of a cost where the incremental NMB is linear in it", "[dsa][threshold]") {
    const CompiledModel model(new_vs_old());
    const DsaOutcome inmb{DsaMeasure::incremental_net_monetary_benefit, "New", "Old", 20000};
    // wtp * 0.1 - c_new = 0
    const double expected = 0.1 * 20000;

    SECTION("incremental NMB of New vs Old") {
        const auto t = thresholds(model, "c_new", 0, 5000, inmb);
        REQUIRE(t.size() == 1);
        REQUIRE(t[0].value == Approx(expected).epsilon(1e-8));
        REQUIRE(t[0].below == "New");
        REQUIRE(t[0].above == "Old");
        REQUIRE_THAT(t[0].description, Catch::StartsWith("at c_new = 2000 the incremental NMB "
                                                         "of New vs Old at 20,000 per QALY is 0"));
    }
    SECTION("the ICER equals wtp at the same value") {
        const auto t =
            thresholds(model, "c_new", 0, 5000, {DsaMeasure::icer, "New", "Old", 20000}, 7);
        REQUIRE(t.size() == 1);
        REQUIRE(t[0].value == Approx(expected).epsilon(1e-8));
    }
    SECTION("the preferred strategy changes at the same value") {
        DsaOutcome best;  // no comparator: the strategy with the highest NMB
        best.wtp = 20000;
        const auto t = thresholds(model, "c_new", 0, 5000, best);
        REQUIRE(t.size() == 1);
        REQUIRE(t[0].value == Approx(expected).epsilon(1e-8));
        REQUIRE(t[0].below == "New");
        REQUIRE(t[0].above == "Old");
    }
    SECTION("a threshold on a scan point is found once") {
        const auto t = thresholds(model, "c_new", 0, 4000, inmb, 11);
        REQUIRE(t.size() == 1);
        REQUIRE(t[0].value == Approx(expected).epsilon(1e-12));
    }
    SECTION("none when the range does not reach it") {
        REQUIRE(thresholds(model, "c_new", 3000, 5000, inmb).empty());
        REQUIRE(thresholds(model, "c_new", 0, 1999, inmb).empty());
    }
}

TEST_CASE("thresholds where the decision changes twice", "[dsa][threshold]") {
    SECTION("New is preferred only for 1 < t < 3: INMB = LY * (1 - (t - 2)^2)") {
        const CompiledModel model(strategies_model({"Old", "New"}, {"1", "(t - 2)^2"}, {"1", "1"},
                                                   {parameter("t", "0")}));
        const auto t = thresholds(
            model, "t", 0, 4, {DsaMeasure::incremental_net_monetary_benefit, "New", "Old", 1000});
        REQUIRE(t.size() == 2);
        REQUIRE(t[0].value == Approx(1.0).epsilon(1e-8));
        REQUIRE(t[1].value == Approx(3.0).epsilon(1e-8));
        REQUIRE((t[0].below == "Old" && t[0].above == "New"));
        REQUIRE((t[1].below == "New" && t[1].above == "Old"));
    }
    SECTION("three strategies in turn, the middle one missed by a coarse scan") {
        // Equal utilities, so the cheapest is preferred: Low costs t, Mid 1, High 2.2 - t.
        // Low below t = 1, Mid between 1 and 1.2, High above.
        const CompiledModel model(strategies_model({"Low", "Mid", "High"}, {"t", "1", "2.2 - t"},
                                                   {"1", "1", "1"}, {parameter("t", "0")}));
        DsaOutcome best;
        best.wtp = 1000;
        for (int points : {3, 101}) {
            const auto t = thresholds(model, "t", 0, 3, best, points);
            REQUIRE(t.size() == 2);
            REQUIRE(t[0].value == Approx(1.0).epsilon(1e-8));
            REQUIRE(t[1].value == Approx(1.2).epsilon(1e-8));
            REQUIRE((t[0].below == "Low" && t[0].above == "Mid"));
            REQUIRE((t[1].below == "Mid" && t[1].above == "High"));
        }
    }
}

TEST_CASE("two-way grid: shape, layout and optimal strategies", "[dsa]") {
    const CompiledModel model(new_vs_old());
    const DsaOutcome what{DsaMeasure::incremental_net_monetary_benefit, "New", "Old", 20000};
    const std::vector<double> x = {0, 1000, 2500, 6000};
    const std::vector<double> y = {0.6, 0.8, 0.95};
    const auto grid = two_way(model, "c_new", x, "u_new", y, what);
    REQUIRE(grid.parameter_x == "c_new");
    REQUIRE(grid.parameter_y == "u_new");
    REQUIRE(grid.outcome.size() == x.size() * y.size());
    REQUIRE(grid.optimal.size() == x.size() * y.size());
    REQUIRE(grid.strategies == std::vector<std::string>{"Old", "New"});
    for (std::size_t iy = 0; iy < y.size(); ++iy)
        for (std::size_t ix = 0; ix < x.size(); ++ix) {
            const auto out = model.evaluate({{"c_new", x[ix]}, {"u_new", y[iy]}});
            const std::size_t k = iy * x.size() + ix;
            REQUIRE(grid.outcome[k] == Approx(measure(out, what)).epsilon(1e-13));
            REQUIRE(grid.optimal[k] == best_strategy(out, what.wtp));
        }
    // Corners: New is worse with a lower utility at any cost; cheap and better it wins.
    REQUIRE(grid.optimal[0] == 0);                          // c_new 0, u_new 0.6
    REQUIRE(grid.optimal[x.size() - 1] == 0);               // c_new 6000, u_new 0.6
    REQUIRE(grid.optimal[(y.size() - 1) * x.size()] == 1);  // c_new 0, u_new 0.95
    REQUIRE(grid.optimal[x.size() * y.size() - 1] == 0);    // 6000 > 0.25 * 20000
}

TEST_CASE("Sick-Sicker: c_trtB at which B's ICER vs SoC is 100,000 per QALY",
          "[dsa][sick-sicker]") {
    const CompiledModel model(read_model_folder(folder("sick_sicker")));
    const DsaOutcome icer{DsaMeasure::icer, "B", "SoC", 100000};
    REQUIRE(measure(model.evaluate(), icer) < 100000);  // 73,279 in the base case
    const auto t = thresholds(model, "c_trtB", 0, 50000, icer);
    REQUIRE(t.size() == 1);
    REQUIRE(t[0].value > 13000);
    REQUIRE(t[0].below == "B");
    REQUIRE(t[0].above == "SoC");
    const auto out = model.evaluate({{"c_trtB", t[0].value}});
    const auto& b = out.strategies[2];
    const auto& soc = out.strategies[0];
    REQUIRE(b.strategy == "B");
    const double ratio = (b.total_cost() - soc.total_cost()) / (b.qalys - soc.qalys);
    REQUIRE(ratio == Approx(100000).epsilon(1e-4));
    REQUIRE(measure(out, icer) == Approx(100000).epsilon(1e-9));
}

TEST_CASE("Sick-Sicker: ranges are the distributions' 2.5% and 97.5% quantiles",
          "[dsa][sick-sicker]") {
    const ModelSpec spec = read_model_folder(folder("sick_sicker"));
    const CompiledModel model(spec);
    const auto ranges = parameter_ranges(model);
    const auto base = model.parameter_values(0);
    std::size_t with_distribution = 0;
    for (const auto& p : spec.parameters) {
        if (p.distribution.empty()) continue;
        const auto d = parse_distribution(p.distribution, p.distribution_parameters,
                                          base.at(p.name), p.name, p.where);
        REQUIRE(with_distribution < ranges.size());
        const auto& r = ranges[with_distribution++];
        REQUIRE(r.parameter == p.name);
        REQUIRE(r.low == d.quantile(0.025));
        REQUIRE(r.high == d.quantile(0.975));
        REQUIRE(r.basis == "2.5th-97.5th percentile of " + d.describe());
    }
    REQUIRE(with_distribution == 16);
    REQUIRE(ranges.size() == 16);
    REQUIRE(ranges[1].basis == "2.5th-97.5th percentile of gamma(shape=30, scale=0.005)");

    SECTION("given bounds replace or add ranges, in parameter order") {
        const auto with_given = parameter_ranges(
            model, 0.05, 0.95, {{"c_D", 0, 100, ""}, {"c_trtB", 10000, 16000, "expert"}});
        REQUIRE(with_given.size() == 17);
        auto find = [&](const std::string& name) {
            for (const auto& r : with_given)
                if (r.parameter == name) return r;
            FAIL("no range for " << name);
            return ParameterRange{};
        };
        REQUIRE(find("c_D").basis == "given bounds");
        REQUIRE(find("c_trtB").low == 10000);
        REQUIRE(find("c_trtB").basis == "expert");
        REQUIRE_THAT(find("u_S1").basis, Catch::StartsWith("5th-95th percentile of beta"));
        REQUIRE(with_given[10].parameter == "c_D");  // parameters.csv order
    }
    SECTION("a tornado of every range puts the largest swing first") {
        const auto bars = tornado(
            model, ranges, {DsaMeasure::incremental_net_monetary_benefit, "B", "SoC", 100000});
        REQUIRE(bars.size() == 16);
        for (std::size_t i = 1; i < bars.size(); ++i) REQUIRE(bars[i - 1].swing >= bars[i].swing);
    }
    SECTION("percentiles must make a range") {
        REQUIRE_THROWS_AS(parameter_ranges(model, 0, 0.975), ModelError);
        REQUIRE_THROWS_AS(parameter_ranges(model, 0.9, 0.1), ModelError);
        REQUIRE_THROWS_AS(parameter_ranges(model, 0.025, 0.975, {{"c_D", 5, 5, ""}}), ModelError);
    }
}

TEST_CASE("scenarios: the base case first, then each scenario's values", "[dsa][scenarios]") {
    const int n = 40;
    const CompiledModel model(two_state_model(0.1, n, "start"));
    const auto results =
        run_scenarios(model, {{"high mortality", {{"q", 0.2}}, "twice the risk of death"},
                              {"cheap and deadly", {{"q", 0.5}, {"c_alive", 0.5}}, ""}});
    REQUIRE(results.size() == 3);
    REQUIRE(results[0].scenario == "base case");
    REQUIRE(results[1].scenario == "high mortality");
    REQUIRE(results[1].description == "twice the risk of death");
    REQUIRE(results[2].scenario == "cheap and deadly");
    const auto only = [&](std::size_t k) { return results[k].outcomes.strategies[0]; };
    REQUIRE(only(0).life_years == Approx(life_years(0.1, n)).epsilon(1e-13));
    REQUIRE(only(1).life_years == Approx(life_years(0.2, n)).epsilon(1e-13));
    REQUIRE(only(2).life_years == Approx(life_years(0.5, n)).epsilon(1e-13));
    REQUIRE(only(2).total_cost() == Approx(0.5 * life_years(0.5, n)).epsilon(1e-13));

    REQUIRE(run_scenarios(model, {}).size() == 1);
    REQUIRE_THROWS_WITH(run_scenarios(model, {{"typo", {{"c_alve", 2}}, ""}}),
                        Catch::Contains("unknown parameter 'c_alve'") &&
                            Catch::Contains("did you mean 'c_alive'") &&
                            Catch::Contains("scenario 'typo'"));
    REQUIRE_THROWS_AS(run_scenarios(model, {{"a", {}, ""}, {"a", {}, ""}}), ModelError);
    REQUIRE_THROWS_AS(run_scenarios(model, {{"base case", {}, ""}}), ModelError);
}

TEST_CASE("sensitivity analyses reject what they cannot do", "[dsa][errors]") {
    auto spec = two_state_model(0.1, 20, "start");
    spec.parameters.push_back(parameter("q_aging", "q * (1 + 0.01 * cycle)"));
    const CompiledModel model(spec);
    DsaOutcome ly;
    ly.measure = DsaMeasure::life_years;

    REQUIRE_THROWS_WITH(one_way(model, "q_aging", {0.1}, ly),
                        Catch::Contains("varies with time") && Catch::Contains("inputs"));
    REQUIRE_THROWS_WITH(one_way(model, "qq", {0.1}, ly), Catch::Contains("did you mean 'q'"));
    REQUIRE_THROWS_AS(one_way(model, "q", {}, ly), ModelError);
    REQUIRE_THROWS_AS(one_way(model, "q", {std::nan("")}, ly), ModelError);
    REQUIRE_THROWS_AS(two_way(model, "q", {0.1}, "q", {0.2}, ly), ModelError);
    REQUIRE_THROWS_AS(two_way(model, "q", {0.1}, "c_alive", {}, ly), ModelError);
    REQUIRE_THROWS_AS(thresholds(model, "q", 0.2, 0.1, ly), ModelError);
    REQUIRE_THROWS_AS(thresholds(model, "q", 0.1, 0.1, ly), ModelError);
    REQUIRE_THROWS_AS(thresholds(model, "q", 0.1, 0.2, ly, 2), ModelError);
    REQUIRE_THROWS_WITH(thresholds(model, "q", 0.1, 0.2, {DsaMeasure::cost, "Only", "Onyl", 0}),
                        Catch::Contains("did you mean 'Only'"));
    REQUIRE_THROWS_AS(tornado(model, {}, ly), ModelError);
    REQUIRE_THROWS_AS(tornado(model, {{"q", 0.2, 0.1, ""}}, ly), ModelError);
    REQUIRE_THROWS_AS(tornado(model, {{"q", 0.1, 0.2, ""}, {"q", 0.05, 0.3, ""}}, ly), ModelError);
    REQUIRE_THROWS_AS(run_scenarios(model, {{"aging", {{"q_aging", 0.1}}, ""}}), ModelError);
    REQUIRE_THROWS_AS(one_way(model, "q", {0.1}, {DsaMeasure::life_years, "Other", "", 0}),
                      ModelError);
    // A value the model cannot take is reported with the value that broke it.
    REQUIRE_THROWS_WITH(one_way(model, "q", {1.5}, ly), Catch::Contains("q = 1.5"));
}
