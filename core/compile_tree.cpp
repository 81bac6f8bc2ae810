// Turns the rows of tree.csv and tree_payoffs.csv that apply to one strategy into a checked tree:
// nodes in depth-first order (every parent before its children), expressions compiled, states
// and categories resolved. Probabilities themselves are checked when they are evaluated.
#include "compile_tree.hpp"

#include <algorithm>
#include <unordered_map>

#include "parity/text.hpp"

namespace parity {
namespace {

[[noreturn]] void fail(const Location& where, const std::string& what, const std::string& fix) {
    throw ModelError(format_error(where, what, fix));
}

std::string place(const Location& where) {
    const std::string s = where.str();
    return s.empty() ? "" : s + ": ";
}

/// "node 'x' (strategy B)": the rows of `*` are the tree of every strategy.
std::string node_of(const std::string& node, const std::string& row_strategy,
                    const std::string& strategy) {
    return "node '" + node + "' (" +
           (row_strategy == kAllStrategies
                ? "tree of every strategy, checked for strategy " + strategy
                : "strategy " + strategy) +
           ")";
}

/// The same for an expression, compiled once for every strategy its row applies to.
std::string expression_of(const std::string& what, const std::string& node,
                          const std::string& row_strategy) {
    return what + " of tree node '" + node + "' (" +
           (row_strategy == kAllStrategies ? "all strategies" : "strategy " + row_strategy) + ")";
}

class TreeBuilder {
public:
    TreeBuilder(const std::vector<const TreeNode*>& rows, const Program& prog,
                const RowExpression& expression, Program::StrategyProgram& sp)
        : rows_(rows), prog_(prog), expression_(expression), sp_(sp) {}

    void build(const std::vector<const TreePayoff*>& payoffs) {
        for (std::size_t i = 0; i < rows_.size(); ++i) {
            index_[rows_[i]->node] = static_cast<int>(i);
            names_.push_back(rows_[i]->node);
        }
        const int root = find_root();
        link_parents(root);
        order_depth_first(root);
        for (std::size_t k = 0; k < order_.size(); ++k) add_node(k);
        for (std::size_t k = 0; k < order_.size(); ++k) add_markov_state(k);
        for (const TreePayoff* p : payoffs) add_payoff(*p);
    }

private:
    const std::vector<const TreeNode*>& rows_;
    const Program& prog_;
    const RowExpression& expression_;
    Program::StrategyProgram& sp_;
    std::unordered_map<std::string, int> index_;  // row index by node name
    std::vector<std::string> names_;
    std::vector<int> parent_;    // row index of each row's parent, -1 for root
    std::vector<int> order_;     // row indices, depth-first
    std::vector<int> position_;  // position in order_ of each row

    int find_root() {
        std::vector<int> roots;
        for (std::size_t i = 0; i < rows_.size(); ++i)
            if (trim(rows_[i]->parent).empty()) roots.push_back(static_cast<int>(i));
        if (roots.empty()) {
            Location file;
            file.file = rows_.front()->where.file;
            fail(file, "the tree of strategy " + sp_.name + " has no root: every node has a parent",
                 "Leave the parent cell empty for exactly one node, the first node of the tree");
        }
        if (roots.size() > 1) {
            const TreeNode& second = *rows_[static_cast<std::size_t>(roots[1])];
            fail(second.parent_where,
                 "the tree has more than one root: nodes '" + rows_[roots[0]]->node + "' and '" +
                     second.node + "' have no parent (strategy " + sp_.name + ")",
                 "Give every node but the root the name of its parent");
        }
        return roots.front();
    }

    void link_parents(int root) {
        parent_.assign(rows_.size(), -1);
        for (std::size_t i = 0; i < rows_.size(); ++i) {
            if (static_cast<int>(i) == root) continue;
            const TreeNode& n = *rows_[i];
            const auto it = index_.find(trim(n.parent));
            if (it == index_.end())
                fail(n.parent_where,
                     node_of(n.node, n.strategy, sp_.name) + ": unknown parent '" + n.parent + "'" +
                         did_you_mean(n.parent, names_),
                     "Name a node of tree.csv as the parent, or leave the cell empty for the root");
            parent_[i] = it->second;
        }
    }

