#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bind.hpp"
#include "parity/dsa.hpp"

namespace py = pybind11;

namespace parity {
namespace {

DsaOutcome outcome(const std::string& measure, const std::string& strategy,
                   const std::string& comparator, double wtp) {
    DsaOutcome o;
    o.measure = parse_dsa_measure(measure);
    o.strategy = strategy;
    o.comparator = comparator;
    o.wtp = wtp;
    return o;
}

}  // namespace

void bind_dsa(py::module_& m) {
    py::class_<DsaOutcome>(m, "DsaOutcome")
        .def(py::init(&outcome), py::arg("measure") = "incremental_net_monetary_benefit",
             py::arg("strategy") = "", py::arg("comparator") = "", py::arg("wtp") = 20000.0)
        .def_property_readonly("measure", [](const DsaOutcome& o) { return to_string(o.measure); })
        .def_readonly("strategy", &DsaOutcome::strategy)
        .def_readonly("comparator", &DsaOutcome::comparator)
        .def_readonly("wtp", &DsaOutcome::wtp)
        .def("describe", [](const DsaOutcome& o) { return describe(o); });

    py::class_<ParameterRange>(m, "ParameterRange")
        .def(py::init([](std::string p, double low, double high, std::string basis) {
                 return ParameterRange{std::move(p), low, high, std::move(basis)};
             }),
             py::arg("parameter"), py::arg("low"), py::arg("high"), py::arg("basis") = "")
        .def_readonly("parameter", &ParameterRange::parameter)
        .def_readonly("low", &ParameterRange::low)
        .def_readonly("high", &ParameterRange::high)
        .def_readonly("basis", &ParameterRange::basis);
    m.def("parameter_ranges", &parameter_ranges, py::arg("model"),
          py::arg("lower_percentile") = 0.025, py::arg("upper_percentile") = 0.975,
          py::arg("given") = std::vector<ParameterRange>{});

    py::class_<TornadoBar>(m, "TornadoBar")
        .def_readonly("parameter", &TornadoBar::parameter)
        .def_readonly("low", &TornadoBar::low)
        .def_readonly("high", &TornadoBar::high)
        .def_readonly("base_value", &TornadoBar::base_value)
        .def_readonly("outcome_low", &TornadoBar::outcome_low)
        .def_readonly("outcome_high", &TornadoBar::outcome_high)
        .def_readonly("base_outcome", &TornadoBar::base_outcome)
        .def_readonly("swing", &TornadoBar::swing)
        .def_readonly("basis", &TornadoBar::basis);
    m.def("tornado", &tornado, py::arg("model"), py::arg("ranges"), py::arg("outcome"),
          py::call_guard<py::gil_scoped_release>());

    py::class_<OneWayCurve>(m, "OneWayCurve")
        .def_readonly("parameter", &OneWayCurve::parameter)
        .def_readonly("values", &OneWayCurve::values)
        .def_readonly("strategies", &OneWayCurve::strategies)
        .def_readonly("net_monetary_benefit", &OneWayCurve::net_monetary_benefit)
        .def_readonly("outcome", &OneWayCurve::outcome)
        .def_readonly("optimal", &OneWayCurve::optimal);
    m.def("one_way", &one_way, py::arg("model"), py::arg("parameter"), py::arg("values"),
          py::arg("outcome"), py::call_guard<py::gil_scoped_release>());

    py::class_<TwoWayGrid>(m, "TwoWayGrid")
        .def_readonly("parameter_x", &TwoWayGrid::parameter_x)
        .def_readonly("parameter_y", &TwoWayGrid::parameter_y)
        .def_readonly("x", &TwoWayGrid::x)
        .def_readonly("y", &TwoWayGrid::y)
        .def_readonly("strategies", &TwoWayGrid::strategies)
        .def_readonly("outcome", &TwoWayGrid::outcome)
        .def_readonly("optimal", &TwoWayGrid::optimal);
    m.def("two_way", &two_way, py::arg("model"), py::arg("parameter_x"), py::arg("x"),
          py::arg("parameter_y"), py::arg("y"), py::arg("outcome"),
          py::call_guard<py::gil_scoped_release>());

    py::class_<Threshold>(m, "Threshold")
        .def_readonly("value", &Threshold::value)
        .def_readonly("description", &Threshold::description)
        .def_readonly("below", &Threshold::below)
        .def_readonly("above", &Threshold::above);
    m.def("thresholds", &thresholds, py::arg("model"), py::arg("parameter"), py::arg("low"),
          py::arg("high"), py::arg("outcome"), py::arg("scan_points") = 101,
          py::call_guard<py::gil_scoped_release>());

    py::class_<Scenario>(m, "Scenario")
        .def(py::init([](std::string name, std::map<std::string, double> overrides,
                         std::string description) {
                 return Scenario{std::move(name), std::move(overrides), std::move(description)};
             }),
             py::arg("name"), py::arg("overrides"), py::arg("description") = "");
    py::class_<ScenarioResult>(m, "ScenarioResult")
        .def_readonly("scenario", &ScenarioResult::scenario)
        .def_readonly("description", &ScenarioResult::description)
        .def_readonly("outcomes", &ScenarioResult::outcomes);
    m.def("run_scenarios", &run_scenarios, py::arg("model"), py::arg("scenarios"),
          py::call_guard<py::gil_scoped_release>());
}

}  // namespace parity
