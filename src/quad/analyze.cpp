// analyze(): class, inertia, eigenvalues, conditioning and the stationary-point story.
#include <Spectra/MatOp/SparseSymMatProd.h>
#include <Spectra/SymEigsSolver.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>

#include "numkit/core/error.hpp"
#include "numkit/quad/quadratic.hpp"
#include "quad_detail.hpp"

namespace numkit::quad {

std::string to_string(FormClass c) {
  switch (c) {
    case FormClass::positive_definite:
      return "positive definite";
    case FormClass::negative_definite:
      return "negative definite";
    case FormClass::positive_semidefinite:
      return "positive semidefinite";
    case FormClass::negative_semidefinite:
      return "negative semidefinite";
    case FormClass::indefinite:
      return "indefinite";
    case FormClass::zero:
      return "zero";
    case FormClass::undetermined:
      return "undetermined";
  }
  return "?";
}

std::string to_string(Answer a) {
  switch (a) {
    case Answer::no:
      return "false";
    case Answer::yes:
      return "true";
    case Answer::undetermined:
      return "undetermined";
  }
  return "?";
}

std::string to_string(Stationary s) {
  switch (s) {
    case Stationary::unique_minimum:
      return "unique minimum";
    case Stationary::unique_maximum:
      return "unique maximum";
    case Stationary::saddle:
      return "saddle point";
    case Stationary::affine_minimum:
      return "affine set of minimizers";
    case Stationary::affine_maximum:
      return "affine set of maximizers";
    case Stationary::affine_saddle:
      return "affine set of saddle points";
    case Stationary::none:
      return "no stationary point";
    case Stationary::undetermined:
      return "undetermined";
  }
  return "?";
}

void AnalyzeOptions::validate() const {
  if (!(rank_tol >= 0) || !std::isfinite(rank_tol) || rank_tol >= 1)
    throw InputError("--rank-tol: must be in [0, 1), got " + detail::sci(rank_tol, 3));
}

namespace detail {

std::string sci(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

std::string conditioning_warning(double cond) {
  constexpr double eps = std::numeric_limits<double>::epsilon();
  if (!(cond > 1e8)) return "";
  if (!std::isfinite(cond))
    return "A is singular to working precision; results are those of the stated rank tolerance";
  const double digits = std::floor(-std::log10(cond * eps));
  std::string msg = "A is ill-conditioned (condition number " + sci(cond) + "): ";
  if (digits < 1)
    msg += "the minimizer may have no correct digits";
  else
    msg += "expect about " + std::to_string(static_cast<int>(digits)) +
           " correct significant digits in the minimizer";
  return msg;
}

}  // namespace detail

FormClass classify(Eigen::Index pos, Eigen::Index neg, Eigen::Index zero) {
  if (neg == 0 && zero == 0) return FormClass::positive_definite;
  if (pos == 0 && zero == 0) return FormClass::negative_definite;
  if (neg == 0) return FormClass::positive_semidefinite;
  if (pos == 0) return FormClass::negative_semidefinite;
  return FormClass::indefinite;
}

void fill_stationary(Analysis& a, bool in_range) {
  const Eigen::Index pos = *a.positive, neg = *a.negative, zero = *a.zero;
  a.rank = pos + neg;
  if (in_range) {
    if (zero == 0) {
      a.stationary = a.cls == FormClass::positive_definite   ? Stationary::unique_minimum
                     : a.cls == FormClass::negative_definite ? Stationary::unique_maximum
                                                             : Stationary::saddle;
    } else {
      a.stationary = neg == 0   ? Stationary::affine_minimum
                     : pos == 0 ? Stationary::affine_maximum
                                : Stationary::affine_saddle;
      a.set_dimension = zero;
    }
  } else {
    a.stationary = Stationary::none;
  }
  a.bounded_below = in_range && neg == 0 ? Answer::yes : Answer::no;
  a.bounded_above = in_range && pos == 0 ? Answer::yes : Answer::no;
}

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

FormClass classify(Eigen::Index pos, Eigen::Index neg, Eigen::Index zero, bool all_zero) {
  return all_zero ? FormClass::zero : quad::classify(pos, neg, zero);
}

Analysis analyze_dense(const QuadForm& form, const AnalyzeOptions& opts) {
  Analysis a;
  const Eigen::Index n = form.size();
  const double s = form.hessian_scale();
  a.n = n;
  a.method = "dense eigen-decomposition (LAPACK dsyevd)";
  Eigen::VectorXd h;
  Eigen::MatrixXd V;
  if (!detail::symmetric_eigen_lapack(form.dense_hessian(), h, V)) {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(form.dense_hessian());
    h = es.eigenvalues();
    V = es.eigenvectors();
  }
  a.all_eigenvalues = true;
  a.eigenvalues.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) a.eigenvalues[i] = h[i] / s;
  const double maxabs = h.cwiseAbs().maxCoeff();
  a.rank_tol_relative = opts.rank_tol > 0 ? opts.rank_tol : static_cast<double>(n) * kEps;
  const double thr = a.rank_tol_relative * maxabs;
  a.rank_threshold = thr / s;
  double min_nonzero = std::numeric_limits<double>::infinity();
  Eigen::Index pos = 0, neg = 0, zero = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    if (h[i] > thr)
      ++pos;
    else if (h[i] < -thr)
      ++neg;
    else
      ++zero;
    if (std::abs(h[i]) > thr) min_nonzero = std::min(min_nonzero, std::abs(h[i]));
  }
  a.positive = pos;
  a.negative = neg;
  a.zero = zero;
  a.rank = pos + neg;
  a.cls = classify(pos, neg, zero, maxabs == 0);
  a.lambda_min = h[0] / s;
  a.lambda_max = h[n - 1] / s;
  a.largest_magnitude = maxabs / s;
  a.smallest_magnitude = h.cwiseAbs().minCoeff() / s;
  a.condition =
      zero > 0 ? std::numeric_limits<double>::infinity() : maxabs / h.cwiseAbs().minCoeff();

