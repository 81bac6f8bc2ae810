#include "parity/discount.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <sstream>

#include "parity/errors.hpp"

namespace parity {
namespace {

std::string format_number(double x) {
    std::ostringstream out;
    out << x;
    return out.str();
}

const char* const rate_fix = "Give an annual rate as a fraction, e.g. 0.035 for 3.5% a year";

void check_rate(double rate, const std::string& which) {
    if (!std::isfinite(rate) || rate <= -1.0) {
        throw ModelError(format_error(
            {},
            which + " is " + format_number(rate) + " but must be a finite number greater than -1",
            rate_fix));
    }
}

std::string step_name(std::size_t k, const RateStep& step) {
    return "the discount rate of schedule step " + std::to_string(k + 1) + " (from year " +
           format_number(step.from_year) + ")";
}

void check_schedule(const std::vector<RateStep>& schedule) {
    if (schedule.front().from_year != 0.0) {
        throw ModelError(format_error(
            {},
            "the discount schedule starts at year " + format_number(schedule.front().from_year) +
                " but must start at year 0",
            "Make the first step's from_year 0 so that a rate is in force from the start of the "
            "model"));
    }
    for (std::size_t k = 0; k < schedule.size(); ++k) {
        const RateStep& step = schedule[k];
        const bool after_previous =
            k == 0 || (step.from_year > schedule[k - 1].from_year && std::isfinite(step.from_year));
        if (!after_previous) {
            throw ModelError(format_error(
                {},
                "discount schedule step " + std::to_string(k + 1) + " starts at year " +
                    format_number(step.from_year) + ", which is not a finite year after step " +
                    std::to_string(k) + " (year " + format_number(schedule[k - 1].from_year) + ")",
                "Sort the steps by from_year and remove duplicate years"));
        }
        check_rate(step.rate, step_name(k, step));
    }
}

void check_cycles(int n_cycles, double cycle_length) {
    if (n_cycles < 1) {
        throw ModelError(format_error(
            {}, "the number of cycles is " + std::to_string(n_cycles) + " but must be at least 1",
            "Set a time horizon of at least one cycle"));
    }
    if (!std::isfinite(cycle_length) || cycle_length <= 0.0) {
        throw ModelError(format_error(
            {},
            "the cycle length is " + format_number(cycle_length) + " years but must be positive",
            "Give the cycle length in years, e.g. 1 for annual or 1/12 (0.0833...) for monthly "
            "cycles"));
    }
}

// The plain rate is the one-step schedule {0, rate}, so every convention has a single code path.
std::vector<RateStep> checked_steps(const DiscountSpec& spec) {
    if (spec.schedule.empty()) {
        check_rate(spec.rate, "the discount rate");
        return {{0.0, spec.rate}};
    }
    check_schedule(spec.schedule);
    return spec.schedule;
}

double factor_at(const std::vector<RateStep>& steps, DiscountMethod method, double years) {
    double factor = 1.0;
    for (std::size_t k = 0; k < steps.size() && years > steps[k].from_year; ++k) {
        const double end =
            k + 1 < steps.size() ? steps[k + 1].from_year : std::numeric_limits<double>::infinity();
        const double length = std::min(years, end) - steps[k].from_year;
        const double rate = steps[k].rate;
        factor *= method == DiscountMethod::continuous ? std::exp(-rate * length)
                                                       : std::pow(1.0 + rate, -length);
    }
    return factor;
}

double rate_in_force(const std::vector<RateStep>& steps, double years) {
    // Cycle start times such as 360 * (1/12) can land a rounding error short of a step's year;
    // the tolerance keeps the new rate starting on that cycle.
    const double tolerance = 1e-9 * std::max(1.0, std::abs(years));
    double rate = steps.front().rate;
    for (const RateStep& step : steps) {
        if (step.from_year > years + tolerance) break;
        rate = step.rate;
    }
    return rate;
}

// Simple scaling: the cycle starting at point j is discounted at the per-cycle rate r * L, with r
// the annual rate in force at the cycle's start. Runs of cycles at one rate use a single pow so a
// constant rate reproduces (1 + r * L)^-j exactly rather than through repeated division.
std::vector<double> simple_factors(const std::vector<RateStep>& steps, int n_points,
                                   double cycle_length) {
    std::vector<double> factors(static_cast<std::size_t>(n_points));
    int run_start = 0;
    double run_start_factor = 1.0;
    double run_rate = rate_in_force(steps, 0.0);
    for (int j = 0; j < n_points; ++j) {
        const double factor =
            run_start_factor * std::pow(1.0 + run_rate * cycle_length, -(j - run_start));
        factors[static_cast<std::size_t>(j)] = factor;
        const double next_rate = rate_in_force(steps, j * cycle_length);
        if (next_rate != run_rate) {
            run_start = j;
            run_start_factor = factor;
            run_rate = next_rate;
        }
    }
    return factors;
}

void check_simple_rates(const std::vector<RateStep>& steps, double cycle_length) {
    for (const RateStep& step : steps) {
        if (step.rate * cycle_length <= -1.0) {
            throw ModelError(format_error(
                {},
                "with simple rate scaling the per-cycle rate is rate x cycle length = " +
                    format_number(step.rate) + " x " + format_number(cycle_length) + " = " +
                    format_number(step.rate * cycle_length) + ", which must be greater than -1",
                "Use exact rate scaling, shorter cycles or a rate closer to 0"));
        }
    }
}

}  // namespace

std::vector<double> discount_factors(const DiscountSpec& spec, int n_cycles, double cycle_length) {
    check_cycles(n_cycles, cycle_length);
    const std::vector<RateStep> steps = checked_steps(spec);
    const int offset = spec.discount_first_cycle ? 1 : 0;
    const std::size_t n_points = static_cast<std::size_t>(n_cycles) + 1;

    if (spec.method == DiscountMethod::discrete && spec.scaling == RateScaling::simple) {
        check_simple_rates(steps, cycle_length);
        std::vector<double> all = simple_factors(steps, n_cycles + 1 + offset, cycle_length);
        return std::vector<double>(all.begin() + offset, all.end());
    }
    std::vector<double> factors(n_points);
    for (std::size_t t = 0; t < n_points; ++t) {
        const double years = (static_cast<double>(t) + offset) * cycle_length;
        factors[t] = factor_at(steps, spec.method, years);
    }
    return factors;
}

double discount_factor_at(const DiscountSpec& spec, double years) {
    if (!std::isfinite(years) || years < 0.0) {
        throw ModelError(format_error(
            {}, "cannot discount to time " + format_number(years) + " years",
            "Give a finite time of 0 years or more, measured from the start of the model"));
    }
    return factor_at(checked_steps(spec), spec.method, years);
}

DiscountMethod parse_discount_method(const std::string& name) {
    if (name == "discrete") return DiscountMethod::discrete;
    if (name == "continuous") return DiscountMethod::continuous;
    throw ModelError(format_error({}, "unknown discounting method '" + name + "'",
                                  "Use one of: discrete, continuous"));
}

RateScaling parse_rate_scaling(const std::string& name) {
    if (name == "exact") return RateScaling::exact;
    if (name == "simple") return RateScaling::simple;
    throw ModelError(format_error({}, "unknown discount rate scaling '" + name + "'",
                                  "Use one of: exact, simple"));
}

std::string to_string(DiscountMethod m) {
    switch (m) {
        case DiscountMethod::discrete: return "discrete";
        case DiscountMethod::continuous: return "continuous";
    }
    throw ModelError("unhandled discounting method; this is a bug in parity, please report it");
}

std::string to_string(RateScaling s) {
    switch (s) {
        case RateScaling::exact: return "exact";
        case RateScaling::simple: return "simple";
    }
    throw ModelError("unhandled rate scaling; this is a bug in parity, please report it");
}

std::vector<RateStep> green_book_schedule() {
    return {{0.0, 0.035},   {30.0, 0.030},  {75.0, 0.025},
            {125.0, 0.020}, {200.0, 0.015}, {300.0, 0.010}};
}

}  // namespace parity
