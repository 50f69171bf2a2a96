#pragma once
// The points a command evaluates at (poisson's and dist's K, X and P), read one way everywhere:
// numbers, comma or space lists (`3,4` or `"3 4"`), ranges of counts (`0..12`), `-` (stdin) or
// a file of numbers, any number per line. At most kMaxValues in all.
#include <cstddef>
#include <string>
#include <vector>

namespace numkit::cli {

inline constexpr std::size_t kMaxValues = 1'000'000;

enum class ValueKind {
  counts,         // integers in [0, 2^53]; ranges a..b allowed
  reals,          // any number but NaN (±inf allowed: the tails' limits)
  probabilities,  // in [0, 1]
};

// Whether an argument reads as a number (or a range, a list) rather than a file name.
bool looks_like_number(const std::string& s);

// `what` names the values in messages ("K", "X", "P"): `K: must be an integer in [0, 2^53], got
// 2.5`, `P: must be in [0, 1], got 2`, `K range 5..3: the end is below the start`,
// `K: at most 1000000 values`.
std::vector<double> expand_values(const std::vector<std::string>& args, ValueKind kind,
                                  const std::string& what);

}  // namespace numkit::cli
