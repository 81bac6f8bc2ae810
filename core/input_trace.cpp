#include "input_trace.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "parity/expression.hpp"
#include "parity/input_checks.hpp"
#include "parity/text.hpp"

namespace parity {
namespace {

// Enough to reach the typed numbers behind a long formula without burying the message.
constexpr std::size_t kMaxListed = 12;

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

// Models built without units still name probabilities the way health economists do (p_HS1).
bool should_be_probability(const Parameter& p) {
    if (is_probability_unit(p.unit)) return true;
    return trim(p.unit).empty() &&
           (starts_with(p.name, "p_") || starts_with(p.name, "pr_") || starts_with(p.name, "prob"));
}

bool typed(const Parameter& p) {
    double number = 0.0;
    return parse_double(trim(p.expression), number);
}

/// The variables `text` reads and, through derived parameters, the variables those read.
void collect(const Program& prog, const std::string& text, std::set<std::size_t>& seen,
             std::vector<std::size_t>& out) {
    std::vector<std::string> names;
    try {
        names = referenced_names(text, prog.spec.tables, "");
    } catch (const Error&) {
        return;  // compiled before, so this cannot happen; an error message is no place to fail
    }
    for (const auto& name : names) {
        const auto it = std::find(prog.variables.begin(), prog.variables.end(), name);
        const auto v = static_cast<std::size_t>(it - prog.variables.begin());
        if (it == prog.variables.end() || v == prog.var_cycle_length || !seen.insert(v).second)
            continue;
        out.push_back(v);
        if (v < prog.n_parameters) collect(prog, prog.spec.parameters[v].expression, seen, out);
    }
}

std::string describe(const Program& prog, std::size_t v, double value) {
    std::string s = prog.variables[v] + " = " + format_double(value);
    if (v >= prog.n_parameters) return s;
    const Parameter& p = prog.spec.parameters[v];
    std::vector<std::string> notes;
    if (!typed(p)) notes.push_back("= " + trim(p.expression));
    Location row = p.where;
    row.column = 0;
    row.column_name.clear();
    if (!row.str().empty()) notes.push_back(row.str());
    if (!trim(p.unit).empty()) notes.push_back(trim(p.unit));
    return notes.empty() ? s : s + " (" + join(notes, ", ") + ")";
}

}  // namespace

std::string describe_inputs(const Program& prog, int id, const VariableValue& value) {
    std::set<std::size_t> seen;
    std::vector<std::size_t> reads;
    collect(prog, prog.exprs[static_cast<std::size_t>(id)].text, seen, reads);
    if (reads.empty()) return {};
    std::vector<std::string> listed, problems;
    for (std::size_t k = 0; k < reads.size(); ++k) {
        const std::size_t v = reads[k];
        const double x = value(v);
        if (k < kMaxListed) listed.push_back(describe(prog, v, x));
        // A typed number is where the mistake is; a derived value only follows from it.
        if (v >= prog.n_parameters || !typed(prog.spec.parameters[v])) continue;
        const std::string problem = probability_problem(x);
        if (!problem.empty() && should_be_probability(prog.spec.parameters[v]))
            problems.push_back(" " + prog.variables[v] + " = " + format_double(x) + ": " + problem +
                               ".");
    }
    if (reads.size() > kMaxListed)
        listed.push_back("and " + std::to_string(reads.size() - kMaxListed) + " more");
    std::string s = " It reads " + join(listed, ", ") + ".";
    for (const auto& p : problems) s += p;
    return s;
}

}  // namespace parity