  // b against the numerical null space
  const Eigen::VectorXd& b = form.b();
  const double bnorm = b.norm();
  Eigen::VectorXd coef = V.transpose() * b;  // components of b in the eigenbasis
  Eigen::VectorXd r = Eigen::VectorXd::Zero(n);
  for (Eigen::Index i = 0; i < n; ++i)
    if (std::abs(h[i]) <= thr) r += coef[i] * V.col(i);
  const double rnorm = r.norm();
  const double range_residual = bnorm > 0 ? rnorm / bnorm : 0.0;
  a.range_residual = range_residual;
  // the null-space projection carries an error of about rank_tol·‖b‖·(max|λ| / min nonzero |λ|)
  double range_tol = a.rank_tol_relative;
  if (zero > 0 && pos + neg > 0) range_tol = std::min(1e-6, range_tol * maxabs / min_nonzero);
  const bool in_range = zero == 0 || range_residual <= range_tol;
  fill_stationary(a, in_range);

  if (in_range && opts.want_point) {
    Eigen::VectorXd x = Eigen::VectorXd::Zero(n);
    for (Eigen::Index i = 0; i < n; ++i)
      if (std::abs(h[i]) > thr) x -= (coef[i] / h[i]) * V.col(i);
    // one step of iterative refinement on the range (keeps the min-norm property)
    Eigen::VectorXd res = form.gradient(x);  // Hx + b
    Eigen::VectorXd rc = V.transpose() * res;
    for (Eigen::Index i = 0; i < n; ++i)
      if (std::abs(h[i]) > thr) x -= (rc[i] / h[i]) * V.col(i);
    a.point = x;
    a.value = form.c() + 0.5 * b.dot(x);
  }
  if (a.bounded_below == Answer::no) {
    Eigen::VectorXd d;
    if (neg > 0) {
      d = V.col(0);
      if (b.dot(d) > 0) d = -d;
      a.descent_kind = "negative curvature";
    } else {
      d = -r / rnorm;
      a.descent_kind = "linear (b has a component outside the range of A)";
    }
    a.descent_direction = d;
  }
  if (zero == 0) {
    std::string w = detail::conditioning_warning(*a.condition);
    if (!w.empty()) a.warnings.push_back(w);
  } else if (h.cwiseAbs().minCoeff() > 0 && pos + neg > 0) {
    a.warnings.push_back("A is numerically singular: " + std::to_string(zero) +
                         " eigenvalue(s) below the rank threshold " +
                         detail::sci(a.rank_threshold, 3) + " count as zero (see --rank-tol)");
  }
  return a;
}

