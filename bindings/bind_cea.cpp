#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bind.hpp"
#include "parity/cea.hpp"

namespace py = pybind11;

namespace parity {

void bind_cea(py::module_& m) {
    py::class_<IcerRow>(m, "IcerRow")
        .def_readonly("strategy", &IcerRow::strategy)
        .def_readonly("cost", &IcerRow::cost)
        .def_readonly("effect", &IcerRow::effect)
        .def_property_readonly("status", [](const IcerRow& r) { return to_string(r.status); })
        .def_readonly("comparator", &IcerRow::comparator)
        .def_readonly("incremental_cost", &IcerRow::incremental_cost)
        .def_readonly("incremental_effect", &IcerRow::incremental_effect)
        .def_readonly("icer", &IcerRow::icer)
        .def_readonly("note", &IcerRow::note);
    m.def("incremental_analysis", &incremental_analysis, py::arg("strategies"), py::arg("costs"),
          py::arg("effects"));

    py::class_<NetBenefitRow>(m, "NetBenefitRow")
        .def_readonly("strategy", &NetBenefitRow::strategy)
        .def_readonly("wtp", &NetBenefitRow::wtp)
        .def_readonly("nmb", &NetBenefitRow::nmb)
        .def_readonly("nhb", &NetBenefitRow::nhb)
        .def_readonly("optimal", &NetBenefitRow::optimal);
    m.def("net_benefit_table", &net_benefit_table, py::arg("strategies"), py::arg("costs"),
          py::arg("effects"), py::arg("wtps"));
}

}  // namespace parity
