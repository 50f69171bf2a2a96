// minimize(): direct (Cholesky), Newton, CG, PCG (Jacobi / incomplete Cholesky), steepest descent
// with exact line search, and gradient descent with a fixed step.
#include <Spectra/MatOp/SparseSymMatProd.h>
#include <Spectra/SymEigsSolver.h>
#include <sys/resource.h>

#include <Eigen/Eigenvalues>
#include <Eigen/IterativeLinearSolvers>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "numkit/core/error.hpp"
#include "numkit/quad/quadratic.hpp"
#include "quad_detail.hpp"

namespace numkit::quad {

std::string to_string(Method m) {
  switch (m) {
    case Method::direct:
      return "direct";
    case Method::cg:
      return "cg";
    case Method::pcg:
      return "pcg";
    case Method::sd:
      return "sd";
    case Method::newton:
      return "newton";
    case Method::gd:
      return "gd";
  }
  return "?";
}

Method parse_method(const std::string& name) {
  if (name == "direct") return Method::direct;
  if (name == "cg") return Method::cg;
  if (name == "pcg") return Method::pcg;
  if (name == "sd") return Method::sd;
  if (name == "newton") return Method::newton;
  if (name == "gd") return Method::gd;
  throw UsageError("--method: unknown method \"" + name +
                   "\"; expected direct, cg, pcg, sd, newton or gd");
}

std::string to_string(Precond p) {
  switch (p) {
    case Precond::none:
      return "none";
    case Precond::jacobi:
      return "jacobi";
    case Precond::ichol:
      return "ichol";
    case Precond::amg:
      return "amg";
  }
  return "?";
}

std::string to_string(Status s) {
  switch (s) {
    case Status::converged:
      return "converged";
    case Status::max_iterations:
      return "max_iterations";
    case Status::no_minimum:
      return "no_minimum";
    case Status::not_positive_definite:
      return "not_positive_definite";
    case Status::diverged:
      return "diverged";
    case Status::undetermined:
      return "undetermined";
  }
  return "?";
}

void MinimizeOptions::validate(Eigen::Index n) const {
  if (!(tol > 0) || !std::isfinite(tol))
    throw InputError("--tol: must be finite and > 0, got " + detail::sci(tol, 6));
  if (max_iter && *max_iter < 0)
    throw InputError("--max-iter: must be >= 0, got " + std::to_string(*max_iter));
  if (method == Method::gd) {
    if (!lr) throw UsageError("--lr: required by --method gd");
    if (!(*lr > 0) || !std::isfinite(*lr))
      throw InputError("--lr: must be finite and > 0, got " + detail::sci(*lr, 6));
  }
  if (!(rank_tol >= 0) || rank_tol >= 1)
    throw InputError("--rank-tol: must be in [0, 1), got " + detail::sci(rank_tol, 6));
  if (method == Method::pcg && precond == Precond::amg)
    throw UsageError("--precond amg: runs on the PETSc engine (--backend petsc or auto)");
  if (threads < 0) throw InputError("--threads: must be >= 0, got " + std::to_string(threads));
  if (x0) {
    if (x0->size() != n)
      throw InputError("--x0: has " + std::to_string(x0->size()) + " entries but A is " +
                       std::to_string(n) + "×" + std::to_string(n));
    for (Eigen::Index i = 0; i < n; ++i)
      if (!std::isfinite((*x0)[i]))
        throw InputError("--x0: entry " + std::to_string(i + 1) + " must be finite");
  }
}

namespace {

using Clock = std::chrono::steady_clock;

// Dense input up to this size gets a Cholesky definiteness check after an iterative method
// (about 0.4 s at n = 5000 with OpenBLAS on the project's machine).
constexpr Eigen::Index kDenseCheckMaxN = 5000;

struct Run {
  const QuadForm& form;
  const MinimizeOptions& opts;
  const TraceFn& trace;
  MinimizeResult& res;
  double ref = 1;  // the norm the gradient is measured against
  long max_iter = 0;

