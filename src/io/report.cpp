#include "numkit/io/report.hpp"

#include "numkit/core/number.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace numkit::io {
namespace {

std::string label_of(const std::string& key) {
  std::string label = key;
  std::replace(label.begin(), label.end(), '_', ' ');
  return label;
}

bool is_scalar(const Json& v) {
  return !v.is_object() && !v.is_array();
}

bool is_number_array(const Json& v) {
  if (!v.is_array()) return false;
  return std::all_of(v.begin(), v.end(), [](const Json& e) { return is_scalar(e); });
}

bool is_matrix(const Json& v) {
  if (!v.is_array() || v.empty()) return false;
  return std::all_of(v.begin(), v.end(), [](const Json& e) { return is_number_array(e); }) &&
         v.front().size() > 0;
}

bool is_object_array(const Json& v) {
  if (!v.is_array() || v.empty()) return false;
  return std::all_of(v.begin(), v.end(), [](const Json& e) { return e.is_object(); });
}

std::size_t display_width(const std::string& s) {
  // Count UTF-8 code points, not bytes, so labels such as "‖∇f‖" align.
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string pad(const std::string& s, std::size_t width, bool right = false) {
  std::size_t w = display_width(s);
  if (w >= width) return s;
  return right ? std::string(width - w, ' ') + s : s + std::string(width - w, ' ');
}

std::string inline_array(const Json& v, int digits) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) s += ", ";
    s += to_text(v[i], digits);
  }
  return s + "]";
}

void render_table_rows(const Json& rows, int digits, const std::string& indent, std::ostream& out) {
  std::vector<std::string> columns;
  for (const auto& row : rows)
    for (auto it = row.begin(); it != row.end(); ++it)
      if (std::find(columns.begin(), columns.end(), it.key()) == columns.end())
        columns.push_back(it.key());
  std::vector<std::vector<std::string>> cells;
  std::vector<std::size_t> widths;
  // Numbers align right, text aligns left.
  std::vector<bool> numeric(columns.size(), true);
  for (const auto& c : columns) widths.push_back(display_width(label_of(c)));
  for (const auto& row : rows) {
    std::vector<std::string> line;
    for (std::size_t j = 0; j < columns.size(); ++j) {
      std::string cell;
      if (row.contains(columns[j])) {
        const Json& v = row[columns[j]];
        cell = v.is_array() ? inline_array(v, digits) : to_text(v, digits);
        if (!v.is_number()) numeric[j] = false;
      }
      widths[j] = std::max(widths[j], display_width(cell));
      line.push_back(std::move(cell));
    }
    cells.push_back(std::move(line));
  }
  auto print_line = [&](const std::vector<std::string>& line) {
    std::string text = indent;
    for (std::size_t j = 0; j < line.size(); ++j)
      text += (j ? "  " : "") + pad(line[j], widths[j], numeric[j]);
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << text << "\n";
  };
  std::vector<std::string> header;
  for (const auto& c : columns) header.push_back(label_of(c));
  print_line(header);
  for (const auto& line : cells) print_line(line);
}

void render_matrix(const Json& m, int digits, const std::string& indent, std::ostream& out) {
  std::size_t cols = 0;
  for (const auto& row : m) cols = std::max(cols, row.size());
  std::vector<std::size_t> widths(cols, 0);
  for (const auto& row : m)
    for (std::size_t j = 0; j < row.size(); ++j)
      widths[j] = std::max(widths[j], display_width(to_text(row[j], digits)));
  for (const auto& row : m) {
    out << indent;
    for (std::size_t j = 0; j < row.size(); ++j)
      out << (j ? "  " : "") << pad(to_text(row[j], digits), widths[j], true);
    out << "\n";
  }
}

void render_object(const Json& obj, int digits, const std::string& indent, std::ostream& out) {
  std::size_t width = 0;
  for (auto it = obj.begin(); it != obj.end(); ++it)
    if (is_scalar(it.value()) || is_number_array(it.value()))
      width = std::max(width, display_width(label_of(it.key())));
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const Json& v = it.value();
    std::string label = label_of(it.key());
    if (is_scalar(v)) {
      out << indent << pad(label, width) << "  " << to_text(v, digits) << "\n";
    } else if (is_number_array(v)) {
      out << indent << pad(label, width) << "  " << inline_array(v, digits) << "\n";
    } else if (is_matrix(v)) {
      out << indent << label << "\n";
      render_matrix(v, digits, indent + "  ", out);
    } else if (is_object_array(v)) {
      out << indent << label << "\n";
      render_table_rows(v, digits, indent + "  ", out);
    } else if (v.is_object()) {
      out << indent << label << "\n";
      render_object(v, digits, indent + "  ", out);
    } else {  // a mixed array
      out << indent << label << "\n";
      for (const auto& e : v) {
        if (e.is_object()) {
          render_object(e, digits, indent + "  ", out);
          out << "\n";
        } else {
          out << indent << "  " << (e.is_array() ? inline_array(e, digits) : to_text(e, digits))
              << "\n";
        }
      }
    }
  }
}

