#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bind.hpp"
#include "parity/model_spec.hpp"

namespace py = pybind11;

namespace parity {

void bind_model_spec(py::module_& m) {
    py::class_<Location>(m, "Location")
        .def(py::init<>())
        .def_readwrite("file", &Location::file)
        .def_readwrite("line", &Location::line)
        .def_readwrite("column", &Location::column)
        .def_readwrite("column_name", &Location::column_name)
        .def("__str__", &Location::str);

    py::class_<Parameter>(m, "Parameter")
        .def(py::init<>())
        .def_readwrite("name", &Parameter::name)
        .def_readwrite("expression", &Parameter::expression)
        .def_readwrite("unit", &Parameter::unit)
        .def_readwrite("price_year", &Parameter::price_year)
        .def_readwrite("source", &Parameter::source)
        .def_readwrite("notes", &Parameter::notes)
        .def_readwrite("distribution", &Parameter::distribution)
        .def_readwrite("distribution_parameters", &Parameter::distribution_parameters)
        .def_readwrite("where", &Parameter::where);

    py::class_<State>(m, "State")
        .def(py::init<>())
        .def_readwrite("name", &State::name)
        .def_readwrite("label", &State::label)
        .def_readwrite("alive", &State::alive)
        .def_readwrite("tunnel_length", &State::tunnel_length)
        .def_readwrite("where", &State::where);

    py::class_<Strategy>(m, "Strategy")
        .def(py::init<>())
        .def_readwrite("name", &Strategy::name)
        .def_readwrite("label", &Strategy::label)
        .def_readwrite("where", &Strategy::where);

    py::class_<Transition>(m, "Transition")
        .def(py::init<>())
        .def_readwrite("strategy", &Transition::strategy)
        .def_readwrite("from_state", &Transition::from)
        .def_readwrite("to_state", &Transition::to)
        .def_readwrite("expression", &Transition::expression)
        .def_readwrite("where", &Transition::where);

    py::class_<StateReward>(m, "StateReward")
        .def(py::init<>())
        .def_readwrite("strategy", &StateReward::strategy)
        .def_readwrite("state", &StateReward::state)
        .def_readwrite("category", &StateReward::category)
        .def_readwrite("expression", &StateReward::expression)
        .def_readwrite("where", &StateReward::where);

    py::class_<TransitionReward>(m, "TransitionReward")
        .def(py::init<>())
        .def_readwrite("strategy", &TransitionReward::strategy)
        .def_readwrite("from_state", &TransitionReward::from)
        .def_readwrite("to_state", &TransitionReward::to)
        .def_readwrite("category", &TransitionReward::category)
        .def_readwrite("expression", &TransitionReward::expression)
        .def_readwrite("where", &TransitionReward::where);

    py::class_<InitialShare>(m, "InitialShare")
        .def(py::init<>())
        .def_readwrite("strategy", &InitialShare::strategy)
        .def_readwrite("state", &InitialShare::state)
        .def_readwrite("expression", &InitialShare::expression)
        .def_readwrite("where", &InitialShare::where);

    py::enum_<Interpolation>(m, "Interpolation")
        .value("step", Interpolation::step)
        .value("linear", Interpolation::linear);
    py::enum_<OutOfRange>(m, "OutOfRange")
        .value("clamp", OutOfRange::clamp)
        .value("error", OutOfRange::error);

    py::class_<LookupTable>(m, "LookupTable")
        .def(py::init<>())
        .def_readwrite("name", &LookupTable::name)
        .def_readwrite("key_name", &LookupTable::key_name)
        .def_readwrite("keys", &LookupTable::keys)
        .def_readwrite("columns", &LookupTable::columns)
        .def_readwrite("values", &LookupTable::values)
        .def_readwrite("interpolation", &LookupTable::interpolation)
        .def_readwrite("out_of_range", &LookupTable::out_of_range)
        .def_readwrite("source", &LookupTable::source)
        .def_readwrite("notes", &LookupTable::notes)
        .def_readwrite("where", &LookupTable::where);

    py::class_<CostCategory>(m, "CostCategory")
        .def(py::init<>())
        .def_readwrite("name", &CostCategory::name)
        .def_readwrite("label", &CostCategory::label)
        .def_readwrite("payer", &CostCategory::payer)
        .def_readwrite("cash_releasing", &CostCategory::cash_releasing)
        .def_readwrite("notes", &CostCategory::notes)
        .def_readwrite("where", &CostCategory::where);

    py::class_<CovarianceEntry>(m, "CovarianceEntry")
        .def(py::init<>())
        .def_readwrite("parameter_1", &CovarianceEntry::parameter_1)
        .def_readwrite("parameter_2", &CovarianceEntry::parameter_2)
        .def_readwrite("value", &CovarianceEntry::value)
        .def_readwrite("where", &CovarianceEntry::where);

    py::class_<TreeNode>(m, "TreeNode")
        .def(py::init<>())
        .def_readwrite("strategy", &TreeNode::strategy)
        .def_readwrite("node", &TreeNode::node)
        .def_readwrite("parent", &TreeNode::parent)
        .def_readwrite("probability", &TreeNode::probability)
        .def_readwrite("label", &TreeNode::label)
        .def_readwrite("markov_state", &TreeNode::markov_state)
        .def_readwrite("notes", &TreeNode::notes)
        .def_readwrite("where", &TreeNode::where)
        .def_readwrite("parent_where", &TreeNode::parent_where)
        .def_readwrite("probability_where", &TreeNode::probability_where)
        .def_readwrite("markov_state_where", &TreeNode::markov_state_where);

    py::class_<TreePayoff>(m, "TreePayoff")
        .def(py::init<>())
        .def_readwrite("strategy", &TreePayoff::strategy)
        .def_readwrite("node", &TreePayoff::node)
        .def_readwrite("category", &TreePayoff::category)
        .def_readwrite("expression", &TreePayoff::expression)
        .def_readwrite("from_year", &TreePayoff::from_year)
        .def_readwrite("years", &TreePayoff::years)
        .def_readwrite("notes", &TreePayoff::notes)
        .def_readwrite("where", &TreePayoff::where)
        .def_readwrite("node_where", &TreePayoff::node_where)
        .def_readwrite("category_where", &TreePayoff::category_where)
        .def_readwrite("from_year_where", &TreePayoff::from_year_where)
        .def_readwrite("years_where", &TreePayoff::years_where)
        .def_property_readonly("timed", &TreePayoff::timed);

    py::class_<Settings>(m, "Settings")
        .def(py::init<>())
        .def_readonly("n_cycles", &Settings::n_cycles)
        .def_readonly("cycle_length", &Settings::cycle_length)
        .def_readonly("start_age", &Settings::start_age)
        .def_readonly("currency", &Settings::currency)
        .def_readonly("price_year", &Settings::price_year)
        .def_readonly("wtp", &Settings::wtp)
        .def("apply", &apply_setting, py::arg("key"), py::arg("value"),
             py::arg("where") = Location{})
        .def("to_pairs", &settings_to_pairs);

    py::class_<ModelSpec>(m, "ModelSpec")
        .def(py::init<>())
        .def_readwrite("name", &ModelSpec::name)
        .def_readwrite("description", &ModelSpec::description)
        .def_readwrite("settings", &ModelSpec::settings)
        .def_readwrite("parameters", &ModelSpec::parameters)
        .def_readwrite("states", &ModelSpec::states)
        .def_readwrite("strategies", &ModelSpec::strategies)
        .def_readwrite("transitions", &ModelSpec::transitions)
        .def_readwrite("state_rewards", &ModelSpec::state_rewards)
        .def_readwrite("transition_rewards", &ModelSpec::transition_rewards)
        .def_readwrite("initial", &ModelSpec::initial)
        .def_readwrite("tables", &ModelSpec::tables)
        .def_readwrite("covariance", &ModelSpec::covariance)
        .def_readwrite("cost_categories", &ModelSpec::cost_categories)
        .def_readwrite("tree", &ModelSpec::tree)
        .def_readwrite("tree_payoffs", &ModelSpec::tree_payoffs)
        .def_property_readonly("has_tree", &ModelSpec::has_tree);

    m.def("setting_descriptions", &setting_descriptions);
    m.def("payer_descriptions", &payer_descriptions);
    // The business case reads a perspective too (business_case.csv); errors name its place.
    m.def(
        "parse_perspective",
        [](const std::string& value, const std::string& file, int line) {
            Location where;
            where.file = file;
            where.line = line;
            return parse_perspective(value, where);
        },
        py::arg("value"), py::arg("file") = "", py::arg("line") = 0);
}

}  // namespace parity
