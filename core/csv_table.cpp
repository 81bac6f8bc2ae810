#include "parity/csv_table.hpp"

#include <libfccp/csv.h>

#include <cstring>
#include <utility>

#include "parity/text.hpp"

namespace parity {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// Only blanks are stripped: text.hpp's trim also eats the bytes of a BOM, which could cut into a
// multi-byte character at the start of a cell.
std::string strip(const std::string& s) {
    std::size_t first = 0;
    std::size_t last = s.size();
    while (first < last && is_blank(s[first])) ++first;
    while (last > first && is_blank(s[last - 1])) --last;
    return s.substr(first, last - first);
}

bool is_blank_or_comment(const std::string& line) {
    for (char c : line) {
        if (is_blank(c)) continue;
        return c == '#';
    }
    return true;
}

struct Record {
    int line = 0;
    std::vector<std::string> cells;
};

// The line a position of a (possibly multi-line) record is on.
int line_at(const std::string& text, std::size_t pos, int first_line) {
    int line = first_line;
    for (std::size_t i = 0; i < pos && i < text.size(); ++i) line += text[i] == '\n';
    return line;
}

enum class Split { done, open_quote };

// Splits a record into cells the way Excel writes them: a cell that starts with a quote runs to
// the matching quote, with "" standing for one quote; elsewhere quotes are ordinary characters.
// Returns open_quote, with the finished cells in `cells`, when the record ends inside a quote.
Split split_record(const std::string& text, const std::string& file, int first_line,
                   std::vector<std::string>& cells) {
    cells.clear();
    const std::size_t n = text.size();
    std::size_t start = 0;
    while (true) {
        std::size_t j = start;
        while (j < n && is_blank(text[j])) ++j;
        if (j < n && text[j] == '"') {
            std::string cell;
            bool closed = false;
            for (++j; j < n; ++j) {
                if (text[j] != '"') {
                    cell += text[j];
                } else if (j + 1 < n && text[j + 1] == '"') {
                    cell += '"';
                    ++j;
                } else {
                    closed = true;
                    ++j;
                    break;
                }
            }
            if (!closed) return Split::open_quote;
            while (j < n && is_blank(text[j])) ++j;
            if (j < n && text[j] != ',') {
                const int column = static_cast<int>(cells.size()) + 1;
                throw InputError({file, line_at(text, j, first_line), column, ""},
                                 "text follows the closing quote of cell " + std::to_string(column),
                                 "Put the whole cell in quotes and write each quote inside it "
                                 "twice, e.g. \"5\"\" screen\"");
            }
            cells.push_back(std::move(cell));
        } else {
            std::size_t end = text.find(',', j);
            if (end == std::string::npos) end = n;
            cells.push_back(strip(text.substr(j, end - j)));
            j = end;
        }
        if (j >= n) return Split::done;
        start = j + 1;
    }
}

bool all_empty(const std::vector<std::string>& cells) {
    for (const auto& c : cells)
        if (!c.empty()) return false;
    return true;
}

std::vector<Record> read_records(io::LineReader& in, const std::string& file) {
    std::vector<Record> records;
    while (const char* raw = in.next_line()) {
        const int line = static_cast<int>(in.get_file_line());
        std::string text(raw);
        if (is_blank_or_comment(text)) continue;
        Record rec;
        rec.line = line;
        while (split_record(text, file, line, rec.cells) == Split::open_quote) {
            const char* more = in.next_line();
            if (more == nullptr) {
                const int column = static_cast<int>(rec.cells.size()) + 1;
                throw InputError(
                    {file, line, column, ""},
                    "the quote that opens cell " + std::to_string(column) + " is never closed",
                    "Add the closing quote, and write each quote inside a quoted "
                    "cell twice (\"\")");
            }
            text += '\n';
            text += more;
        }
        if (!all_empty(rec.cells)) records.push_back(std::move(rec));
    }
    return records;
}

void check_header_names(const CsvTable& t) {
    if (t.header.size() == 1 && t.header[0].find(';') != std::string::npos)
        throw InputError(t.at_header(0),
                         "the header '" + t.header[0] + "' looks separated by semicolons",
                         "Save the file as 'CSV UTF-8 (Comma delimited)': cells must be "
                         "separated by commas");
    for (std::size_t i = 0; i < t.header.size(); ++i) {
        const int col = static_cast<int>(i);
        if (t.header[i].empty())
            throw InputError(t.at_header(col),
                             "column " + std::to_string(i + 1) + " of the header has no name",
                             "Give the column a name or delete it");
        for (std::size_t k = 0; k < i; ++k)
            if (to_lower(t.header[k]) == to_lower(t.header[i]))
                throw InputError(t.at_header(col),
                                 "columns " + std::to_string(k + 1) + " and " +
                                     std::to_string(i + 1) + " are both called '" + t.header[i] +
                                     "'",
                                 "Rename or delete one of them");
    }
}

// Excel pads rows with empty cells up to the widest row it has seen, so empty cells beyond the
// header are dropped; anything else that does not line up with the header is an error.
void fit_row(const CsvTable& t, Record& rec) {
    const std::size_t want = t.header.size();
    const std::size_t got = rec.cells.size();
    const std::string counts = "the row has " + std::to_string(got) +
                               " cells but the header (line " + std::to_string(t.header_line) +
                               ") has " + std::to_string(want) + " columns";
    if (got > want) {
        for (std::size_t i = want; i < got; ++i)
            if (!rec.cells[i].empty())
                throw InputError({t.file, rec.line, static_cast<int>(i) + 1, ""}, counts,
                                 "Delete the extra cells, or quote cells that contain commas "
                                 "(\"a, b\")");
        rec.cells.resize(want);
    } else if (got < want) {
        throw InputError({t.file, rec.line, static_cast<int>(got), ""}, counts,
                         "Add the missing cells (leave them empty if they do not apply, e.g. "
                         "'a,,c') so that every row has one cell per column");
    }
}

CsvTable build_table(std::vector<Record> records, const std::string& file) {
    CsvTable t;
    t.file = file;
    if (records.empty()) return t;
    t.header_line = records.front().line;
    t.header = std::move(records.front().cells);
    while (!t.header.empty() && t.header.back().empty()) t.header.pop_back();
    for (auto& name : t.header) name = strip(name);
    check_header_names(t);
    for (std::size_t r = 1; r < records.size(); ++r) {
        fit_row(t, records[r]);
        t.rows.push_back({records[r].line, std::move(records[r].cells)});
    }
    return t;
}

CsvTable read_with(io::LineReader& in, const std::string& shown_as) {
    try {
        return build_table(read_records(in, shown_as), shown_as);
    } catch (const io::error::base& e) {
        throw InputError({shown_as, static_cast<int>(in.get_file_line()), 0, ""},
                         std::string("cannot read the file: ") + e.what(),
                         "Check that it is a text CSV file");
    }
}

std::string accepted_list(const std::vector<std::string>& required,
                          const std::vector<std::string>& optional) {
    std::string out = join(required, ", ");
    if (!optional.empty()) out += " (required) and " + join(optional, ", ") + " (optional)";
    return out;
}

}  // namespace

