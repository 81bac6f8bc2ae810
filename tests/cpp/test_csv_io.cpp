// Model folders: the shipped DARTH models, write/read round trips, and one test per malformed
// input, each checking that the message names the file and line and says how to fix it.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "parity/cohort.hpp"
#include "parity/csv_io.hpp"
#include "parity/csv_table.hpp"
#include "temp_folder.hpp"

namespace fs = std::filesystem;
using Catch::Contains;
using parity::InputError;
using parity::ModelSpec;

#define REQUIRE_INPUT_ERROR(expr, matcher)   \
    do {                                     \
        REQUIRE_THROWS_AS(expr, InputError); \
        REQUIRE_THROWS_WITH(expr, matcher);  \
    } while (false)

using parity::testing::TempDir;
using parity::testing::write_file;

namespace {

const std::string kSource = PARITY_SOURCE_DIR;

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The smallest valid folder; each bad-input test breaks one file of it.
void write_minimal_folder(const TempDir& dir) {
    write_file(dir / "settings.csv", "setting,value\nn_cycles,10\n");
    write_file(dir / "parameters.csv", "name,value,source\np_AB,0.1,test\nc_A,100,test\n");
    write_file(dir / "states.csv", "name,alive,initial\nA,true,1\nB,false,\n");
    write_file(dir / "strategies.csv", "name,label\nS,Standard\nT,New\n");
    write_file(dir / "transitions.csv",
               "strategy,from,to,probability\n*,A,B,p_AB\n,A,A,C\n*,B,B,1\n");
    write_file(dir / "state_rewards.csv", "state,category,value\nA,utility,1\nA,care,c_A\n");
}

void require_same_discount(const parity::DiscountSpec& a, const parity::DiscountSpec& b) {
    CHECK(a.rate == b.rate);
    CHECK(a.method == b.method);
    CHECK(a.scaling == b.scaling);
    CHECK(a.discount_first_cycle == b.discount_first_cycle);
    REQUIRE(a.schedule.size() == b.schedule.size());
    for (std::size_t i = 0; i < a.schedule.size(); ++i) {
        CHECK(a.schedule[i].from_year == b.schedule[i].from_year);
        CHECK(a.schedule[i].rate == b.schedule[i].rate);
    }
}

void require_same_settings(const parity::Settings& a, const parity::Settings& b) {
    CHECK(a.n_cycles == b.n_cycles);
    CHECK(a.cycle_length == b.cycle_length);
    CHECK(a.start_age == b.start_age);
    require_same_discount(a.cost_discount, b.cost_discount);
    require_same_discount(a.outcome_discount, b.outcome_discount);
    CHECK(a.correction.method == b.correction.method);
    CHECK(a.correction.weights == b.correction.weights);
    CHECK(a.currency == b.currency);
    CHECK(a.price_year == b.price_year);
    CHECK(a.wtp == b.wtp);
}

// Field by field, ignoring where things came from.
void require_same(const ModelSpec& a, const ModelSpec& b) {
    CHECK(a.name == b.name);
    CHECK(a.description == b.description);
    require_same_settings(a.settings, b.settings);
    REQUIRE(a.parameters.size() == b.parameters.size());
    for (std::size_t i = 0; i < a.parameters.size(); ++i) {
        const auto &x = a.parameters[i], &y = b.parameters[i];
        CHECK(x.name == y.name);
        CHECK(x.expression == y.expression);
        CHECK(x.unit == y.unit);
        CHECK(x.price_year == y.price_year);
        CHECK(x.source == y.source);
        CHECK(x.notes == y.notes);
        CHECK(x.distribution == y.distribution);
        CHECK(x.distribution_parameters == y.distribution_parameters);
    }
    REQUIRE(a.states.size() == b.states.size());
    for (std::size_t i = 0; i < a.states.size(); ++i) {
        CHECK(a.states[i].name == b.states[i].name);
        CHECK(a.states[i].label == b.states[i].label);
        CHECK(a.states[i].alive == b.states[i].alive);
        CHECK(a.states[i].tunnel_length == b.states[i].tunnel_length);
    }
    REQUIRE(a.strategies.size() == b.strategies.size());
    for (std::size_t i = 0; i < a.strategies.size(); ++i) {
        CHECK(a.strategies[i].name == b.strategies[i].name);
        CHECK(a.strategies[i].label == b.strategies[i].label);
    }
    REQUIRE(a.transitions.size() == b.transitions.size());
    for (std::size_t i = 0; i < a.transitions.size(); ++i) {
        const auto &x = a.transitions[i], &y = b.transitions[i];
        CHECK(x.strategy == y.strategy);
        CHECK(x.from == y.from);
        CHECK(x.to == y.to);
        CHECK(x.expression == y.expression);
    }
    REQUIRE(a.state_rewards.size() == b.state_rewards.size());
    for (std::size_t i = 0; i < a.state_rewards.size(); ++i) {
        const auto &x = a.state_rewards[i], &y = b.state_rewards[i];
        CHECK(x.strategy == y.strategy);
        CHECK(x.state == y.state);
        CHECK(x.category == y.category);
        CHECK(x.expression == y.expression);
    }
    REQUIRE(a.transition_rewards.size() == b.transition_rewards.size());
    for (std::size_t i = 0; i < a.transition_rewards.size(); ++i) {
        const auto &x = a.transition_rewards[i], &y = b.transition_rewards[i];
        CHECK(x.strategy == y.strategy);
        CHECK(x.from == y.from);
        CHECK(x.to == y.to);
        CHECK(x.category == y.category);
        CHECK(x.expression == y.expression);
    }
    REQUIRE(a.initial.size() == b.initial.size());
    for (std::size_t i = 0; i < a.initial.size(); ++i) {
        CHECK(a.initial[i].strategy == b.initial[i].strategy);
        CHECK(a.initial[i].state == b.initial[i].state);
        CHECK(a.initial[i].expression == b.initial[i].expression);
    }
    REQUIRE(a.tables.size() == b.tables.size());
    for (std::size_t i = 0; i < a.tables.size(); ++i) {
        const auto &x = a.tables[i], &y = b.tables[i];
        CHECK(x.name == y.name);
        CHECK(x.key_name == y.key_name);
        CHECK(x.keys == y.keys);
        CHECK(x.columns == y.columns);
        CHECK(x.values == y.values);
        CHECK(x.interpolation == y.interpolation);
        CHECK(x.out_of_range == y.out_of_range);
        CHECK(x.source == y.source);
        CHECK(x.notes == y.notes);
    }
    REQUIRE(a.covariance.size() == b.covariance.size());
    for (std::size_t i = 0; i < a.covariance.size(); ++i) {
        CHECK(a.covariance[i].parameter_1 == b.covariance[i].parameter_1);
        CHECK(a.covariance[i].parameter_2 == b.covariance[i].parameter_2);
        CHECK(a.covariance[i].value == b.covariance[i].value);
    }
    REQUIRE(a.cost_categories.size() == b.cost_categories.size());
    for (std::size_t i = 0; i < a.cost_categories.size(); ++i) {
        const auto &x = a.cost_categories[i], &y = b.cost_categories[i];
        CHECK(x.name == y.name);
        CHECK(x.label == y.label);
        CHECK(x.payer == y.payer);
        CHECK(x.cash_releasing == y.cash_releasing);
        CHECK(x.notes == y.notes);
    }
}

parity::Parameter parameter(const std::string& name, const std::string& expression) {
    parity::Parameter p;
    p.name = name;
    p.expression = expression;
    p.source = "test";
    return p;
}

// A spec using every field, with text that needs quoting.
ModelSpec full_spec() {
    ModelSpec spec;
    spec.name = "Round trip, with \"quotes\"";
    spec.description = "line one\nline two";
    auto& s = spec.settings;
    s.n_cycles = 12;
    s.cycle_length = 1.0 / 12.0;
    s.start_age = 40.5;
    s.cost_discount.rate = 0.035;
    s.outcome_discount.rate = 0.015;
    s.cost_discount.schedule = parity::green_book_schedule();
    s.outcome_discount.schedule = s.cost_discount.schedule;
    s.correction.method = parity::CorrectionMethod::weights;
    for (int t = 0; t <= 12; ++t) s.correction.weights.push_back(t % 2 ? 2.0 / 3.0 : 0.1 + 0.2);
    s.currency = "EUR";
    s.price_year = "2024/25";
    s.wtp = {20000.0, 30000.0, 1e-7};

    auto p = parameter("p_x", "max(a, b) * 0.5");
    p.unit = "probability";
    p.price_year = "2023";
    p.source = "NICE, 2024 \"TA123\"";
    p.notes = " leading and trailing blanks ";
    p.distribution = "beta";
    p.distribution_parameters = "alpha=1; beta=2";
    spec.parameters = {p, parameter("c_y", "#not a comment"), parameter("z", "lt_rate(age)")};

    spec.states = {{"Well", "Well, at home", true, 1, {}},
                   {"Post", "After event", true, 3, {}},
                   {"Dead", "", false, 1, {}}};
    spec.strategies = {{"S1", "Standard", {}}, {"S2", "New \"drug\"", {}}};
    spec.initial = {{"*", "Well", "0.9", {}}, {"S2", "Post", "0.1", {}}, {"*", "Post", "0.1", {}}};
    spec.transitions = {{"*", "Well", "Dead", "p_x", {}},
                        {"*", "Well", "Well", "C", {}},
                        {"S2", "Well", "Dead", "p_x * 0.5", {}}};
    spec.state_rewards = {{"*", "Well", "utility", "0.8", {}}, {"S2", "Post", "drug", "c_y", {}}};
    spec.transition_rewards = {{"*", "*", "Dead", "acute", "1000", {}}};

    parity::LookupTable lt;
    lt.name = "lt";
    lt.key_name = "age";
    lt.keys = {-1.5, 0.0, 10.0, 100.0};
    lt.columns = {"rate", "other"};
    lt.values = {{0.1, 0.2, 1.0 / 3.0, 1e-300}, {1.0, 2.0, 3.0, 4.0}};
    lt.interpolation = parity::Interpolation::linear;
    lt.out_of_range = parity::OutOfRange::error;
    parity::LookupTable one;
    one.name = "one col";
    one.key_name = "Year";
    one.keys = {2020.0};
    one.columns = {"Index"};
    one.values = {{100.0}};
    one.source = "ONS, a \"quoted\" source, with a comma";
    one.notes = "index";
    spec.tables = {lt, one};
    spec.covariance = {{"a", "a", 0.25, {}}, {"a", "b", -0.0125, {}}};
    spec.cost_categories = {{"acute", "Acute hospital care", "nhs_acute", true, "", {}},
                            {"drug", "", "", false, "prescribing", {}}};
    return spec;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

TEST_CASE("the time-independent Sick-Sicker folder reads as published", "[csv_io]") {
    const ModelSpec spec = parity::read_model_folder(kSource + "/params/sick_sicker");
    CHECK(spec.name == "sick_sicker");
    CHECK(spec.parameters.size() == 28);
    REQUIRE(spec.states.size() == 4);
    CHECK(spec.states[0].name == "H");
    CHECK(spec.states[3].name == "D");
    CHECK_FALSE(spec.states[3].alive);
    CHECK(spec.states[1].alive);
    REQUIRE(spec.strategies.size() == 4);
    CHECK(spec.strategies[3].name == "AB");
    CHECK(spec.transitions.size() == 14);
    CHECK(spec.state_rewards.size() == 16);
    CHECK(spec.transition_rewards.empty());
    CHECK(spec.tables.empty());
    REQUIRE(spec.initial.size() == 1);
    CHECK(spec.initial[0].strategy == "*");
    CHECK(spec.initial[0].state == "H");
    CHECK(spec.initial[0].expression == "1");
    REQUIRE(spec.cost_categories.size() == 2);
    CHECK(spec.cost_categories[0].name == "health_care");
    CHECK(spec.cost_categories[1].name == "treatment");

    const auto& s = spec.settings;
    CHECK(s.n_cycles == 75);
    CHECK(s.cycle_length == 1.0);
    CHECK(s.start_age == 25.0);
    CHECK(s.cost_discount.rate == 0.03);
    CHECK(s.outcome_discount.rate == 0.03);
    CHECK(s.correction.method == parity::CorrectionMethod::simpson);
    CHECK(s.currency == "USD");
    CHECK(s.wtp == std::vector<double>{100000.0});

    bool found_trtB = false;
    for (const auto& p : spec.parameters) {
        if (p.name != "c_trtB") continue;
        found_trtB = true;
        CHECK(p.expression == "13000");
        CHECK_THAT(p.notes, Contains("12,000"));
        CHECK(p.distribution == "gamma");
    }
    CHECK(found_trtB);
    const auto& first = spec.parameters[0];
    CHECK(first.name == "r_HD");
    CHECK(first.where.file == kSource + "/params/sick_sicker/parameters.csv");
    CHECK(first.where.line == 2);
    CHECK(first.where.column == 2);
    CHECK(first.where.column_name == "value");
}

TEST_CASE("the age-dependent Sick-Sicker folder reads with its life table", "[csv_io]") {
    const ModelSpec spec = parity::read_model_folder(kSource + "/params/sick_sicker_age");
    CHECK(spec.parameters.size() == 31);
    CHECK(spec.states.size() == 4);
    CHECK(spec.strategies.size() == 4);
    CHECK(spec.transitions.size() == 14);
    CHECK(spec.state_rewards.size() == 16);
    REQUIRE(spec.transition_rewards.size() == 3);
    CHECK(spec.transition_rewards[2].from == "*");
    CHECK(spec.transition_rewards[2].to == "D");

    REQUIRE(spec.tables.size() == 1);
    const auto& lt = spec.tables[0];
    CHECK(lt.name == "lifetable");
    CHECK(lt.key_name == "Age");
    CHECK(lt.columns == std::vector<std::string>{"Year", "Female", "Male", "Total"});
    REQUIRE(lt.keys.size() == 111);
    CHECK(lt.keys.front() == 0.0);
    CHECK(lt.keys.back() == 110.0);
    CHECK(lt.values[3][0] == 0.005907);
    CHECK(lt.values[3][110] == 0.56768);
    CHECK(lt.interpolation == parity::Interpolation::step);
    CHECK(lt.out_of_range == parity::OutOfRange::error);

    const auto& c = spec.settings.correction;
    CHECK(c.method == parity::CorrectionMethod::weights);
    REQUIRE(c.weights.size() == 76);
    CHECK(c.weights[0] == 1.0 / 3.0);
    CHECK(c.weights[1] == 2.0 / 3.0);
    CHECK(c.weights[2] == 4.0 / 3.0);
    CHECK(c.weights[74] == 4.0 / 3.0);
    CHECK(c.weights[75] == 1.0 / 3.0);
    CHECK(spec.settings.n_cycles == 75);
    CHECK(spec.settings.start_age == 25.0);
    CHECK(spec.settings.cost_discount.rate == 0.03);
}

TEST_CASE("a spec using every field survives write then read", "[csv_io]") {
    TempDir tmp;
    const ModelSpec spec = full_spec();
    const std::string dir = tmp / "nested/model";
    parity::write_model_folder(spec, dir);
    CHECK(fs::exists(dir + "/initial.csv"));
    CHECK(fs::exists(dir + "/tables.csv"));
    require_same(spec, parity::read_model_folder(dir));

    // Writing again over the folder keeps files that are not part of the format.
    write_file(dir + "/README.md", "notes");
    parity::write_model_folder(spec, dir);
    CHECK(read_file(dir + "/README.md") == "notes");
    require_same(spec, parity::read_model_folder(dir));
}

TEST_CASE("an empty spec survives write then read", "[csv_io]") {
    TempDir tmp;
    parity::write_model_folder(ModelSpec{}, tmp / "empty");
    require_same(ModelSpec{}, parity::read_model_folder(tmp / "empty"));
}

TEST_CASE("the shipped folders survive read, write, read", "[csv_io]") {
    for (const char* name : {"sick_sicker", "sick_sicker_age"}) {
        TempDir tmp;
        const ModelSpec spec = parity::read_model_folder(kSource + "/params/" + name);
        parity::write_model_folder(spec, tmp / name);
        require_same(spec, parity::read_model_folder(tmp / name));
    }
}

TEST_CASE("writing drops optional files the spec no longer needs", "[csv_io]") {
    TempDir tmp;
    ModelSpec spec = full_spec();
    parity::write_model_folder(spec, tmp.str());
    REQUIRE(fs::exists(tmp / "transition_rewards.csv"));
    spec.transition_rewards.clear();
    spec.tables.clear();
    spec.parameters.pop_back();  // the one using the table
    write_file(tmp / "Initial.CSV", "strategy,state,value\n*,Nowhere,1\n");
    parity::write_model_folder(spec, tmp.str());
    CHECK_FALSE(fs::exists(tmp / "Initial.CSV"));
    CHECK_FALSE(fs::exists(tmp / "transition_rewards.csv"));
    CHECK_FALSE(fs::exists(tmp / "tables.csv"));
    require_same(spec, parity::read_model_folder(tmp.str()));
}

TEST_CASE("a spec that would not read back is not written", "[csv_io]") {
    TempDir tmp;
    ModelSpec bad = full_spec();
    bad.parameters.push_back(parameter("p_x", "1"));
    const std::string dir = tmp / "model";
    REQUIRE_INPUT_ERROR(parity::write_model_folder(bad, dir), Contains("not written") &&
                                                                  Contains("parameters.csv:5") &&
                                                                  Contains("defined twice"));
    CHECK_FALSE(fs::exists(dir));
    CHECK(fs::is_empty(tmp.str()));  // no staging folder left behind

    // An existing folder is left exactly as it was.
    parity::write_model_folder(full_spec(), dir);
    const std::string before = read_file(dir + "/parameters.csv");
    REQUIRE_THROWS_AS(parity::write_model_folder(bad, dir), InputError);
    CHECK(read_file(dir + "/parameters.csv") == before);
    CHECK(std::distance(fs::directory_iterator(tmp.str()), fs::directory_iterator()) == 1);

    ModelSpec ragged = full_spec();
    ragged.tables[0].values[1].pop_back();
    REQUIRE_INPUT_ERROR(parity::write_model_folder(ragged, tmp / "other"),
                        Contains("tables.csv") && Contains("one value per key"));
    CHECK_FALSE(fs::exists(tmp / "other"));
}

// ---------------------------------------------------------------------------------------------
// Format details

TEST_CASE("a minimal folder reads, with blank strategies meaning all of them", "[csv_io]") {
    TempDir dir;
    write_minimal_folder(dir);
    const ModelSpec spec = parity::read_model_folder(dir.str());
    REQUIRE(spec.transitions.size() == 3);
    for (const auto& t : spec.transitions) CHECK(t.strategy == "*");
    CHECK(spec.transitions[1].expression == "C");
    CHECK(spec.transitions[1].where.line == 3);
    CHECK(spec.transitions[1].where.column == 4);
    CHECK(spec.transitions[1].where.column_name == "probability");
    for (const auto& r : spec.state_rewards) CHECK(r.strategy == "*");
    REQUIRE(spec.initial.size() == 1);
    CHECK(spec.initial[0].where.column_name == "initial");
    CHECK(spec.states[1].tunnel_length == 1);
}

TEST_CASE("BOM, CRLF, comments, blank lines and padded rows are accepted", "[csv_io]") {
    TempDir dir;
    write_minimal_folder(dir);
    write_file(dir / "parameters.csv",
               "\xEF\xBB\xBF Name , VALUE,Source,Notes,,\r\n"
               "# a comment line, with \"quotes\r\n"
               "\r\n"
               "p_AB,0.1,test,,,\r\n"
               ",,,,,\r\n"
               "  c_A , 100 ,test,\"a, b\"\r\n");
    write_file(dir / "settings.csv",
               "setting,value\r\nname,\"Model \"\"one\"\", v2\"\r\nn_cycles,10");
    const ModelSpec spec = parity::read_model_folder(dir.str());
    CHECK(spec.name == "Model \"one\", v2");
    REQUIRE(spec.parameters.size() == 2);
    CHECK(spec.parameters[0].name == "p_AB");
    CHECK(spec.parameters[0].expression == "0.1");
    CHECK(spec.parameters[0].where.line == 4);
    CHECK(spec.parameters[1].name == "c_A");
    CHECK(spec.parameters[1].expression == "100");
    CHECK(spec.parameters[1].notes == "a, b");
    CHECK(spec.parameters[1].where.line == 6);
}

TEST_CASE("a quoted cell may run over several lines", "[csv_io]") {
    TempDir dir;
    write_minimal_folder(dir);
    write_file(dir / "parameters.csv",
               "name,value,source,notes\np_AB,0.1,test,\"first line\nsecond, line\"\nc_A,100,t,\n");
    const ModelSpec spec = parity::read_model_folder(dir.str());
    REQUIRE(spec.parameters.size() == 2);
    CHECK(spec.parameters[0].notes == "first line\nsecond, line");
    CHECK(spec.parameters[1].where.line == 4);
}

TEST_CASE("file names are matched ignoring case", "[csv_io]") {
    TempDir dir;
    write_minimal_folder(dir);
    fs::rename(dir / "settings.csv", dir / "Settings.CSV");
    CHECK(parity::read_model_folder(dir.str()).settings.n_cycles == 10);
}

TEST_CASE("csv_cell quotes exactly what a reader would change", "[csv_table]") {
    CHECK(parity::csv_cell("plain") == "plain");
    CHECK(parity::csv_cell("") == "");
    CHECK(parity::csv_cell("a, b") == "\"a, b\"");
    CHECK(parity::csv_cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(parity::csv_cell(" x") == "\" x\"");
    CHECK(parity::csv_cell("#x") == "\"#x\"");
    const std::vector<std::string> cells = {"#a", " b ", "c\nd", "e\"f", "g,h", ""};
    const auto table = parity::parse_csv_text(
        parity::csv_line({"1", "2", "3", "4", "5", "6"}) + parity::csv_line(cells), "t.csv");
    REQUIRE(table.rows.size() == 1);
    CHECK(table.rows[0].cells == cells);
}

// ---------------------------------------------------------------------------------------------
// Malformed input: every message names the file and line and says how to fix it.

TEST_CASE("a missing required file names the files a folder needs", "[csv_io][errors]") {
    TempDir dir;
    write_minimal_folder(dir);
    fs::remove(dir / "transitions.csv");
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir.str()),
                        Contains("transitions.csv") && Contains("A model folder needs") &&
                            Contains("state_rewards.csv"));
    write_file(dir / "transitions.xlsx", "");
    REQUIRE_THROWS_WITH(parity::read_model_folder(dir.str()), Contains("save it as"));
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir / "nowhere"), Contains("does not exist"));
}

