// Checks that a single input fails on its own, whoever made the model: a parameter or lookup
// table without a source when the model promises sources, and a probability typed outside
// [0, 1]. The folder reader reports them at the cell (file, line, column); the compiler and the
// folder writer report them for models built in code.
#pragma once

#include <string>

#include "parity/model_spec.hpp"

namespace parity {

/// How to fix a blank source under `require_sources` (shared by every message about it).
const std::string& missing_source_fix();

/// Whether a unit names a quantity that lies in [0, 1]: its first word is probability,
/// proportion, share or fraction ("probability per cycle", "share of cases"). "percent" is not.
bool is_probability_unit(const std::string& unit);

/// Why `value` cannot be a probability, or "" when it lies in [0, 1]. A value above 1 and at most
/// 100 is most likely a percentage, and the message says what to write instead (0.268 for 26.8).
std::string probability_problem(double value);

/// The problem with a parameter given as a plain number outside [0, 1] while its unit says it is
/// a probability, or "" (expressions are checked when they are evaluated).
std::string parameter_unit_problem(const Parameter& p);

/// Throws ModelError at the row of the first parameter or lookup table that has no source while
/// settings.require_sources is set, or of the first parameter whose number contradicts its unit
/// (parameter_unit_problem). Reading a folder finds these first; this catches models built in
/// code, before they are compiled or written.
void check_inputs(const ModelSpec& spec);

}  // namespace parity