// ---- sparse analysis (n > dense_analysis_max_n) ----------------------------------------------
//
// 1. The scale: the largest |λ| by Lanczos (the Gershgorin bound if Lanczos fails), which fixes
//    the rank threshold τ·max|λ|.
// 2. Supernodal Cholesky of H, then of H + thr·I, then of −H + thr·I: the first that succeeds
//    proves A positive definite, positive semidefinite or negative semidefinite at the threshold
//    (a Cholesky factorization is backward stable: its failure shows an eigenvalue below −thr,
//    up to rounding of the order of thr itself). If all three fail, A is indefinite.
// 3. Semidefinite: the eigenvalues nearest 0 by Lanczos on (G + σI)⁻¹ through the factorization
//    (they are its largest, and well separated); those below the threshold span the numerical
//    null space Z. b is in the range when ‖Zᵀb‖ is within the dense path's tolerance; the
//    least-norm stationary point is then found by refinement with the factorization, projected
//    onto Z⊥ (A⁺ = P G P for any generalized inverse G and P the projector onto the range).
// 4. Indefinite: a simplicial LDLᵀ without pivoting; when it completes with no tiny pivot and a
//    small backward error, Sylvester's law of inertia gives the counts from the pivots' signs.
//    Otherwise the inertia and the stationary set are undetermined (a pivoted Bunch–Kaufman
//    factorization, which CHOLMOD does not have, would be needed).

// y = F⁻¹x through a sparse factorization of G + σI: Lanczos on it finds the eigenvalues of G
// nearest −σ.
struct InverseOp {
  using Scalar = double;
  const detail::SparseCholesky* factor;
  Eigen::Index n;
  Eigen::Index rows() const { return n; }
  Eigen::Index cols() const { return n; }
  void perform_op(const double* x_in, double* y_out) const {
    Eigen::VectorXd v = Eigen::Map<const Eigen::VectorXd>(x_in, n);
    factor->solve(v);
    Eigen::Map<Eigen::VectorXd>(y_out, n) = v;
  }
};

constexpr double kLanczosTol = 1e-10;
constexpr Eigen::Index kMaxNullity = 64;  // beyond this the null space is not computed

template <class Op>
bool lanczos(Op& op, Eigen::Index n, Eigen::Index nev, Spectra::SortRule rule,
             Eigen::VectorXd& values, Eigen::MatrixXd& vectors) {
  const Eigen::Index ncv = std::min<Eigen::Index>(n, std::max<Eigen::Index>(2 * nev + 1, 20));
  if (nev >= ncv) return false;
  Spectra::SymEigsSolver<Op> eigs(op, nev, ncv);
  eigs.init();
  eigs.compute(rule, 3000, kLanczosTol);
  if (eigs.info() != Spectra::CompInfo::Successful) return false;
  values = eigs.eigenvalues();
  vectors = eigs.eigenvectors();
  return true;
}

double gershgorin_bound(const SparseMatrix& H) {
  Eigen::VectorXd sums = Eigen::VectorXd::Zero(H.cols());
  for (int j = 0; j < H.outerSize(); ++j)
    for (SparseMatrix::InnerIterator it(H, j); it; ++it) sums[j] += std::abs(it.value());
  return sums.maxCoeff();
}

// What is known of the largest-magnitude eigenpair of H.
struct Extreme {
  double value = 0;  // of H (signed)
  Eigen::VectorXd vector;
  bool known = false;
};

void orient_descent(const QuadForm& form, Eigen::VectorXd& d) {
  d /= d.norm();
  if (form.b().dot(d) > 0) d = -d;
}