int CsvTable::find_column(const std::string& name) const {
    const std::string want = to_lower(strip(name));
    for (std::size_t i = 0; i < header.size(); ++i)
        if (to_lower(header[i]) == want) return static_cast<int>(i);
    return -1;
}

Location CsvTable::at(const CsvRow& row, int column) const {
    const bool known = column >= 0 && static_cast<std::size_t>(column) < header.size();
    return {file, row.line, column + 1, known ? header[static_cast<std::size_t>(column)] : ""};
}

Location CsvTable::at_header(int column) const {
    const int line = header_line > 0 ? header_line : 1;
    if (column < 0 || static_cast<std::size_t>(column) >= header.size()) return {file, line, 0, ""};
    return {file, line, column + 1, header[static_cast<std::size_t>(column)]};
}

CsvTable read_csv_file(const std::string& path, const std::string& shown_as) {
    std::unique_ptr<io::LineReader> in;
    try {
        in = std::make_unique<io::LineReader>(path);
    } catch (const io::error::can_not_open_file& e) {
        const std::string why = e.errno_value ? std::strerror(e.errno_value) : "unknown reason";
        throw InputError({shown_as, 0, 0, ""}, "cannot open the file (" + why + ")",
                         "Check that the file exists and is readable");
    }
    return read_with(*in, shown_as);
}

CsvTable parse_csv_text(const std::string& text, const std::string& shown_as) {
    io::LineReader in(shown_as, text.data(), text.data() + text.size());
    return read_with(in, shown_as);
}

void check_columns(const CsvTable& t, const std::vector<std::string>& required,
                   const std::vector<std::string>& optional) {
    std::vector<std::string> accepted = required;
    accepted.insert(accepted.end(), optional.begin(), optional.end());
    if (t.header_line == 0)
        throw InputError(t.at_header(), "the file is empty",
                         "Its first row must be a header naming the columns: " +
                             accepted_list(required, optional));
    for (std::size_t i = 0; i < t.header.size(); ++i) {
        bool known = false;
        for (const auto& a : accepted) known = known || to_lower(t.header[i]) == a;
        if (!known)
            throw InputError(t.at_header(static_cast<int>(i)),
                             "unknown column '" + t.header[i] + "'" +
                                 did_you_mean(to_lower(t.header[i]), accepted),
                             "Rename or delete it; the accepted columns are " +
                                 accepted_list(required, optional));
    }
    for (const auto& r : required)
        if (t.find_column(r) < 0)
            throw InputError(t.at_header(),
                             "the required column '" + r +
                                 "' is missing (the header has: " + join(t.header, ", ") + ")",
                             "Add a column named '" + r + "'; the accepted columns are " +
                                 accepted_list(required, optional));
}

std::string csv_cell(const std::string& text) {
    const bool needs_quotes =
        text.find_first_of(",\"\n\r") != std::string::npos ||
        (!text.empty() && (is_blank(text.front()) || is_blank(text.back()) || text[0] == '#'));
    if (!needs_quotes) return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string csv_line(const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + csv_cell(cells[i]);
    return out + "\n";
}

}  // namespace parity
