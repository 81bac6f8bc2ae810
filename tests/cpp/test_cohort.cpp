#include <catch2/catch.hpp>
#include <cmath>

#include "model_builders.hpp"
#include "parity/cohort.hpp"

using namespace parity;
using parity::testing::two_state_model;

TEST_CASE("two-state model: life expectancy is a geometric sum", "[cohort][closed-form]") {
    const double q = 0.1;
    const int n = 40;
    SECTION("counted at the start of each cycle, undiscounted") {
        const auto out = CompiledModel(two_state_model(q, n, "start")).evaluate();
        // sum_{t=0}^{n-1} (1-q)^t
        const double expected = (1 - std::pow(1 - q, n)) / q;
        REQUIRE(out.strategies[0].life_years == Approx(expected).epsilon(1e-13));
        REQUIRE(out.strategies[0].qalys == Approx(expected).epsilon(1e-13));
        REQUIRE(out.strategies[0].costs[0] == Approx(expected).epsilon(1e-13));
    }
    SECTION("counted at the end of each cycle") {
        const auto out = CompiledModel(two_state_model(q, n, "end")).evaluate();
        const double expected = (1 - q) * (1 - std::pow(1 - q, n)) / q;
        REQUIRE(out.strategies[0].life_years == Approx(expected).epsilon(1e-13));
    }
    SECTION("discounted at 3.5%: sum of ((1-q)/(1+r))^t") {
        const double r = 0.035;
        const auto out = CompiledModel(two_state_model(q, n, "start", r)).evaluate();
        const double a = (1 - q) / (1 + r);
        const double expected = (1 - std::pow(a, n)) / (1 - a);
        REQUIRE(out.strategies[0].life_years == Approx(expected).epsilon(1e-13));
        REQUIRE(out.strategies[0].costs[0] == Approx(expected).epsilon(1e-13));
        const double undiscounted = (1 - std::pow(1 - q, n)) / q;
        REQUIRE(out.strategies[0].life_years_undiscounted == Approx(undiscounted).epsilon(1e-13));
    }
    SECTION("a long horizon approaches the life expectancy 1/q") {
        const auto out = CompiledModel(two_state_model(q, 2000, "start")).evaluate();
        REQUIRE(out.strategies[0].life_years == Approx(1 / q).epsilon(1e-12));
    }
    SECTION("monthly cycles: rewards are per year and scaled by the cycle length") {
        auto spec = two_state_model(q, n, "start");
        apply_setting(spec.settings, "cycle_length", "1/12");
        const auto out = CompiledModel(spec).evaluate();
        REQUIRE(out.strategies[0].life_years == Approx((1 - std::pow(1 - q, n)) / q / 12));
    }
}

TEST_CASE("mass is conserved in every cycle", "[cohort]") {
    auto spec = two_state_model(0.2, 30, "half_cycle");
    spec.states.insert(spec.states.begin() + 1, State{"Sick", "", true, 3});
    spec.transitions = {
        {"*", "Alive", "Sick", "0.3"}, {"*", "Alive", "Dead", "0.05"},
        {"*", "Alive", "Alive", "C"},  {"*", "Sick", "Dead", "0.1 + 0.05 * state_time"},
        {"*", "Sick", "Alive", "0.2"}, {"*", "Sick", "Sick", "C"},
        {"*", "Dead", "Dead", "1"}};
    const auto out = CompiledModel(spec).evaluate();
    const auto& trace = out.strategies[0].trace;
    for (Eigen::Index t = 0; t < trace.rows(); ++t)
        REQUIRE(trace.row(t).sum() == Approx(1.0).margin(1e-12));
}