TEST_CASE("a missing required column lists the columns found", "[csv_io][errors]") {
    TempDir dir;
    write_minimal_folder(dir);
    write_file(dir / "parameters.csv", "name,value\np_AB,0.1\n");
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir.str()),
                        Contains("parameters.csv:1") && Contains("'source' is missing") &&
                            Contains("the header has: name, value") && Contains("Add a column"));
}

TEST_CASE("an unknown column suggests the closest one", "[csv_io][errors]") {
    TempDir dir;
    write_minimal_folder(dir);
    write_file(dir / "states.csv", "name,alvie\nA,true\nB,false\n");
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir.str()),
                        Contains("states.csv:1:2") && Contains("did you mean 'alive'") &&
                            Contains("accepted columns are") && Contains("tunnel_length"));
}

TEST_CASE("rows must have one cell per column", "[csv_io][errors]") {
    TempDir dir;
    write_minimal_folder(dir);
    write_file(dir / "parameters.csv", "name,value,source\np_AB,0.1,test\nc_A,1,000,test\n");
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir.str()),
                        Contains("parameters.csv:3:4") && Contains("has 4 cells") &&
                            Contains("quote cells that contain commas"));
    write_file(dir / "parameters.csv", "name,value,source\np_AB,0.1,test\nc_A,100\n");
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir.str()),
                        Contains("parameters.csv:3") && Contains("has 2 cells") &&
                            Contains("Add the missing cells"));
}