  double g_first = -1;  // ‖∇f(x0)‖ for the progress estimate
  void progress(double gnorm) {
    if (!opts.progress || !(gnorm > 0)) return;
    const double target = opts.tol * ref;
    if (g_first < 0) g_first = gnorm;
    if (!(g_first > target)) return;
    const double frac = std::log(g_first / gnorm) / std::log(g_first / target);
    opts.progress(std::clamp(frac, 0.0, 1.0));
  }
  void emit(long k, const Eigen::VectorXd& x, double f, double gnorm, double step) {
    progress(gnorm);
    if (opts.record_path) res.path.push_back(x);
    if (opts.record_gradients) res.grad_norms.push_back(gnorm);
    if (trace) trace(TraceRow{k, f, gnorm, step});
  }
  // f from x and r = −∇f without another product with H: f = ½xᵀ(b − r) + c
  double f_from_residual(const Eigen::VectorXd& x, const Eigen::VectorXd& r) const {
    return 0.5 * x.dot(form.b() - r) + form.c();
  }
};

std::string undetermined_text(const Analysis& a) {
  std::string s;
  for (const auto& u : a.undetermined) {
    if (!s.empty()) s += "; ";
    s += u.what + " undetermined: " + u.why;
  }
  return s;
}

std::string class_reason(const Analysis& a) {
  std::string why;
  switch (a.cls) {
    case FormClass::indefinite:
      why = "A is indefinite";
      if (a.lambda_min) why += " (smallest eigenvalue " + detail::sci(*a.lambda_min, 6) + ")";
      why += ": f is unbounded below";
      break;
    case FormClass::negative_definite:
    case FormClass::negative_semidefinite:
      why = "A is " + to_string(a.cls) + ": f is unbounded below";
      break;
    case FormClass::positive_semidefinite:
      why = "A is positive semidefinite";
      if (a.rank) why += " (rank " + std::to_string(*a.rank) + ")";
      why += " and b is not in its range: f decreases linearly without bound";
      break;
    case FormClass::zero:
      why = "A is zero and b is not: f is linear and unbounded below";
      break;
    case FormClass::positive_definite:
      why = "A is positive definite";
      break;
    case FormClass::undetermined:
      why = "the class of A is undetermined";
      break;
  }
  return why;
}

// The verdict of analyze() when there is no unique minimizer (or none at all).
void apply_analysis(Run& run, Analysis a, bool set_x) {
  MinimizeResult& res = run.res;
  if (a.bounded_below == Answer::undetermined ||
      (set_x && a.bounded_below == Answer::yes && !a.point)) {
    // not decided (or bounded below with no point found): say what is missing, never guess
    if (set_x) res.status = Status::undetermined;
    res.reason = "whether f has a minimum is undetermined: " + undetermined_text(a);
    if (a.descent_direction) res.direction = *a.descent_direction;
  } else if (a.bounded_below == Answer::yes) {
    if (set_x) {
      res.x = *a.point;
      res.status = Status::converged;
      if (a.set_dimension > 0) {
        res.set_dimension = a.set_dimension;
        res.reason = "the minimizers form an affine set of dimension " +
                     std::to_string(a.set_dimension) + "; this is the one of least norm";
      }
    }
  } else {
    if (set_x) res.status = Status::no_minimum;
    res.reason = class_reason(a);
    if (a.descent_direction) res.direction = *a.descent_direction;
    if (set_x && a.point) res.x = *a.point;  // the stationary point (saddle, maximum)
  }
  for (auto& w : a.warnings) res.warnings.push_back(w);
  res.analysis = std::move(a);
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// ---- direct and Newton ------------------------------------------------------------------------

// x0 - H⁻¹∇f(x0), then iterative refinement on the recomputed gradient for as long as it
// helps. From a start point far from the minimizer the first step cancels most of x0 and leaves
// an error of about ε·|x0| (b is lost in ∇f(x0) = A x0 + b); each further step removes another
// factor of about ε, so one refinement step is not enough there.
template <class Solve>
Eigen::VectorXd refined_solution(const QuadForm& form, const Eigen::VectorXd& x0,
                                 const Eigen::VectorXd& g0, Solve solve) {
  Eigen::VectorXd x = g0;
  solve(x);
  x = x0 - x;
  Eigen::VectorXd r = form.gradient(x);  // one step of iterative refinement, always
  solve(r);
  x -= r;
  // Further steps only while each at least halves the gradient (a start far away); at the
  // rounding level a step changes nothing worth its cost.
  r = form.gradient(x);
  double rnorm = r.stableNorm();
  for (int k = 0; k < 40 && rnorm > 0; ++k) {
    solve(r);
    Eigen::VectorXd next = x - r;
    Eigen::VectorXd next_r = form.gradient(next);
    const double next_norm = next_r.stableNorm();
    if (!(next_norm < 0.5 * rnorm)) break;
    x = std::move(next);
    r = std::move(next_r);
    rnorm = next_norm;
  }
  return x;
}

void run_direct(Run& run, bool newton) {
  const QuadForm& form = run.form;
  MinimizeResult& res = run.res;
  const Eigen::Index n = form.size();
  const double rtol = run.opts.rank_tol > 0
                          ? run.opts.rank_tol
                          : static_cast<double>(n) * std::numeric_limits<double>::epsilon();
  Eigen::VectorXd x0 = run.opts.x0 ? *run.opts.x0 : Eigen::VectorXd::Zero(n);
  Eigen::VectorXd g0 = form.gradient(x0);
  if (newton) run.emit(0, x0, form.value(x0), g0.norm(), 0);
  bool solved = false;
  Eigen::VectorXd x;
  auto t = Clock::now();
  if (!form.is_sparse()) {
    res.solver = have_lapack() ? "LAPACK dpotrf" : "Eigen LLT";
    detail::DenseCholesky chol;
    const bool ok = chol.factor(form.dense_hessian());
    res.setup_seconds = seconds_since(t);
    t = Clock::now();
    if (ok && chol.rcond() > rtol) {
      x = refined_solution(form, x0, g0, [&](Eigen::VectorXd& v) { chol.solve(v); });
      solved = true;
      const std::string w = detail::conditioning_warning(1.0 / chol.rcond());
      if (!w.empty()) res.warnings.push_back(w);
    }
    res.solve_seconds = seconds_since(t);
  } else {
    detail::SparseCholesky chol(detail::SparseCholesky::Kind::llt);
    chol.analyze(form.sparse_hessian());
    const bool ok = chol.factor(form.sparse_hessian()) == detail::SparseCholesky::Result::ok;
    res.solver = chol.description();
    res.setup_seconds = seconds_since(t);
    t = Clock::now();
    if (ok) {
      const double rc = chol.rcond_estimate();  // (min/max diagonal of L)²: 1/rc <= cond(H)
      if (rc > rtol) {
        x = refined_solution(form, x0, g0, [&](Eigen::VectorXd& v) { chol.solve(v); });
        solved = true;
        const std::string w = detail::conditioning_warning(1.0 / rc);
        if (!w.empty()) res.warnings.push_back(w + " (lower bound from the Cholesky pivots)");
      }
    }
    res.solve_seconds = seconds_since(t);
  }
  res.iterations = 1;
  if (solved) {
    res.x = x;
    res.status = Status::converged;
  } else {
    // not positive definite (or too ill-conditioned for the factorization): the analysis
    // decides, or says what it cannot decide
    res.x = x0;
    AnalyzeOptions ao;
    ao.rank_tol = run.opts.rank_tol;
    t = Clock::now();
    apply_analysis(run, analyze(form, ao), true);
    res.solve_seconds += seconds_since(t);
    res.solver += "; then " + res.analysis->method;
  }
  if (newton) {
    Eigen::VectorXd g = form.gradient(res.x);
    run.emit(1, res.x, form.value(res.x), g.norm(), (res.x - x0).norm());
  }
}

// ---- conjugate gradients (generic: dense, small sparse, incomplete Cholesky)
// ---------------------

void run_cg_generic(Run& run, Precond pc) {
  const QuadForm& form = run.form;
  MinimizeResult& res = run.res;
  const Eigen::Index n = form.size();
  Eigen::VectorXd inv_diag;
  // IC(0) in the natural ordering: on grid problems a fill-reducing ordering (AMD) ruins the
  // quality of a zero-fill factor (measured: AMD removed almost no iterations on the 2-D
  // Laplacian; the natural ordering removes about two thirds of them).
  std::optional<Eigen::IncompleteCholesky<double, Eigen::Lower, Eigen::NaturalOrdering<int>>> ic;
  if (pc == Precond::jacobi) {
    inv_diag = form.hessian_diagonal();
    for (Eigen::Index i = 0; i < n; ++i) {
      if (!(inv_diag[i] > 0)) {
        res.status = Status::not_positive_definite;
        res.reason = "the diagonal entry " + std::to_string(i + 1) +
                     " of A is not positive: A is not positive definite";
        Eigen::VectorXd e = Eigen::VectorXd::Zero(n);
        e[i] = 1;
        if (form.b()[i] > 0) e[i] = -1;
        res.direction = e;
        res.x = run.opts.x0 ? *run.opts.x0 : Eigen::VectorXd::Zero(n);
        return;
      }
      inv_diag[i] = 1.0 / inv_diag[i];
    }
  } else if (pc == Precond::ichol) {
    const auto t = Clock::now();
    ic.emplace();
    res.solver = "Eigen IncompleteCholesky IC(0), natural ordering";
    if (form.is_sparse())
      ic->compute(form.sparse_hessian());
    else
      ic->compute(SparseMatrix(form.dense_hessian().sparseView()));
    res.setup_seconds = seconds_since(t);
    if (ic->info() != Eigen::Success) {
      res.warnings.push_back("the incomplete Cholesky factorization failed; using Jacobi instead");
      ic.reset();
      run_cg_generic(run, Precond::jacobi);
      return;
    }
  }
  auto apply_precond = [&](const Eigen::VectorXd& r) -> Eigen::VectorXd {
    if (pc == Precond::jacobi) return inv_diag.cwiseProduct(r);
    if (pc == Precond::ichol) return ic->solve(r);
    return r;
  };
  Eigen::VectorXd x = run.opts.x0 ? *run.opts.x0 : Eigen::VectorXd::Zero(n);
  Eigen::VectorXd r = -form.gradient(x), q(n);
  const double tol_abs = run.opts.tol * run.ref;
  long k = 0;
  run.emit(0, x, run.f_from_residual(x, r), r.norm(), 0);
  int restarts = 0;
  for (;;) {
    Eigen::VectorXd z = apply_precond(r);
    Eigen::VectorXd p = z;
    double rz = r.dot(z);
    bool conv = false;
    // From a start far from the minimizer (a residual beyond 1e6 times the reference) the
    // recursive residual cannot fall below ε times its start: once it has fallen by 1e-8, the
    // true residual replaces it and CG starts again from there (residual replacement), for as
    // long as that halves it. Ordinary starts never meet this.
    const double r_start = r.norm();
    const bool far_start = r_start > 1e6 * run.ref;
    bool replace = false;
    while (true) {
      if (r.norm() <= tol_abs) {
        conv = true;
        break;
      }
      if (far_start && r.norm() <= 1e-8 * r_start) {
        replace = true;
        break;
      }
      if (k >= run.max_iter) break;
      form.hess_mul(p, q);
      const double pq = p.dot(q);
      if (!std::isfinite(pq)) {
        res.status = Status::diverged;
        res.reason = "CG overflowed: pᵀAp of the search direction is beyond the double range";
        res.x = x;
        res.iterations = k;
        return;
      }
      if (!(pq > 0)) {
        res.status = Status::not_positive_definite;
        res.reason = "CG met a direction p with pᵀAp " + std::string(pq == 0 ? "= 0" : "< 0") +
                     ": A is not positive definite";
        Eigen::VectorXd d = p / p.norm();
        if (form.gradient(x).dot(d) > 0) d = -d;
        res.direction = d;
        res.x = x;
        res.iterations = k;
        return;
      }
      const double alpha = rz / pq;
      x += alpha * p;
      r -= alpha * q;
      z = apply_precond(r);
      const double rz_new = r.dot(z);
      const double beta = rz_new / rz;
      rz = rz_new;
      ++k;
      run.emit(k, x, run.f_from_residual(x, r), r.norm(), alpha * p.norm());
      p = z + beta * p;
    }
    res.recursive_residual = r.norm() / run.ref;
    if (replace) {
      Eigen::VectorXd tr = -form.gradient(x);
      if (tr.norm() < 0.5 * r_start) {
        r = tr;
        continue;
      }
      conv = true;  // no gain from replacing: confirm below as for a converged run
    }
    if (!conv) {
      res.status = Status::max_iterations;
      break;
    }
    // confirm with the true residual; replace the recursive one if it drifted
    Eigen::VectorXd tr = -form.gradient(x);
    if (tr.norm() <= tol_abs || restarts >= 5 || k >= run.max_iter) {
      res.status = tr.norm() <= tol_abs ? Status::converged : Status::max_iterations;
      break;
    }
    r = tr;
    ++restarts;
  }
  res.x = x;
  res.iterations = k;
}

void run_cg_sparse(Run& run, Precond pc) {
  const QuadForm& form = run.form;
  MinimizeResult& res = run.res;
  const Eigen::Index n = form.size();
  Eigen::VectorXd inv_diag;
  CgKernelOptions ko;
  if (pc == Precond::jacobi) {
    inv_diag = form.hessian_diagonal();
    for (Eigen::Index i = 0; i < n; ++i) {
      if (!(inv_diag[i] > 0)) {
        run_cg_generic(run, pc);  // reports the bad diagonal
        return;
      }
      inv_diag[i] = 1.0 / inv_diag[i];
    }
    ko.inv_diag = &inv_diag;
  }
  Eigen::VectorXd x = run.opts.x0 ? *run.opts.x0 : Eigen::VectorXd::Zero(n);
  Eigen::VectorXd rhs = -form.b();
  ko.tol_abs = run.opts.tol * run.ref;
  ko.max_iter = run.max_iter;
  ko.threads = run.opts.threads;
  const bool want_rows = run.trace || run.opts.record_gradients || run.opts.progress;
  if (want_rows) {
    Eigen::VectorXd g0 = form.gradient(x);
    run.emit(0, x, run.trace ? form.value(x) : 0.0, g0.norm(), 0);
    ko.want_dots = static_cast<bool>(run.trace);
    ko.per_iter = [&run](long k, double rnorm, double step, double xr, double xrhs) {
      // f = ½xᵀHx + bᵀx + c with Hx = rhs − r and rhs = −b: f = −½xᵀrhs − ½xᵀr + c
      const double f = -0.5 * xrhs - 0.5 * xr + run.form.c();
      if (run.opts.record_gradients) run.res.grad_norms.push_back(rnorm);
      run.progress(rnorm);
      if (run.trace) run.trace(TraceRow{k, f, rnorm, step});
    };
  }
  Eigen::VectorXd dir;
  ko.direction = &dir;
  CgStats st = sparse_cg(form.sparse_hessian(), rhs, x, ko);
  res.iterations = st.iterations;
  res.recursive_residual = st.recursive_residual / run.ref;
  res.x = x;
  if (st.overflow) {
    res.status = Status::diverged;
    res.reason = "CG overflowed: the residual or pᵀAp left the double range";
  } else if (st.indefinite) {
    res.status = Status::not_positive_definite;
    res.reason = "CG met a direction p with pᵀAp <= 0: A is not positive definite";
    Eigen::VectorXd d = dir / dir.norm();
    if (form.gradient(x).dot(d) > 0) d = -d;
    res.direction = d;
  } else {
    res.status = st.converged ? Status::converged : Status::max_iterations;
  }
}

// ---- steepest descent with exact line search, gradient descent with a fixed step ---------------

void run_sd(Run& run) {
  const QuadForm& form = run.form;
  MinimizeResult& res = run.res;
  const Eigen::Index n = form.size();
  Eigen::VectorXd x = run.opts.x0 ? *run.opts.x0 : Eigen::VectorXd::Zero(n);
  Eigen::VectorXd g = form.gradient(x), Hg(n);
  const double tol_abs = run.opts.tol * run.ref;
  run.emit(0, x, run.f_from_residual(x, -g), g.norm(), 0);
  long k = 0;
  res.status = Status::max_iterations;
  while (true) {
    if (g.norm() <= tol_abs) {
      // confirm on the recomputed gradient
      Eigen::VectorXd gt = form.gradient(x);
      if (gt.norm() <= tol_abs) {
        res.status = Status::converged;
        break;
      }
      g = gt;
    }
    if (k >= run.max_iter) break;
    form.hess_mul(g, Hg);
    const double gg = g.squaredNorm(), curv = g.dot(Hg);
    if (!(curv > 0)) {
      res.status = Status::not_positive_definite;
      res.reason = "steepest descent met a gradient g with gᵀAg " +
                   std::string(curv == 0 ? "= 0" : "< 0") + ": A is not positive definite";
      res.direction = -g / g.norm();
      break;
    }
    const double alpha = gg / curv;
    x -= alpha * g;
    ++k;
    if (k % 50 == 0)
      g = form.gradient(x);  // refresh the recursive gradient
    else
      g -= alpha * Hg;
    run.emit(k, x, run.f_from_residual(x, -g), g.norm(), alpha * std::sqrt(gg));
  }
  res.x = x;
  res.iterations = k;
}

// |λ|max of the Hessian, paid only when gradient descent has diverged, to state the step
// bound 2/λmax: exact eigenvalues for a dense (or small) form, Lanczos (Spectra, to 1e-10) for
// a sparse one. 0 if it could not be determined.
double largest_curvature(const QuadForm& form) {
  const Eigen::Index n = form.size();
  if (n == 0) return 0;
  auto dense_largest = [](const Eigen::MatrixXd& H) {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(H, Eigen::EigenvaluesOnly);
    if (eig.info() != Eigen::Success) return 0.0;
    return std::max(std::abs(eig.eigenvalues()[0]), std::abs(eig.eigenvalues()[H.rows() - 1]));
  };
  if (!form.is_sparse()) return dense_largest(form.dense_hessian());
  if (n <= 64) return dense_largest(Eigen::MatrixXd(form.sparse_hessian()));
  Spectra::SparseSymMatProd<double> op(form.sparse_hessian());
  Spectra::SymEigsSolver<Spectra::SparseSymMatProd<double>> eigs(op, 1,
                                                                 std::min<Eigen::Index>(n, 20));
  eigs.init();
  eigs.compute(Spectra::SortRule::LargestMagn, 3000, 1e-10);
  if (eigs.info() != Spectra::CompInfo::Successful) return 0;
  return std::abs(eigs.eigenvalues()[0]);
}

void run_gd(Run& run) {
  const QuadForm& form = run.form;
  MinimizeResult& res = run.res;
  const Eigen::Index n = form.size();
  const double lr = *run.opts.lr;
  Eigen::VectorXd x = run.opts.x0 ? *run.opts.x0 : Eigen::VectorXd::Zero(n);
  Eigen::VectorXd g = form.gradient(x);
  const double tol_abs = run.opts.tol * run.ref;
  const double g0 = g.norm();
  Eigen::VectorXd best = x;
  double best_g = g0;
  long best_k = 0;
  run.emit(0, x, run.f_from_residual(x, -g), g0, 0);
  long k = 0;
  res.status = Status::max_iterations;
  while (true) {
    const double gn = g.norm();
    if (gn <= tol_abs) {
      res.status = Status::converged;
      break;
    }
    if (!std::isfinite(gn) || gn > 1e12 * std::max(g0, run.ref)) {
      res.status = Status::diverged;
      const double lambda = largest_curvature(form);
      res.x_is_best_iterate = true;
      const std::string step = "gradient descent diverged: the step size " + detail::sci(lr, 6);
      const std::string shown = "; the best iterate (k = " + std::to_string(best_k) + ") is shown";
      if (lambda > 0 && std::isfinite(lambda)) {
        res.largest_curvature = lambda;
        const std::string bound = "the stability bound 2/λmax = " + detail::sci(2 / lambda, 6) +
                                  " (λmax = " + detail::sci(lambda, 6) +
                                  ", the largest |eigenvalue| of the Hessian)";
        res.reason = step +
                     (lr >= 2 / lambda ? " is not below " + bound
                                       : " is below " + bound + ", so f has no minimum") +
                     shown;
      } else {
        res.reason = step +
                     " is too large (stability needs it below 2/λmax, which could not be "
                     "determined) or f has no minimum" +
                     shown;
      }
      x = best;
      break;
    }
    if (k >= run.max_iter) break;
    x -= lr * g;
    ++k;
    g = form.gradient(x);
    const double gk = g.norm();
    if (gk < best_g) {
      best_g = gk;
      best = x;
      best_k = k;
    }
    if (std::isfinite(gk)) run.emit(k, x, run.f_from_residual(x, -g), gk, lr * gn);
  }
  res.x = x;
  res.iterations = k;
}

}  // namespace

MinimizeResult minimize(const QuadForm& form, const MinimizeOptions& opts, const TraceFn& trace) {
  const Eigen::Index n = form.size();
  opts.validate(n);
  // every method starts from the gradient A x0 + b: it must be representable
  // and so must f(x0): the iterations form curvatures pᵀAp of the size of x0ᵀAx0
  if (opts.x0 && !form.gradient(*opts.x0).allFinite())
    throw InputError(
        "--x0: the gradient A x0 + b overflows at the start point (beyond 1.8e308); start nearer "
        "the minimum");
  if (opts.x0 && !std::isfinite(form.value(*opts.x0)))
    throw InputError(
        "--x0: f(x0) overflows at the start point (beyond 1.8e308); start nearer the minimum");
  const auto t0 = Clock::now();
  MinimizeResult res;
  res.method = opts.method;
  if (opts.method == Method::pcg) res.precond = opts.precond;
  Run run{form, opts, trace, res};
  const double bnorm = form.b().stableNorm();  // scaled: entries near 1e308 do not overflow
  if (bnorm > 0) {
    run.ref = bnorm;
  } else {
    const Eigen::VectorXd x0 = opts.x0 ? *opts.x0 : Eigen::VectorXd::Zero(n);
    const double g0 = form.gradient(x0).stableNorm();
    run.ref = g0 > 0 ? g0 : 1.0;
  }
  const bool iterative_cg = opts.method == Method::cg || opts.method == Method::pcg;
  run.max_iter =
      opts.max_iter ? *opts.max_iter : (iterative_cg ? 10 * static_cast<long>(n) + 1000 : 100000L);
  switch (opts.method) {
    case Method::direct:
      run_direct(run, false);
      break;
    case Method::newton:
      run_direct(run, true);
      break;
    case Method::cg:
    case Method::pcg: {
      const Precond pc = opts.method == Method::cg ? Precond::none : opts.precond;
      if (form.is_sparse() && !opts.record_path && pc != Precond::ichol)
        run_cg_sparse(run, pc);
      else
        run_cg_generic(run, pc);
      break;
    }
    case Method::sd:
      run_sd(run);
      break;
    case Method::gd:
      run_gd(run);
      break;
  }
  // never hand back a non-finite answer
  if (!res.x.allFinite()) res.x = opts.x0 ? *opts.x0 : Eigen::VectorXd::Zero(n);
  const bool iterative = opts.method != Method::direct && opts.method != Method::newton;
  if (iterative) {
    res.solve_seconds = seconds_since(t0) - res.setup_seconds;
    // A converged iteration may sit on a saddle point (the Krylov space never saw the negative
    // curvature), a failed one needs explaining: check definiteness when it is affordable
    // (a dense Cholesky up to kDenseCheckMaxN, the dense analysis for sparse input up to
    // dense_analysis_max_n; a sparse factorization of a large form would cost more than the
    // iterations, and `quad analyze` does it on request).
    const bool affordable = form.is_sparse() ? n <= dense_analysis_max_n : n <= kDenseCheckMaxN;
    bool analyse = res.status != Status::converged;
    if (!analyse && affordable) {
      if (!form.is_sparse()) {
        detail::DenseCholesky chol;
        analyse = !chol.factor(form.dense_hessian());
      } else {
        detail::SparseCholesky chol(detail::SparseCholesky::Kind::llt);
        analyse = chol.factor(form.sparse_hessian()) != detail::SparseCholesky::Result::ok;
      }
    }
    if (analyse && affordable) {
      AnalyzeOptions ao;
      ao.rank_tol = opts.rank_tol;
      ao.want_point = false;
      Analysis a = analyze(form, ao);
      if (a.bounded_below == Answer::no) {
        std::string own = res.reason;
        if (res.status == Status::converged)
          own = "the iteration converged to a stationary point that is not a minimum";
        if (res.status != Status::not_positive_definite) res.status = Status::no_minimum;
        apply_analysis(run, std::move(a), false);
        if (!own.empty() && own != res.reason) res.reason = own + "; " + res.reason;
      }
    }
  }
  Eigen::VectorXd g = form.gradient(res.x);
  res.relative_residual = g.norm() / run.ref;
  res.f = form.value(res.x);
  res.seconds = seconds_since(t0);
  struct rusage usage {};
  if (getrusage(RUSAGE_SELF, &usage) == 0) res.peak_memory_bytes = usage.ru_maxrss * 1024L;
  return res;
}

}  // namespace numkit::quad
