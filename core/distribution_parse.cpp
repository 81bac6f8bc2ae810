// Reading the distribution and distribution_parameters cells of parameters.csv. Every problem is
// an InputError at the cell, naming the parameter and listing what the distribution accepts.
#include <muParser.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "parity/distributions.hpp"
#include "parity/text.hpp"

namespace parity {

namespace {

using DT = DistributionType;

// What one distribution accepts: its keys (canonical, plus aliases) and, for messages, its
// parameterisations in words.
struct TypeSpec {
    DT type;
    std::vector<std::string> keys;
    std::map<std::string, std::string> aliases;  // alias -> canonical key
    std::string forms;
};

const std::vector<TypeSpec>& type_specs() {
    static const std::vector<TypeSpec> specs = {
        {DT::fixed, {}, {}, "no parameters (the parameter keeps its value)"},
        {DT::beta,
         {"alpha", "beta", "mean", "se", "lower", "upper"},
         {{"sd", "se"}},
         "alpha & beta; mean & se (or sd); lower & upper (a 95% interval)"},
        {DT::gamma,
         {"shape", "rate", "scale", "mean", "se", "lower", "upper"},
         {{"sd", "se"}},
         "shape & rate; shape & scale; mean & se (or sd); lower & upper (a 95% interval)"},
        {DT::lognormal,
         {"meanlog", "sdlog", "mean", "se", "lower", "upper"},
         {{"sd", "se"}},
         "meanlog & sdlog; mean & se (or sd) on the natural scale; lower & upper (a 95% "
         "interval)"},
        {DT::normal,
         {"mean", "sd", "lower", "upper"},
         {{"se", "sd"}},
         "mean & sd (or se); lower & upper (a 95% interval)"},
        {DT::truncated_normal,
         {"mean", "sd", "lower", "upper"},
         {{"se", "sd"}, {"min", "lower"}, {"max", "upper"}},
         "mean & sd (or se) with lower (or min) and/or upper (or max) bounds"},
        {DT::uniform, {"min", "max"}, {}, "min & max"},
        {DT::triangular, {"min", "mode", "max"}, {}, "min & mode & max"},
        {DT::pert,
         {"min", "mode", "max", "lambda"},
         {},
         "min & mode & max, optional lambda (default 4)"},
        {DT::dirichlet,
         {"group", "alpha"},
         {{"count", "alpha"}},
         "group & alpha (or count): one cell of a group drawn jointly"},
        {DT::multivariate_normal,
         {"group", "mean"},
         {},
         "group, optional mean (default: the parameter's value); covariance from "
         "covariance.csv"},
    };
    return specs;
}

const std::map<std::string, DT>& type_by_name() {
    static const std::map<std::string, DT> names = {
        {"fixed", DT::fixed},
        {"beta", DT::beta},
        {"gamma", DT::gamma},
        {"lognormal", DT::lognormal},
        {"normal", DT::normal},
        {"truncated_normal", DT::truncated_normal},
        {"truncnormal", DT::truncated_normal},
        {"uniform", DT::uniform},
        {"triangular", DT::triangular},
        {"pert", DT::pert},
        {"dirichlet", DT::dirichlet},
        {"multivariate_normal", DT::multivariate_normal},
        {"mvnormal", DT::multivariate_normal},
    };
    return names;
}

const TypeSpec& spec_of(DT type) {
    for (const auto& s : type_specs())
        if (s.type == type) return s;
    return type_specs().front();
}

// Everything a message needs to point at the cell and name the parameter.
struct Context {
    const std::string& parameter;
    const Location& where;
    std::string type;  // canonical name, once known

