// analyze(): class, inertia, eigenvalues, conditioning and the stationary-point story.
#include <Spectra/MatOp/SparseSymMatProd.h>
#include <Spectra/SymEigsShiftSolver.h>
#include <Spectra/SymEigsSolver.h>
#include <Eigen/SparseCholesky>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

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

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

FormClass classify(Eigen::Index pos, Eigen::Index neg, Eigen::Index zero, bool all_zero) {
  if (all_zero) return FormClass::zero;
  if (neg == 0 && zero == 0) return FormClass::positive_definite;
  if (pos == 0 && zero == 0) return FormClass::negative_definite;
  if (neg == 0) return FormClass::positive_semidefinite;
  if (pos == 0) return FormClass::negative_semidefinite;
  return FormClass::indefinite;
}

void fill_stationary(Analysis& a, bool in_range) {
  if (in_range) {
    if (a.zero == 0) {
      a.stationary = a.cls == FormClass::positive_definite   ? Stationary::unique_minimum
                     : a.cls == FormClass::negative_definite ? Stationary::unique_maximum
                                                             : Stationary::saddle;
    } else {
      a.stationary = a.negative == 0   ? Stationary::affine_minimum
                     : a.positive == 0 ? Stationary::affine_maximum
                                       : Stationary::affine_saddle;
      a.set_dimension = a.zero;
    }
  } else {
    a.stationary = Stationary::none;
  }
  a.bounded_below = in_range && a.negative == 0;
  a.bounded_above = in_range && a.positive == 0;
}

Analysis analyze_dense(const QuadForm& form, const AnalyzeOptions& opts) {
  Analysis a;
  const Eigen::Index n = form.size();
  const double s = form.hessian_scale();
  a.n = n;
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
  for (Eigen::Index i = 0; i < n; ++i) {
    if (h[i] > thr)
      ++a.positive;
    else if (h[i] < -thr)
      ++a.negative;
    else
      ++a.zero;
    if (std::abs(h[i]) > thr) min_nonzero = std::min(min_nonzero, std::abs(h[i]));
  }
  a.rank = a.positive + a.negative;
  a.cls = classify(a.positive, a.negative, a.zero, maxabs == 0);
  a.lambda_min = h[0] / s;
  a.lambda_max = h[n - 1] / s;
  a.largest_magnitude = maxabs / s;
  a.smallest_magnitude = h.cwiseAbs().minCoeff() / s;
  a.condition =
      a.zero > 0 ? std::numeric_limits<double>::infinity() : maxabs / h.cwiseAbs().minCoeff();

  // b against the numerical null space
  const Eigen::VectorXd& b = form.b();
  const double bnorm = b.norm();
  Eigen::VectorXd coef = V.transpose() * b;  // components of b in the eigenbasis
  Eigen::VectorXd r = Eigen::VectorXd::Zero(n);
  for (Eigen::Index i = 0; i < n; ++i)
    if (std::abs(h[i]) <= thr) r += coef[i] * V.col(i);
  const double rnorm = r.norm();
  a.range_residual = bnorm > 0 ? rnorm / bnorm : 0.0;
  // the null-space projection carries an error of about rank_tol·‖b‖·(max|λ| / min nonzero |λ|)
  double range_tol = a.rank_tol_relative;
  if (a.zero > 0 && a.rank > 0) range_tol = std::min(1e-6, range_tol * maxabs / min_nonzero);
  const bool in_range = a.zero == 0 || a.range_residual <= range_tol;
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
  if (!a.bounded_below) {
    Eigen::VectorXd d;
    if (a.negative > 0) {
      d = V.col(0);
      if (b.dot(d) > 0) d = -d;
      a.descent_kind = "negative curvature";
    } else {
      d = -r / rnorm;
      a.descent_kind = "linear (b has a component outside the range of A)";
    }
    a.descent_direction = d;
  }
  if (a.zero == 0) {
    std::string w = detail::conditioning_warning(a.condition);
    if (!w.empty()) a.warnings.push_back(w);
  } else if (h.cwiseAbs().minCoeff() > 0 && a.rank > 0) {
    a.warnings.push_back("A is numerically singular: " + std::to_string(a.zero) +
                         " eigenvalue(s) below the rank threshold " +
                         detail::sci(a.rank_threshold, 3) + " count as zero (see --rank-tol)");
  }
  return a;
}

