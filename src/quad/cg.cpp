// The sparse conjugate-gradient kernel: CSR (= CSC of a symmetric H) matrix-vector products and
// vector updates in three passes per iteration, parallel over a fixed row partition. Partial sums
// are kept per chunk and added in chunk order, so the iterates are bitwise independent of the
// number of threads.
#include <omp.h>

#include <cstdlib>

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <vector>

#include "numkit/quad/quadratic.hpp"

namespace numkit::quad {

namespace detail {

// All cores for large problems on an idle machine. A barrier-synchronised team is badly hurt when
// another process holds a core (a descheduled thread stalls every barrier: measured 6.5× slower
// with two threads than with one under a load of 11 on two cores), so when the 1-minute load
// average already reaches the core count, one thread is used. Small problems use one thread too.
int auto_threads(Eigen::Index n) {
  const int cores = omp_get_max_threads();
  if (cores <= 1 || n < 100000) return 1;
  double load = 0;
  if (getloadavg(&load, 1) == 1 && load >= cores - 0.25) return 1;
  return cores;
}

}  // namespace detail

double sparse_cg_bytes_per_iteration(const SparseMatrix& H, bool jacobi) {
  const double n = static_cast<double>(H.rows());
  const double nnz = static_cast<double>(H.nonZeros());
  // matrix: values (8) + column indices (4) per nonzero, row pointers (4) per row
  const double matrix = 12.0 * nnz + 4.0 * (n + 1);
  // pass A: read p, write q; pass B: read q, read+write r; pass C: read+write x, read+write p,
  // read r — ten vector transfers; Jacobi adds two reads of D⁻¹
  const double vectors = (10.0 + (jacobi ? 2.0 : 0.0)) * 8.0 * n;
  return matrix + vectors;
}

CgStats sparse_cg(const SparseMatrix& H, const Eigen::VectorXd& rhs, Eigen::VectorXd& x,
                  const CgKernelOptions& o) {
  const Eigen::Index n = H.rows();
  const int* outer = H.outerIndexPtr();
  const int* inner = H.innerIndexPtr();
  const double* val = H.valuePtr();
  const bool pre = o.inv_diag != nullptr;
  const double* dinv = pre ? o.inv_diag->data() : nullptr;
  // fixed partition: a function of n only
  const Eigen::Index nchunks = std::clamp<Eigen::Index>(n / 4096, 1, 1024);
  std::vector<Eigen::Index> lo(nchunks + 1);
  for (Eigen::Index c = 0; c <= nchunks; ++c) lo[c] = n * c / nchunks;
  const int threads = o.threads > 0 ? o.threads : detail::auto_threads(n);

  Eigen::VectorXd r(n), p(n), q(n);
  // one buffer of partial sums per pass (a slow thread may still read the previous pass's sums)
  std::vector<double> partA(2 * nchunks), partB(2 * nchunks), partC(2 * nchunks),
      part0(2 * nchunks);
  CgStats st;
  std::exception_ptr callback_error;
  long k_total = 0;

  auto sum2 = [nchunks](const std::vector<double>& part, int which) {
    double s = 0;
    for (Eigen::Index c = 0; c < nchunks; ++c) s += part[2 * c + which];
    return s;
  };

  // Residual replacement for a start far from the solution (a residual beyond 1e6 ‖rhs‖): the
  // recursive residual cannot fall below ε times its start, so once it has fallen by 1e-8 the
  // cycle ends and the next one starts from the true residual, for as long as that halves it.
  // Ordinary starts never meet this.
  const double rhs_norm = rhs.norm();
  double last_start = std::numeric_limits<double>::infinity();
  for (;;) {
    bool converged = false, indefinite = false, overflowed = false, replaced = false;
    double cycle_start = 0;
    long k_done = k_total;
    double rr_out = 0;
#pragma omp parallel num_threads(threads)
    {
      // pass 0: r = rhs − Hx, p = M⁻¹r
#pragma omp for schedule(static)
      for (Eigen::Index c = 0; c < nchunks; ++c) {
        for (Eigen::Index i = lo[c]; i < lo[c + 1]; ++i) {
          double s = 0;
          for (int t = outer[i]; t < outer[i + 1]; ++t) s += val[t] * x[inner[t]];
          r[i] = rhs[i] - s;
        }
        const Eigen::Index len = lo[c + 1] - lo[c];
        auto rs = r.segment(lo[c], len);
        if (pre) {
          auto ds = Eigen::Map<const Eigen::VectorXd>(dinv + lo[c], len);
          p.segment(lo[c], len) = ds.cwiseProduct(rs);
          part0[2 * c + 1] = rs.dot(p.segment(lo[c], len));
        } else {
          p.segment(lo[c], len) = rs;
        }
        part0[2 * c] = rs.squaredNorm();
      }
      double rr = sum2(part0, 0);
      double rz = pre ? sum2(part0, 1) : rr;
      long k = k_total;
      bool conv = false, indef = false, ovf = !std::isfinite(rr), repl = false;
      const double r_start = std::sqrt(rr);
      const bool far = rhs_norm > 0 && r_start > 1e6 * rhs_norm && r_start < 0.5 * last_start;
      for (; !ovf;) {
        if (std::sqrt(rr) <= o.tol_abs) {
          conv = true;
          break;
        }
        if (far && std::sqrt(rr) <= 1e-8 * r_start) {
          repl = true;
          break;
        }
        if (k >= o.max_iter) break;
          // pass A: q = Hp, pᵀq, pᵀp
#pragma omp for schedule(static)
        for (Eigen::Index c = 0; c < nchunks; ++c) {
          for (Eigen::Index i = lo[c]; i < lo[c + 1]; ++i) {
            double s = 0;
            for (int t = outer[i]; t < outer[i + 1]; ++t) s += val[t] * p[inner[t]];
            q[i] = s;
          }
          const Eigen::Index len = lo[c + 1] - lo[c];
          auto ps = p.segment(lo[c], len);
          partA[2 * c] = ps.dot(q.segment(lo[c], len));
          partA[2 * c + 1] = ps.squaredNorm();
        }
        const double pq = sum2(partA, 0);
        const double pnorm = std::sqrt(sum2(partA, 1));
        if (!std::isfinite(pq)) {  // overflow is not a sign of indefiniteness
          ovf = true;
          break;
        }
        if (!(pq > 0)) {
          indef = true;
          break;
        }
        const double alpha = rz / pq;
        // pass B: r −= αq, rᵀr, rᵀM⁻¹r
#pragma omp for schedule(static)
        for (Eigen::Index c = 0; c < nchunks; ++c) {
          const Eigen::Index len = lo[c + 1] - lo[c];
          auto rs = r.segment(lo[c], len);
          rs -= alpha * q.segment(lo[c], len);
          partB[2 * c] = rs.squaredNorm();
          if (pre)
            partB[2 * c + 1] =
                rs.dot(Eigen::Map<const Eigen::VectorXd>(dinv + lo[c], len).cwiseProduct(rs));
        }
        const double rr_new = sum2(partB, 0);
        const double rz_new = pre ? sum2(partB, 1) : rr_new;
        const double beta = rz_new / rz;
        // pass C: x += αp, p = M⁻¹r + βp (and xᵀr, xᵀrhs for traces)
#pragma omp for schedule(static)
        for (Eigen::Index c = 0; c < nchunks; ++c) {
          const Eigen::Index len = lo[c + 1] - lo[c];
          auto ps = p.segment(lo[c], len);
          auto xs = x.segment(lo[c], len);
          auto rs = r.segment(lo[c], len);
          xs += alpha * ps;
          if (pre)
            ps = Eigen::Map<const Eigen::VectorXd>(dinv + lo[c], len).cwiseProduct(rs) + beta * ps;
          else
            ps = rs + beta * ps;
          if (o.want_dots) {
            partC[2 * c] = xs.dot(rs);
            partC[2 * c + 1] = xs.dot(rhs.segment(lo[c], len));
          }
        }
        rr = rr_new;
        rz = rz_new;
        ++k;
        if (o.per_iter) {
#pragma omp master
          {
            if (!callback_error) {
              try {
                o.per_iter(k, std::sqrt(rr), alpha * pnorm, o.want_dots ? sum2(partC, 0) : 0.0,
                           o.want_dots ? sum2(partC, 1) : 0.0);
              } catch (...) {
                callback_error = std::current_exception();
              }
            }
          }
        }
      }
#pragma omp master
      {
        converged = conv;
        indefinite = indef;
        overflowed = ovf;
        replaced = repl;
        cycle_start = r_start;
        k_done = k;
        rr_out = rr;
      }
    }
    if (callback_error) std::rethrow_exception(callback_error);
    k_total = k_done;
    st.iterations = k_total;
    st.recursive_residual = std::sqrt(rr_out);
    if (replaced) {
      last_start = cycle_start;
      continue;  // the next cycle starts from the true residual
    }
    if (overflowed) {
      st.overflow = true;
      return st;
    }
    if (indefinite) {
      st.indefinite = true;
      if (o.direction) *o.direction = p;
      return st;
    }
    if (!converged) return st;  // max_iter
    // the recursive residual says converged: check the true one, replace and go on if it drifted
    Eigen::VectorXd tr = rhs - H * x;
    if (tr.norm() <= o.tol_abs || st.restarts >= 5 || k_total >= o.max_iter) {
      st.converged = tr.norm() <= o.tol_abs;
      return st;
    }
    ++st.restarts;
  }
}

}  // namespace numkit::quad
