#include "parity/expression.hpp"

#include <muParser.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <unordered_map>

#include "block_code.hpp"
#include "parity/text.hpp"

namespace parity {
namespace {

// ---- conversions (Briggs, Claxton & Sculpher 2006, Decision Modelling for Health Economic
// Evaluation, ch. 3; Fleurence & Hollenbeak 2007, PharmacoEconomics 25:3-6) ----

double duration_arg(const double* args, int n, void* user, const char* fn) {
    if (n < 1 || n > 2)
        throw ModelError(std::string(fn) +
                         "() takes 1 or 2 arguments (value[, duration in years])");
    return n == 2 ? args[1] : *static_cast<const double*>(user);
}

double fn_rate_to_prob(void* user, const double* a, int n) {
    return 1.0 - std::exp(-a[0] * duration_arg(a, n, user, "rate_to_prob"));
}
double fn_prob_to_rate(void* user, const double* a, int n) {
    return -std::log(1.0 - a[0]) / duration_arg(a, n, user, "prob_to_rate");
}
// A probability over `from` years rescaled to `to` years (default one cycle).
double fn_rescale_prob(void* user, const double* a, int n) {
    if (n < 2 || n > 3)
        throw ModelError("rescale_prob() takes 2 or 3 arguments (p, from_years[, to_years])");
    const double to = n == 3 ? a[2] : *static_cast<const double*>(user);
    return 1.0 - std::pow(1.0 - a[0], to / a[1]);
}
double fn_prob_to_odds(double p) { return p / (1.0 - p); }
double fn_odds_to_prob(double o) { return o / (1.0 + o); }
// A hazard ratio multiplies the rate: p' = 1 - (1-p)^hr.
double fn_apply_hr(double p, double hr) { return 1.0 - std::pow(1.0 - p, hr); }
double fn_apply_rr(double p, double rr) { return p * rr; }
double fn_apply_or(double p, double odds_ratio) {
    return odds_ratio * p / (1.0 - p + odds_ratio * p);
}

// ---- present values for payoffs of decision trees (Briggs, Claxton & Sculpher 2006, ch. 2;
// docs/methods/decision-tree.md) ----

void check_rate(double r, const char* fn) {
    if (!(r > -1.0))
        throw ModelError(std::string(fn) + "(): the discount rate r = " + format_double(r) +
                         " must be above -1 (0.035 for 3.5%)");
}

double fn_discount_factor(double r, double t) {
    check_rate(r, "discount_factor");
    return std::pow(1.0 + r, -t);
}

// 1 a year paid at the start of each of n years, the last (part) year weighted by its fraction:
// sum_{k<floor(n)} (1+r)^-k + (n - floor(n)) (1+r)^-floor(n). The whole years use the closed
// form (1 - v^m) / (1 - v), v = 1/(1+r), written with expm1/log1p to stay exact near r = 0.
double present_value_of_years(double r, double n, const char* fn) {
    check_rate(r, fn);
    if (!(n >= 0.0) || std::isinf(n))
        throw ModelError(std::string(fn) + "(): the number of years n = " + format_double(n) +
                         " must be a finite number of at least 0");
    if (r == 0.0) return n;
    const double whole = std::floor(n);
    const double log_v = -std::log1p(r);
    const double years = -std::expm1(whole * log_v) * (1.0 + r) / r;
    return years + (n - whole) * std::exp(whole * log_v);
}

double fn_annuity(double r, double n) { return present_value_of_years(r, n, "annuity"); }

double fn_annuity_from(double r, double start, double n) {
    const double pv = present_value_of_years(r, n, "annuity_from");
    return std::pow(1.0 + r, -start) * pv;
}

struct TableColumn {
    const LookupTable* table;
    std::size_t column;
    std::string function_name;
};

double fn_lookup(void* user, double key) {
    const auto& tc = *static_cast<const TableColumn*>(user);
    const auto& t = *tc.table;
    const auto& keys = t.keys;
    const auto& vals = t.values[tc.column];
    if (std::isnan(key)) throw ModelError(tc.function_name + "() was called with NaN");
    if (key < keys.front() || key > keys.back()) {
        if (t.out_of_range == OutOfRange::error)
            throw ModelError(tc.function_name + "(" + format_double(key) + ") is outside table '" +
                             t.name + "' (" + t.key_name + " " + format_double(keys.front()) +
                             " to " + format_double(keys.back()) +
                             "); extend the table or set out_of_range to clamp");
        return key < keys.front() ? vals.front() : vals.back();
    }
    // Index of the last key not above `key`.
    const auto it = std::upper_bound(keys.begin(), keys.end(), key);
    const std::size_t i = static_cast<std::size_t>(it - keys.begin()) - 1;
    if (t.interpolation == Interpolation::step || i + 1 >= keys.size() || keys[i] == key)
        return vals[i];
    const double w = (key - keys[i]) / (keys[i + 1] - keys[i]);
    return vals[i] + w * (vals[i + 1] - vals[i]);
}

std::string sanitize(const std::string& s) {
    std::string out;
    for (char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
    return out;
}

std::vector<TableColumn> table_functions(const std::vector<LookupTable>& tables) {
    std::vector<TableColumn> out;
    for (const auto& t : tables) {
        for (std::size_t c = 0; c < t.columns.size(); ++c)
            out.push_back({&t, c, sanitize(t.name) + "_" + sanitize(t.columns[c])});
        if (t.columns.size() == 1) out.push_back({&t, 0, sanitize(t.name)});
    }
    return out;
}

// Register parity's functions; `cycle_length` and `columns` must outlive the parser.
void define_functions(mu::Parser& p, double* cycle_length, std::deque<TableColumn>& columns) {
    p.DefineFunUserData("rate_to_prob", fn_rate_to_prob, cycle_length);
    p.DefineFunUserData("prob_to_rate", fn_prob_to_rate, cycle_length);
    p.DefineFunUserData("rescale_prob", fn_rescale_prob, cycle_length);
    p.DefineFun("prob_to_odds", fn_prob_to_odds);
    p.DefineFun("odds_to_prob", fn_odds_to_prob);
    p.DefineFun("apply_hr", fn_apply_hr);
    p.DefineFun("apply_rr", fn_apply_rr);
    p.DefineFun("apply_or", fn_apply_or);
    p.DefineFun("discount_factor", fn_discount_factor);
    p.DefineFun("annuity", fn_annuity);
    p.DefineFun("annuity_from", fn_annuity_from);
    for (auto& tc : columns) p.DefineFunUserData(tc.function_name, fn_lookup, &tc);
}

std::string describe_parser_error(const mu::Parser::exception_type& e, const std::string& expr,
                                  const std::string& context) {
    std::string msg = context + ": cannot read expression '" + expr + "': " + e.GetMsg();
    return msg + ". Check the spelling of names and functions, and that brackets match";
}

struct Recorder {
    std::vector<std::string> names;
    std::deque<double> slots;
};

double* record_variable(const char* name, void* user) {
    auto* r = static_cast<Recorder*>(user);
    r->names.emplace_back(name);
    r->slots.push_back(0.0);
    return &r->slots.back();
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& expression_function_help() {
    static const std::vector<std::pair<std::string, std::string>> help = {
        {"rate_to_prob(r[, t])", "1 - exp(-r t); t defaults to the cycle length in years"},
        {"prob_to_rate(p[, t])", "-ln(1 - p) / t; t defaults to the cycle length in years"},
        {"rescale_prob(p, from[, to])",
         "1 - (1 - p)^(to / from): a probability over `from` "
         "years rescaled to `to` years (default one cycle)"},
        {"prob_to_odds(p)", "p / (1 - p)"},
        {"odds_to_prob(o)", "o / (1 + o)"},
        {"apply_hr(p, hr)", "1 - (1 - p)^hr: a hazard ratio applied to a probability"},
        {"apply_rr(p, rr)", "p rr: a relative risk applied to a probability"},
        {"apply_or(p, or)", "or p / (1 - p + or p): an odds ratio applied to a probability"},
        {"discount_factor(r, t)", "(1 + r)^-t: the present value of 1 paid at year t"},
        {"annuity(r, n)",
         "present value of 1 a year paid at the start of each of n years: "
         "sum_{k=0}^{ceil(n)-1} (1 + r)^-k, a part year weighted by its "
         "fraction; annuity(0, n) = n"},
        {"annuity_from(r, start, n)",
         "discount_factor(r, start) * annuity(r, n): n years "
         "starting at year start"},
        {"<table>_<column>(key)", "a value from a lookup table (e.g. lifetable_Total(age))"},
    };
    return help;
}

std::vector<std::string> referenced_names(const std::string& expression,
                                          const std::vector<LookupTable>& tables,
                                          const std::string& context) {
    double number = 0.0;
    if (parse_double(expression, number)) return {};  // most inputs are plain numbers
    mu::Parser p;
    double cycle_length = 1.0;
    auto fns = table_functions(tables);
    std::deque<TableColumn> columns(fns.begin(), fns.end());
    define_functions(p, &cycle_length, columns);
    Recorder rec;
    p.SetVarFactory(record_variable, &rec);
    try {
        p.SetExpr(expression);
        p.GetUsedVar();  // parses without evaluating
    } catch (const mu::Parser::exception_type& e) {
        throw ModelError(describe_parser_error(e, expression, context));
    } catch (const ModelError& e) {  // a function of constants is evaluated while parsing
        throw ModelError(context + ": " + e.what());
    }
    std::vector<std::string> unique;
    for (const auto& n : rec.names)
        if (std::find(unique.begin(), unique.end(), n) == unique.end()) unique.push_back(n);
    return unique;
}

struct ExpressionSet::Impl {
    std::vector<std::string> names;
    std::unordered_map<std::string, std::size_t> index;
    double cycle_length = 1.0;
    std::deque<TableColumn> columns;
    std::deque<mu::Parser> parsers;
    // Fast paths: a plain number or a single variable needs no parser.
    enum class Kind { constant, variable, parsed };
    struct Entry {
        Kind kind;
        double constant;
        std::size_t variable;
        mu::Parser* parser;
        BlockCode* block;
        std::string context;
    };
    std::vector<Entry> entries;
    std::deque<BlockCode> blocks;
};

ExpressionSet::ExpressionSet(std::vector<std::string> variables,
                             const std::vector<LookupTable>* tables, double cycle_length)
    : impl_(std::make_unique<Impl>()), values_(variables.size(), 0.0) {
    impl_->names = std::move(variables);
    for (std::size_t i = 0; i < impl_->names.size(); ++i) impl_->index[impl_->names[i]] = i;
    impl_->cycle_length = cycle_length;
    if (tables) {
        auto fns = table_functions(*tables);
        impl_->columns.assign(fns.begin(), fns.end());
    }
}

ExpressionSet::~ExpressionSet() = default;

double* ExpressionSet::bind_variable(const char* name, void* user) {
    auto* self = static_cast<ExpressionSet*>(user);
    const auto it = self->impl_->index.find(name);
    if (it == self->impl_->index.end())
        throw ModelError("unknown name '" + std::string(name) + "'" +
                         did_you_mean(name, self->impl_->names) +
                         "; define it as a parameter or fix its spelling");
    return &self->values_[it->second];
}

std::size_t ExpressionSet::size() const { return impl_->entries.size(); }

int ExpressionSet::add(const std::string& raw, const std::string& context) {
    const std::string expr = trim(raw);
    Impl::Entry e{Impl::Kind::parsed, 0.0, 0, nullptr, nullptr, context};
    double x = 0.0;
    const auto var = impl_->index.find(expr);
    if (parse_double(expr, x)) {
        e.kind = Impl::Kind::constant;
        e.constant = x;
    } else if (var != impl_->index.end()) {
        e.kind = Impl::Kind::variable;
        e.variable = var->second;
    } else {
        impl_->parsers.emplace_back();
        mu::Parser& p = impl_->parsers.back();
        define_functions(p, &impl_->cycle_length, impl_->columns);
        p.SetVarFactory(bind_variable, this);
        try {
            p.SetExpr(expr);
            p.GetUsedVar();  // parses now, so syntax errors surface at compile time
        } catch (const mu::Parser::exception_type& err) {
            throw ModelError(describe_parser_error(err, expr, context));
        } catch (const ModelError& err) {
            throw ModelError(context + ": " + err.what());
        }
        e.parser = &p;
        impl_->blocks.emplace_back(p, values_.data(), values_.size());
        e.block = &impl_->blocks.back();
    }
    impl_->entries.push_back(std::move(e));
    return static_cast<int>(impl_->entries.size()) - 1;
}

void ExpressionSet::eval_block(int id, const double* block_vars, std::size_t B, double* out) {
    auto& e = impl_->entries[static_cast<std::size_t>(id)];
    switch (e.kind) {
        case Impl::Kind::constant: std::fill(out, out + B, e.constant); return;
        case Impl::Kind::variable:
            std::copy(block_vars + e.variable * B, block_vars + (e.variable + 1) * B, out);
            return;
        default: break;
    }
    try {
        e.block->eval(block_vars, B, out, values_.data());
    } catch (const mu::Parser::exception_type& err) {
        throw ModelError(e.context + ": cannot evaluate '" + err.GetExpr() + "': " + err.GetMsg());
    } catch (const ModelError& err) {  // raised by one of parity's functions
        throw ModelError(e.context + ": " + err.what());
    }
}

int ExpressionSet::variable_of(int id) const {
    const auto& e = impl_->entries[static_cast<std::size_t>(id)];
    return e.kind == Impl::Kind::variable ? static_cast<int>(e.variable) : -1;
}

bool ExpressionSet::vectorised(int id) const {
    const auto& e = impl_->entries[static_cast<std::size_t>(id)];
    return e.kind != Impl::Kind::parsed || e.block->vectorised();
}

double ExpressionSet::eval(int id) {
    auto& e = impl_->entries[static_cast<std::size_t>(id)];
    switch (e.kind) {
        case Impl::Kind::constant: return e.constant;
        case Impl::Kind::variable: return values_[e.variable];
        default: break;
    }
    try {
        return e.parser->Eval();
    } catch (const mu::Parser::exception_type& err) {
        throw ModelError(e.context + ": cannot evaluate '" + err.GetExpr() + "': " + err.GetMsg());
    } catch (const ModelError& err) {  // raised by one of parity's functions
        throw ModelError(e.context + ": " + err.what());
    }
}

}  // namespace parity
