// The two files of a decision tree in a model folder: tree.csv (the nodes) and tree_payoffs.csv
// (payoffs at nodes). core/csv_io.cpp reads and writes the rest of the folder and calls these.
#pragma once

#include <string>

#include "csv_sheet.hpp"
#include "parity/model_spec.hpp"

namespace parity {

extern const Schema kTree;
extern const Schema kTreePayoffs;

/// Append the rows of tree.csv to spec.tree. Only the cells are checked here (a node needs a
/// name); the tree's shape, names and probabilities are checked by the model compiler.
void read_tree(const Sheet& sheet, ModelSpec& spec);

/// Append the rows of tree_payoffs.csv to spec.tree_payoffs.
void read_tree_payoffs(const Sheet& sheet, ModelSpec& spec);

/// The CSV text of tree.csv and tree_payoffs.csv for `spec`, which read_tree and
/// read_tree_payoffs read back to the same rows.
std::string tree_text(const ModelSpec& spec);
std::string tree_payoffs_text(const ModelSpec& spec);

}  // namespace parity