TEST_CASE("tunnel states equal the same model with the tunnel written out", "[cohort][tunnel]") {
    // Tunnel of length 3: death risk 0.1, 0.15, 0.2 by cycles spent; recovery 0.2.
    ModelSpec tunnel = two_state_model(0.0, 25, "trapezoid", 0.035);
    tunnel.states = {{"Well", "", true}, {"Sick", "", true, 3}, {"Dead", "", false}};
    tunnel.parameters = {{"p_die", "0.1 + 0.05 * state_time"}, {"c_sick", "100 + 10 * state_time"}};
    tunnel.transitions = {{"*", "Well", "Sick", "0.3"},   {"*", "Well", "Well", "C"},
                          {"*", "Sick", "Dead", "p_die"}, {"*", "Sick", "Well", "0.2"},
                          {"*", "Sick", "Sick", "C"},     {"*", "Dead", "Dead", "1"}};
    tunnel.state_rewards = {{"*", "Sick", "cost", "c_sick"},
                            {"*", "Well", "utility", "1"},
                            {"*", "Sick", "utility", "0.6"}};
    tunnel.initial = {{"*", "Well", "1"}};

    ModelSpec flat = tunnel;
    flat.parameters = {};
    flat.states = {{"Well", "", true},
                   {"S0", "", true},
                   {"S1", "", true},
                   {"S2", "", true},
                   {"Dead", "", false}};
    flat.transitions = {
        {"*", "Well", "S0", "0.3"}, {"*", "Well", "Well", "C"}, {"*", "Dead", "Dead", "1"}};
    const char* next[] = {"S1", "S2", "S2"};
    const char* names[] = {"S0", "S1", "S2"};
    flat.state_rewards = {{"*", "Well", "utility", "1"}};
    for (int k = 0; k < 3; ++k) {
        flat.transitions.push_back({"*", names[k], "Dead", std::to_string(0.1 + 0.05 * k)});
        flat.transitions.push_back({"*", names[k], "Well", "0.2"});
        flat.transitions.push_back({"*", names[k], next[k], "C"});
        flat.state_rewards.push_back({"*", names[k], "cost", std::to_string(100 + 10 * k)});
        flat.state_rewards.push_back({"*", names[k], "utility", "0.6"});
    }
    const auto a = CompiledModel(tunnel).evaluate().strategies[0];
    const auto b = CompiledModel(flat).evaluate().strategies[0];
    REQUIRE(a.costs[0] == Approx(b.costs[0]).epsilon(1e-13));
    REQUIRE(a.qalys == Approx(b.qalys).epsilon(1e-13));
    REQUIRE(a.life_years == Approx(b.life_years).epsilon(1e-13));
    for (Eigen::Index t = 0; t < a.trace.rows(); ++t) {
        REQUIRE(a.trace(t, 1) == Approx(b.trace(t, 1) + b.trace(t, 2) + b.trace(t, 3)));
    }
}

TEST_CASE("time-varying parameters follow age and cycle", "[cohort]") {
    auto spec = two_state_model(0.0, 10, "end");
    spec.settings.start_age = 60;
    spec.parameters = {{"q", "0.01 * (age - 59)"}, {"c_alive", "cycle"}};
    CompiledModel model(spec);
    REQUIRE(model.parameter_varies_with_time("q"));
    REQUIRE_FALSE(model.parameter_varies_with_time("c_alive") == false);
    const auto P0 = model.transition_matrix("Only", 0);
    REQUIRE(P0(0, 1) == Approx(0.01));
    const auto P5 = model.transition_matrix("Only", 5);
    REQUIRE(P5(0, 1) == Approx(0.06));
    // Survival to point t is prod_{k<t} (1 - 0.01 (k+1)).
    const auto out = model.evaluate();
    double s = 1, ly = 0;
    for (int t = 1; t <= 10; ++t) {
        s *= 1 - 0.01 * t;
        ly += s;
    }
    REQUIRE(out.strategies[0].life_years == Approx(ly).epsilon(1e-13));
}

TEST_CASE("one-off transition rewards are counted on the flows", "[cohort]") {
    auto spec = two_state_model(0.25, 3, "end");
    spec.transition_rewards = {{"*", "*", "Dead", "death", "1000"}};
    const auto out = CompiledModel(spec).evaluate().strategies[0];
    // Deaths in cycles 1..3: 0.25, 0.1875, 0.140625
    REQUIRE(out.costs[1] == Approx(1000 * (0.25 + 0.1875 + 0.140625)));
    REQUIRE(out.cycle_costs(1, 1) == Approx(250));
}

TEST_CASE("overrides replace a parameter's expression", "[cohort]") {
    CompiledModel model(two_state_model(0.1, 20, "start"));
    const auto base = model.evaluate().strategies[0].life_years;
    const auto alt = model.evaluate({{"q", 0.2}}).strategies[0].life_years;
    REQUIRE(alt == Approx((1 - std::pow(0.8, 20)) / 0.2));
    REQUIRE(base == Approx((1 - std::pow(0.9, 20)) / 0.1));
    REQUIRE_THROWS_WITH(model.evaluate({{"qq", 0.2}}), Catch::Contains("did you mean 'q'"));
}

