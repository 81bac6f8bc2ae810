#include "parity/csv_io.hpp"

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <utility>

#include "csv_sheet.hpp"
#include "csv_tree.hpp"
#include "parity/csv_table.hpp"
#include "parity/input_checks.hpp"
#include "parity/text.hpp"

namespace parity {
namespace {

namespace fs = std::filesystem;

const char* const kFormatDoc = "docs/model-folder-format.md";

Location file_only(const std::string& file) {
    Location where;
    where.file = file;
    return where;
}

const Schema kSettings{"settings.csv", {"setting", "value"}, {"notes"}};
const Schema kParameters{
    "parameters.csv",
    {"name", "value", "source"},
    {"unit", "price_year", "notes", "distribution", "distribution_parameters"}};
const Schema kStates{
    "states.csv", {"name"}, {"label", "alive", "tunnel_length", "initial", "notes"}};
const Schema kStrategies{"strategies.csv", {"name"}, {"label", "notes"}};
const Schema kInitial{"initial.csv", {"state", "value"}, {"strategy", "notes"}};
const Schema kTransitions{"transitions.csv", {"from", "to", "probability"}, {"strategy", "notes"}};
const Schema kStateRewards{
    "state_rewards.csv", {"state", "category", "value"}, {"strategy", "notes"}};
const Schema kTransitionRewards{
    "transition_rewards.csv", {"from", "to", "category", "value"}, {"strategy", "notes"}};
const Schema kTables{
    "tables.csv", {"name", "file"}, {"key", "interpolation", "out_of_range", "source", "notes"}};
const Schema kCovariance{"covariance.csv", {"parameter_1", "parameter_2", "value"}, {"notes"}};
const Schema kCostCategories{
    "cost_categories.csv", {"category"}, {"label", "payer", "cash_releasing", "notes"}};

std::string folder_needs() {
    return "A model folder needs " + join(required_model_files(), ", ") + "; it may also have " +
           join(optional_model_files(), ", ") + "; a decision tree (" + kTree.file +
           ") needs only " + kSettings.file + ", " + kParameters.file + " and " + kStrategies.file +
           " of the former (see " + kFormatDoc + ")";
}

// ---------------------------------------------------------------------------------------------
// Reading

// Remembers the line each name was first given on, to reject a second definition.
class Names {
public:
    explicit Names(std::string what) : what_(std::move(what)) {}

    void add(const std::string& name, const Location& where) {
        const auto found = lines_.emplace(name, where.line);
        if (!found.second)
            throw InputError(where,
                             what_ + " '" + name + "' is defined twice, on lines " +
                                 std::to_string(found.first->second) + " and " +
                                 std::to_string(where.line),
                             "Rename or delete one of the two rows");
    }

private:
    std::string what_;
    std::map<std::string, int> lines_;
};

class Folder {
public:
    Folder(const std::string& real, const std::string& shown) : real_(real), shown_(shown) {}

    fs::path real(const std::string& relative) const { return real_ / relative; }
    std::string shown(const std::string& relative) const { return (shown_ / relative).string(); }

    /// The file's name in the folder: an exact match, else the one match ignoring case (Windows
    /// users may save Settings.csv), else nothing.
    std::optional<std::string> find(const std::string& name) const {
        if (fs::is_regular_file(real_ / name)) return name;
        std::optional<std::string> match;
        for (const auto& entry : fs::directory_iterator(real_)) {
            const std::string candidate = entry.path().filename().string();
            if (to_lower(candidate) != name || !entry.is_regular_file()) continue;
            if (match)
                throw InputError(file_only(shown(name)),
                                 "the folder has both " + *match + " and " + candidate,
                                 "Keep only one of them");
            match = candidate;
        }
        return match;
    }

    std::optional<Sheet> open(const Schema& schema, bool required) const {
        const auto name = find(schema.file);
        if (name) return Sheet(read_csv_file(real(*name).string(), shown(*name)), schema);
        if (!required) return std::nullopt;
        throw InputError(file_only(shown(schema.file)),
                         "the model folder has no " + schema.file + spreadsheet_hint(schema.file),
                         folder_needs());
    }

private:
    std::string spreadsheet_hint(const std::string& csv_name) const {
        const std::string stem = fs::path(csv_name).stem().string();
        for (const char* ext : {".xlsx", ".xls", ".ods", ".txt"})
            if (fs::exists(real_ / (stem + ext)))
                return " (there is a " + stem + ext + ": save it as 'CSV UTF-8 (Comma delimited)')";
        return {};
    }

