#include "parity/input_checks.hpp"

#include <cmath>
#include <sstream>

#include "parity/text.hpp"

namespace parity {
namespace {

// The row, not the value cell: a missing source is a problem of the whole row.
Location row_of(Location where) {
    where.column = 0;
    where.column_name.clear();
    return where;
}

// A percentage shown as the fraction it stands for, without the binary noise of x / 100.
std::string as_fraction(double percent) {
    std::ostringstream os;
    os.precision(10);
    os << percent / 100.0;
    return os.str();
}

}  // namespace

const std::string& missing_source_fix() {
    static const std::string fix =
        "Give a citation (report, table or page, price year) or 'Assumption: <reasoning>' "
        "(settings.csv sets require_sources true)";
    return fix;
}

bool is_probability_unit(const std::string& unit) {
    const std::string u = to_lower(trim(unit));
    const std::string first = u.substr(0, u.find_first_of(" \t/("));
    return first == "probability" || first == "proportion" || first == "share" ||
           first == "fraction";
}

std::string probability_problem(double value) {
    if (value >= 0.0 && value <= 1.0) return {};
    if (std::isnan(value)) return "a probability must be a number in [0, 1]";
    if (value < 0.0) return "a probability cannot be negative";
    if (value <= 100.0)
        return "a probability must lie in [0, 1]; was a percentage typed? Write " +
               as_fraction(value) + " for " + format_double(value) + "%";
    return "a probability must lie in [0, 1]";
}

std::string parameter_unit_problem(const Parameter& p) {
    double value = 0.0;
    if (!is_probability_unit(p.unit) || !parse_double(trim(p.expression), value)) return {};
    const std::string problem = probability_problem(value);
    if (problem.empty()) return {};
    return "parameter '" + p.name + "' is " + format_double(value) + ", but its unit is '" +
           trim(p.unit) + "': " + problem;
}

void check_inputs(const ModelSpec& spec) {
    const auto fail = [](const Location& where, const std::string& what, const std::string& fix) {
        throw ModelError(format_error(where, what, fix));
    };
    const bool sources = spec.settings.require_sources;
    for (const auto& p : spec.parameters) {
        if (sources && trim(p.source).empty())
            fail(row_of(p.where), "parameter '" + p.name + "' has no source", missing_source_fix());
        const std::string problem = parameter_unit_problem(p);
        if (!problem.empty()) fail(p.where, problem, "Correct the value or the unit");
    }
    for (const auto& t : spec.tables)
        if (sources && trim(t.source).empty())
            fail(row_of(t.where), "lookup table '" + t.name + "' has no source",
                 missing_source_fix());
}

}  // namespace parity
