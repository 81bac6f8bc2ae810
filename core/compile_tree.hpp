// Compiles the decision tree of a model (tree.csv, tree_payoffs.csv) into each strategy's
// Program::TreeNode list. Internal to the core; core/compile.cpp resolves the strategy
// overrides and calls these.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "program.hpp"

namespace parity {

/// Compiles the expression of a spec row once: (row, text, context) -> expression id.
using RowExpression = std::function<int(const void*, const std::string&, const std::string&)>;

/// Checks of the whole model that do not depend on a strategy: a tree needs a payoff (or a Markov
/// model with rewards), markov_state needs states, and the tree gives the Markov model its
/// starting shares. Throws ModelError naming the file, line, column and fix.
void check_tree_model(const ModelSpec& spec);

/// Build `sp.tree` from the rows that apply to the strategy (overrides already resolved, in
/// file order) and check its shape: one root, known parents, no cycle, one C at most per chance
/// node, markov_state on known states of terminal nodes, payoffs on known nodes and categories.
void compile_tree(const std::vector<const TreeNode*>& nodes,
                  const std::vector<const TreePayoff*>& payoffs, const Program& prog,
                  const RowExpression& expression, Program::StrategyProgram& sp);

}  // namespace parity