TEST_CASE("quotes must be closed and stand alone", "[csv_io][errors]") {
    TempDir dir;
    write_minimal_folder(dir);
    write_file(dir / "parameters.csv",
               "name,value,source\np_AB,0.1,test\nc_A,100,\"open\n\nmore,text\n");
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir.str()), Contains("parameters.csv:3:3") &&
                                                                  Contains("never closed") &&
                                                                  Contains("closing quote"));
    write_file(dir / "parameters.csv", "name,value,source\np_AB,\"0.1\"x,test\n");
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir.str()),
                        Contains("parameters.csv:2:2") && Contains("follows the closing quote") &&
                            Contains("Put the whole cell in quotes"));
}

TEST_CASE("tunnel_length and alive must be well formed", "[csv_io][errors]") {
    TempDir dir;
    write_minimal_folder(dir);
    write_file(dir / "states.csv", "name,alive,tunnel_length\nA,true,2\nB,false,two\n");
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir.str()),
                        Contains("states.csv:3:3") && Contains("'two'") &&
                            Contains("whole number") && Contains("Write 1"));
    write_file(dir / "states.csv", "name,alive,tunnel_length\nA,true,2.5\nB,false,1\n");
    REQUIRE_THROWS_WITH(parity::read_model_folder(dir.str()), Contains("states.csv:2:3"));
    write_file(dir / "states.csv", "name,alive\nA,maybe\nB,no\n");
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir.str()), Contains("states.csv:2:2") &&
                                                                  Contains("'maybe'") &&
                                                                  Contains("Write true"));
    write_file(dir / "states.csv", "name,alive,tunnel_length\nA,YES,\nB,0,3\n");
    const ModelSpec spec = parity::read_model_folder(dir.str());
    CHECK(spec.states[0].alive);
    CHECK(spec.states[0].tunnel_length == 1);
    CHECK_FALSE(spec.states[1].alive);
    CHECK(spec.states[1].tunnel_length == 3);
}

