#pragma once
// The versions of numkit and of the libraries that decide its numerical results, as linked at run
// time where the library can say (OpenBLAS), else as compiled against.
#include <string>

namespace numkit {

// "Eigen 3.4.0, Boost 1.74.0, OpenBLAS 0.3.21, CHOLMOD 3.0.14, MPFR 4.1.1"
std::string library_versions();

}  // namespace numkit
