// One CSV reader for every file of a model folder, so that byte-order marks, CRLF line endings,
// comments, Excel quoting and line numbers in messages behave the same in each of them.
#pragma once

#include <string>
#include <vector>

#include "parity/errors.hpp"

namespace parity {

/// A data row: the line it starts on and exactly one cell per header column.
struct CsvRow {
    int line = 0;  // 1-based; a quoted cell may carry the row over several lines
    std::vector<std::string> cells;
};

/// A CSV file as a header and data rows. Blank lines, rows whose cells are all empty and comment
/// lines (first character `#`) are dropped; unquoted cells are trimmed, quoted cells kept as
/// written between the quotes.
struct CsvTable {
    /// The name used in messages and Locations (the path as the user gave it).
    std::string file;
    /// Line of the header; 0 when the file holds no header (it is empty or all comments).
    int header_line = 0;
    /// Column names as written (trimmed); empty names at the end of the header are dropped.
    std::vector<std::string> header;
    std::vector<CsvRow> rows;

    /// 0-based index of the column called `name` ignoring case and surrounding blanks, or -1.
    int find_column(const std::string& name) const;
    /// Where a cell is: file, the row's line, the 1-based column and the column's name.
    Location at(const CsvRow& row, int column) const;
    /// Where the header is, optionally pointing at one of its columns.
    Location at_header(int column = -1) const;
};

/// Read the CSV file at `path`; `shown_as` names it in messages. Throws InputError when the file
/// cannot be opened, a quote is never closed, text follows a closing quote, two columns share a
/// name, a header cell in the middle is empty, or a row has more or fewer cells than the header.
CsvTable read_csv_file(const std::string& path, const std::string& shown_as);

/// The same for CSV text held in memory.
CsvTable parse_csv_text(const std::string& text, const std::string& shown_as);

/// Check a header against the columns a file accepts (matched ignoring case). Throws InputError
/// listing the columns found when a required one is missing, and with a did-you-mean suggestion
/// and the accepted columns when a column is unknown.
void check_columns(const CsvTable& table, const std::vector<std::string>& required,
                   const std::vector<std::string>& optional);

/// A cell as CSV: quoted (with quotes doubled) when a reader would otherwise change it, i.e. when
/// it holds a comma, quote or line break, starts or ends with a blank, or starts with `#`.
std::string csv_cell(const std::string& text);

/// A row as one CSV line ending in "\n".
std::string csv_line(const std::vector<std::string>& cells);

}  // namespace parity