TEST_CASE("bad models get errors that say where and how to fix", "[cohort][errors]") {
    SECTION("unknown parameter") {
        auto spec = two_state_model(0.1, 5);
        spec.transitions[0].expression = "qq * 2";
        spec.transitions[0].where = {"transitions.csv", 2, 4, "probability"};
        REQUIRE_THROWS_WITH(CompiledModel(spec), Catch::Contains("transitions.csv:2:4") &&
                                                     Catch::Contains("unknown name 'qq'") &&
                                                     Catch::Contains("did you mean 'q'"));
    }
    SECTION("circular parameters") {
        auto spec = two_state_model(0.1, 5);
        spec.parameters = {
            {"a", "b + 1"}, {"b", "c * 2"}, {"c", "a"}, {"q", "0.1"}, {"c_alive", "1"}};
        REQUIRE_THROWS_WITH(CompiledModel(spec),
                            Catch::Contains("circular") && Catch::Contains("a -> b -> c -> a"));
    }
    SECTION("probability above 1") {
        auto spec = two_state_model(1.5, 5);
        REQUIRE_THROWS_WITH(CompiledModel(spec).evaluate(),
                            Catch::Contains("strategy 'Only', state 'Alive', cycle 0") &&
                                Catch::Contains("1.5") && Catch::Contains("[0, 1]"));
    }
    SECTION("a row not summing to 1") {
        auto spec = two_state_model(0.1, 5);
        spec.transitions[1].expression = "0.8";
        REQUIRE_THROWS_WITH(CompiledModel(spec).evaluate(),
                            Catch::Contains("sum to 0.9") && Catch::Contains("state 'Alive'"));
    }
    SECTION("a negative complement") {
        auto spec = two_state_model(0.1, 5);
        spec.transitions.push_back({"*", "Alive", "Alive2", "0.95"});
        spec.states.push_back({"Alive2", "", true});
        spec.transitions.push_back({"*", "Alive2", "Alive2", "1"});
        REQUIRE_THROWS_WITH(CompiledModel(spec).evaluate(), Catch::Contains("complement (C)"));
    }
    SECTION("unknown state") {
        auto spec = two_state_model(0.1, 5);
        spec.transitions[0].to = "Daed";
        REQUIRE_THROWS_WITH(CompiledModel(spec), Catch::Contains("unknown state 'Daed'") &&
                                                     Catch::Contains("did you mean 'Dead'"));
    }
    SECTION("unknown strategy") {
        auto spec = two_state_model(0.1, 5);
        spec.transitions[0].strategy = "Onyl";
        REQUIRE_THROWS_WITH(CompiledModel(spec), Catch::Contains("unknown strategy 'Onyl'"));
    }
    SECTION("syntax error") {
        auto spec = two_state_model(0.1, 5);
        spec.parameters[0].expression = "0.1 * * 2";
        REQUIRE_THROWS_WITH(CompiledModel(spec), Catch::Contains("parameter 'q'") &&
                                                     Catch::Contains("cannot read expression"));
    }
    SECTION("a state without transitions") {
        auto spec = two_state_model(0.1, 5);
        spec.transitions.pop_back();
        REQUIRE_THROWS_WITH(CompiledModel(spec), Catch::Contains("'Dead' has no transitions"));
    }
    SECTION("initial shares not summing to 1") {
        auto spec = two_state_model(0.1, 5);
        spec.initial[0].expression = "0.5";
        REQUIRE_THROWS_WITH(CompiledModel(spec).evaluate(), Catch::Contains("sum to 0.5"));
    }
    SECTION("n_cycles missing") {
        auto spec = two_state_model(0.1, 5);
        spec.settings.n_cycles = 0;
        REQUIRE_THROWS_WITH(CompiledModel(spec), Catch::Contains("n_cycles"));
    }
    SECTION("NaN value") {
        auto spec = two_state_model(0.1, 5);
        spec.parameters[1].expression = "sqrt(-1)";
        REQUIRE_THROWS_WITH(CompiledModel(spec).evaluate(),
                            Catch::Contains("c_alive") && Catch::Contains("nan"));
    }
    SECTION("reserved parameter name") {
        auto spec = two_state_model(0.1, 5);
        spec.parameters.push_back({"age", "3"});
        REQUIRE_THROWS_WITH(CompiledModel(spec), Catch::Contains("reserved"));
    }
}
