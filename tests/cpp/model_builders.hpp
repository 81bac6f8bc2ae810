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
    m.transitions = {
        {"*", "Alive", "Dead", "q"}, {"*", "Alive", "Alive", "C"}, {"*", "Dead", "Dead", "1"}};
    m.state_rewards = {{"*", "Alive", "cost", "c_alive"}, {"*", "Alive", "utility", "1"}};
    m.initial = {{"*", "Alive", "1"}};
    return m;
}

// Everyone starts Sick. Under `usual` they stay Sick; under `service` half recover each year.
// Sick costs the acute trust 1000 a year. The service costs 600 - 200 * cycle a year for each
// person still Sick (a cost that depends on the person's own time since entry).
// Per person, annual cycles counted at their start:
//   usual:   acute 1000, 1000, 1000;                 service 0
//   service: acute 1000, 500, 250 (Sick 1, .5, .25); service 600, .5 x 400 = 200, .25 x 200 = 50
inline ModelSpec service_model(int n_cycles) {
    ModelSpec m;
    m.name = "service";
    apply_setting(m.settings, "n_cycles", std::to_string(n_cycles));
    apply_setting(m.settings, "correction", "start");
    m.parameters = {{"c_sick", "1000"}, {"c_service", "600 - 200 * cycle"}};
    m.states = {{"Sick", "", true}, {"Well", "", true}};
    m.strategies = {{"usual"}, {"service"}};
    m.transitions = {{"usual", "Sick", "Sick", "1"},
                     {"usual", "Sick", "Well", "0"},
                     {"service", "Sick", "Well", "0.5"},
                     {"service", "Sick", "Sick", "C"},
                     {"*", "Well", "Well", "1"}};
    m.state_rewards = {{"*", "Sick", "acute", "c_sick"},
                       {"service", "Sick", "mh_service", "c_service"}};
    m.initial = {{"*", "Sick", "1"}};
    m.cost_categories = {{"acute", "", "nhs_acute", false},
                         {"mh_service", "", "nhs_mental_health", true}};
    return m;
}

}  // namespace parity::testing
