// Small models built in code for the engine's closed-form tests.
#pragma once

#include "parity/model_spec.hpp"
#include "parity/text.hpp"

namespace parity::testing {

/// Alive -> Dead with a constant per-cycle probability `q` of death; cost 1 and utility 1 a
/// year while alive.
inline ModelSpec two_state_model(double q, int n_cycles, const std::string& correction = "start",
                                 double discount = 0.0) {
    ModelSpec m;
    m.name = "two_state";
    apply_setting(m.settings, "n_cycles", std::to_string(n_cycles));
    apply_setting(m.settings, "correction", correction);
    m.settings.cost_discount.rate = m.settings.outcome_discount.rate = discount;
    m.parameters = {{"q", format_double(q)}, {"c_alive", "1"}};
    m.states = {{"Alive", "", true}, {"Dead", "", false}};
    m.strategies = {{"Only"}};
    m.transitions = {{"*", "Alive", "Dead", "q"},
                     {"*", "Alive", "Alive", "C"},
                     {"*", "Dead", "Dead", "1"}};
    m.state_rewards = {{"*", "Alive", "cost", "c_alive"}, {"*", "Alive", "utility", "1"}};
    m.initial = {{"*", "Alive", "1"}};
    return m;
}

}  // namespace parity::testing
