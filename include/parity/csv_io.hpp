// A model as a folder of CSV files that a finance analyst can open in Excel. The files and their
// columns are described in docs/model-folder-format.md.
#pragma once

#include <string>
#include <vector>

#include "parity/model_spec.hpp"

namespace parity {

/// Read the model folder `dir`. Every element of the result records where it came from (the
/// cell holding its expression, or its name for states, strategies and tables); a blank strategy
/// cell becomes "*". Throws InputError naming the file, line and column and saying how to fix it
/// when a file is missing or malformed, when settings.csv sets require_sources and a parameter
/// or lookup table has no source, or when a parameter whose unit is a probability is a number
/// outside [0, 1]. Otherwise only the structure is checked here: unknown names, expressions and
/// probabilities are left to the model compiler.
ModelSpec read_model_folder(const std::string& dir);

/// Write `spec` as a model folder at `dir`, creating it and its parents if needed, so that
/// read_model_folder(dir) gives the spec back. The files are written to a hidden sibling folder
/// and read back before anything in `dir` changes, so a spec that cannot be written throws
/// InputError and leaves `dir` as it was; a spec whose inputs fail check_inputs (no source under
/// require_sources, a probability outside [0, 1]) throws ModelError before anything is written.
/// Files in `dir` that are not part of the format (a README, notes) are kept; optional format files
/// the spec no longer needs are removed.
void write_model_folder(const ModelSpec& spec, const std::string& dir);

/// The files every cohort (Markov) model folder has. A decision tree (a folder with tree.csv)
/// needs only settings.csv, parameters.csv and strategies.csv of them; with states.csv,
/// transitions.csv and state_rewards.csv its branches may end in the Markov model they define.
const std::vector<std::string>& required_model_files();

/// The files a model folder may have.
const std::vector<std::string>& optional_model_files();

}  // namespace parity
