#include <pybind11/eigen.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bind.hpp"
#include "parity/cohort.hpp"
#include "parity/expression.hpp"

namespace py = pybind11;

namespace parity {

void bind_cohort(py::module_& m) {
    py::class_<EvaluateOptions>(m, "EvaluateOptions")
        .def(py::init<>())
        .def_readwrite("keep_trace", &EvaluateOptions::keep_trace)
        .def_readwrite("keep_cycles", &EvaluateOptions::keep_cycles);

    py::class_<TreeNodeOutcome>(m, "TreeNodeOutcome")
        .def_readonly("node", &TreeNodeOutcome::node)
        .def_readonly("parent", &TreeNodeOutcome::parent)
        .def_readonly("label", &TreeNodeOutcome::label)
        .def_readonly("markov_state", &TreeNodeOutcome::markov_state)
        .def_readonly("probability", &TreeNodeOutcome::probability)
        .def_readonly("reach", &TreeNodeOutcome::reach)
        .def_readonly("payoffs", &TreeNodeOutcome::payoffs);

    py::class_<StrategyOutcomes>(m, "StrategyOutcomes")
        .def_readonly("strategy", &StrategyOutcomes::strategy)
        .def_readonly("costs", &StrategyOutcomes::costs)
        .def_readonly("costs_undiscounted", &StrategyOutcomes::costs_undiscounted)
        .def_readonly("qalys", &StrategyOutcomes::qalys)
        .def_readonly("qalys_undiscounted", &StrategyOutcomes::qalys_undiscounted)
        .def_readonly("life_years", &StrategyOutcomes::life_years)
        .def_readonly("life_years_undiscounted", &StrategyOutcomes::life_years_undiscounted)
        .def_property_readonly("total_cost", &StrategyOutcomes::total_cost)
        .def_property_readonly("total_cost_undiscounted",
                               &StrategyOutcomes::total_cost_undiscounted)
        .def_readonly("trace", &StrategyOutcomes::trace)
        .def_readonly("cycle_costs", &StrategyOutcomes::cycle_costs)
        .def_readonly("cycle_qalys", &StrategyOutcomes::cycle_qalys)
        .def_readonly("cycle_life_years", &StrategyOutcomes::cycle_life_years)
        .def_readonly("tree", &StrategyOutcomes::tree)
        .def_readonly("tree_year_costs", &StrategyOutcomes::tree_year_costs);

    py::class_<Outcomes>(m, "Outcomes")
        .def_readonly("states", &Outcomes::states)
        .def_readonly("categories", &Outcomes::categories)
        .def_readonly("correction_weights", &Outcomes::correction_weights)
        .def_readonly("cost_discount", &Outcomes::cost_discount)
        .def_readonly("outcome_discount", &Outcomes::outcome_discount)
        .def_readonly("strategies", &Outcomes::strategies)
        .def_readonly("has_tree", &Outcomes::has_tree);

    py::class_<CompiledModel>(m, "CompiledModel")
        .def(py::init<ModelSpec>(), py::arg("spec"), py::call_guard<py::gil_scoped_release>())
        .def_property_readonly("spec", &CompiledModel::spec)
        .def_property_readonly("parameter_names", &CompiledModel::parameter_names)
        .def_property_readonly("strategy_names", &CompiledModel::strategy_names)
        .def_property_readonly("state_names", &CompiledModel::state_names)
        .def_property_readonly("cost_categories", &CompiledModel::cost_categories)
        .def_property_readonly(
            "cost_in_total",
            [](const CompiledModel& m) {
                return std::vector<bool>(m.cost_in_total().begin(), m.cost_in_total().end());
            },
            "Per cost category: True when the model's perspective counts it in the total cost")
        .def_property_readonly("expanded_state_names", &CompiledModel::expanded_state_names)
        .def("parameter_varies_with_time",
             py::overload_cast<const std::string&>(&CompiledModel::parameter_varies_with_time,
                                                   py::const_))
        .def(
            "evaluate",
            [](const CompiledModel& model, const std::map<std::string, double>& overrides,
               bool keep_trace, bool keep_cycles) {
                EvaluateOptions opt;
                opt.keep_trace = keep_trace;
                opt.keep_cycles = keep_cycles;
                py::gil_scoped_release release;
                return model.evaluate(overrides, opt);
            },
            py::arg("overrides") = std::map<std::string, double>{}, py::arg("keep_trace") = true,
            py::arg("keep_cycles") = true)
        .def("transition_matrix", &CompiledModel::transition_matrix, py::arg("strategy"),
             py::arg("cycle") = 0, py::arg("overrides") = std::map<std::string, double>{},
             py::call_guard<py::gil_scoped_release>())
        .def("parameter_values", &CompiledModel::parameter_values, py::arg("cycle") = 0,
             py::arg("overrides") = std::map<std::string, double>{},
             py::call_guard<py::gil_scoped_release>());

    m.def("expression_function_help", &expression_function_help);
}

}  // namespace parity
