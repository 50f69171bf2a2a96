// CHOLMOD, opened on first use (see numkit/core/detail/on_demand_library.hpp): the functions
// quad's sparse Cholesky calls, forwarded to the library's own definitions.
#include <cholmod.h>

#include "numkit/core/detail/on_demand_library.hpp"

namespace {
constexpr const char* kCholmod = NUMKIT_CHOLMOD_LIBRARY;
}  // namespace

extern "C" {

int cholmod_start(cholmod_common* common) {
  return NUMKIT_ON_DEMAND(kCholmod, cholmod_start)(common);
}
int cholmod_finish(cholmod_common* common) {
  return NUMKIT_ON_DEMAND(kCholmod, cholmod_finish)(common);
}
cholmod_factor* cholmod_analyze(cholmod_sparse* a, cholmod_common* common) {
  return NUMKIT_ON_DEMAND(kCholmod, cholmod_analyze)(a, common);
}
int cholmod_factorize_p(cholmod_sparse* a, double beta[2], int* fset, size_t fsize,
                        cholmod_factor* l, cholmod_common* common) {
  return NUMKIT_ON_DEMAND(kCholmod, cholmod_factorize_p)(a, beta, fset, fsize, l, common);
}
cholmod_dense* cholmod_solve(int sys, cholmod_factor* l, cholmod_dense* b, cholmod_common* common) {
  return NUMKIT_ON_DEMAND(kCholmod, cholmod_solve)(sys, l, b, common);
}
double cholmod_rcond(cholmod_factor* l, cholmod_common* common) {
  return NUMKIT_ON_DEMAND(kCholmod, cholmod_rcond)(l, common);
}
int cholmod_free_factor(cholmod_factor** l, cholmod_common* common) {
  return NUMKIT_ON_DEMAND(kCholmod, cholmod_free_factor)(l, common);
}
int cholmod_free_dense(cholmod_dense** x, cholmod_common* common) {
  return NUMKIT_ON_DEMAND(kCholmod, cholmod_free_dense)(x, common);
}

}  // extern "C"