// A unit direction of negative curvature of H, verified (dᵀHd < 0), or nothing.
std::optional<Eigen::VectorXd> negative_curvature(const QuadForm& form, const Extreme& ext,
                                                  const detail::SparseCholesky* ldlt) {
  const SparseMatrix& H = form.sparse_hessian();
  auto verified = [&](Eigen::VectorXd d) -> std::optional<Eigen::VectorXd> {
    if (!(d.norm() > 0) || !d.allFinite()) return std::nullopt;
    orient_descent(form, d);
    if (d.dot(H * d) < 0) return d;
    return std::nullopt;
  };
  if (ext.known && ext.value < 0)
    if (auto d = verified(ext.vector)) return d;
  if (ldlt) {
    const Eigen::VectorXd D = ldlt->pivots();
    Eigen::Index k = 0;
    if (D.allFinite() && D.minCoeff(&k) < 0)
      if (auto d = verified(ldlt->pivot_direction(k))) return d;
  }
  {
    Spectra::SparseSymMatProd<double> op(H);
    Eigen::VectorXd vals;
    Eigen::MatrixXd vecs;
    if (lanczos(op, H.rows(), 1, Spectra::SortRule::SmallestAlge, vals, vecs))
      if (auto d = verified(vecs.col(0))) return d;
  }
  Eigen::Index i = 0;
  if (H.diagonal().minCoeff(&i) < 0) {
    Eigen::VectorXd e = Eigen::VectorXd::Zero(H.rows());
    e[i] = 1;
    return verified(e);
  }
  return std::nullopt;
}

