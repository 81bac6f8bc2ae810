#include <pybind11/pybind11.h>

#include "bind.hpp"
#include "parity/errors.hpp"

namespace py = pybind11;

namespace parity {

void bind_errors(py::module_& m) {
    // Python sees one hierarchy: ParityError (a ValueError) with InputError and ModelError.
    static py::exception<Error> base(m, "ParityError", PyExc_ValueError);
    static py::exception<InputError> input(m, "InputError", base.ptr());
    static py::exception<ModelError> model(m, "ModelError", base.ptr());
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const InputError& e) {
            py::set_error(input, e.what());
        } catch (const ModelError& e) {
            py::set_error(model, e.what());
        } catch (const Error& e) {
            py::set_error(base, e.what());
        }
    });
}

}  // namespace parity