TEST_CASE("required cells must not be empty", "[csv_io][errors]") {
    TempDir dir;
    write_minimal_folder(dir);
    write_file(dir / "parameters.csv", "name,value,source\np_AB,0.1,test\n,100,test\n");
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir.str()),
                        Contains("parameters.csv:3:1") && Contains("'name' cell is empty") &&
                            Contains("Give the parameter a name"));
    write_minimal_folder(dir);
    write_file(dir / "transitions.csv", "from,to,probability\nA,B,\n");
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir.str()),
                        Contains("transitions.csv:2:3") && Contains("or C for the rest"));
}

TEST_CASE("names must be unique, and both lines are named", "[csv_io][errors]") {
    TempDir dir;
    write_minimal_folder(dir);
    write_file(dir / "parameters.csv", "name,value,source\np_AB,0.1,t\nx,1,t\np_AB,0.2,t\n");
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir.str()),
                        Contains("parameters.csv:4:1") && Contains("'p_AB' is defined twice") &&
                            Contains("lines 2 and 4") && Contains("Rename or delete"));
    write_minimal_folder(dir);
    write_file(dir / "states.csv", "name\nA\nB\nA\n");
    REQUIRE_THROWS_WITH(parity::read_model_folder(dir.str()), Contains("states.csv:4:1") &&
                                                                  Contains("state 'A'") &&
                                                                  Contains("lines 2 and 4"));
    write_minimal_folder(dir);
    write_file(dir / "strategies.csv", "name\nS\nS\n");
    REQUIRE_THROWS_WITH(parity::read_model_folder(dir.str()),
                        Contains("strategies.csv:3:1") && Contains("lines 2 and 3"));
}