std::string csv_escape(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string csv_cell(const Json& v) {
  if (v.is_string()) return csv_escape(v.get<std::string>());
  if (v.is_array() || v.is_object()) return csv_escape(to_json_text(v));
  return to_text(v, -1);
}

// Every leaf of v as (CSV-escaped dotted path, CSV cell).
void flatten(const Json& v, const std::string& path,
             std::vector<std::pair<std::string, std::string>>& out) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it)
      flatten(it.value(), path.empty() ? it.key() : path + "." + it.key(), out);
  } else if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i)
      flatten(v[i], path + "[" + std::to_string(i) + "]", out);
  } else {
    out.emplace_back(csv_escape(path), csv_cell(v));
  }
}

void write_json(const Json& v, int indent, int level, std::string& s) {
  auto newline = [&](int lvl) {
    if (indent >= 0) {
      s += '\n';
      s.append(static_cast<std::size_t>(indent * lvl), ' ');
    }
  };
  switch (v.type()) {
    case Json::value_t::object: {
      if (v.empty()) {
        s += "{}";
        return;
      }
      s += '{';
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) s += ',';
        first = false;
        newline(level + 1);
        s += Json(it.key()).dump();
        s += indent >= 0 ? ": " : ":";
        write_json(it.value(), indent, level + 1, s);
      }
      newline(level);
      s += '}';
      return;
    }
    case Json::value_t::array: {
      if (v.empty()) {
        s += "[]";
        return;
      }
      // Arrays of scalars stay on one line: vectors and matrix rows read better that way.
      bool flat = std::all_of(v.begin(), v.end(), [](const Json& e) { return is_scalar(e); });
      s += '[';
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) s += flat && indent >= 0 ? ", " : ",";
        if (!flat) newline(level + 1);
        write_json(v[i], indent, level + 1, s);
      }
      if (!flat) newline(level);
      s += ']';
      return;
    }
    case Json::value_t::number_float: {
      double d = v.get<double>();
      if (d == 0 && std::signbit(d))
        s += "-0.0";  // "-0" would read back as the integer 0 and lose the sign
      else if (std::isfinite(d))
        s += shortest(d);
      else
        s += "\"" + shortest(d) + "\"";
      return;
    }
    default:
      s += v.dump();
  }
}

// Appends one cell of a NumberTable as render() prints the same Json number.
void append_number(std::string& s, double v, bool integral, Format format) {
  char buf[32];
  if (integral) {
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
    (void)ec;
    s.append(buf, end);
  } else if (!std::isfinite(v)) {
    if (format == Format::json) s += '"';
    s += nonfinite_name(v);
    if (format == Format::json) s += '"';
  } else if (format == Format::json && v == 0 && std::signbit(v)) {
    s += "-0.0";  // as write_json: "-0" would read back as the integer 0
  } else {
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    (void)ec;
    s.append(buf, end);
  }
}

// Writes the rows of `table` in blocks: a CSV line each, or (JSON, inside an array at depth 1
// of an indent-2 document) an object each.
// csv_prefix: cells (each followed by a comma) that lead every CSV row.
void write_number_rows(const NumberTable& table, Format format, std::ostream& out,
                       const std::string& csv_prefix = {}) {
  std::vector<std::string> keys;
  for (const auto& c : table.columns) keys.push_back(Json(c).dump());
  constexpr std::size_t kBlock = 1 << 20;
  std::string s;
  s.reserve(kBlock + 4096);
  const std::size_t rows = table.rows();
  for (std::size_t i = 0; i < rows; ++i) {
    if (format == Format::csv) {
      s += csv_prefix;
      for (std::size_t j = 0; j < table.columns.size(); ++j) {
        if (j) s += ',';
        append_number(s, table.values[j][i], table.integral[j], format);
      }
      s += '\n';
    } else {
      s += i ? ",\n    {" : "\n    {";
      for (std::size_t j = 0; j < table.columns.size(); ++j) {
        s += j ? ",\n      " : "\n      ";
        s += keys[j];
        s += ": ";
        append_number(s, table.values[j][i], table.integral[j], format);
      }
      s += "\n    }";
    }
    if (s.size() >= kBlock) {
      out.write(s.data(), static_cast<std::streamsize>(s.size()));
      s.clear();
    }
  }
  out.write(s.data(), static_cast<std::streamsize>(s.size()));
}

