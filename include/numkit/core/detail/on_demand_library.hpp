#pragma once
// Heavy shared libraries (OpenBLAS, LAPACKE, CHOLMOD, libzip with libcrypto) are opened the
// first time one of their functions is called, not when numkit starts: loading and relocating
// them costs 9 ms, three times a whole `numkit poisson cdf` query. Each module that calls such
// a library defines the functions it uses (same name and signature as the library's header,
// which the compiler checks) as forwarders through `on_demand`, and does not link the library.
#include <type_traits>

namespace numkit::detail {

// The address of `symbol` in the shared library at `library_path`, opening it on first use.
// Throws EnvironmentError naming the library and the loader's reason if it cannot be opened.
void* on_demand_symbol(const char* library_path, const char* symbol);

// The function `declared` (a library function's declaration, which fixes its type) as found in
// `library_path`, resolved once per function.
template <auto& declared>
auto& on_demand(const char* library_path, const char* symbol) {
  using Function = std::remove_reference_t<decltype(declared)>;
  static Function* const resolved =
      reinterpret_cast<Function*>(on_demand_symbol(library_path, symbol));
  return *resolved;
}

}  // namespace numkit::detail

// Inside a forwarder: the library's own definition of `function`.
#define NUMKIT_ON_DEMAND(library_path, function) \
  ::numkit::detail::on_demand<function>(library_path, #function)