// Spectra operator y = H⁻¹x from an existing LDLᵀ factorization (shift 0 only).
struct LdltInverseOp {
  using Scalar = double;
  const Eigen::SimplicialLDLT<SparseMatrix, Eigen::Lower, Eigen::AMDOrdering<int>>* ldlt;
  Eigen::Index n;
  Eigen::Index rows() const { return n; }
  Eigen::Index cols() const { return n; }
  void set_shift(double) {}
  void perform_op(const double* x_in, double* y_out) const {
    Eigen::Map<const Eigen::VectorXd> x(x_in, n);
    Eigen::Map<Eigen::VectorXd> y(y_out, n);
    y = ldlt->solve(x);
  }
};

Analysis analyze_sparse(const QuadForm& form, const AnalyzeOptions& opts) {
  Analysis a;
  const Eigen::Index n = form.size();
  const double s = form.hessian_scale();
  const SparseMatrix& H = form.sparse_hessian();
  a.n = n;
  a.rank_tol_relative = opts.rank_tol > 0 ? opts.rank_tol : static_cast<double>(n) * kEps;
  if (H.nonZeros() == 0) {
    a.cls = FormClass::zero;
    a.zero = n;
    a.condition = std::numeric_limits<double>::infinity();
    a.largest_magnitude = a.smallest_magnitude = a.lambda_min = a.lambda_max = 0.0;
    const double bn = form.b().norm();
    fill_stationary(a, bn == 0);
    if (bn == 0) {
      a.point = Eigen::VectorXd::Zero(n);
      a.value = form.c();
      a.set_dimension = n;
    } else {
      a.range_residual = 1;
      a.descent_direction = -form.b() / bn;
      a.descent_kind = "linear (b has a component outside the range of A)";
    }
    return a;
  }
  // inertia from the pivots of LDLᵀ (Sylvester's law of inertia)
  Eigen::SimplicialLDLT<SparseMatrix, Eigen::Lower, Eigen::AMDOrdering<int>> ldlt;
  ldlt.compute(H);
  const bool factored = ldlt.info() == Eigen::Success;
  Eigen::VectorXd D = factored ? Eigen::VectorXd(ldlt.vectorD()) : Eigen::VectorXd();
  // largest |λ| by Lanczos
  {
    Spectra::SparseSymMatProd<double> op(H);
    const Eigen::Index ncv = std::min<Eigen::Index>(n, 20);
    if (n >= 3) {
      Spectra::SymEigsSolver<Spectra::SparseSymMatProd<double>> eigs(op, 1, ncv);
      eigs.init();
      eigs.compute(Spectra::SortRule::LargestMagn, 2000, 1e-10);
      if (eigs.info() == Spectra::CompInfo::Successful)
        a.largest_magnitude = std::abs(eigs.eigenvalues()[0]) / s;
    }
    if (!a.largest_magnitude) {
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(Eigen::MatrixXd(H), Eigen::EigenvaluesOnly);
      a.largest_magnitude = es.eigenvalues().cwiseAbs().maxCoeff() / s;
    }
  }
  const double maxabs_h = *a.largest_magnitude * s;
  const double thr = a.rank_tol_relative * maxabs_h;
  a.rank_threshold = thr / s;
  if (factored) {
    // pivots are not eigenvalues; a pivot is "zero" relative to the largest |pivot|
    const double dmax = D.cwiseAbs().maxCoeff();
    for (Eigen::Index i = 0; i < n; ++i) {
      if (D[i] > a.rank_tol_relative * dmax)
        ++a.positive;
      else if (D[i] < -a.rank_tol_relative * dmax)
        ++a.negative;
      else
        ++a.zero;
    }
  } else {
    a.zero = 1;  // an exactly zero pivot: singular
    a.warnings.push_back(
        "the LDLᵀ factorization of the sparse A met a zero pivot: A is singular; its inertia and "
        "stationary set are not determined for sparse input (convert to a dense file for the "
        "full analysis)");
  }
  a.rank = a.positive + a.negative;
  a.cls = classify(a.positive, a.negative, a.zero, false);
  if (factored && a.zero == 0) {
    // smallest |λ| by shift-invert Lanczos on the factorization
    LdltInverseOp op{&ldlt, n};
    if (n >= 3) {
      Spectra::SymEigsShiftSolver<LdltInverseOp> eigs(op, 1, std::min<Eigen::Index>(n, 20), 0.0);
      eigs.init();
      eigs.compute(Spectra::SortRule::LargestMagn, 2000, 1e-10);
      if (eigs.info() == Spectra::CompInfo::Successful)
        a.smallest_magnitude = std::abs(eigs.eigenvalues()[0]) / s;
    } else {
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(Eigen::MatrixXd(H), Eigen::EigenvaluesOnly);
      a.smallest_magnitude = es.eigenvalues().cwiseAbs().minCoeff() / s;
    }
    if (a.smallest_magnitude) a.condition = *a.largest_magnitude / *a.smallest_magnitude;
    if (a.cls == FormClass::positive_definite) {
      a.lambda_min = a.smallest_magnitude;
      a.lambda_max = a.largest_magnitude;
    } else if (a.cls == FormClass::negative_definite) {
      if (a.smallest_magnitude) a.lambda_max = -*a.smallest_magnitude;
      a.lambda_min = -*a.largest_magnitude;
    }
    fill_stationary(a, true);
    if (opts.want_point) {
      Eigen::VectorXd x = ldlt.solve(-form.b());
      Eigen::VectorXd res = form.gradient(x);
      x -= ldlt.solve(res);  // one step of refinement
      a.point = x;
      a.value = form.c() + 0.5 * form.b().dot(x);
    }
    std::string w = detail::conditioning_warning(a.condition);
    if (!w.empty()) a.warnings.push_back(w);
  } else {
    a.condition = std::numeric_limits<double>::infinity();
    a.stationary = Stationary::none;
    a.bounded_below = a.bounded_above = false;
    if (factored && a.negative == 0 && a.positive > 0) {
      a.warnings.push_back(
          "A is numerically singular (tiny LDLᵀ pivots); whether b lies in its range is not "
          "decided for sparse input; a minimizer, if any, can be sought with --method cg");
    }
  }
  if (a.negative > 0) {
    // direction of negative curvature from the most negative pivot: Lᵀy = e_k, d = Pᵀy gives
    // dᵀHd = D_k < 0
    Eigen::Index k = 0;
    D.minCoeff(&k);
    Eigen::VectorXd e = Eigen::VectorXd::Zero(n);
    e[k] = 1;
    Eigen::VectorXd y = ldlt.matrixU().solve(e);
    Eigen::VectorXd d = ldlt.permutationPinv() * y;
    d /= d.norm();
    if (form.b().dot(d) > 0) d = -d;
    a.descent_direction = d;
    a.descent_kind = "negative curvature";
    a.bounded_below = false;
  }
  return a;
}

}  // namespace

Analysis analyze(const QuadForm& form, const AnalyzeOptions& opts) {
  opts.validate();
  if (!form.is_sparse()) return analyze_dense(form, opts);
  if (form.size() <= 2000) {
    // small sparse input: the dense analysis is exact in its decisions and cheap
    QuadForm dense(Eigen::MatrixXd(form.sparse_hessian()) / form.hessian_scale(), form.b(),
                   form.c(), form.convention());
    Analysis a = analyze_dense(dense, opts);
    return a;
  }
  return analyze_sparse(form, opts);
}

}  // namespace numkit::quad