TEST_CASE("settings errors point at the value cell", "[csv_io][errors]") {
    TempDir dir;
    write_minimal_folder(dir);
    write_file(dir / "settings.csv", "setting,value,notes\nn_cycles,10,\ndiscount_rate,3%,oops\n");
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir.str()),
                        Contains("settings.csv:3:2") && Contains("plain number"));
    write_file(dir / "settings.csv", "setting,value\nn_cycels,10\n");
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir.str()),
                        Contains("settings.csv:2:2") && Contains("did you mean 'n_cycles'"));
    write_file(dir / "settings.csv", "setting,value\nn_cycles,10\nN_CYCLES,12\n");
    REQUIRE_THROWS_WITH(parity::read_model_folder(dir.str()),
                        Contains("settings.csv:3:1") && Contains("lines 2 and 3"));
}

TEST_CASE("require_sources needs a source column and a source on every row", "[csv_io][errors]") {
    TempDir dir;
    write_minimal_folder(dir);
    write_file(dir / "settings.csv", "setting,value\nn_cycles,10\nrequire_sources,true\n");
    CHECK_NOTHROW(parity::CompiledModel(parity::read_model_folder(dir.str())));
    write_file(dir / "parameters.csv", "name,value\np_AB,0.1\nc_A,100\n");
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir.str()),
                        Contains("parameters.csv:1") && Contains("'source' is missing"));
    // Loading fails, not only compiling: the cell to fill in is named.
    write_file(dir / "parameters.csv", "name,value,source\np_AB,0.1,test\nc_A,100,\n");
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir.str()),
                        Contains("parameters.csv:3:3 (column 'source')") &&
                            Contains("parameter 'c_A' has no source") &&
                            Contains("Give a citation") && Contains("'Assumption: <reasoning>'"));
    write_file(dir / "parameters.csv", "name,value,source\np_AB,0.1,test\nc_A,100,test\n");
    write_file(dir / "tables/lt.csv", "age,q\n0,0.1\n");
    write_file(dir / "tables.csv", "name,file\nlt,tables/lt.csv\n");
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir.str()),
                        Contains("tables.csv") && Contains("no source column"));
    write_file(dir / "tables.csv", "name,file,source\nlt,tables/lt.csv,\n");
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir.str()),
                        Contains("tables.csv:2:3 (column 'source')") &&
                            Contains("lookup table 'lt' has no source"));
    write_file(dir / "settings.csv", "setting,value\nn_cycles,10\n");
    CHECK_NOTHROW(parity::CompiledModel(parity::read_model_folder(dir.str())));
}

