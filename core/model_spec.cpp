#include "parity/model_spec.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "parity/text.hpp"

namespace parity {
namespace {

double parse_number(const std::string& key, const std::string& value, const Location& where) {
    // A cycle length is often written as a fraction of a year ("1/12"), so accept a/b too.
    const auto slash = value.find('/');
    if (slash != std::string::npos) {
        const double num = parse_number(key, trim(value.substr(0, slash)), where);
        const double den = parse_number(key, trim(value.substr(slash + 1)), where);
        if (den == 0.0)
            throw InputError(where, "setting '" + key + "' divides by zero in '" + value + "'",
                             "Give a number such as 0.0833 or a fraction such as 1/12");
        return num / den;
    }
    double x = 0.0;
    if (!parse_double(value, x))
        throw InputError(where, "setting '" + key + "' needs a number, found '" + value + "'",
                         "Write a plain number such as 0.035 (no % sign or thousands separator)");
    return x;
}

bool parse_bool(const std::string& key, const std::string& value, const Location& where) {
    const std::string v = to_lower(trim(value));
    if (v == "true" || v == "yes" || v == "1") return true;
    if (v == "false" || v == "no" || v == "0") return false;
    throw InputError(where, "setting '" + key + "' needs true or false, found '" + value + "'",
                     "Write true or false");
}

std::vector<double> parse_list(const std::string& key, const std::string& value,
                               const Location& where) {
    std::vector<double> out;
    for (const auto& part : split(value, ';')) {
        const std::string p = trim(part);
        if (!p.empty()) out.push_back(parse_number(key, p, where));
    }
    return out;
}

std::vector<RateStep> parse_schedule(const std::string& key, const std::string& value,
                                     const Location& where) {
    if (to_lower(trim(value)) == "green_book") return green_book_schedule();
    std::vector<RateStep> steps;
    for (const auto& part : split(value, ';')) {
        const std::string p = trim(part);
        if (p.empty()) continue;
        const auto colon = p.find(':');
        if (colon == std::string::npos)
            throw InputError(where, "setting '" + key + "' has '" + p + "' without a colon",
                             "Write the schedule as from_year:rate pairs separated by semicolons, "
                             "e.g. 0:0.035;30:0.03, or write green_book");
        steps.push_back({parse_number(key, trim(p.substr(0, colon)), where),
                         parse_number(key, trim(p.substr(colon + 1)), where)});
    }
    return steps;
}

std::string join_numbers(const std::vector<double>& xs) {
    std::string out;
    for (std::size_t i = 0; i < xs.size(); ++i) out += (i ? ";" : "") + format_double(xs[i]);
    return out;
}

std::string schedule_to_string(const std::vector<RateStep>& steps) {
    std::string out;
    for (std::size_t i = 0; i < steps.size(); ++i)
        out +=
            (i ? ";" : "") + format_double(steps[i].from_year) + ":" + format_double(steps[i].rate);
    return out;
}

template <typename F>
void wrap_model_error(const std::string& key, const Location& where, F&& f) {
    try {
        f();
    } catch (const InputError&) {
        throw;
    } catch (const Error& e) {
        throw InputError(where, "setting '" + key + "': " + e.what(), "");
    }
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& setting_descriptions() {
    static const std::vector<std::pair<std::string, std::string>> d = {
        {"n_cycles", "number of cycles the cohort is followed for (a whole number >= 1)"},
        {"cycle_length", "length of a cycle in years (1 = annual, 1/12 = monthly)"},
        {"start_age", "age of the cohort at cycle 0, in years (used by `age` in expressions)"},
        {"discount_rate", "annual discount rate for costs and outcomes (default 0.035, NICE)"},
        {"discount_rate_costs", "annual discount rate for costs"},
        {"discount_rate_outcomes", "annual discount rate for QALYs and life-years"},
        {"discount_method", "discrete ((1+r)^-t) or continuous (exp(-r t))"},
        {"discount_rate_scaling",
         "exact ((1+r)^-(t*cycle_length)) or simple (per-cycle rate r*cycle_length)"},
        {"discount_first_cycle", "true to discount cycle 0 as if it were one cycle later"},
        {"discount_schedule", "green_book, or from_year:rate pairs such as 0:0.035;30:0.03"},
        {"discount_schedule_costs", "a rate schedule for costs only"},
        {"discount_schedule_outcomes", "a rate schedule for outcomes only"},
        {"correction",
         "within-cycle correction: start, end, half_cycle, trapezoid, simpson or weights"},
        {"correction_weights", "n_cycles+1 weights separated by semicolons (sets correction)"},
        {"currency", "currency of all costs (default GBP)"},
        {"price_year", "price year every cost is expressed in, e.g. 2024/25"},
        {"wtp", "willingness-to-pay values per QALY separated by semicolons"},
        {"require_sources", "true to require a source for every parameter and lookup table"},
        {"perspective",
         "payers whose costs count in the total (ICERs, net benefit): nhs, nhs_pss, "
         "public_sector, societal, or payers separated by semicolons"},
    };
    return d;
}

const std::vector<std::pair<std::string, std::string>>& payer_descriptions() {
    static const std::vector<std::pair<std::string, std::string>> d = {
        {"nhs_acute", "NHS acute hospitals: inpatient, outpatient, A&E"},
        {"nhs_primary_care", "NHS primary care: general practice, community pharmacy"},
        {"nhs_mental_health", "NHS mental health services"},
        {"nhs_community", "NHS community health services"},
        {"nhs_other", "other NHS spending (prescribing, ambulance, specialised commissioning)"},
        {"local_authority_social_care", "local authority adult and children's social care"},
        {"other_public_sector", "other public sector: education, criminal justice, benefits"},
        {"employers", "employers: sickness absence and lost output they bear"},
        {"individuals", "people and families: out-of-pocket costs, unpaid care"},
        {"wider_society",
         "wider society: productivity not borne by employers, quality of life valued in money, "
         "crime victims"},
    };
    return d;
}

// Named perspectives expand to payers; NICE's reference case is NHS and personal social services.
std::vector<std::string> parse_perspective(const std::string& value, const Location& where) {
    std::vector<std::string> payers;
    for (const auto& kv : payer_descriptions()) payers.push_back(kv.first);
    const auto nhs_payers = [&] {
        std::vector<std::string> out;
        for (const auto& p : payers)
            if (p.rfind("nhs_", 0) == 0) out.push_back(p);
        return out;
    };
    std::vector<std::string> out;
    const auto add = [&](const std::string& p) {
        if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
    };
    std::stringstream items(value);
    std::string item;
    while (std::getline(items, item, ';')) {
        const std::string name = to_lower(trim(item));
        if (name.empty()) continue;
        if (name == "societal") {
            for (const auto& p : payers) add(p);
        } else if (name == "nhs" || name == "nhs_pss" || name == "public_sector") {
            for (const auto& p : nhs_payers()) add(p);
            if (name != "nhs") add("local_authority_social_care");
            if (name == "public_sector") add("other_public_sector");
        } else if (std::find(payers.begin(), payers.end(), name) != payers.end()) {
            add(name);
        } else {
            std::vector<std::string> names = {"nhs", "nhs_pss", "public_sector", "societal"};
            names.insert(names.end(), payers.begin(), payers.end());
            throw InputError(where,
                             "perspective '" + trim(item) +
                                 "' is neither a payer nor a named "
                                 "perspective" +
                                 did_you_mean(name, names),
                             "Use nhs, nhs_pss (NICE reference case), public_sector or societal, "
                             "or payers separated by semicolons: " +
                                 join(payers, ", "));
        }
    }
    if (out.empty())
        throw InputError(where, "'perspective' names no payer",
                         "Give a named perspective such as nhs_pss, or leave the row out to count "
                         "every cost category");
    return out;
}

void apply_setting(Settings& s, const std::string& raw_key, const std::string& raw_value,
                   const Location& where) {
    const std::string key = to_lower(trim(raw_key));
    const std::string value = trim(raw_value);
    if (value.empty())
        throw InputError(where, "setting '" + key + "' has no value",
                         "Give a value or delete the row to keep the default");
    wrap_model_error(key, where, [&] {
        if (key == "n_cycles") {
            const double n = parse_number(key, value, where);
            if (n < 1 || n != std::floor(n) || n > 1e6)
                throw InputError(
                    where, "setting 'n_cycles' must be a whole number >= 1, found '" + value + "'",
                    "Give the number of cycles, e.g. 75");
            s.n_cycles = static_cast<int>(n);
        } else if (key == "cycle_length") {
            const double x = parse_number(key, value, where);
            if (!(x > 0) || !std::isfinite(x))
                throw InputError(where,
                                 "setting 'cycle_length' must be positive, found '" + value + "'",
                                 "Give the cycle length in years, e.g. 1 or 1/12");
            s.cycle_length = x;
        } else if (key == "start_age") {
            const double x = parse_number(key, value, where);
            if (!(x >= 0) || !std::isfinite(x))
                throw InputError(where, "setting 'start_age' must be a non-negative number",
                                 "Give the cohort's age in years at cycle 0");
            s.start_age = x;
        } else if (key == "discount_rate") {
            s.cost_discount.rate = s.outcome_discount.rate = parse_number(key, value, where);
        } else if (key == "discount_rate_costs") {
            s.cost_discount.rate = parse_number(key, value, where);
        } else if (key == "discount_rate_outcomes") {
            s.outcome_discount.rate = parse_number(key, value, where);
        } else if (key == "discount_method") {
            s.cost_discount.method = s.outcome_discount.method = parse_discount_method(value);
        } else if (key == "discount_rate_scaling") {
            s.cost_discount.scaling = s.outcome_discount.scaling = parse_rate_scaling(value);
        } else if (key == "discount_first_cycle") {
            s.cost_discount.discount_first_cycle = s.outcome_discount.discount_first_cycle =
                parse_bool(key, value, where);
        } else if (key == "discount_schedule") {
            s.cost_discount.schedule = s.outcome_discount.schedule =
                parse_schedule(key, value, where);
        } else if (key == "discount_schedule_costs") {
            s.cost_discount.schedule = parse_schedule(key, value, where);
        } else if (key == "discount_schedule_outcomes") {
            s.outcome_discount.schedule = parse_schedule(key, value, where);
        } else if (key == "correction" || key == "within_cycle_correction") {
            s.correction.method = parse_correction_method(value);
            s.correction.weights.clear();
        } else if (key == "correction_weights") {
            s.correction.method = CorrectionMethod::weights;
            s.correction.weights = parse_list(key, value, where);
        } else if (key == "currency") {
            s.currency = value;
        } else if (key == "price_year") {
            s.price_year = value;
        } else if (key == "perspective") {
            s.perspective = parse_perspective(value, where);
        } else if (key == "require_sources") {
            s.require_sources = parse_bool(key, value, where);
        } else if (key == "wtp") {
            s.wtp = parse_list(key, value, where);
            for (double w : s.wtp)
                if (!(w >= 0) || !std::isfinite(w))
                    throw InputError(where, "setting 'wtp' has a negative or non-finite value",
                                     "Give willingness-to-pay values >= 0, e.g. 20000;30000");
        } else {
            std::vector<std::string> names;
            for (const auto& kv : setting_descriptions()) names.push_back(kv.first);
            throw InputError(where, "unknown setting '" + raw_key + "'" + did_you_mean(key, names),
                             "Valid settings are: " + join(names, ", "));
        }
    });
}

std::vector<std::pair<std::string, std::string>> settings_to_pairs(const Settings& s) {
    std::vector<std::pair<std::string, std::string>> out = {
        {"n_cycles", std::to_string(s.n_cycles)},
        {"cycle_length", format_double(s.cycle_length)},
        {"start_age", format_double(s.start_age)},
        {"discount_rate_costs", format_double(s.cost_discount.rate)},
        {"discount_rate_outcomes", format_double(s.outcome_discount.rate)},
        {"discount_method", to_string(s.cost_discount.method)},
        {"discount_rate_scaling", to_string(s.cost_discount.scaling)},
        {"discount_first_cycle", s.cost_discount.discount_first_cycle ? "true" : "false"},
    };
    if (!s.cost_discount.schedule.empty())
        out.push_back({"discount_schedule_costs", schedule_to_string(s.cost_discount.schedule)});
    if (!s.outcome_discount.schedule.empty())
        out.push_back(
            {"discount_schedule_outcomes", schedule_to_string(s.outcome_discount.schedule)});
    if (s.correction.method == CorrectionMethod::weights)
        out.push_back({"correction_weights", join_numbers(s.correction.weights)});
    else
        out.push_back({"correction", to_string(s.correction.method)});
    out.push_back({"currency", s.currency});
    if (!s.price_year.empty()) out.push_back({"price_year", s.price_year});
    out.push_back({"wtp", join_numbers(s.wtp)});
    if (s.require_sources) out.push_back({"require_sources", "true"});
    if (!s.perspective.empty()) out.push_back({"perspective", join(s.perspective, ";")});
    return out;
}

}  // namespace parity