    void order_depth_first(int root) {
        std::vector<std::vector<int>> children(rows_.size());
        for (std::size_t i = 0; i < rows_.size(); ++i)
            if (parent_[i] >= 0)
                children[static_cast<std::size_t>(parent_[i])].push_back(static_cast<int>(i));
        position_.assign(rows_.size(), -1);
        std::vector<int> stack = {root};
        while (!stack.empty()) {
            const int i = stack.back();
            stack.pop_back();
            position_[static_cast<std::size_t>(i)] = static_cast<int>(order_.size());
            order_.push_back(i);
            const auto& c = children[static_cast<std::size_t>(i)];
            stack.insert(stack.end(), c.rbegin(), c.rend());  // first child is visited first
        }
        for (std::size_t i = 0; i < rows_.size(); ++i)
            if (position_[i] < 0) report_cycle(static_cast<int>(i));
    }

    /// A node the root does not reach hangs off a cycle of parents: find and name the cycle.
    [[noreturn]] void report_cycle(int start) {
        std::vector<int> path;
        int i = start;
        while (std::find(path.begin(), path.end(), i) == path.end()) {
            path.push_back(i);
            i = parent_[static_cast<std::size_t>(i)];
        }
        std::string cycle;
        for (auto it = std::find(path.begin(), path.end(), i); it != path.end(); ++it)
            cycle += rows_[static_cast<std::size_t>(*it)]->node + " -> ";
        const TreeNode& n = *rows_[static_cast<std::size_t>(i)];
        fail(
            n.parent_where,
            "the parents of tree nodes form a cycle (strategy " + sp_.name + "): " + cycle + n.node,
            "Every chain of parents must end at the root: fix the parent of one of these nodes");
    }

    int checked_expression(const void* row, const std::string& text, const std::string& ctx,
                           const Location& where) {
        const int id = expression_(row, text, ctx);
        if (prog_.exprs[static_cast<std::size_t>(id)].level >= kPerStateTime)
            fail(where, "a tree expression cannot depend on state_time",
                 "Tree probabilities and payoffs are read once, at cycle 0");
        return id;
    }

    void add_node(std::size_t k) {
        const std::size_t i = static_cast<std::size_t>(order_[k]);
        const TreeNode& n = *rows_[i];
        Program::TreeNode out;
        out.name = n.node;
        out.label = n.label;
        out.where = place(n.probability_where);
        const std::string who = node_of(n.node, n.strategy, sp_.name);
        const std::string p = trim(n.probability);
        if (parent_[i] < 0) {
            if (!p.empty())
                fail(n.probability_where, who + " is the root but has a probability",
                     "Leave the root's probability empty: everyone starts at the root");
        } else {
            out.parent = position_[static_cast<std::size_t>(parent_[i])];
            auto& siblings = sp_.tree[static_cast<std::size_t>(out.parent)].children;
            if (p.empty())
                fail(n.probability_where, who + " has no probability",
                     "Give the probability of this branch given its parent '" + n.parent +
                         "', or C for one minus the other branches");
            if (p == "C") {
                for (int s : siblings)
                    if (sp_.tree[static_cast<std::size_t>(s)].complement)
                        fail(n.probability_where,
                             who + ": chance node '" + n.parent +
                                 "' has more than one complement (C), on '" +
                                 sp_.tree[static_cast<std::size_t>(s)].name + "' and '" + n.node +
                                 "'",
                             "Use C for at most one branch of each chance node");
                out.complement = true;
            } else {
                out.probability = checked_expression(
                    &n, n.probability,
                    place(n.probability_where) + expression_of("probability", n.node, n.strategy),
                    n.probability_where);
            }
            siblings.push_back(static_cast<int>(k));
        }
        sp_.tree.push_back(std::move(out));
    }

    /// Terminal nodes may end in the Markov model, entering a state at cycle 0.
    void add_markov_state(std::size_t k) {
        const TreeNode& n = *rows_[static_cast<std::size_t>(order_[k])];
        const std::string state = trim(n.markov_state);
        if (state.empty()) return;
        Program::TreeNode& node = sp_.tree[k];
        if (!node.children.empty())
            fail(n.markov_state_where,
                 node_of(n.node, n.strategy, sp_.name) +
                     " has branches, so it cannot end in the Markov model (markov_state '" + state +
                     "')",
                 "Give markov_state only to terminal nodes (nodes that are no node's parent)");
        const auto& names = prog_.state_names;
        const auto it = std::find(names.begin(), names.end(), state);
        if (it == names.end())
            fail(n.markov_state_where,
                 node_of(n.node, n.strategy, sp_.name) + ": unknown markov_state '" + state + "'" +
                     did_you_mean(state, names),
                 "Use one of the states of states.csv: " + join(names, ", "));
        node.state = static_cast<int>(it - names.begin());
    }

