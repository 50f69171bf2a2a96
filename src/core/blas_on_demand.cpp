// OpenBLAS and LAPACKE, opened on first use (see numkit/core/detail/on_demand_library.hpp):
// the functions numkit calls, forwarded to the libraries' own definitions. A call to one not
// listed here fails to link, which is how a new one gets added.
#include <cblas.h>
#include <lapacke.h>

#include "numkit/core/detail/on_demand_library.hpp"

namespace {
constexpr const char* kOpenblas = NUMKIT_OPENBLAS_LIBRARY;
constexpr const char* kLapacke = NUMKIT_LAPACKE_LIBRARY;
}  // namespace

extern "C" {

char* openblas_get_config(void) {
  return NUMKIT_ON_DEMAND(kOpenblas, openblas_get_config)();
}
int openblas_get_num_threads(void) {
  return NUMKIT_ON_DEMAND(kOpenblas, openblas_get_num_threads)();
}
void openblas_set_num_threads(int num_threads) {
  NUMKIT_ON_DEMAND(kOpenblas, openblas_set_num_threads)(num_threads);
}

void cblas_dsymv(const enum CBLAS_ORDER order, const enum CBLAS_UPLO uplo, const blasint n,
                 const double alpha, const double* a, const blasint lda, const double* x,
                 const blasint inc_x, const double beta, double* y, const blasint inc_y) {
  NUMKIT_ON_DEMAND(kOpenblas, cblas_dsymv)(order, uplo, n, alpha, a, lda, x, inc_x, beta, y, inc_y);
}
void cblas_ssyrk(const enum CBLAS_ORDER order, const enum CBLAS_UPLO uplo,
                 const enum CBLAS_TRANSPOSE trans, const blasint n, const blasint k,
                 const float alpha, const float* a, const blasint lda, const float beta, float* c,
                 const blasint ldc) {
  NUMKIT_ON_DEMAND(kOpenblas, cblas_ssyrk)(order, uplo, trans, n, k, alpha, a, lda, beta, c, ldc);
}
void cblas_strsm(const enum CBLAS_ORDER order, const enum CBLAS_SIDE side,
                 const enum CBLAS_UPLO uplo, const enum CBLAS_TRANSPOSE trans_a,
                 const enum CBLAS_DIAG diag, const blasint m, const blasint n, const float alpha,
                 const float* a, const blasint lda, float* b, const blasint ldb) {
  NUMKIT_ON_DEMAND(kOpenblas, cblas_strsm)
  (order, side, uplo, trans_a, diag, m, n, alpha, a, lda, b, ldb);
}

lapack_int LAPACKE_dpotrf(int layout, char uplo, lapack_int n, double* a, lapack_int lda) {
  return NUMKIT_ON_DEMAND(kLapacke, LAPACKE_dpotrf)(layout, uplo, n, a, lda);
}
lapack_int LAPACKE_spotrf(int layout, char uplo, lapack_int n, float* a, lapack_int lda) {
  return NUMKIT_ON_DEMAND(kLapacke, LAPACKE_spotrf)(layout, uplo, n, a, lda);
}
lapack_int LAPACKE_spotrf_work(int layout, char uplo, lapack_int n, float* a, lapack_int lda) {
  return NUMKIT_ON_DEMAND(kLapacke, LAPACKE_spotrf_work)(layout, uplo, n, a, lda);
}
lapack_int LAPACKE_spocon_work(int layout, char uplo, lapack_int n, const float* a, lapack_int lda,
                               float anorm, float* rcond, float* work, lapack_int* iwork) {
  return NUMKIT_ON_DEMAND(kLapacke, LAPACKE_spocon_work)(layout, uplo, n, a, lda, anorm, rcond,
                                                         work, iwork);
}
lapack_int LAPACKE_dpotrs(int layout, char uplo, lapack_int n, lapack_int nrhs, const double* a,
                          lapack_int lda, double* b, lapack_int ldb) {
  return NUMKIT_ON_DEMAND(kLapacke, LAPACKE_dpotrs)(layout, uplo, n, nrhs, a, lda, b, ldb);
}
lapack_int LAPACKE_spotrs(int layout, char uplo, lapack_int n, lapack_int nrhs, const float* a,
                          lapack_int lda, float* b, lapack_int ldb) {
  return NUMKIT_ON_DEMAND(kLapacke, LAPACKE_spotrs)(layout, uplo, n, nrhs, a, lda, b, ldb);
}
lapack_int LAPACKE_dpocon(int layout, char uplo, lapack_int n, const double* a, lapack_int lda,
                          double anorm, double* rcond) {
  return NUMKIT_ON_DEMAND(kLapacke, LAPACKE_dpocon)(layout, uplo, n, a, lda, anorm, rcond);
}
lapack_int LAPACKE_spocon(int layout, char uplo, lapack_int n, const float* a, lapack_int lda,
                          float anorm, float* rcond) {
  return NUMKIT_ON_DEMAND(kLapacke, LAPACKE_spocon)(layout, uplo, n, a, lda, anorm, rcond);
}
lapack_int LAPACKE_dsyevd(int layout, char jobz, char uplo, lapack_int n, double* a, lapack_int lda,
                          double* w) {
  return NUMKIT_ON_DEMAND(kLapacke, LAPACKE_dsyevd)(layout, jobz, uplo, n, a, lda, w);
}

}  // extern "C"
