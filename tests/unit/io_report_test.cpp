#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <sstream>

#include "numkit/io/report.hpp"

using numkit::io::Format;
using numkit::io::Json;
using numkit::io::Report;

namespace {
std::string render(const Report& r, Format f, int digits = 12) {
  std::ostringstream out;
  numkit::io::render(r, {f, digits}, out);
  return out.str();
}
}  // namespace

TEST_CASE("json_output_parses_back_to_the_same_doubles", "[report]") {
  std::mt19937_64 rng(12345);
  Report r;
  Json values = Json::array();
  std::vector<double> originals = {
      0.1,  1.0 / 3.0, 1e-300,          4.9406564584124654e-324, 1.7976931348623157e308,
      -0.0, 22.0,      2.0 / 3.0 * 1e20};
  for (int i = 0; i < 2000; ++i) {
    std::uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    if (std::isfinite(d)) originals.push_back(d);
  }
  for (double d : originals) values.push_back(d);
  r.data["values"] = values;
  Json parsed = Json::parse(render(r, Format::json));
  REQUIRE(parsed["values"].size() == originals.size());
  for (std::size_t i = 0; i < originals.size(); ++i) {
    double back = parsed["values"][i].get<double>();
    INFO(numkit::io::shortest(originals[i]));
    CHECK(std::memcmp(&back, &originals[i], sizeof back) == 0);
  }
}

TEST_CASE("shortest_prints_the_shortest_round_trip_decimal", "[report]") {
  CHECK(numkit::io::shortest(0.1) == "0.1");
  CHECK(numkit::io::shortest(4.4) == "4.4");
  CHECK(numkit::io::shortest(22.0) == "22");
  CHECK(numkit::io::shortest(0.1 + 0.2) == "0.30000000000000004");
  CHECK(numkit::io::shortest(1e-300) == "1e-300");
  CHECK(numkit::io::shortest(std::numeric_limits<double>::infinity()) == "inf");
  CHECK(numkit::io::with_digits(0.1 + 0.2, 12) == "0.3");
  CHECK(numkit::io::with_digits(2.0 / 3.0, 4) == "0.6667");
}

TEST_CASE("nonfinite_doubles_become_strings_in_json", "[report]") {
  Report r;
  r.data["largest"] = std::numeric_limits<double>::infinity();
  Json parsed = Json::parse(render(r, Format::json));
  CHECK(parsed["largest"] == "inf");
}

TEST_CASE("csv_prints_one_table_with_every_result_or_flattened_pairs", "[report]") {
  Report r;
  r.data["mean"] = 3.0;
  r.data["table"] = Json::array({Json{{"k", 0}, {"pmf", 0.049787068367863944}},
                                 Json{{"k", 1}, {"pmf", 0.14936120510359183}}});
  CHECK(render(r, Format::csv) ==
        "key,value\nmean,3\ntable[0].k,0\ntable[0].pmf,0.049787068367863944\n"
        "table[1].k,1\ntable[1].pmf,0.14936120510359183\n");
  r.csv_table = "table";  // one table: the other results lead every row
  CHECK(render(r, Format::csv) ==
        "mean,k,pmf\n3,0,0.049787068367863944\n3,1,0.14936120510359183\n");
}

TEST_CASE("tables_align_labels_and_honour_digits", "[report]") {
  Report r;
  r.data["directional_derivative"] = 4.4;
  r.data["gradient"] = Json::array({2.0, 4.0});
  r.data["hessian"] = Json::array({Json::array({2.0, 0.0}), Json::array({0.0, 2.0})});
  r.data["status"] = "converged";
  r.data["ratio"] = 2.0 / 3.0;
  r.notes.push_back("a note");
  CHECK(render(r, Format::table, 4) ==
        "directional derivative  4.4\n"
        "gradient                [2, 4]\n"
        "hessian\n"
        "  2  0\n"
        "  0  2\n"
        "status                  converged\n"
        "ratio                   0.6667\n"
        "\n"
        "a note\n");
}

TEST_CASE("row_stream_writes_json_lines_csv_and_columns", "[report]") {
  std::ostringstream json, csv, table;
  numkit::io::RowStream js(json, {Format::json, 12}, {"k", "f"});
  numkit::io::RowStream cs(csv, {Format::csv, 12}, {"k", "f"});
  numkit::io::RowStream ts(table, {Format::table, 3}, {"x"});
  js.row({0, 0.1});
  cs.row({0, 0.1});
  ts.value(2.0 / 3.0);
  ts.value(7LL);
  CHECK(json.str() == "{\"k\":0,\"f\":0.1}\n");
  CHECK(csv.str() == "k,f\n0,0.1\n");
  CHECK(table.str() == "0.667\n7\n");
}

TEST_CASE("a_number_table_prints_exactly_as_the_same_json_rows", "[io]") {
  // Every kind of cell: integers, shortest doubles, -0, subnormals, infinities and NaN.
  const std::vector<double> ks = {0, 3, 9007199254740992.0, 12};
  const std::vector<double> values = {0.1, -0.0, 4.9e-324,
                                      -std::numeric_limits<double>::infinity()};
  const std::vector<double> means = {2, 2, 1e300, std::nan("")};
  Report rows;
  rows.data["source"] = "x";
  rows.csv_table = "values";
  Json array = Json::array();
  for (std::size_t i = 0; i < ks.size(); ++i)
    array.push_back({{"mean", means[i]}, {"k", static_cast<long long>(ks[i])}, {"cdf", values[i]}});
  rows.data["values"] = array;
  rows.notes.push_back("a note");

  Report columns;
  columns.data["source"] = "x";
  columns.csv_table = "values";
  columns.notes.push_back("a note");
  columns.numbers.columns = {"mean", "k", "cdf"};
  columns.numbers.values = {means, ks, values};
  columns.numbers.integral = {false, true, false};
  for (Format f : {Format::json, Format::csv, Format::table}) {
    INFO(static_cast<int>(f));
    CHECK(render(columns, f) == render(rows, f));
  }
  // with nothing else in the document, and with no rows
  Report bare = columns;
  bare.data = Json::object();
  Report bare_rows = rows;
  bare_rows.data.erase("source");
  CHECK(render(bare, Format::json) == render(bare_rows, Format::json));
  Report empty = columns;
  empty.numbers.values = {{}, {}, {}};
  Report empty_rows = rows;
  empty_rows.data["values"] = Json::array();
  CHECK(render(empty, Format::json) == render(empty_rows, Format::json));
}
