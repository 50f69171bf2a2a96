#include "numkit/core/number.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "numkit/core/error.hpp"

namespace numkit {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string quoted(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

enum class ParseStatus { ok, not_a_number, overflow, underflow };

// Parses a whole token; accepts a leading '+', and hex floats with a 0x prefix.
ParseStatus parse_token(std::string_view token, double& value) {
  if (token.empty()) return ParseStatus::not_a_number;
  bool negative = false;
  std::string_view body = token;
  if (body.front() == '+' || body.front() == '-') {
    negative = body.front() == '-';
    body.remove_prefix(1);
    if (body.empty() || body.front() == '+' || body.front() == '-')
      return ParseStatus::not_a_number;
  }
  auto format = std::chars_format::general;
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
    format = std::chars_format::hex;
    body.remove_prefix(2);
  }
  double parsed = 0;
  auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), parsed, format);
  if (end != body.data() + body.size()) return ParseStatus::not_a_number;
  if (ec == std::errc::result_out_of_range) {
    // from_chars reports both overflow and underflow this way; tell them apart by the exponent.
    double approx = std::strtod(std::string(token).c_str(), nullptr);
    return std::isinf(approx) ? ParseStatus::overflow : ParseStatus::underflow;
  }
  if (ec != std::errc()) return ParseStatus::not_a_number;
  value = negative ? -parsed : parsed;
  return ParseStatus::ok;
}

}  // namespace

std::string nonfinite_name(double value) {
  if (std::isnan(value)) return "nan";
  return value > 0 ? "inf" : "-inf";
}

std::string format_number(double value) {
  if (!std::isfinite(value)) return nonfinite_name(value);
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  (void)ec;
  return std::string(buf, end);
}

double parse_double(std::string_view text, std::string_view what, const NumberOptions& options) {
  std::string_view token = trim(text);
  double value = 0;
  switch (parse_token(token, value)) {
    case ParseStatus::ok:
      break;
    case ParseStatus::not_a_number:
      throw InputError(std::string(what) + ": expected a number, found " + quoted(token));
    case ParseStatus::overflow:
      throw InputError(std::string(what) + ": " + std::string(token) +
                       " is out of the range of double (largest is 1.7976931348623157e308)");
    case ParseStatus::underflow:
      throw InputError(std::string(what) + ": " + std::string(token) +
                       " is out of the range of double (it would round to zero)");
  }
  if (!std::isfinite(value) && !options.allow_nonfinite)
    throw InputError(std::string(what) + ": " + nonfinite_name(value) + " is not allowed here");
  return value;
}

long long parse_integer(std::string_view text, std::string_view what) {
  std::string_view token = trim(text);
  std::string_view digits = token;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  long long value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec == std::errc() && end == digits.data() + digits.size() && !digits.empty()) return value;
  if (ec == std::errc::result_out_of_range)
    throw InputError(std::string(what) + ": " + std::string(token) +
                     " is out of the range of a 64-bit integer");
  double as_double = 0;
  if (parse_token(token, as_double) == ParseStatus::ok && std::isfinite(as_double)) {
    if (as_double != std::floor(as_double))
      throw InputError(std::string(what) + ": expected an integer, found " + quoted(token));
    if (std::fabs(as_double) >= 9.2233720368547758e18)
      throw InputError(std::string(what) + ": " + std::string(token) +
                       " is out of the range of a 64-bit integer");
    return static_cast<long long>(as_double);
  }
  throw InputError(std::string(what) + ": expected an integer, found " + quoted(token));
}

std::vector<double> parse_number_list(std::string_view text, std::string_view what,
                                      const NumberOptions& options) {
  std::string_view body = trim(text);
  if (!body.empty() && body.front() == '[' && body.back() == ']') {
    body.remove_prefix(1);
    body.remove_suffix(1);
  }
  std::vector<double> values;
  std::size_t i = 0;
  while (i < body.size()) {
    while (i < body.size() && (body[i] == ' ' || body[i] == '\t')) ++i;
    if (i >= body.size()) break;
    std::size_t start = i;
    while (i < body.size() && body[i] != ',' && body[i] != ' ' && body[i] != '\t') ++i;
    std::string_view token = body.substr(start, i - start);
    if (token.empty())
      throw InputError(std::string(what) + ": expected a number, found an empty entry in " +
                       quoted(text));
    values.push_back(parse_double(token, what, options));
    while (i < body.size() && (body[i] == ' ' || body[i] == '\t')) ++i;
    if (i < body.size() && body[i] == ',') {
      ++i;
      std::size_t j = i;
      while (j < body.size() && (body[j] == ' ' || body[j] == '\t')) ++j;
      if (j >= body.size() || body[j] == ',')
        throw InputError(std::string(what) + ": expected a number, found an empty entry in " +
                         quoted(text));
    }
  }
  if (values.empty()) throw InputError(std::string(what) + ": expected numbers, found nothing");
  return values;
}

}  // namespace numkit