    void add_payoff(const TreePayoff& p) {
        const std::size_t outcome = outcome_of(p);
        const auto it = index_.find(p.node);
        if (it == index_.end()) {
            // A payoff for every strategy may name a node only some strategies' trees have.
            if (p.strategy == kAllStrategies && known_in_any_strategy(p.node)) return;
            fail(p.node_where,
                 "a payoff for unknown node '" + p.node + "'" + did_you_mean(p.node, names_) +
                     " (strategy " + sp_.name + ")",
                 "Name a node of tree.csv in the node column");
        }
        const std::string what = p.category + " payoff";
        const int id = checked_expression(
            &p, p.expression, place(p.where) + expression_of(what, p.node, p.strategy), p.where);
        auto& node =
            sp_.tree[static_cast<std::size_t>(position_[static_cast<std::size_t>(it->second)])];
        if (!p.timed()) {
            node.payoffs.emplace_back(outcome, id);
            return;
        }
        // Expressions are cached by the address of what they belong to: the cell's string
        // keeps the timing apart from the value, which is cached under the row.
        const auto timing = [&](const std::string& text, const Location& where,
                                const std::string& column) {
            if (trim(text).empty()) return -1;
            return checked_expression(
                &text, text,
                place(where) + expression_of(column + " of the " + what, p.node, p.strategy),
                where);
        };
        Program::TimedPayoff t;
        t.outcome = outcome;
        t.value = id;
        t.from_year = timing(p.from_year, p.from_year_where, "from_year");
        t.years = timing(p.years, p.years_where, "years");
        node.timed_payoffs.push_back(t);
    }

    bool known_in_any_strategy(const std::string& node) const {
        for (const auto& n : prog_.spec.tree)
            if (n.node == node) return true;
        return false;
    }

    std::size_t outcome_of(const TreePayoff& p) const {
        const std::string& c = p.category;
        if (c == kTreeQaly) return prog_.tree_qaly();
        if (c == kTreeLifeYears) return prog_.tree_life_years();
        const auto& cats = prog_.categories;
        const auto it = std::find(cats.begin(), cats.end(), c);
        if (it != cats.end()) return static_cast<std::size_t>(it - cats.begin());
        std::vector<std::string> known = cats;
        known.push_back(kTreeQaly);
        known.push_back(kTreeLifeYears);
        if (to_lower(c) == kUtility || to_lower(c) == "qalys")
            fail(p.category_where, "a tree payoff has category '" + c + "' (node '" + p.node + "')",
                 "A tree payoff is a present value per person reaching the node: write QALYs "
                 "under the category qaly");
        fail(p.category_where,
             "unknown category '" + c + "' in a payoff of node '" + p.node + "'" +
                 did_you_mean(c, known),
             "Use qaly, life_years or a cost category of cost_categories.csv (" +
                 (cats.empty() ? std::string("none listed") : join(cats, ", ")) +
                 "); list a new cost category in cost_categories.csv first");
    }
};

}  // namespace

void check_tree_model(const ModelSpec& spec) {
    if (!spec.has_tree()) {
        if (!spec.tree_payoffs.empty())
            fail(spec.tree_payoffs.front().node_where, "there are tree payoffs but no tree",
                 "Add tree.csv with the nodes of the decision tree, or remove tree_payoffs.csv");
        return;
    }
    for (const auto& n : spec.tree)
        if (!trim(n.markov_state).empty() && spec.states.empty())
            fail(n.markov_state_where,
                 "node '" + n.node + "' ends in markov_state '" + n.markov_state +
                     "' but the model has no states",
                 "Add states.csv, transitions.csv and state_rewards.csv for the Markov model, or "
                 "clear the markov_state cell");
    if (!spec.initial.empty())
        fail(spec.initial.front().where,
             "a decision tree gives the Markov model its starting shares (the tree's "
             "markov_state column), so initial shares cannot be given as well",
             "Remove the initial column of states.csv and initial.csv");
    if (spec.tree_payoffs.empty() && spec.state_rewards.empty() &&
        spec.transition_rewards.empty()) {
        Location file;
        file.file = spec.tree.front().where.file;
        fail(file, "the decision tree has no payoffs, so every result would be 0",
             "Add tree_payoffs.csv (columns strategy,node,category,value) with the costs, qaly "
             "and life_years per person reaching each node");
    }
}

void compile_tree(const std::vector<const TreeNode*>& nodes,
                  const std::vector<const TreePayoff*>& payoffs, const Program& prog,
                  const RowExpression& expression, Program::StrategyProgram& sp) {
    TreeBuilder(nodes, prog, expression, sp).build(payoffs);
}

}  // namespace parity
