#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bind.hpp"
#include "parity/errors.hpp"
#include "parity/voi.hpp"

namespace py = pybind11;

namespace parity {
namespace {

using Matrix = py::array_t<double, py::array::c_style | py::array::forcecast>;

/// A samples x strategies (or samples x parameters) array, checked for shape.
const double* rows(const Matrix& a, const char* what, std::size_t& n, std::size_t& k) {
    if (a.ndim() != 2)
        throw ModelError(std::string(what) + " must be a two-dimensional array (samples x " +
                         (std::string(what) == "nmb" ? "strategies" : "parameters") + ")");
    n = static_cast<std::size_t>(a.shape(0));
    k = static_cast<std::size_t>(a.shape(1));
    return a.data();
}

EvppiMethod parse_method(const std::string& name) {
    if (name == "automatic") return EvppiMethod::automatic;
    if (name == "spline") return EvppiMethod::spline;
    if (name == "gam_tensor") return EvppiMethod::gam_tensor;
    if (name == "gaussian_process") return EvppiMethod::gaussian_process;
    throw ModelError("unknown EVPPI method '" + name +
                     "'. Use automatic, spline, gam_tensor or gaussian_process");
}

}  // namespace

void bind_voi(py::module_& m) {
    m.def("evpi", [](const Matrix& nmb) {
        std::size_t n, k;
        const double* p = rows(nmb, "nmb", n, k);
        return evpi(p, n, k);
    });
    m.def("population_evpi", &population_evpi, py::arg("evpi_per_person"),
          py::arg("population_per_year"), py::arg("years"), py::arg("discount_rate"));
    m.def("expected_loss", [](const Matrix& nmb) {
        std::size_t n, k;
        const double* p = rows(nmb, "nmb", n, k);
        return expected_loss(p, n, k);
    });
    m.def("probability_optimal", [](const Matrix& nmb) {
        std::size_t n, k;
        const double* p = rows(nmb, "nmb", n, k);
        return probability_optimal(p, n, k);
    });

    py::class_<EvppiResult>(m, "EvppiResult")
        .def_readonly("evppi", &EvppiResult::evppi)
        .def_readonly("standard_error", &EvppiResult::standard_error)
        .def_readonly("method", &EvppiResult::method)
        .def_readonly("r_squared", &EvppiResult::r_squared);
    m.def(
        "evppi",
        [](const Matrix& nmb, const Matrix& parameters, const std::vector<std::size_t>& columns,
           const std::string& method) {
            std::size_t n, k, n2, p;
            const double* a = rows(nmb, "nmb", n, k);
            const double* b = rows(parameters, "parameters", n2, p);
            if (n != n2)
                throw ModelError("nmb and parameters must have one row per sample (" +
                                 std::to_string(n) + " and " + std::to_string(n2) + " rows)");
            EvppiOptions options;
            options.method = parse_method(method);
            py::gil_scoped_release release;
            return evppi(a, n, k, b, p, columns, options);
        },
        py::arg("nmb"), py::arg("parameters"), py::arg("columns"), py::arg("method") = "automatic");
}

}  // namespace parity
