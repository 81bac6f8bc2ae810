#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bind.hpp"
#include "parity/psa.hpp"

namespace py = pybind11;

namespace parity {

py::array_t<double> as_array(const std::vector<double>& v, std::vector<py::ssize_t> shape) {
    py::array_t<double> a(shape);
    std::copy(v.begin(), v.end(), a.mutable_data());
    return a;
}

/// Progress reports run on the calling thread with the GIL taken back, so a Python callback
/// (a tqdm bar) can run and Ctrl-C is noticed: PyErr_CheckSignals raises KeyboardInterrupt,
/// which stops the workers and reaches the caller once they have finished.
std::function<bool(std::uint64_t, std::uint64_t)> python_progress(py::object callback) {
    return [callback](std::uint64_t done, std::uint64_t total) {
        py::gil_scoped_acquire gil;
        if (PyErr_CheckSignals() != 0) throw py::error_already_set();
        if (callback.is_none()) return true;
        py::object keep_going = callback(done, total);
        return keep_going.is_none() || keep_going.cast<bool>();
    };
}

PsaOptions psa_options(std::uint64_t n_samples, std::uint64_t seed, std::uint64_t first_sample,
                       unsigned threads, py::object progress, bool keep_parameters) {
    PsaOptions options;
    options.n_samples = n_samples;
    options.seed = seed;
    options.first_sample = first_sample;
    options.threads = threads;
    options.keep_parameters = keep_parameters;
    options.progress = python_progress(std::move(progress));
    return options;
}

void bind_psa(py::module_& m) {
    py::class_<PsaOutcomes>(m, "PsaOutcomes")
        .def_readonly("strategies", &PsaOutcomes::strategies)
        .def_readonly("outcomes", &PsaOutcomes::outcomes)
        .def_readonly("parameters", &PsaOutcomes::parameters)
        .def_readonly("seed", &PsaOutcomes::seed)
        .def_readonly("first_sample", &PsaOutcomes::first_sample)
        .def_readonly("n_samples", &PsaOutcomes::n_samples)
        .def_readonly("complete", &PsaOutcomes::complete)
        .def_property_readonly(
            "parameter_values",
            [](const PsaOutcomes& o) {
                const auto kept =
                    o.parameter_values.empty() ? 0 : static_cast<py::ssize_t>(o.parameters.size());
                return as_array(o.parameter_values, {static_cast<py::ssize_t>(o.n_samples), kept});
            })
        .def_property_readonly("values", [](const PsaOutcomes& o) {
            return as_array(o.values, {static_cast<py::ssize_t>(o.n_samples),
                                       static_cast<py::ssize_t>(o.strategies.size()),
                                       static_cast<py::ssize_t>(o.outcomes.size())});
        });

    m.def(
        "run_psa",
        [](const CompiledModel& model, std::uint64_t n_samples, std::uint64_t seed,
           std::uint64_t first_sample, unsigned threads, py::object progress,
           bool keep_parameters) {
            const PsaOptions options = psa_options(n_samples, seed, first_sample, threads,
                                                   std::move(progress), keep_parameters);
            py::gil_scoped_release release;
            return run_psa(model, options);
        },
        py::arg("model"), py::arg("n_samples"), py::arg("seed"), py::arg("first_sample") = 0,
        py::arg("threads") = 0, py::arg("progress") = py::none(),
        py::arg("keep_parameters") = true);
}

}  // namespace parity