// G = sign·H is positive semidefinite at the threshold, and F factors G + shift·I.
void analyze_semidefinite(Analysis& a, const QuadForm& form, const SparseMatrix& G, int sign,
                          const detail::SparseCholesky& F, double shift, double thr,
                          double maxabs_h, const Extreme& ext, const AnalyzeOptions& opts) {
  const Eigen::Index n = form.size();
  const double s = form.hessian_scale();
  const Eigen::VectorXd& b = form.b();
  const bool definite_by_cholesky = shift == 0;
  a.method = F.description() + (shift > 0 ? " of A + σI" : "") +
             "; eigenvalues nearest 0 by Lanczos on its inverse (Spectra)";
  // eigenvalues of G nearest 0, more of them while all that were found are zero
  InverseOp op{&F, n};
  Eigen::VectorXd theta;
  Eigen::MatrixXd vecs;
  Eigen::Index nev = 1, zeros = 0;
  bool found = false;
  for (;;) {
    if (!lanczos(op, n, nev, Spectra::SortRule::LargestAlge, theta, vecs)) break;
    zeros = 0;
    for (Eigen::Index i = 0; i < theta.size(); ++i)
      if (1.0 / theta[i] - shift <= thr) ++zeros;
    if (zeros < nev) {
      found = true;
      break;
    }
    if (nev >= kMaxNullity) break;
    nev = std::min(nev * 4, kMaxNullity);
  }
  a.cls = sign > 0 ? FormClass::positive_semidefinite : FormClass::negative_semidefinite;
  if (!found) {
    const std::string why =
        nev >= kMaxNullity
            ? "more than " + std::to_string(kMaxNullity) +
                  " eigenvalues lie below the rank threshold; the null space is not computed"
            : "Lanczos on the inverse of the factorization did not converge";
    if (definite_by_cholesky) {
      // the Cholesky factorization of G itself proves definiteness; the point is its solution
      a.cls = sign > 0 ? FormClass::positive_definite : FormClass::negative_definite;
      a.positive = sign > 0 ? n : 0;
      a.negative = sign > 0 ? 0 : n;
      a.zero = 0;
      a.undetermined.push_back({"condition number", why});
      fill_stationary(a, true);
      if (opts.want_point) {
        Eigen::VectorXd x = -b;
        F.solve(x);
        if (sign < 0) x = -x;
        Eigen::VectorXd r = form.gradient(x);
        if (sign < 0) r = -r;
        F.solve(r);
        x -= r;
        a.point = x;
        a.value = form.c() + 0.5 * b.dot(x);
      }
    } else {
      a.undetermined.push_back({"rank and inertia", why});
      a.undetermined.push_back({"stationary points", "they depend on the rank"});
      a.stationary = Stationary::undetermined;
      if (sign < 0) {
        a.bounded_below = Answer::no;  // a nonzero negative semidefinite form is unbounded below
        if (auto d = negative_curvature(form, ext, nullptr)) {
          a.descent_direction = *d;
          a.descent_kind = "negative curvature";
        }
      }
    }
    return;
  }
  // eigenvalues of G ascending: λ_i = 1/θ_i − σ (θ descending)
  Eigen::VectorXd lambda(theta.size());
  for (Eigen::Index i = 0; i < theta.size(); ++i) lambda[i] = 1.0 / theta[i] - shift;
  const Eigen::Index m = zeros;
  const double lambda_next = lambda[m];  // the smallest nonzero eigenvalue of G
  // The Ritz vectors of the inverse carry the error of solves with condition ‖A‖/σ (measured
  // 1.5e-3 on a Neumann Laplacian); two steps of inverse iteration damp their range components
  // by σ/λ each, down to the rounding level ε‖A‖/λ.
  Eigen::MatrixXd Z = vecs.leftCols(m);
  for (int sweep = 0; sweep < 2 && m > 0; ++sweep) {
    for (Eigen::Index j = 0; j < m; ++j) {
      Eigen::VectorXd z = Z.col(j);
      F.solve(z);
      Z.col(j) = z;
    }
    Eigen::HouseholderQR<Eigen::MatrixXd> qr(Z);
    Z = qr.householderQ() * Eigen::MatrixXd::Identity(n, m);
  }
  a.positive = sign > 0 ? n - m : 0;
  a.negative = sign > 0 ? 0 : n - m;
  a.zero = m;
  a.cls = classify(*a.positive, *a.negative, m, false);
  a.smallest_magnitude = std::abs(lambda[0]) / s;
  if (sign > 0) {
    a.lambda_min = lambda[0] / s;
    if (ext.known && ext.value > 0) a.lambda_max = ext.value / s;
  } else {
    a.lambda_max = -lambda[0] / s;
    if (ext.known && ext.value < 0) a.lambda_min = ext.value / s;
  }
  a.condition = m > 0 ? std::numeric_limits<double>::infinity() : maxabs_h / lambda[0];
  if (m > 0) a.condition_on_range = maxabs_h / lambda_next;

  const double bnorm = b.norm();
  const Eigen::VectorXd coef = Z.transpose() * b;
  const Eigen::VectorXd b_null = Z * coef;
  const double range_residual = bnorm > 0 ? b_null.norm() / bnorm : 0.0;
  if (m > 0) a.range_residual = range_residual;
  double range_tol = a.rank_tol_relative;
  if (m > 0) range_tol = std::min(1e-6, range_tol * maxabs_h / lambda_next);
  const bool in_range = m == 0 || range_residual <= range_tol;
  fill_stationary(a, in_range);
  if (in_range && opts.want_point) {
    // G x = −sign·b on the range of G, refined with the factorization and kept in Z⊥
    Eigen::VectorXd rhs = -sign * b;
    if (m > 0) rhs -= Z * (Z.transpose() * rhs);
    auto project = [&](Eigen::VectorXd& v) {
      if (m > 0) v -= Z * (Z.transpose() * v);
    };
    Eigen::VectorXd x = Eigen::VectorXd::Zero(n), best = x, Gx(n);
    const double rhs_norm = rhs.norm();
    double best_res = rhs_norm, last = rhs_norm;
    for (int it = 0; it < 30 && best_res > 0; ++it) {
      Gx.noalias() = G * x;
      Eigen::VectorXd res = rhs - Gx;
      project(res);
      const double rn = res.norm();
      if (rn < best_res) {
        best_res = rn;
        best = x;
      }
      if (rn <= std::numeric_limits<double>::epsilon() * rhs_norm || (it > 1 && rn > 0.5 * last))
        break;
      last = rn;
      F.solve(res);
      project(res);
      x += res;
    }
    if (rhs_norm == 0 || best_res <= 1e-8 * rhs_norm) {
      a.point = best;
      a.value = form.c() + 0.5 * b.dot(best);
    } else {
      a.undetermined.push_back(
          {"stationary point", "the refinement on the range of A stalled at relative residual " +
                                   detail::sci(best_res / rhs_norm, 3)});
    }
  }
  if (a.bounded_below == Answer::no) {
    if (sign < 0) {
      if (auto d = negative_curvature(form, ext, nullptr)) {
        a.descent_direction = *d;
        a.descent_kind = "negative curvature";
      }
    } else {
      a.descent_direction = -b_null / b_null.norm();
      a.descent_kind = "linear (b has a component outside the range of A)";
    }
  }
  if (m == 0) {
    const std::string w = detail::conditioning_warning(*a.condition);
    if (!w.empty()) a.warnings.push_back(w);
  } else {
    a.warnings.push_back("A is numerically singular: " + std::to_string(m) +
                         " eigenvalue(s) below the rank threshold " +
                         detail::sci(a.rank_threshold, 3) + " count as zero (see --rank-tol)");
  }
}