    fs::path real_;
    fs::path shown_;
};

bool parse_alive(const Sheet& sheet, const CsvRow& row) {
    const std::string v = to_lower(sheet.get(row, "alive"));
    if (v.empty() || v == "true" || v == "yes" || v == "1") return true;
    if (v == "false" || v == "no" || v == "0") return false;
    throw InputError(sheet.at(row, "alive"),
                     "'" + sheet.get(row, "alive") + "' is not true or false",
                     "Write true (or yes, 1) for a state whose time counts as life-years, false "
                     "(or no, 0) for a dead state, or leave it empty for true");
}

int parse_tunnel_length(const Sheet& sheet, const CsvRow& row) {
    const std::string v = sheet.get(row, "tunnel_length");
    if (v.empty()) return 1;
    double x = 0.0;
    if (!parse_double(v, x) || x < 1 || x > 1e6 || x != std::floor(x))
        throw InputError(sheet.at(row, "tunnel_length"),
                         "tunnel_length '" + v + "' is not a whole number of at least 1",
                         "Write 1 for an ordinary state, or the number of cycles the state must "
                         "remember (e.g. 3), or leave it empty for 1");
    return static_cast<int>(x);
}

void read_settings(const Sheet& sheet, ModelSpec& spec) {
    Names seen("setting");
    for (const auto& row : sheet.rows()) {
        const std::string key = sheet.need(row, "setting", "the setting's name (e.g. n_cycles)");
        const std::string lower = to_lower(key);
        seen.add(lower, sheet.at(row, "setting"));
        const std::string value = sheet.get(row, "value");
        if (lower == "name")
            spec.name = value;
        else if (lower == "description")
            spec.description = value;
        else
            apply_setting(spec.settings, key, value, sheet.at(row, "value"));
    }
}

// parameters.csv requires the column in its schema; tables.csv has it optional.
void require_source_column(const Sheet& sheet, const ModelSpec& spec) {
    if (spec.settings.require_sources && !sheet.has("source"))
        throw InputError(file_only(sheet.file()), "the file has no source column",
                         "Add a source column citing the report, table or page and price year of "
                         "each row, or 'Assumption: <reasoning>' (settings.csv sets "
                         "require_sources)");
}

// A blank source is reported where the reader can point at the cell to fill in.
void require_source(const Sheet& sheet, const CsvRow& row, const ModelSpec& spec,
                    const std::string& what) {
    if (spec.settings.require_sources && trim(sheet.get(row, "source")).empty())
        throw InputError(sheet.at(row, "source"), what + " has no source", missing_source_fix());
}

void read_parameters(const Sheet& sheet, ModelSpec& spec) {
    Names seen("parameter");
    for (const auto& row : sheet.rows()) {
        Parameter p;
        p.name = sheet.need(row, "name", "the parameter a name");
        seen.add(p.name, sheet.at(row, "name"));
        p.expression =
            sheet.need(row, "value", "a number or an expression (e.g. 0.15 or r_HD * hr_S1)");
        p.unit = sheet.get(row, "unit");
        p.price_year = sheet.get(row, "price_year");
        p.source = sheet.get(row, "source");
        p.notes = sheet.get(row, "notes");
        p.distribution = sheet.get(row, "distribution");
        p.distribution_parameters = sheet.get(row, "distribution_parameters");
        p.where = sheet.at(row, "value");
        require_source(sheet, row, spec, "parameter '" + p.name + "'");
        const std::string problem = parameter_unit_problem(p);
        if (!problem.empty())
            throw InputError(p.where, problem, "Correct the value or the unit column");
        spec.parameters.push_back(std::move(p));
    }
}

void read_states(const Sheet& sheet, ModelSpec& spec) {
    Names seen("state");
    for (const auto& row : sheet.rows()) {
        State s;
        s.name = sheet.need(row, "name", "the state a name");
        s.where = sheet.at(row, "name");
        seen.add(s.name, s.where);
        s.label = sheet.get(row, "label");
        s.alive = parse_alive(sheet, row);
        s.tunnel_length = parse_tunnel_length(sheet, row);
        const std::string initial = sheet.get(row, "initial");
        if (!initial.empty())
            spec.initial.push_back({kAllStrategies, s.name, initial, sheet.at(row, "initial")});
        spec.states.push_back(std::move(s));
    }
}

void read_strategies(const Sheet& sheet, ModelSpec& spec) {
    Names seen("strategy");
    for (const auto& row : sheet.rows()) {
        Strategy s;
        s.name = sheet.need(row, "name", "the strategy a name");
        s.where = sheet.at(row, "name");
        seen.add(s.name, s.where);
        s.label = sheet.get(row, "label");
        spec.strategies.push_back(std::move(s));
    }
}

void read_initial(const Sheet& sheet, ModelSpec& spec) {
    for (const auto& row : sheet.rows()) {
        InitialShare share;
        share.strategy = sheet.strategy(row);
        share.state = sheet.need(row, "state", "the state the share starts in");
        share.expression = sheet.need(row, "value", "the share starting there (e.g. 1 or 0.25)");
        share.where = sheet.at(row, "value");
        spec.initial.push_back(std::move(share));
    }
}

void read_transitions(const Sheet& sheet, ModelSpec& spec) {
    for (const auto& row : sheet.rows()) {
        Transition t;
        t.strategy = sheet.strategy(row);
        t.from = sheet.need(row, "from", "the state the cohort moves from");
        t.to = sheet.need(row, "to", "the state the cohort moves to");
        t.expression = sheet.need(row, "probability",
                                  "a probability expression, or C for the rest of the row");
        t.where = sheet.at(row, "probability");
        spec.transitions.push_back(std::move(t));
    }
}

void read_state_rewards(const Sheet& sheet, ModelSpec& spec) {
    for (const auto& row : sheet.rows()) {
        StateReward r;
        r.strategy = sheet.strategy(row);
        r.state = sheet.need(row, "state", "the state earning the reward");
        r.category = sheet.need(row, "category", "a cost category or utility");
        r.expression = sheet.need(row, "value", "the reward per year (write 0 for none)");
        r.where = sheet.at(row, "value");
        spec.state_rewards.push_back(std::move(r));
    }
}

void read_transition_rewards(const Sheet& sheet, ModelSpec& spec) {
    for (const auto& row : sheet.rows()) {
        TransitionReward r;
        r.strategy = sheet.strategy(row);
        r.from = sheet.need(row, "from", "the state the flow leaves (or * for every other state)");
        r.to = sheet.need(row, "to", "the state the flow enters");
        r.category = sheet.need(row, "category", "a cost category or utility");
        r.expression = sheet.need(row, "value", "the one-off reward per person moving");
        r.where = sheet.at(row, "value");
        spec.transition_rewards.push_back(std::move(r));
    }
}

bool parse_cash_releasing(const Sheet& sheet, const CsvRow& row) {
    const std::string v = to_lower(sheet.get(row, "cash_releasing"));
    if (v.empty() || v == "false" || v == "no" || v == "0") return false;
    if (v == "true" || v == "yes" || v == "1") return true;
    throw InputError(
        sheet.at(row, "cash_releasing"),
        "cash_releasing must be yes or no, found '" + sheet.get(row, "cash_releasing") + "'",
        "Write yes when a saving in this category frees cash a budget holder can "
        "spend elsewhere, no otherwise");
}

void read_covariance(const Sheet& sheet, ModelSpec& spec) {
    for (const auto& row : sheet.rows()) {
        CovarianceEntry c;
        c.parameter_1 = sheet.need(row, "parameter_1", "the first parameter of the pair");
        c.parameter_2 = sheet.need(row, "parameter_2", "the second parameter of the pair");
        const std::string text = sheet.need(row, "value", "the covariance (a number)");
        c.where = sheet.at(row, "value");
        if (!parse_double(text, c.value) || !std::isfinite(c.value))
            throw InputError(c.where, "the covariance '" + text + "' is not a number",
                             "Write a plain number such as 0.0025 (variances on the diagonal, "
                             "covariances off it)");
        spec.covariance.push_back(std::move(c));
    }
}

void read_cost_categories(const Sheet& sheet, ModelSpec& spec) {
    Names seen("cost category");
    for (const auto& row : sheet.rows()) {
        CostCategory c;
        c.name = sheet.need(row, "category", "the category's name");
        seen.add(c.name, sheet.at(row, "category"));
        c.label = sheet.get(row, "label");
        c.payer = sheet.get(row, "payer");
        c.cash_releasing = parse_cash_releasing(sheet, row);
        c.notes = sheet.get(row, "notes");
        c.where = sheet.at(row, "category");
        spec.cost_categories.push_back(std::move(c));
    }
}

// ---- lookup tables

Interpolation parse_interpolation(const Sheet& sheet, const CsvRow& row) {
    const std::string v = to_lower(sheet.get(row, "interpolation"));
    if (v.empty() || v == "step") return Interpolation::step;
    if (v == "linear") return Interpolation::linear;
    throw InputError(sheet.at(row, "interpolation"),
                     "unknown interpolation '" + sheet.get(row, "interpolation") + "'" +
                         did_you_mean(v, {"step", "linear"}),
                     "Write step (the value at the largest key not above the argument) or linear, "
                     "or leave it empty for step");
}

OutOfRange parse_out_of_range(const Sheet& sheet, const CsvRow& row) {
    const std::string v = to_lower(sheet.get(row, "out_of_range"));
    if (v.empty() || v == "clamp") return OutOfRange::clamp;
    if (v == "error") return OutOfRange::error;
    throw InputError(sheet.at(row, "out_of_range"),
                     "unknown out_of_range '" + sheet.get(row, "out_of_range") + "'" +
                         did_you_mean(v, {"clamp", "error"}),
                     "Write clamp (use the first or last row) or error, or leave it empty for "
                     "clamp");
}

double table_number(const CsvTable& data, const CsvRow& row, std::size_t column) {
    const std::string& cell = row.cells[column];
    const Location where = data.at(row, static_cast<int>(column));
    double x = 0.0;
    if (cell.empty())
        throw InputError(where, "the cell is empty", "Fill in a number: tables have no gaps");
    if (!parse_double(cell, x) || !std::isfinite(x))
        throw InputError(where, "'" + cell + "' is not a number",
                         "Write a plain number such as 0.0123 (no thousands separators, % signs "
                         "or text)");
    return x;
}

std::size_t key_column(const Sheet& sheet, const CsvRow& row, const CsvTable& data) {
    const std::string key = sheet.get(row, "key");
    if (key.empty()) return 0;
    const int i = data.find_column(key);
    if (i < 0)
        throw InputError(sheet.at(row, "key"),
                         "the table file " + data.file + " has no column '" + key + "'" +
                             did_you_mean(key, data.header),
                         "Name one of its columns: " + join(data.header, ", "));
    return static_cast<std::size_t>(i);
}

void fill_table(LookupTable& t, const CsvTable& data, std::size_t key) {
    if (data.header.size() < 2)
        throw InputError(data.at_header(), "the table has no value columns",
                         "Give a header with the key column (e.g. age) and at least one column "
                         "of values");
    if (data.rows.empty())
        throw InputError(data.at_header(), "the table has no rows",
                         "Add one row per key value below the header");
    t.key_name = data.header[key];
    for (std::size_t c = 0; c < data.header.size(); ++c)
        if (c != key) t.columns.push_back(data.header[c]);
    t.values.assign(t.columns.size(), {});
    for (const auto& row : data.rows) {
        const double k = table_number(data, row, key);
        if (!t.keys.empty() && !(k > t.keys.back()))
            throw InputError(data.at(row, static_cast<int>(key)),
                             "the keys must increase from row to row, but " + t.key_name + " " +
                                 row.cells[key] + " follows " + format_double(t.keys.back()),
                             "Sort the rows by " + t.key_name + " and remove repeated keys");
        t.keys.push_back(k);
        std::size_t v = 0;
        for (std::size_t c = 0; c < data.header.size(); ++c)
            if (c != key) t.values[v++].push_back(table_number(data, row, c));
    }
}

LookupTable read_table(const Folder& folder, const Sheet& sheet, const CsvRow& row) {
    LookupTable t;
    t.name = sheet.need(row, "name", "the table a name (its functions are called name_column)");
    t.where = sheet.at(row, "name");
    t.interpolation = parse_interpolation(sheet, row);
    t.out_of_range = parse_out_of_range(sheet, row);
    t.source = sheet.get(row, "source");
    t.notes = sheet.get(row, "notes");
    const std::string file =
        sheet.need(row, "file", "the table's CSV file, relative to the folder (e.g. tables/x.csv)");
    if (!fs::is_regular_file(folder.real(file)))
        throw InputError(sheet.at(row, "file"), "the table file '" + file + "' does not exist",
                         "Check the path: it is relative to the model folder, e.g. "
                         "tables/lifetable.csv");
    const CsvTable data = read_csv_file(folder.real(file).string(), folder.shown(file));
    if (data.header_line == 0)
        throw InputError(data.at_header(), "the table file is empty",
                         "Its first row must be a header: the key column (e.g. age), then one "
                         "column per value");
    fill_table(t, data, key_column(sheet, row, data));
    return t;
}

void read_tables(const Folder& folder, const Sheet& sheet, ModelSpec& spec) {
    require_source_column(sheet, spec);
    Names seen("table");
    for (const auto& row : sheet.rows()) {
        LookupTable t = read_table(folder, sheet, row);
        seen.add(t.name, t.where);
        require_source(sheet, row, spec, "lookup table '" + t.name + "'");
        spec.tables.push_back(std::move(t));
    }
}

ModelSpec read_folder(const std::string& real_dir, const std::string& shown_dir) {
    if (!fs::is_directory(real_dir))
        throw InputError(file_only(shown_dir), "the model folder does not exist or is not a folder",
                         folder_needs());
    const Folder folder(real_dir, shown_dir);
    ModelSpec spec;
    read_settings(*folder.open(kSettings, true), spec);
    read_parameters(*folder.open(kParameters, true), spec);
    // A decision tree needs no Markov model; if it has one, its branches may end in it.
    const auto tree = folder.open(kTree, false);
    const bool markov_required = !tree;
    if (auto sheet = folder.open(kStates, markov_required)) read_states(*sheet, spec);
    read_strategies(*folder.open(kStrategies, true), spec);
    if (auto sheet = folder.open(kInitial, false)) read_initial(*sheet, spec);
    if (auto sheet = folder.open(kTransitions, markov_required)) read_transitions(*sheet, spec);
    if (auto sheet = folder.open(kStateRewards, markov_required)) read_state_rewards(*sheet, spec);
    if (tree) read_tree(*tree, spec);
    if (auto sheet = folder.open(kTreePayoffs, false)) read_tree_payoffs(*sheet, spec);
    if (auto sheet = folder.open(kTransitionRewards, false)) read_transition_rewards(*sheet, spec);
    if (auto sheet = folder.open(kTables, false)) read_tables(folder, *sheet, spec);
    if (auto sheet = folder.open(kCostCategories, false)) read_cost_categories(*sheet, spec);
    if (auto sheet = folder.open(kCovariance, false)) read_covariance(*sheet, spec);
    return spec;
}

// ---------------------------------------------------------------------------------------------
// Writing

struct OutFile {
    std::string name;  // relative to the folder
    std::string text;
};

class CsvText {
public:
    explicit CsvText(const std::vector<std::string>& header) : text_(csv_line(header)) {}
    void add(const std::vector<std::string>& cells) { text_ += csv_line(cells); }
    const std::string& str() const { return text_; }

private:
    std::string text_;
};

std::string strategy_cell(const std::string& s) { return s.empty() ? kAllStrategies : s; }

std::string setting_note(const std::string& key) {
    if (key == "name") return "model name";
    if (key == "description") return "what the model is for";
    for (const auto& kv : setting_descriptions())
        if (kv.first == key) return kv.second;
    return {};
}

std::string settings_text(const ModelSpec& spec) {
    CsvText out({"setting", "value", "notes"});
    if (!spec.name.empty()) out.add({"name", spec.name, setting_note("name")});
    if (!spec.description.empty())
        out.add({"description", spec.description, setting_note("description")});
    for (const auto& kv : settings_to_pairs(spec.settings)) {
        // 0 cycles means "not set yet" and is the default, so leaving it out reads back the same.
        if (kv.first == "n_cycles" && spec.settings.n_cycles == 0) continue;
        out.add({kv.first, kv.second, setting_note(kv.first)});
    }
    return out.str();
}

std::string parameters_text(const ModelSpec& spec) {
    CsvText out({"name", "value", "unit", "price_year", "source", "notes", "distribution",
                 "distribution_parameters"});
    for (const auto& p : spec.parameters)
        out.add({p.name, p.expression, p.unit, p.price_year, p.source, p.notes, p.distribution,
                 p.distribution_parameters});
    return out.str();
}

// Shares for all strategies given in state order fit the `initial` column of states.csv, which is
// how a person writes them; anything else goes to initial.csv, which keeps any order.
bool initial_fits_states(const ModelSpec& spec) {
    std::size_t k = 0;
    for (const auto& s : spec.states) {
        if (k == spec.initial.size()) break;
        const InitialShare& share = spec.initial[k];
        if (strategy_cell(share.strategy) == kAllStrategies && share.state == s.name &&
            !share.expression.empty())
            ++k;
    }
    return k == spec.initial.size();
}

std::string states_text(const ModelSpec& spec, bool with_initial) {
    std::vector<std::string> header = {"name", "label", "alive", "tunnel_length"};
    if (with_initial) header.push_back("initial");
    CsvText out(header);
    std::size_t k = 0;
    for (const auto& s : spec.states) {
        std::vector<std::string> row = {s.name, s.label, s.alive ? "true" : "false",
                                        std::to_string(s.tunnel_length)};
        if (with_initial) {
            const bool has = k < spec.initial.size() && spec.initial[k].state == s.name;
            row.push_back(has ? spec.initial[k++].expression : "");
        }
        out.add(row);
    }
    return out.str();
}

std::string strategies_text(const ModelSpec& spec) {
    CsvText out({"name", "label"});
    for (const auto& s : spec.strategies) out.add({s.name, s.label});
    return out.str();
}

std::string initial_text(const ModelSpec& spec) {
    CsvText out({"strategy", "state", "value"});
    for (const auto& i : spec.initial) out.add({strategy_cell(i.strategy), i.state, i.expression});
    return out.str();
}

std::string transitions_text(const ModelSpec& spec) {
    CsvText out({"strategy", "from", "to", "probability"});
    for (const auto& t : spec.transitions)
        out.add({strategy_cell(t.strategy), t.from, t.to, t.expression});
    return out.str();
}

std::string state_rewards_text(const ModelSpec& spec) {
    CsvText out({"strategy", "state", "category", "value"});
    for (const auto& r : spec.state_rewards)
        out.add({strategy_cell(r.strategy), r.state, r.category, r.expression});
    return out.str();
}

std::string transition_rewards_text(const ModelSpec& spec) {
    CsvText out({"strategy", "from", "to", "category", "value"});
    for (const auto& r : spec.transition_rewards)
        out.add({strategy_cell(r.strategy), r.from, r.to, r.category, r.expression});
    return out.str();
}

std::string covariance_text(const ModelSpec& spec) {
    CsvText out({"parameter_1", "parameter_2", "value"});
    for (const auto& c : spec.covariance)
        out.add({c.parameter_1, c.parameter_2, format_double(c.value)});
    return out.str();
}

std::string cost_categories_text(const ModelSpec& spec) {
    CsvText out({"category", "label", "payer", "cash_releasing", "notes"});
    for (const auto& c : spec.cost_categories)
        out.add({c.name, c.label, c.payer, c.cash_releasing ? "yes" : "no", c.notes});
    return out.str();
}

// The ragged shapes a hand-built spec can have would otherwise surface as confusing cell-count
// errors in the files written for it.
void check_table_shape(const LookupTable& t, const std::string& tables_csv) {
    const auto fail = [&](const std::string& what, const std::string& fix) {
        throw InputError(file_only(tables_csv), "table '" + t.name + "' " + what, fix);
    };
    if (t.columns.size() != t.values.size())
        fail("has " + std::to_string(t.columns.size()) + " column names but " +
                 std::to_string(t.values.size()) + " columns of values",
             "Give one name per column of values");
    for (std::size_t c = 0; c < t.values.size(); ++c)
        if (t.values[c].size() != t.keys.size())
            fail("has " + std::to_string(t.keys.size()) + " keys but " +
                     std::to_string(t.values[c].size()) + " values in column '" + t.columns[c] +
                     "'",
                 "Give one value per key in every column");
}

std::string table_text(const LookupTable& t) {
    std::vector<std::string> header = {t.key_name};
    header.insert(header.end(), t.columns.begin(), t.columns.end());
    CsvText out(header);
    for (std::size_t r = 0; r < t.keys.size(); ++r) {
        std::vector<std::string> row = {format_double(t.keys[r])};
        for (const auto& column : t.values) row.push_back(format_double(column[r]));
        out.add(row);
    }
    return out.str();
}

// A file name from a table name that stays inside tables/ whatever the name holds.
std::string table_file_name(const std::string& name, std::set<std::string>& used) {
    std::string stem;
    for (char c : name)
        stem += (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') ? c : '_';
    if (stem.empty()) stem = "table";
    std::string file = "tables/" + stem + ".csv";
    for (int n = 2; !used.insert(to_lower(file)).second; ++n)
        file = "tables/" + stem + "_" + std::to_string(n) + ".csv";
    return file;
}

void add_tables(const ModelSpec& spec, const std::string& dir, std::vector<OutFile>& files) {
    if (spec.tables.empty()) return;
    CsvText index({"name", "file", "interpolation", "out_of_range", "source", "notes"});
    std::set<std::string> used;
    for (const auto& t : spec.tables) {
        check_table_shape(t, (fs::path(dir) / kTables.file).string());
        const std::string file = table_file_name(t.name, used);
        index.add({t.name, file, t.interpolation == Interpolation::step ? "step" : "linear",
                   t.out_of_range == OutOfRange::clamp ? "clamp" : "error", t.source, t.notes});
        files.push_back({file, table_text(t)});
    }
    files.push_back({kTables.file, index.str()});
}

std::vector<OutFile> render(const ModelSpec& spec, const std::string& dir) {
    const bool initial_in_states = initial_fits_states(spec);
    std::vector<OutFile> files = {
        {kSettings.file, settings_text(spec)},
        {kParameters.file, parameters_text(spec)},
        {kStrategies.file, strategies_text(spec)},
    };
    // A decision tree without states is a model of its own: no empty Markov files beside it.
    if (!spec.has_tree() || !spec.states.empty()) {
        files.push_back(
            {kStates.file, states_text(spec, initial_in_states && !spec.initial.empty())});
        files.push_back({kTransitions.file, transitions_text(spec)});
        files.push_back({kStateRewards.file, state_rewards_text(spec)});
    }
    if (!initial_in_states) files.push_back({kInitial.file, initial_text(spec)});
    if (spec.has_tree()) {
        files.push_back({kTree.file, tree_text(spec)});
        files.push_back({kTreePayoffs.file, tree_payoffs_text(spec)});
    }
    if (!spec.transition_rewards.empty())
        files.push_back({kTransitionRewards.file, transition_rewards_text(spec)});
    add_tables(spec, dir, files);
    if (!spec.cost_categories.empty())
        files.push_back({kCostCategories.file, cost_categories_text(spec)});
    if (!spec.covariance.empty()) files.push_back({kCovariance.file, covariance_text(spec)});
    return files;
}

void write_text(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out)
        throw InputError(file_only(path.string()), "cannot write the file",
                         "Check that the folder is writable and the disk is not full");
}

// Removes the staging folder unless it has been moved into place.
class StagingFolder {
public:
    explicit StagingFolder(const fs::path& target) {
        fs::create_directories(target.parent_path());
        std::random_device random;
        for (int attempt = 0; attempt < 100 && path_.empty(); ++attempt) {
            const fs::path p = target.parent_path() / ("." + target.filename().string() +
                                                       ".parity-tmp-" + std::to_string(random()));
            if (fs::create_directory(p)) path_ = p;
        }
        if (path_.empty())
            throw InputError(file_only(target.string()),
                             "cannot create a staging folder next to it",
                             "Check that the parent folder is writable");
    }
    StagingFolder(const StagingFolder&) = delete;
    StagingFolder& operator=(const StagingFolder&) = delete;
    ~StagingFolder() {
        std::error_code ignored;
        if (!path_.empty()) fs::remove_all(path_, ignored);
    }

