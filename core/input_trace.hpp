// Leads an error about a computed value back to the numbers a person typed: the inputs an
// expression reads, with their values and where they were given. Internal to the core.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "program.hpp"

namespace parity {

/// The value of variable v (an index into Program::variables) in the sample that failed.
using VariableValue = std::function<double(std::size_t)>;

/// " It reads a = 0.1 (parameters.csv:3), b = 26.8 (parameters.csv:4, probability). b: a
/// probability must lie in [0, 1]; ..." for expression `id`: the parameters it reads, directly or
/// through derived parameters (depth first, in order of use), and the time variables, each with
/// its value; then what is wrong with any input that should be a probability (its unit says so,
/// or it has no unit and a name starting p_, pr_ or prob) but lies outside [0, 1]. Empty when
/// the expression reads nothing.
std::string describe_inputs(const Program& prog, int id, const VariableValue& value);

}  // namespace parity