void analyze_indefinite(Analysis& a, const QuadForm& form, const Extreme& ext,
                        const AnalyzeOptions& opts) {
  const SparseMatrix& H = form.sparse_hessian();
  const Eigen::Index n = form.size();
  const double s = form.hessian_scale();
  a.cls = FormClass::indefinite;
  // the failed Cholesky factorizations of H + thr·I and −H + thr·I show eigenvalues of both
  // signs beyond the threshold: f is unbounded in both directions, whatever b is
  a.bounded_below = Answer::no;
  a.bounded_above = Answer::no;
  if (ext.known) (ext.value < 0 ? a.lambda_min : a.lambda_max) = ext.value / s;
  detail::SparseCholesky ldlt(detail::SparseCholesky::Kind::ldlt);
  ldlt.analyze(H);
  a.method = ldlt.description() + " (inertia by Sylvester's law)";
  const bool factored = ldlt.factor(H) == detail::SparseCholesky::Result::ok;
  std::string why;
  if (!factored) {
    why =
        "the LDLᵀ factorization without pivoting met a zero pivot; a pivoted (Bunch–Kaufman) "
        "factorization would be needed";
  } else {
    const Eigen::VectorXd D = ldlt.pivots();
    const double dmax = D.cwiseAbs().maxCoeff();
    Eigen::Index pos = 0, neg = 0, tiny = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      if (!std::isfinite(D[i]) || std::abs(D[i]) <= a.rank_tol_relative * dmax)
        ++tiny;
      else if (D[i] > 0)
        ++pos;
      else
        ++neg;
    }
    // backward check of the factorization: solve with it and measure the residual
    Eigen::VectorXd u(n);
    for (Eigen::Index i = 0; i < n; ++i) u[i] = std::sin(static_cast<double>(i) + 1.0);
    const Eigen::VectorXd v = H * u;
    Eigen::VectorXd w = v;
    ldlt.solve(w);
    const double backward = (H * w - v).norm() / v.norm();
    if (tiny > 0) {
      why = std::to_string(tiny) +
            " pivot(s) of the LDLᵀ factorization without pivoting are tiny or not finite: A "
            "may be singular, and an unpivoted factorization cannot tell";
    } else if (!(backward <= 1e-8)) {
      why = "the LDLᵀ factorization without pivoting is inaccurate (backward residual " +
            detail::sci(backward, 3) + ")";
    } else {
      a.positive = pos;
      a.negative = neg;
      a.zero = 0;
      fill_stationary(a, true);
      InverseOp op{&ldlt, n};
      Eigen::VectorXd theta;
      Eigen::MatrixXd vecs;
      if (lanczos(op, n, 1, Spectra::SortRule::LargestMagn, theta, vecs)) {
        a.smallest_magnitude = 1.0 / std::abs(theta[0]) / s;
        if (a.largest_magnitude) a.condition = *a.largest_magnitude / *a.smallest_magnitude;
      } else {
        a.undetermined.push_back(
            {"condition number", "Lanczos on the inverse of the factorization did not converge"});
      }
      if (opts.want_point) {
        Eigen::VectorXd x = -form.b();
        ldlt.solve(x);
        Eigen::VectorXd r = form.gradient(x);
        ldlt.solve(r);
        x -= r;  // one step of refinement
        a.point = x;
        a.value = form.c() + 0.5 * form.b().dot(x);
      }
      if (a.condition) {
        const std::string w = detail::conditioning_warning(*a.condition);
        if (!w.empty()) a.warnings.push_back(w);
      }
    }
  }
  if (!why.empty()) {
    a.undetermined.push_back({"inertia", why});
    a.undetermined.push_back({"stationary points", "they depend on the inertia and the rank"});
    a.stationary = Stationary::undetermined;
  }
  if (auto d = negative_curvature(form, ext, factored ? &ldlt : nullptr)) {
    a.descent_direction = *d;
    a.descent_kind = "negative curvature";
  } else {
    a.undetermined.push_back({"descent direction",
                              "no direction of negative curvature was found by Lanczos or the "
                              "factorization"});
  }
}