void check_number_table(const NumberTable& table) {
  if (table.values.size() != table.columns.size() || table.integral.size() != table.columns.size())
    throw std::logic_error("NumberTable: columns, values and integral differ in length");
  for (const auto& column : table.values)
    if (column.size() != table.rows())
      throw std::logic_error("NumberTable: columns of different lengths");
}

// The report with its NumberTable as Json rows in data (for the human table format).
Report with_number_rows(const Report& report) {
  Report copy;
  copy.data = report.data;
  copy.csv_table = report.csv_table;
  copy.notes = report.notes;
  Json rows = Json::array();
  const NumberTable& table = report.numbers;
  for (std::size_t i = 0; i < table.rows(); ++i) {
    Json row = Json::object();
    for (std::size_t j = 0; j < table.columns.size(); ++j) {
      const double v = table.values[j][i];
      if (table.integral[j])
        row[table.columns[j]] = static_cast<long long>(v);
      else
        row[table.columns[j]] = v;
    }
    rows.push_back(std::move(row));
  }
  copy.data[report.csv_table] = std::move(rows);
  return copy;
}

void render_number_table(const Report& report, const RenderOptions& options, std::ostream& out) {
  const NumberTable& table = report.numbers;
  check_number_table(table);
  if (report.csv_table.empty() || report.data.contains(report.csv_table))
    throw std::logic_error("NumberTable: csv_table must name a member data does not have");
  switch (options.format) {
    case Format::table:
      render(with_number_rows(report), options, out);
      return;
    case Format::csv: {
      // the report's other fields lead every row, as render() prints the same Json rows
      std::vector<std::pair<std::string, std::string>> context;
      flatten(report.data, "", context);
      std::erase_if(context, [&](const auto& c) {
        return std::find(table.columns.begin(), table.columns.end(), c.first) !=
               table.columns.end();
      });
      std::string prefix;
      for (const auto& [path, cell] : context) {
        out << path << ",";
        prefix += cell + ",";
      }
      for (std::size_t j = 0; j < table.columns.size(); ++j)
        out << (j ? "," : "") << csv_escape(table.columns[j]);
      out << "\n";
      write_number_rows(table, options.format, out, prefix);
      return;
    }
    case Format::json: {
      std::string head = to_json_text(report.data, 2);  // "{}" or "{\n  ...\n}"
      head.erase(head.size() - (report.data.empty() ? 1 : 2));
      out << head << (report.data.empty() ? "" : ",") << "\n  " << Json(report.csv_table).dump()
          << ": [";
      if (table.rows() == 0) {
        out << "]\n}\n";
        return;
      }
      write_number_rows(table, options.format, out);
      out << "\n  ]\n}\n";
      return;
    }
  }
}

}  // namespace

std::string shortest(double value) {
  return format_number(value);
}

std::string with_digits(double value, int digits) {
  if (!std::isfinite(value)) return shortest(value);
  if (digits <= 0) return shortest(value);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", std::min(digits, 17), value);
  std::string s = buf;
  if (s == "-0") return "0";
  return s;
}

std::string to_text(const Json& value, int digits) {
  switch (value.type()) {
    case Json::value_t::number_float:
      return digits < 0 ? shortest(value.get<double>()) : with_digits(value.get<double>(), digits);
    case Json::value_t::string:
      return value.get<std::string>();
    case Json::value_t::null:
      return "-";
    case Json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    default:
      return value.dump();
  }
}

std::string to_json_text(const Json& value, int indent) {
  std::string s;
  write_json(value, indent, 0, s);
  return s;
}

