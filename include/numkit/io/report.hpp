#pragma once
// The output layer: every command builds a Report; one renderer prints it as a human-readable
// table, as one JSON document (--json) or as CSV (--csv). JSON and CSV print every double as the
// shortest decimal that round-trips to the same double; tables honour --digits.
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace numkit::io {

using Json = nlohmann::ordered_json;

enum class Format { table, json, csv };

struct RenderOptions {
  Format format = Format::table;
  int digits = 12;  // significant digits in tables
  // --json document on one line: it ends a JSON Lines stream (a trace on stdout), so that every
  // line of the output is one JSON value
  bool json_one_line = false;
};

// Columns of numbers, for a table too long to hold as a Json object per row (a million counts
// from stdin): printed exactly as the same rows in Report::data would be, without building them.
struct NumberTable {
  std::vector<std::string> columns;
  std::vector<std::vector<double>> values;  // values[column][row]; every column as long
  std::vector<bool> integral;               // per column: whole numbers (|v| <= 2^53) printed as
                                            // integers, as Json integers are
  std::size_t rows() const { return values.empty() ? 0 : values.front().size(); }
};

struct Report {
  Json data = Json::object();      // the result; keys snake_case; becomes the --json document
  std::string csv_table;           // key of an array-of-objects member printed by --csv
                                   // (empty: --csv prints flattened "key,value" rows)
  std::vector<std::string> notes;  // human-only explanation lines printed after the table
  // If it has columns: the member csv_table of the result, after the members of data.
  NumberTable numbers;
};

void render(const Report& report, const RenderOptions& options, std::ostream& out);

// The shortest decimal that reads back as the same double ("0.1", "1e-300", "22");
// non-finite values give "inf", "-inf", "nan".
std::string shortest(double value);
// `digits` significant digits, trailing zeros dropped (printf %.{digits}g).
std::string with_digits(double value, int digits);
// A JSON value as text for tables (numbers with `digits`, strings bare).
std::string to_text(const Json& value, int digits);
// Compact JSON with shortest doubles (non-finite doubles become strings).
std::string to_json_text(const Json& value, int indent = -1);

// Streams rows (samples, traces) without holding them: table = aligned columns, csv = header +
// rows, json = JSON Lines (one object per row).
class RowStream {
 public:
  RowStream(std::ostream& out, const RenderOptions& options, std::vector<std::string> columns);
  void row(const std::vector<Json>& values);
  // Fast path for a single numeric column (samples).
  void value(double v);
  void value(long long v);
  void flush() { out_.flush(); }

 private:
  void header();
  std::ostream& out_;
  RenderOptions options_;
  std::vector<std::string> columns_;
  std::vector<std::size_t> widths_;
  bool header_done_ = false;
};

}  // namespace numkit::io