    const fs::path& path() const { return path_; }
    void moved() { path_.clear(); }

private:
    fs::path path_;
};

fs::path normalised_target(const std::string& dir) {
    fs::path p = fs::absolute(fs::path(dir)).lexically_normal();
    if (!p.has_filename()) p = p.parent_path();
    return p;
}

// Optional format files the new spec does not write, and other-case twins of the ones it does,
// would otherwise be read back as part of the model.
void remove_stale_format_files(const fs::path& target, const std::vector<OutFile>& files) {
    std::set<std::string> written;
    for (const auto& f : files) written.insert(f.name);
    std::set<std::string> format(required_model_files().begin(), required_model_files().end());
    format.insert(optional_model_files().begin(), optional_model_files().end());
    std::vector<fs::path> stale;
    for (const auto& entry : fs::directory_iterator(target)) {
        const std::string name = entry.path().filename().string();
        const std::string lower = to_lower(name);
        if (!entry.is_regular_file() || !format.count(lower) || written.count(name)) continue;
        // On a case-insensitive disk the old Settings.csv is the settings.csv just written.
        const fs::path same = target / lower;
        std::error_code ec;
        if (written.count(lower) && fs::equivalent(entry.path(), same, ec)) continue;
        stale.push_back(entry.path());
    }
    for (const auto& p : stale) fs::remove(p);
}

void install(StagingFolder& staging, const fs::path& target, const std::vector<OutFile>& files) {
    if (!fs::exists(target)) {
        fs::rename(staging.path(), target);
        staging.moved();
        return;
    }
    // Renaming file by file keeps files in the folder that are not part of the format.
    for (const auto& f : files) {
        fs::create_directories((target / f.name).parent_path());
        fs::rename(staging.path() / f.name, target / f.name);
    }
    remove_stale_format_files(target, files);
}

}  // namespace

const std::vector<std::string>& required_model_files() {
    static const std::vector<std::string> files = {kSettings.file,    kParameters.file,
                                                   kStates.file,      kStrategies.file,
                                                   kTransitions.file, kStateRewards.file};
    return files;
}

const std::vector<std::string>& optional_model_files() {
    static const std::vector<std::string> files = {kInitial.file,    kTransitionRewards.file,
                                                   kTables.file,     kCostCategories.file,
                                                   kCovariance.file, kTree.file,
                                                   kTreePayoffs.file};
    return files;
}

ModelSpec read_model_folder(const std::string& dir) {
    try {
        return read_folder(dir, dir);
    } catch (const fs::filesystem_error& e) {
        throw InputError(file_only(dir), std::string("cannot read the model folder: ") + e.what(),
                         "Check that the folder and its files are readable");
    }
}

void write_model_folder(const ModelSpec& spec, const std::string& dir) {
    check_inputs(spec);  // a folder that would not load is not written
    const std::vector<OutFile> files = render(spec, dir);
    try {
        const fs::path target = normalised_target(dir);
        if (fs::exists(target) && !fs::is_directory(target))
            throw InputError(file_only(dir), "a file is in the way of the model folder",
                             "Give the path of a folder, or move the file");
        StagingFolder staging(target);
        for (const auto& f : files) write_text(staging.path() / f.name, f.text);
        try {
            read_folder(staging.path().string(), dir);
        } catch (const InputError& e) {
            throw InputError(
                file_only(dir),
                std::string("not written: the folder would not read back: ") + e.what(), "");
        }
        install(staging, target, files);
    } catch (const fs::filesystem_error& e) {
        throw InputError(file_only(dir), std::string("cannot write the model folder: ") + e.what(),
                         "Check that the folder and its parent are writable");
    }
}

}  // namespace parity
