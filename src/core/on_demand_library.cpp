#include "numkit/core/detail/on_demand_library.hpp"

#include <dlfcn.h>

#include <string>

#include "numkit/core/error.hpp"

namespace numkit::detail {

void* on_demand_symbol(const char* library_path, const char* symbol) {
  // dlopen counts references and returns the same handle for a library already loaded, so each
  // forwarder may open its library itself; none is ever closed.
  void* library = dlopen(library_path, RTLD_LAZY | RTLD_LOCAL);
  if (library == nullptr) {
    const char* reason = dlerror();
    throw EnvironmentError(std::string("cannot load ") + library_path + ": " +
                           (reason != nullptr ? reason : "unknown reason"));
  }
  dlerror();
  void* address = dlsym(library, symbol);
  if (address == nullptr) {
    throw EnvironmentError(std::string("cannot load ") + library_path + ": it has no " + symbol +
                           " (numkit was built against another version)");
  }
  return address;
}

}  // namespace numkit::detail