    [[noreturn]] void fail(const std::string& what, const std::string& fix) const {
        throw InputError(where, "parameter '" + parameter + "': " + what, fix);
    }
    std::string accepted() const {
        return type + " takes " + spec_of(type_by_name().at(type)).forms;
    }
};

std::string normalised_type(const std::string& raw) {
    std::string s = to_lower(trim(raw));
    std::replace(s.begin(), s.end(), '-', '_');
    std::replace(s.begin(), s.end(), ' ', '_');
    return s;
}

DT read_type(const std::string& raw, const Context& ctx) {
    const std::string name = normalised_type(raw);
    if (name.empty()) return DT::fixed;
    const auto found = type_by_name().find(name);
    if (found == type_by_name().end())
        ctx.fail("unknown distribution '" + trim(raw) + "'" +
                     did_you_mean(name, distribution_type_names()),
                 "Use one of: " + join(distribution_type_names(), ", ") +
                     " (leave the cell blank for a fixed value)");
    return found->second;
}

// "key=value" pairs split at ';' or ',' outside parentheses, so that values such as max(1, 2)
// keep their commas.
std::vector<std::string> split_pairs(const std::string& text) {
    std::vector<std::string> parts;
    std::string cur;
    int depth = 0;
    for (char c : text) {
        if (c == '(') ++depth;
        if (c == ')') --depth;
        if ((c == ';' || c == ',') && depth <= 0) {
            parts.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    parts.push_back(cur);
    return parts;
}

struct Entry {
    std::string key;      // canonical
    std::string written;  // the key as written, for messages
    std::string value;
    bool used = false;
};

// The parsed pairs of one cell; builders take the keys they use and the rest is an error.
class Keys {
public:
    Keys(std::vector<Entry> entries, const Context& ctx)
        : entries_(std::move(entries)), ctx_(ctx) {}

    bool has(const std::string& key) const { return find(key) != nullptr; }
    bool any(std::initializer_list<const char*> keys) const {
        return std::any_of(keys.begin(), keys.end(), [&](const char* k) { return has(k); });
    }
    double number(const std::string& key);
    std::string text(const std::string& key);
    /// Every key of a parameterisation must be present once any of it is.
    void require(std::initializer_list<const char*> keys) const;
    /// After a builder: keys it did not use could not be combined with the form it chose.
    void check_all_used(const std::string& chosen) const;
    std::string written_keys() const;

private:
    const Entry* find(const std::string& key) const {
        for (const auto& e : entries_)
            if (e.key == key) return &e;
        return nullptr;
    }
    Entry& take(const std::string& key) {
        for (auto& e : entries_)
            if (e.key == key) {
                e.used = true;
                return e;
            }
        ctx_.fail("'" + key + "' is missing", ctx_.accepted());
    }
    std::vector<Entry> entries_;
    const Context& ctx_;
};

// A plain number, or constant arithmetic (log(3), 1/12) through muParser.
bool evaluate_number(const std::string& text, double& out, std::string& problem) {
    if (parse_double(text, out)) return true;
    try {
        mu::Parser parser;
        parser.SetExpr(text);
        out = parser.Eval();
        return true;
    } catch (const mu::Parser::exception_type& e) {
        problem = e.GetMsg();
        while (!problem.empty() && (problem.back() == '.' || problem.back() == ' '))
            problem.pop_back();  // the message goes inside parentheses
        return false;
    }
}

double Keys::number(const std::string& key) {
    const Entry& e = take(key);
    double value = 0;
    std::string problem;
    if (!evaluate_number(e.value, value, problem))
        ctx_.fail(
            "'" + e.written + "' is '" + e.value + "', which is not a number (" + problem + ")",
            "Give a number, or arithmetic on numbers such as log(3) or 1/12");
    if (!std::isfinite(value))
        ctx_.fail("'" + e.written + "' is " + format_double(value) + ", not a finite number",
                  "Give a finite number (leave a bound out for no bound)");
    return value;
}

std::string Keys::text(const std::string& key) { return take(key).value; }

void Keys::require(std::initializer_list<const char*> keys) const {
    std::vector<std::string> missing;
    for (const char* k : keys)
        if (!has(k)) missing.push_back(k);
    if (missing.empty()) return;
    const std::vector<std::string> all(keys.begin(), keys.end());
    const std::string together = all.size() > 1 ? " (" + join(all, " & ") + " go together)" : "";
    ctx_.fail("'" + join(missing, "' and '") + "' " + (missing.size() > 1 ? "are" : "is") +
                  " missing" + together,
              ctx_.accepted());
}

void Keys::check_all_used(const std::string& chosen) const {
    for (const auto& e : entries_)
        if (!e.used)
            ctx_.fail("'" + e.written + "' cannot be combined with " + chosen,
                      "Give one parameterisation: " + ctx_.accepted());
}

std::string Keys::written_keys() const {
    std::vector<std::string> keys;
    for (const auto& e : entries_) keys.push_back(e.written);
    return keys.empty() ? "nothing" : join(keys, ", ");
}

Keys read_keys(const std::string& text, DT type, const Context& ctx) {
    const TypeSpec& spec = spec_of(type);
    std::vector<Entry> entries;
    for (const std::string& raw : split_pairs(text)) {
        const std::string part = trim(raw);
        if (part.empty()) continue;
        const auto eq = part.find('=');
        if (eq == std::string::npos)
            ctx.fail("'" + part + "' is not a key=value pair",
                     "Write the parameters as key=value separated by ';', e.g. shape=30; rate=200");
        Entry e;
        e.written = trim(part.substr(0, eq));
        e.value = trim(part.substr(eq + 1));
        e.key = to_lower(e.written);
        const auto alias = spec.aliases.find(e.key);
        if (alias != spec.aliases.end()) e.key = alias->second;
        if (std::find(spec.keys.begin(), spec.keys.end(), e.key) == spec.keys.end()) {
            std::vector<std::string> known = spec.keys;
            for (const auto& a : spec.aliases) known.push_back(a.first);
            ctx.fail("unknown key '" + e.written + "' for " + ctx.type + did_you_mean(e.key, known),
                     ctx.accepted());
        }
        if (e.value.empty())
            ctx.fail("'" + e.written + "' has no value", "Write it as " + e.written + "=<number>");
        for (const auto& other : entries)
            if (other.key == e.key)
                ctx.fail("'" + e.written + "' is given twice (as '" + other.written + "' and '" +
                             e.written + "')",
                         "Keep one of them");
        entries.push_back(e);
    }
    return Keys(std::move(entries), ctx);
}

// ---- one builder per distribution: choose the parameterisation from the keys present ----------

using Chosen = std::pair<Distribution, std::string>;  // the distribution and its form in words

Chosen missing_form(const Keys& keys, const Context& ctx, const std::string& hint = "") {
    ctx.fail("found " + keys.written_keys() + hint, ctx.accepted());
}

Chosen build_beta(Keys& k, const Context& ctx) {
    if (k.any({"alpha", "beta"})) {
        k.require({"alpha", "beta"});
        return {beta_distribution(k.number("alpha"), k.number("beta")), "alpha & beta"};
    }
    if (k.any({"mean", "se"})) {
        k.require({"mean", "se"});
        return {beta_from_moments(k.number("mean"), k.number("se")), "mean & se"};
    }
    if (k.any({"lower", "upper"})) {
        k.require({"lower", "upper"});
        return {beta_from_interval(k.number("lower"), k.number("upper")), "lower & upper"};
    }
    return missing_form(k, ctx);
}

Chosen build_gamma(Keys& k, const Context& ctx) {
    if (k.any({"shape", "rate", "scale"})) {
        if (!k.has("rate") && !k.has("scale"))
            ctx.fail("a gamma shape needs a rate or a scale, and neither is given",
                     "Say which one: shape=..; rate=.. (mean = shape/rate, as in R's rgamma) or "
                     "shape=..; scale=.. (mean = shape*scale)");
        if (k.has("rate") && k.has("scale"))
            ctx.fail("both rate and scale are given", "Give one of them: the scale is 1/rate");
        k.require({"shape", k.has("rate") ? "rate" : "scale"});
        const double shape = k.number("shape");
        if (k.has("scale")) return {gamma_distribution(shape, k.number("scale")), "shape & scale"};
        const double rate = k.number("rate");
        if (!(rate > 0))
            ctx.fail("gamma rate is " + format_double(rate) + " but must be greater than 0",
                     "Give a positive rate");
        return {gamma_distribution(shape, 1.0 / rate), "shape & rate"};
    }
    if (k.any({"mean", "se"})) {
        k.require({"mean", "se"});
        return {gamma_from_moments(k.number("mean"), k.number("se")), "mean & se"};
    }
    if (k.any({"lower", "upper"})) {
        k.require({"lower", "upper"});
        return {gamma_from_interval(k.number("lower"), k.number("upper")), "lower & upper"};
    }
    return missing_form(k, ctx);
}

Chosen build_lognormal(Keys& k, const Context& ctx) {
    if (k.any({"meanlog", "sdlog"})) {
        k.require({"meanlog", "sdlog"});
        return {lognormal_distribution(k.number("meanlog"), k.number("sdlog")), "meanlog & sdlog"};
    }
    if (k.any({"mean", "se"})) {
        k.require({"mean", "se"});
        return {lognormal_from_moments(k.number("mean"), k.number("se")), "mean & se"};
    }
    if (k.any({"lower", "upper"})) {
        k.require({"lower", "upper"});
        return {lognormal_from_interval(k.number("lower"), k.number("upper")), "lower & upper"};
    }
    return missing_form(k, ctx);
}

Chosen build_normal(Keys& k, const Context& ctx) {
    if (k.any({"mean", "sd"})) {
        k.require({"mean", "sd"});
        return {normal_distribution(k.number("mean"), k.number("sd")), "mean & sd"};
    }
    if (k.any({"lower", "upper"})) {
        k.require({"lower", "upper"});
        return {normal_from_interval(k.number("lower"), k.number("upper")), "lower & upper"};
    }
    return missing_form(k, ctx);
}

Chosen build_truncated_normal(Keys& k, const Context& ctx) {
    k.require({"mean", "sd"});
    if (!k.any({"lower", "upper"}))
        ctx.fail("no bound is given",
                 "Give lower (or min) and/or upper (or max), or use a normal distribution");
    const double inf = std::numeric_limits<double>::infinity();
    const double mean = k.number("mean"), sd = k.number("sd");
    const double lower = k.has("lower") ? k.number("lower") : -inf;
    const double upper = k.has("upper") ? k.number("upper") : inf;
    return {truncated_normal_distribution(mean, sd, lower, upper), "mean & sd & bounds"};
}

Chosen build_min_mode_max(Keys& k, DT type) {
    if (type == DT::uniform) {
        k.require({"min", "max"});
        return {uniform_distribution(k.number("min"), k.number("max")), "min & max"};
    }
    k.require({"min", "mode", "max"});
    const double min = k.number("min"), mode = k.number("mode"), max = k.number("max");
    if (type == DT::triangular)
        return {triangular_distribution(min, mode, max), "min & mode & max"};
    const double lambda = k.has("lambda") ? k.number("lambda") : 4.0;
    return {pert_distribution(min, mode, max, lambda), "min & mode & max & lambda"};
}

Chosen build_grouped(Keys& k, DT type, double base_value, const Context& ctx) {
    k.require({"group"});
    const std::string group = k.text("group");
    if (type == DT::dirichlet) {
        k.require({"alpha"});
        return {dirichlet_member(group, k.number("alpha")), "group & alpha"};
    }
    double mean = base_value;
    if (k.has("mean")) {
        mean = k.number("mean");
    } else if (!std::isfinite(base_value)) {
        ctx.fail(
            "a multivariate_normal member needs a mean, and the parameter's value is not a "
            "number",
            "Give mean=<number> in distribution_parameters");
    }
    return {multivariate_normal_member(group, mean), "group & mean"};
}

Chosen build(Keys& k, DT type, double base_value, const Context& ctx) {
    switch (type) {
        case DT::fixed: return {fixed_value(base_value), "fixed"};
        case DT::beta: return build_beta(k, ctx);
        case DT::gamma: return build_gamma(k, ctx);
        case DT::lognormal: return build_lognormal(k, ctx);
        case DT::normal: return build_normal(k, ctx);
        case DT::truncated_normal: return build_truncated_normal(k, ctx);
        case DT::uniform:
        case DT::triangular:
        case DT::pert: return build_min_mode_max(k, type);
        case DT::dirichlet:
        case DT::multivariate_normal: return build_grouped(k, type, base_value, ctx);
    }
    return missing_form(k, ctx);
}

}  // namespace

const std::vector<std::string>& distribution_type_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& entry : type_by_name()) out.push_back(entry.first);
        return out;
    }();
    return names;
}

Distribution parse_distribution(const std::string& type, const std::string& parameters,
                                double base_value, const std::string& parameter_name,
                                const Location& where) {
    Context ctx{parameter_name, where, ""};
    const DT dt = read_type(type, ctx);
    ctx.type = distribution_type_name(dt);
    if (dt == DT::fixed && !trim(parameters).empty()) {
        if (trim(type).empty())
            ctx.fail("distribution_parameters are given ('" + trim(parameters) +
                         "') but no distribution",
                     "Name the distribution (one of: " + join(distribution_type_names(), ", ") +
                         "), or clear distribution_parameters");
        ctx.fail(
            "a fixed parameter takes no distribution parameters, found '" + trim(parameters) + "'",
            "Name a distribution in the distribution column, or clear "
            "distribution_parameters");
    }
    Keys keys = read_keys(parameters, dt, ctx);
    try {
        Chosen chosen = build(keys, dt, base_value, ctx);
        keys.check_all_used(chosen.second);
        return chosen.first;
    } catch (const ModelError& e) {
        // The checked constructors know what is wrong but not where: add the cell and the name.
        throw InputError(where, "parameter '" + parameter_name + "': " + e.what(), "");
    }
}

}  // namespace parity
