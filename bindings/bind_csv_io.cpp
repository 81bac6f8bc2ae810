#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bind.hpp"
#include "parity/csv_io.hpp"

namespace py = pybind11;

namespace parity {

void bind_csv_io(py::module_& m) {
    m.def("read_model_folder", &read_model_folder, py::arg("path"),
          py::call_guard<py::gil_scoped_release>());
    m.def("write_model_folder", &write_model_folder, py::arg("spec"), py::arg("path"),
          py::call_guard<py::gil_scoped_release>());
    m.def("required_model_files", &required_model_files);
    m.def("optional_model_files", &optional_model_files);
}

}  // namespace parity