TEST_CASE("a cost category's payer must be a known payer", "[csv_io][errors]") {
    TempDir dir;
    write_minimal_folder(dir);
    write_file(dir / "cost_categories.csv", "category,payer,cash_releasing\ncare,nhs_acute,yes\n");
    CHECK_NOTHROW(parity::CompiledModel(parity::read_model_folder(dir.str())));
    write_file(dir / "cost_categories.csv", "category,payer,cash_releasing\ncare,nhs_acut,yes\n");
    REQUIRE_THROWS_WITH(parity::CompiledModel(parity::read_model_folder(dir.str())),
                        Contains("cost_categories.csv:2") && Contains("unknown payer 'nhs_acut'") &&
                            Contains("did you mean 'nhs_acute'"));
}

TEST_CASE("lookup tables are checked cell by cell", "[csv_io][errors]") {
    TempDir dir;
    write_minimal_folder(dir);
    write_file(dir / "tables.csv", "name,file,key,interpolation\nlt,tables/lt.csv,,linear\n");
    write_file(dir / "tables/lt.csv", "age,rate\n0,0.1\n10,0.2\n20,0.3\n");
    const ModelSpec ok = parity::read_model_folder(dir.str());
    REQUIRE(ok.tables.size() == 1);
    CHECK(ok.tables[0].key_name == "age");
    CHECK(ok.tables[0].interpolation == parity::Interpolation::linear);
    CHECK(ok.tables[0].out_of_range == parity::OutOfRange::clamp);

    const std::string lt = "tables/lt.csv";
    write_file(dir / lt, "age,rate\n0,0.1\n10,n/a\n");
    REQUIRE_INPUT_ERROR(
        parity::read_model_folder(dir.str()),
        Contains(lt + ":3:2") && Contains("'n/a' is not a number") && Contains("plain number"));
    write_file(dir / lt, "age,rate\n0,0.1\nten,0.2\n");
    REQUIRE_THROWS_WITH(parity::read_model_folder(dir.str()),
                        Contains(lt + ":3:1") && Contains("not a number"));
    write_file(dir / lt, "age,rate\n0,0.1\n10,0.2\n10,0.3\n");
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir.str()), Contains(lt + ":4:1") &&
                                                                  Contains("must increase") &&
                                                                  Contains("Sort the rows by age"));
    write_file(dir / lt, "age,rate\n0,0.1\n10,\n");
    REQUIRE_THROWS_WITH(parity::read_model_folder(dir.str()),
                        Contains(lt + ":3:2") && Contains("empty") && Contains("Fill in"));
    write_file(dir / lt, "age\n0\n");
    REQUIRE_THROWS_WITH(parity::read_model_folder(dir.str()),
                        Contains(lt + ":1") && Contains("no value columns"));

    write_file(dir / lt, "year,age,rate\n2015,0,0.1\n2015,1,0.2\n");
    write_file(dir / "tables.csv", "name,file,key\nlt,tables/lt.csv,Agee\n");
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir.str()), Contains("tables.csv:2:3") &&
                                                                  Contains("did you mean 'age'") &&
                                                                  Contains("year, age, rate"));
    write_file(dir / "tables.csv", "name,file,key\nlt,tables/lt.csv,AGE\n");
    const ModelSpec keyed = parity::read_model_folder(dir.str());
    CHECK(keyed.tables[0].key_name == "age");
    CHECK(keyed.tables[0].columns == std::vector<std::string>{"year", "rate"});
    CHECK(keyed.tables[0].keys == std::vector<double>{0.0, 1.0});

    write_file(dir / "tables.csv", "name,file,interpolation\nlt,tables/lt.csv,cubic\n");
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir.str()), Contains("tables.csv:2:3") &&
                                                                  Contains("'cubic'") &&
                                                                  Contains("Write step"));
    write_file(dir / "tables.csv", "name,file\nlt,tables/missing.csv\n");
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir.str()),
                        Contains("tables.csv:2:2") && Contains("does not exist") &&
                            Contains("relative to the model folder"));
}

TEST_CASE("odd headers are explained", "[csv_io][errors]") {
    TempDir dir;
    write_minimal_folder(dir);
    write_file(dir / "strategies.csv", "name;label\nS;Standard\n");
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir.str()), Contains("strategies.csv:1") &&
                                                                  Contains("semicolons") &&
                                                                  Contains("Comma delimited"));
    write_file(dir / "strategies.csv", "name,Label,label\nS,a,b\n");
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir.str()), Contains("strategies.csv:1:3") &&
                                                                  Contains("both called") &&
                                                                  Contains("Rename or delete"));
    write_file(dir / "strategies.csv", "name,,label\nS,,b\n");
    REQUIRE_INPUT_ERROR(parity::read_model_folder(dir.str()),
                        Contains("strategies.csv:1:2") && Contains("has no name"));
    write_file(dir / "strategies.csv", "# only a comment\n\n");
    REQUIRE_INPUT_ERROR(
        parity::read_model_folder(dir.str()),
        Contains("strategies.csv:1") && Contains("empty") && Contains("header naming the columns"));
}
