#pragma once
// Strict parsing of single numbers from user text.
#include <string>
#include <string_view>
#include <vector>

namespace numkit {

struct NumberOptions {
  bool allow_nonfinite = false;  // accept nan, inf, -inf
};

// Parses the whole of `text` as a double (decimal or hex float, optional sign, surrounding blanks
// ignored). Throws InputError: `what: expected a number, found "text"`, or
// `what: 1e999 is out of the range of double`, or `what: nan is not allowed here`.
double parse_double(std::string_view text, std::string_view what, const NumberOptions& = {});

// Parses the whole of `text` as a signed 64-bit integer; accepts `1e6` style when it is exactly an
// integer. Throws InputError naming `what`.
long long parse_integer(std::string_view text, std::string_view what);

// Splits `1,2,3`, `1 2 3`, `[1, 2, 3]` into numbers, each parsed with parse_double.
std::vector<double> parse_number_list(std::string_view text, std::string_view what,
                                      const NumberOptions& = {});

// The name of a non-finite double for messages: "nan", "inf" or "-inf".
std::string nonfinite_name(double value);

// The shortest decimal that reads back as the same double ("0.1", "1e-300"), or "inf", "-inf",
// "nan": how every module states a value in a message.
std::string format_number(double value);

}  // namespace numkit
