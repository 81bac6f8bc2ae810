#include "csv_tree.hpp"

#include <algorithm>

#include "parity/csv_table.hpp"

namespace parity {

const Schema kTree{
    "tree.csv", {"node", "parent", "probability"}, {"label", "markov_state", "strategy", "notes"}};
const Schema kTreePayoffs{
    "tree_payoffs.csv", {"node", "category", "value"}, {"from_year", "years", "strategy", "notes"}};

void read_tree(const Sheet& sheet, ModelSpec& spec) {
    for (const auto& row : sheet.rows()) {
        TreeNode n;
        n.strategy = sheet.strategy(row);
        n.node = sheet.need(row, "node", "the node a name (e.g. preeclampsia)");
        n.parent = sheet.get(row, "parent");
        n.probability = sheet.get(row, "probability");
        n.label = sheet.get(row, "label");
        n.markov_state = sheet.get(row, "markov_state");
        n.notes = sheet.get(row, "notes");
        n.where = sheet.at(row, "node");
        n.parent_where = sheet.at(row, "parent");
        n.probability_where = sheet.at(row, "probability");
        n.markov_state_where = sheet.at(row, "markov_state");
        spec.tree.push_back(std::move(n));
    }
}

void read_tree_payoffs(const Sheet& sheet, ModelSpec& spec) {
    for (const auto& row : sheet.rows()) {
        TreePayoff p;
        p.strategy = sheet.strategy(row);
        p.node = sheet.need(row, "node", "the node whose visitors receive the payoff");
        p.category = sheet.need(row, "category", "a cost category, qaly or life_years");
        p.expression =
            sheet.need(row, "value", "the present value per person reaching the node (0 for none)");
        p.from_year = sheet.get(row, "from_year");
        p.years = sheet.get(row, "years");
        p.notes = sheet.get(row, "notes");
        p.where = sheet.at(row, "value");
        p.node_where = sheet.at(row, "node");
        p.category_where = sheet.at(row, "category");
        p.from_year_where = sheet.at(row, "from_year");
        p.years_where = sheet.at(row, "years");
        spec.tree_payoffs.push_back(std::move(p));
    }
}

namespace {

std::string strategy_cell(const std::string& s) { return s.empty() ? kAllStrategies : s; }

}  // namespace

std::string tree_text(const ModelSpec& spec) {
    std::string out =
        csv_line({"node", "parent", "probability", "label", "markov_state", "strategy", "notes"});
    for (const auto& n : spec.tree)
        out += csv_line({n.node, n.parent, n.probability, n.label, n.markov_state,
                         strategy_cell(n.strategy), n.notes});
    return out;
}

std::string tree_payoffs_text(const ModelSpec& spec) {
    // The timing columns only when a payoff has timing, so untimed trees keep their old file.
    const bool timed = std::any_of(spec.tree_payoffs.begin(), spec.tree_payoffs.end(),
                                   [](const TreePayoff& p) { return p.timed(); });
    if (!timed) {
        std::string out = csv_line({"strategy", "node", "category", "value", "notes"});
        for (const auto& p : spec.tree_payoffs)
            out += csv_line({strategy_cell(p.strategy), p.node, p.category, p.expression, p.notes});
        return out;
    }
    std::string out =
        csv_line({"strategy", "node", "category", "value", "from_year", "years", "notes"});
    for (const auto& p : spec.tree_payoffs)
        out += csv_line({strategy_cell(p.strategy), p.node, p.category, p.expression, p.from_year,
                         p.years, p.notes});
    return out;
}

}  // namespace parity