void render(const Report& report, const RenderOptions& options, std::ostream& out) {
  if (!report.numbers.columns.empty()) {
    render_number_table(report, options, out);
    return;
  }
  switch (options.format) {
    case Format::json:
      out << to_json_text(report.data, options.json_one_line ? -1 : 2) << "\n";
      break;
    case Format::csv:
      if (!report.csv_table.empty() && report.data.contains(report.csv_table) &&
          is_object_array(report.data[report.csv_table])) {
        // One table holds every result: the report's other fields (flattened, dotted paths)
        // lead each row, repeated, so a pipeline never needs a second format.
        const Json& rows = report.data[report.csv_table];
        std::vector<std::string> columns;
        for (const auto& row : rows)
          for (auto it = row.begin(); it != row.end(); ++it)
            if (std::find(columns.begin(), columns.end(), it.key()) == columns.end())
              columns.push_back(it.key());
        std::vector<std::pair<std::string, std::string>> context;
        for (auto it = report.data.begin(); it != report.data.end(); ++it)
          if (it.key() != report.csv_table) flatten(it.value(), it.key(), context);
        std::erase_if(context, [&](const auto& c) {
          return std::find(columns.begin(), columns.end(), c.first) != columns.end();
        });
        for (std::size_t j = 0; j < context.size(); ++j) out << context[j].first << ",";
        for (std::size_t j = 0; j < columns.size(); ++j)
          out << (j ? "," : "") << csv_escape(columns[j]);
        out << "\n";
        for (const auto& row : rows) {
          for (const auto& c : context) out << c.second << ",";
          for (std::size_t j = 0; j < columns.size(); ++j)
            out << (j ? "," : "") << (row.contains(columns[j]) ? csv_cell(row[columns[j]]) : "");
          out << "\n";
        }
      } else {
        out << "key,value\n";
        std::vector<std::pair<std::string, std::string>> leaves;
        flatten(report.data, "", leaves);
        for (const auto& [path, cell] : leaves) out << path << "," << cell << "\n";
      }
      break;
    case Format::table:
      render_object(report.data, options.digits, "", out);
      if (!report.notes.empty()) {
        out << "\n";
        for (const auto& note : report.notes) out << note << "\n";
      }
      break;
  }
}

RowStream::RowStream(std::ostream& out, const RenderOptions& options,
                     std::vector<std::string> columns)
    : out_(out), options_(options), columns_(std::move(columns)) {
  for (const auto& c : columns_)
    widths_.push_back(
        std::max<std::size_t>(display_width(c), static_cast<std::size_t>(options_.digits) + 7));
}

void RowStream::header() {
  header_done_ = true;
  if (options_.format == Format::csv) {
    for (std::size_t j = 0; j < columns_.size(); ++j)
      out_ << (j ? "," : "") << csv_escape(columns_[j]);
    out_ << "\n";
  } else if (options_.format == Format::table && columns_.size() > 1) {
    for (std::size_t j = 0; j < columns_.size(); ++j)
      out_ << (j ? "  " : "") << pad(columns_[j], widths_[j], true);
    out_ << "\n";
  }
}

void RowStream::row(const std::vector<Json>& values) {
  if (!header_done_) header();
  switch (options_.format) {
    case Format::json: {
      Json obj = Json::object();
      for (std::size_t j = 0; j < columns_.size() && j < values.size(); ++j)
        obj[columns_[j]] = values[j];
      out_ << to_json_text(obj) << "\n";
      break;
    }
    case Format::csv:
      for (std::size_t j = 0; j < values.size(); ++j) out_ << (j ? "," : "") << csv_cell(values[j]);
      out_ << "\n";
      break;
    case Format::table:
      if (columns_.size() == 1) {
        out_ << to_text(values.at(0), options_.digits) << "\n";
      } else {
        for (std::size_t j = 0; j < values.size(); ++j)
          out_ << (j ? "  " : "") << pad(to_text(values[j], options_.digits), widths_[j], true);
        out_ << "\n";
      }
      break;
  }
}

void RowStream::value(double v) {
  if (!header_done_) header();
  if (options_.format == Format::json) {
    out_ << "{" << Json(columns_.at(0)).dump() << ":"
         << (std::isfinite(v) ? shortest(v) : "\"" + shortest(v) + "\"") << "}\n";
  } else if (options_.format == Format::csv) {
    out_ << shortest(v) << "\n";
  } else {
    out_ << with_digits(v, options_.digits) << "\n";
  }
}

void RowStream::value(long long v) {
  if (!header_done_) header();
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  std::string_view text(buf, static_cast<std::size_t>(end - buf));
  if (options_.format == Format::json)
    out_ << "{" << Json(columns_.at(0)).dump() << ":" << text << "}\n";
  else
    out_ << text << "\n";
}

}  // namespace numkit::io
