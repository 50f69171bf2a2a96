#include <charconv>
#include <numkit/expr/evaluate.hpp>
#include <string>

namespace numkit::expr {

std::string format_number(double v) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

}  // namespace numkit::expr
