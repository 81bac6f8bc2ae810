// Samples evaluated side by side (the PSA path) must give exactly what one-at-a-time runs give.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "model_builders.hpp"
#include "parity/cohort.hpp"
#include "parity/csv_io.hpp"

using namespace parity;

namespace {

/// Overrides for `count` samples: every parameter whose expression is a plain positive number
/// is scaled by a factor that differs by sample and parameter; others keep their expression.
std::vector<double> perturbed(const ModelSpec& spec, std::size_t count) {
    const std::size_t np = spec.parameters.size();
    std::vector<double> v(count * np, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t b = 0; b < count; ++b)
        for (std::size_t p = 0; p < np; ++p) {
            char* end = nullptr;
            const double x = std::strtod(spec.parameters[p].expression.c_str(), &end);
            if (*end != '\0' || !(x > 0) || x >= 1e6) continue;
            // Keep probabilities and utilities inside [0,1]: shrink rather than grow.
            v[b * np + p] = x * (0.8 + 0.2 * std::sin(1.0 + b * 0.7 + p * 1.3) * 0.5);
        }
    return v;
}

void check_block_equals_single(const ModelSpec& spec, std::size_t count) {
    const CompiledModel model(spec);
    const auto ov = perturbed(spec, count);
    Evaluator ev(model);
    const std::size_t ns = model.strategy_names().size();
    const std::size_t no = ev.n_outcomes();
    std::vector<double> totals(count * ns * no);
    ev.run_block(ov.data(), count, totals.data());
    Evaluator single(model);
    for (std::size_t b = 0; b < count; ++b) {
        Outcomes out;
        single.run(ov.data() + b * model.parameter_names().size(), EvaluateOptions{}, out);
        for (std::size_t s = 0; s < ns; ++s) {
            const double* t = &totals[(b * ns + s) * no];
            const auto& o = out.strategies[s];
            for (std::size_t c = 0; c < o.costs.size(); ++c)
                REQUIRE(t[c] == Approx(o.costs[c]).epsilon(1e-12));
            REQUIRE(t[no - 2] == Approx(o.qalys).epsilon(1e-12));
            REQUIRE(t[no - 1] == Approx(o.life_years).epsilon(1e-12));
        }
    }
}

std::string folder(const std::string& name) {
    return std::string(PARITY_SOURCE_DIR) + "/params/" + name;
}

}  // namespace

TEST_CASE("a block of samples equals the samples run one by one", "[cohort][block]") {
    SECTION("Sick-Sicker") {
        check_block_equals_single(read_model_folder(folder("sick_sicker")), 37);
    }
    SECTION("Sick-Sicker with age-dependent mortality and transition rewards") {
        check_block_equals_single(read_model_folder(folder("sick_sicker_age")), 9);
    }
    SECTION("a tunnel state whose risks depend on state_time") {
        ModelSpec spec = testing::two_state_model(0.0, 20, "simpson", 0.035);
        spec.states = {{"Well", "", true}, {"Sick", "", true, 3}, {"Dead", "", false}};
        spec.parameters = {{"p_sick", "0.3"},
                           {"p_die", "0.1 + 0.05 * state_time"},
                           {"c_sick", "100 + 10 * state_time"},
                           {"p_rec", "0.2"}};
        spec.transitions = {{"*", "Well", "Sick", "p_sick"}, {"*", "Well", "Well", "C"},
                            {"*", "Sick", "Dead", "p_die"},  {"*", "Sick", "Well", "p_rec"},
                            {"*", "Sick", "Sick", "C"},      {"*", "Dead", "Dead", "1"}};
        spec.state_rewards = {{"*", "Sick", "cost", "c_sick"}, {"*", "Well", "utility", "1"}};
        spec.transition_rewards = {{"*", "*", "Dead", "cost", "500"}};
        spec.initial = {{"*", "Well", "1"}};
        check_block_equals_single(spec, 11);
    }
}

TEST_CASE("errors in a block name the sample", "[cohort][block]") {
    const auto spec = testing::two_state_model(0.1, 5);
    const CompiledModel model(spec);
    Evaluator ev(model);
    std::vector<double> ov(3 * 2, std::numeric_limits<double>::quiet_NaN());
    ov[2 * 2 + 0] = 1.7;  // q of the third sample
    std::vector<double> totals(3 * ev.n_outcomes());
    REQUIRE_THROWS_WITH(ev.run_block(ov.data(), 3, totals.data(), 100),
                        Catch::Contains("sample 102") && Catch::Contains("1.7"));
}
