#include "numkit/core/version.hpp"

#include <cholmod.h>
#include <mpfr.h>

#include <Eigen/Core>
#include <boost/version.hpp>
#include <sstream>
#include <string_view>

// OpenBLAS's cblas.h, declared here to avoid its macros. Asking for it loads OpenBLAS, which
// only --version and the quad commands do (src/core/blas_on_demand.cpp).
extern "C" char* openblas_get_config(void);

namespace numkit {

std::string library_versions() {
  std::ostringstream s;
  s << "Eigen " << EIGEN_WORLD_VERSION << '.' << EIGEN_MAJOR_VERSION << '.' << EIGEN_MINOR_VERSION;
  s << ", Boost " << BOOST_VERSION / 100000 << '.' << BOOST_VERSION / 100 % 1000 << '.'
    << BOOST_VERSION % 100;
  // "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64": the first two words.
  std::string_view blas = openblas_get_config();
  std::size_t space = blas.find(' ');
  if (space != std::string_view::npos) space = blas.find(' ', space + 1);
  s << ", " << blas.substr(0, space);
  s << ", CHOLMOD " << CHOLMOD_MAIN_VERSION << '.' << CHOLMOD_SUB_VERSION << '.'
    << CHOLMOD_SUBSUB_VERSION;
  s << ", MPFR " << mpfr_get_version();
  return s.str();
}

}  // namespace numkit