Analysis analyze_sparse(const QuadForm& form, const AnalyzeOptions& opts) {
  Analysis a;
  const Eigen::Index n = form.size();
  const double s = form.hessian_scale();
  const SparseMatrix& H = form.sparse_hessian();
  a.n = n;
  a.rank_tol_relative = opts.rank_tol > 0 ? opts.rank_tol : static_cast<double>(n) * kEps;
  if (H.nonZeros() == 0) {
    a.method = "A has no nonzero entry";
    a.cls = FormClass::zero;
    a.positive = 0;
    a.negative = 0;
    a.zero = n;
    a.condition = std::numeric_limits<double>::infinity();
    a.largest_magnitude = a.smallest_magnitude = a.lambda_min = a.lambda_max = 0.0;
    const double bn = form.b().norm();
    a.range_residual = bn > 0 ? 1.0 : 0.0;
    fill_stationary(a, bn == 0);
    if (bn == 0) {
      a.point = Eigen::VectorXd::Zero(n);
      a.value = form.c();
    } else {
      a.descent_direction = -form.b() / bn;
      a.descent_kind = "linear (b has a component outside the range of A)";
    }
    return a;
  }
  // the scale of the spectrum
  Extreme ext;
  {
    Spectra::SparseSymMatProd<double> op(H);
    Eigen::VectorXd vals;
    Eigen::MatrixXd vecs;
    if (lanczos(op, n, 1, Spectra::SortRule::LargestMagn, vals, vecs)) {
      ext.value = vals[0];
      ext.vector = vecs.col(0);
      ext.known = true;
    }
  }
  double maxabs_h = 0;
  if (ext.known) {
    maxabs_h = std::abs(ext.value);
    a.largest_magnitude = maxabs_h / s;
  } else {
    maxabs_h = gershgorin_bound(H);
    a.undetermined.push_back({"largest eigenvalue",
                              "Lanczos did not converge; the rank threshold uses the Gershgorin "
                              "bound " +
                                  detail::sci(maxabs_h / s, 6)});
  }
  const double thr = a.rank_tol_relative * maxabs_h;
  a.rank_threshold = thr / s;
  using Result = detail::SparseCholesky::Result;
  detail::SparseCholesky chol(detail::SparseCholesky::Kind::llt);
  chol.analyze(H);
  if (chol.factor(H) == Result::ok) {
    analyze_semidefinite(a, form, H, +1, chol, 0.0, thr, maxabs_h, ext, opts);
  } else if (chol.factor(H, thr) == Result::ok) {
    analyze_semidefinite(a, form, H, +1, chol, thr, thr, maxabs_h, ext, opts);
  } else {
    const SparseMatrix G = -H;
    if (chol.factor(G, thr) == Result::ok)
      analyze_semidefinite(a, form, G, -1, chol, thr, thr, maxabs_h, ext, opts);
    else
      analyze_indefinite(a, form, ext, opts);
  }
  return a;
}
}  // namespace

Analysis analyze(const QuadForm& form, const AnalyzeOptions& opts) {
  opts.validate();
  if (!form.is_sparse()) return analyze_dense(form, opts);
  if (form.size() <= dense_analysis_max_n) {
    // small sparse input: the dense analysis is exact in its decisions and cheap
    QuadForm dense(Eigen::MatrixXd(form.sparse_hessian()) / form.hessian_scale(), form.b(),
                   form.c(), form.convention());
    Analysis a = analyze_dense(dense, opts);
    return a;
  }
  return analyze_sparse(form, opts);
}

}  // namespace numkit::quad
