#pragma once
// Errors shared by every module. Caller mistakes are exceptions, caught once in the CLI's main;
// numerical outcomes (not converged, no minimum) are statuses in result structs, never exceptions.
#include <functional>
#include <stdexcept>
#include <string>

namespace numkit {

// Bad data or a value outside a function's domain. The message names the input and the position
// or value and states the rule, e.g. `A.csv:3:7: expected a number, found "2,,5"`. Exit code 2.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Flags that do not fit together or are missing. Exit code 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The machine lacks something a command needs: a shared library that cannot be loaded, a
// gnuplot that is missing or fails. Not the caller's data, but the caller can fix it. Exit code 2.
struct EnvironmentError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Kernels report progress through this; the CLI decides whether to draw anything.
using ProgressFn = std::function<void(double fraction_done)>;

}  // namespace numkit
