// The number parser: parse_double, parse_integer, parse_number_list, format_number round trip.
#include <cmath>

#include "fuzz_support.hpp"
#include "numkit/core/number.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace numkit;
  std::string_view text = fuzz::as_text(data, size);
  fuzz::expect_result_or_input_error([&] {
    double v = parse_double(text, "x");
    if (!std::isfinite(v)) fuzz::fail("parse_double returned a non-finite value by default");
    // Every value a message states reads back as the same double.
    if (parse_double(format_number(v), "x") != v && !(v == 0 && format_number(v) == "-0"))
      fuzz::fail("format_number does not round-trip");
  });
  fuzz::expect_result_or_input_error([&] {
    double v = parse_double(text, "x", NumberOptions{true});
    (void)nonfinite_name(v);
  });
  fuzz::expect_result_or_input_error([&] { (void)parse_integer(text, "n"); });
  fuzz::expect_result_or_input_error([&] {
    for (double v : parse_number_list(text, "list"))
      if (!std::isfinite(v)) fuzz::fail("parse_number_list returned a non-finite value");
  });
  return 0;
}
