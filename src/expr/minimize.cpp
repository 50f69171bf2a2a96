#include <LBFGS.h>
#include <Eigen/Eigenvalues>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numkit/core/error.hpp>
#include <numkit/expr/evaluate.hpp>
#include <numkit/expr/expression.hpp>
#include <numkit/expr/minimize.hpp>

namespace numkit::expr {

std::string_view to_string(Method m) {
  switch (m) {
    case Method::lbfgs:
      return "lbfgs";
    case Method::newton:
      return "newton";
    case Method::gd:
      return "gd";
    case Method::cg:
      return "cg";
  }
  return "?";
}

std::string_view to_string(Status s) {
  switch (s) {
    case Status::converged:
      return "converged";
    case Status::max_iterations:
      return "max_iterations";
    case Status::stalled:
      return "stalled";
    case Status::diverged:
      return "diverged";
    case Status::left_domain:
      return "left_domain";
    case Status::saddle_point:
      return "saddle_point";
    case Status::degenerate:
      return "degenerate";
  }
  return "?";
}

Method parse_method(std::string_view text) {
  for (Method m : {Method::lbfgs, Method::newton, Method::gd, Method::cg})
    if (to_string(m) == text) return m;
  throw InputError("--method: unknown method \"" + std::string(text) +
                   "\" (use lbfgs, newton, gd or cg)");
}

void MinimizeOptions::validate() const {
  if (!(gtol > 0) || !std::isfinite(gtol))
    throw InputError("--gtol: must be finite and > 0, got " + format_number(gtol));
  if (max_iterations && *max_iterations < 0)
    throw InputError("--max-iter: must be >= 0, got " + std::to_string(*max_iterations));
  if (!(step > 0) || !std::isfinite(step))
    throw InputError("--step: must be finite and > 0, got " + format_number(step));
  if (memory < 1 || memory > 1000)
    throw InputError("--memory: must be in 1..1000, got " + std::to_string(memory));
}

int MinimizeOptions::iteration_limit() const {
  if (max_iterations) return *max_iterations;
  switch (method) {
    case Method::lbfgs:
      return 1000;
    case Method::newton:
      return 200;
    case Method::cg:
      return 5000;
    case Method::gd:
      return 100000;
  }
  return 1000;
}

Objective make_objective(const Expression& f) {
  Objective o;
  o.dimension = f.dimension();
  o.value_gradient = [&f](const Eigen::VectorXd& x, Eigen::VectorXd& g) {
    return f.gradient(x, g);
  };
  o.value_gradient_hessian = [&f](const Eigen::VectorXd& x, Eigen::VectorXd& g,
                                  Eigen::MatrixXd& h) { return f.hessian(x, g, h); };
  return o;
}

namespace {

struct Stop {
  Status status;
  std::string message;
};
struct LineSearchFailure {
  std::string message;
};

constexpr double kHuge = 1e150;

class Monitor {
 public:
  Monitor(const Objective& obj, const MinimizeOptions& opts, const TraceFn& trace)
      : obj_(obj), opts_(opts), trace_(trace), limit_(opts.iteration_limit()) {}

  // Line-search evaluations: a point outside the domain counts as +inf.
  double operator()(const Eigen::VectorXd& x, Eigen::VectorXd& g) {
    ++evaluations_;
    try {
      const double v = obj_.value_gradient(x, g);
      if (!std::isfinite(v) || !g.allFinite()) return std::numeric_limits<double>::infinity();
      return v;
    } catch (const InputError&) {
      return std::numeric_limits<double>::infinity();
    }
  }

  // The starting point: errors propagate to the caller.
  void start(const Eigen::VectorXd& x0) {
    ++evaluations_;
    x_ = x0;
    f_ = obj_.value_gradient(x_, g_);
    trace(0.0);
  }

  bool converged() const { return g_.stableNorm() <= opts_.gtol * std::max(1.0, x_.stableNorm()); }

  // An accepted iterate. Throws Stop when the run is over.
  void accept(const Eigen::VectorXd& x, double f, const Eigen::VectorXd& g, double step,
              bool check_convergence = true) {
    const double previous = f_;
    x_ = x;
    f_ = f;
    g_ = g;
    ++iterations_;
    improved_ = improved_ || f < previous;
    trace(step);
    if (check_convergence && converged()) throw Stop{Status::converged, ""};
    if (!(f > -kHuge) || !(x_.norm() < kHuge))
      throw Stop{Status::diverged, "f appears unbounded below (f = " + format_number(f) +
                                       " at |x| = " + format_number(x_.norm()) + ")"};
    if (stall_check_ && previous - f <= 1e-15 * std::abs(f)) {
      if (++flat_ >= 10)
        throw Stop{Status::stalled, "no decrease of f in 10 iterations; the gradient norm " +
                                        format_number(g_.norm()) + " is above the tolerance"};
    } else {
      flat_ = 0;
    }
    if (iterations_ >= limit_)
      throw Stop{Status::max_iterations, "iteration limit " + std::to_string(limit_) + " reached"};
  }

  const Eigen::VectorXd& x() const { return x_; }
  double f() const { return f_; }
  const Eigen::VectorXd& g() const { return g_; }
  int iterations() const { return iterations_; }
  int evaluations() const { return evaluations_; }
  bool take_improved() {
    const bool r = improved_;
    improved_ = false;
    return r;
  }
  const Objective& objective() const { return obj_; }
  // Evaluation that lets errors through (fixed-step methods), counted.
  double evaluate_strict(const Eigen::VectorXd& x, Eigen::VectorXd& g) {
    ++evaluations_;
    return obj_.value_gradient(x, g);
  }
  // Fixed-step methods may increase f: no stall detection on f.
  void disable_stall_check() { stall_check_ = false; }
  const MinimizeOptions& options() const { return opts_; }

 private:
  const Objective& obj_;
  const MinimizeOptions& opts_;
  const TraceFn& trace_;
  int limit_;
  Eigen::VectorXd x_, g_;
  double f_ = 0;
  int iterations_ = 0, evaluations_ = 0, flat_ = 0;
  bool improved_ = false;
  bool stall_check_ = true;

  void trace(double step) const {
    if (!trace_) return;
    IterationRecord r;
    r.iteration = iterations_;
    r.x = x_;
    r.f = f_;
    r.grad_norm = g_.stableNorm();
    r.step = step;
    r.evaluations = evaluations_;
    trace_(r);
  }
};

// Line search for the strong Wolfe conditions (Nocedal & Wright, algorithms 3.5/3.6) with a
// safeguarded quadratic interpolation; a trial point outside the domain (f = +inf) is bisected
// away. On entry fx, g are the value and gradient at xp; on return x, fx, g, step describe the
// accepted point. If the budget runs out after some sufficient decrease, that point is taken.
void wolfe_search(Monitor& f, double& fx, Eigen::VectorXd& x, Eigen::VectorXd& g, double& step,
                  const Eigen::VectorXd& d, const Eigen::VectorXd& xp, double c1, double c2,
                  int max_evals) {
  const double f0 = fx, d0 = g.dot(d);
  if (!(d0 < 0)) throw LineSearchFailure{"the search direction is not a descent direction"};
  double lo = 0, flo = f0, dlo = d0;
  Eigen::VectorXd glo = g;
  double hi = 0, fhi = 0;
  bool hi_known = false;
  double a = step;
  for (int k = 0; k < max_evals; ++k) {
    x.noalias() = xp + a * d;
    const double fa = f(x, g);
    if (!std::isfinite(fa)) {
      hi = a;
      fhi = std::numeric_limits<double>::infinity();
      hi_known = true;
    } else {
      const double da = g.dot(d);
      if (fa > f0 + c1 * a * d0 || fa >= flo) {
        hi = a;
        fhi = fa;
        hi_known = true;
      } else {
        if (std::abs(da) <= -c2 * d0) {
          fx = fa;
          step = a;
          return;
        }
        if (hi_known ? da * (hi - lo) >= 0 : da >= 0) {
          hi = lo;
          fhi = flo;
          hi_known = true;
        }
        lo = a;
        flo = fa;
        dlo = da;
        glo = g;
      }
    }
    if (!hi_known) {
      a *= 2;
      if (!(a * d.norm() < kHuge)) break;
      continue;
    }
    const double w = hi - lo;
    if (std::abs(w) <= 1e-17 * std::max(std::abs(lo), std::abs(hi))) break;
    double t = lo + 0.5 * w;
    if (std::isfinite(fhi)) {
      const double denom = 2 * (fhi - flo - dlo * w);
      if (denom > 0) {
        const double q = lo - dlo * w * w / denom;
        const double lo_edge = std::min(lo + 0.1 * w, hi - 0.1 * w),
                     hi_edge = std::max(lo + 0.1 * w, hi - 0.1 * w);
        if (q >= lo_edge && q <= hi_edge) t = q;
      }
    }
    a = t;
  }
  if (!hi_known)
    throw Stop{Status::diverged,
               "f decreases without bound along the search direction (f = " + format_number(flo) +
                   " after a step of " + format_number(lo * d.norm()) + ")"};
  if (lo > 0) {
    x.noalias() = xp + lo * d;
    fx = flo;
    g = glo;
    step = lo;
    return;
  }
  x = xp;
  fx = f0;
  throw LineSearchFailure{"the line search found no decrease of f along the search direction"};
}

// LBFGS++ line-search policy: our Wolfe search, then report the iterate to the monitor.
template <class Scalar>
class MonitoredSearch {
 public:
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  template <class Foo>
  static void LineSearch(Foo& f, Scalar& fx, Vector& x, Vector& grad, Scalar& step,
                         const Vector& drt, const Vector& xp,
                         const LBFGSpp::LBFGSParam<Scalar>& param) {
    wolfe_search(f, fx, x, grad, step, drt, xp, param.ftol, param.wolfe, param.max_linesearch);
    f.accept(x, fx, grad, step);
  }
};

Stop run_lbfgs(Monitor& mon) {
  LBFGSpp::LBFGSParam<double> param;
  param.m = mon.options().memory;
  param.epsilon = 0;
  param.epsilon_rel = 0;
  param.past = 0;
  param.max_iterations = 0;
  param.max_linesearch = 60;
  param.linesearch = LBFGSpp::LBFGS_LINESEARCH_BACKTRACKING_STRONG_WOLFE;
  param.ftol = 1e-4;
  param.wolfe = 0.9;
  std::string last_failure;
  for (int restart = 0;; ++restart) {
    LBFGSpp::LBFGSSolver<double, MonitoredSearch> solver(param);
    Eigen::VectorXd x = mon.x();
    double fx = 0;
    try {
      solver.minimize(mon, x, fx);
      // LBFGS++ returns by itself only when the gradient is exactly zero
      return Stop{Status::converged, ""};
    } catch (const LineSearchFailure& e) {
      last_failure = e.message;
    } catch (const std::exception& e) {
      last_failure = e.what();
    }
    // a failed search after progress: drop the curvature memory and start again from here
    if (!mon.take_improved() || restart >= 100)
      return Stop{Status::stalled, "stopped: " + last_failure + " (gradient norm " +
                                       format_number(mon.g().norm()) + " is above the tolerance)"};
  }
}

Stop run_gd(Monitor& mon) {
  const double step = mon.options().step;
  mon.disable_stall_check();
  Eigen::VectorXd x, g;
  for (;;) {
    x = mon.x() - step * mon.g();
    double fx = 0;
    try {
      fx = mon.evaluate_strict(x, g);
    } catch (const InputError& e) {
      if (!x.allFinite() || x.norm() >= kHuge)
        return Stop{Status::diverged, "the iterates overflowed; try a smaller --step"};
      return Stop{Status::left_domain, std::string("the fixed step left the domain: ") + e.what() +
                                           "; try a smaller --step"};
    }
    if (!std::isfinite(fx) || std::abs(fx) >= kHuge)
      return Stop{Status::diverged, "f grew to " + format_number(fx) + "; try a smaller --step"};
    mon.accept(x, fx, g, step * mon.g().norm());
  }
}

Stop run_cg(Monitor& mon) {
  Eigen::VectorXd x, g = mon.g(), d = -mon.g(), g_old;
  double step = 1 / std::max(d.norm(), 1e-300);
  const int max_evals = 60;
  for (;;) {
    double fx = mon.f();
    g = mon.g();
    if (!(g.dot(d) < 0)) d = -g;
    const double gd_old = g.dot(d);
    try {
      wolfe_search(mon, fx, x, g, step, d, mon.x(), 1e-4, 0.1, max_evals);
    } catch (const LineSearchFailure& e) {
      if (d != -mon.g()) {  // retry once along the steepest descent direction
        d = -mon.g();
        step = 1 / std::max(d.norm(), 1e-300);
        continue;
      }
      return Stop{Status::stalled, "stopped: " + e.message + " (gradient norm " +
                                       format_number(mon.g().norm()) + " is above the tolerance)"};
    }
    g_old = mon.g();
    mon.accept(x, fx, g, step * d.norm());
    // Polak-Ribiere+ with Powell's restart when successive gradients are far from orthogonal
    double beta = std::max(0.0, g.dot(g - g_old) / g_old.squaredNorm());
    if (std::abs(g.dot(g_old)) >= 0.2 * g.squaredNorm()) beta = 0;
    d = -g + beta * d;
    if (!(g.dot(d) < 0)) d = -g;
    step = step * gd_old / g.dot(d);  // Nocedal & Wright (3.60): the same first-order change
    if (!(step > 0) || !std::isfinite(step)) step = 1 / std::max(d.norm(), 1e-300);
  }
}

Stop run_newton(Monitor& mon) {
  const Objective& obj = mon.objective();
  if (!obj.value_gradient_hessian)
    throw InputError("--method newton: the objective has no Hessian");
  Eigen::VectorXd g, x;
  Eigen::MatrixXd h;
  for (;;) {
    const double f0 = obj.value_gradient_hessian(mon.x(), g, h);
    (void)f0;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(h);
    const Eigen::VectorXd& lam = eig.eigenvalues();
    const double scale = std::max(1.0, lam.cwiseAbs().maxCoeff());
    const double delta = 1e-8 * scale;
    Eigen::VectorXd d;
    double step = 1;
    if (mon.converged()) {
      if (lam(0) >= -delta) return Stop{Status::converged, ""};
      // a saddle: move along the direction of most negative curvature
      d = eig.eigenvectors().col(0) * std::max(1.0, std::sqrt(mon.x().norm()));
      if (g.dot(d) > 0) d = -d;
      double t = 1;
      bool moved = false;
      for (int k = 0; k < 60 && !moved; ++k, t *= 0.5) {
        x = mon.x() + t * d;
        Eigen::VectorXd gx;
        const double fx = mon(x, gx);
        if (fx < mon.f()) {
          mon.accept(x, fx, gx, t * d.norm(), false);
          moved = true;
        }
      }
      if (!moved)
        return Stop{Status::saddle_point, "no decrease along the negative-curvature direction"};
      continue;
    }
    const Eigen::VectorXd modified = lam.cwiseAbs().cwiseMax(delta);
    d = -(eig.eigenvectors() * (eig.eigenvectors().transpose() * g).cwiseQuotient(modified));
    double fx = mon.f();
    Eigen::VectorXd gx = mon.g();
    try {
      wolfe_search(mon, fx, x, gx, step, d, mon.x(), 1e-4, 0.9, 60);
    } catch (const LineSearchFailure& e) {
      return Stop{Status::stalled, "stopped: " + e.message + " (gradient norm " +
                                       format_number(mon.g().norm()) + " is above the tolerance)"};
    }
    mon.accept(x, fx, gx, step * d.norm(), false);
  }
}

// The second-order check of an end point that passed the gradient test: a negative eigenvalue of
// the Hessian is a saddle; otherwise f is probed along the eigenvectors of the smallest
// eigenvalues (those not clearly positive, at most 16), on both sides, at distances r, r/4, ...,
// r/4^12 (r = 1e-3 max(1, |x|)): a decrease larger than the gradient term |g.v| t and the rounding
// of f is not a minimum (x^3 at 0, or near it where the Hessian is still positive); a singular
// Hessian without such a decrease is a degenerate point, which the derivatives up to second
// order cannot confirm as a minimum.
void check_second_order(const Objective& f, MinimizeResult& r) {
  Eigen::MatrixXd h;
  const double radius = 1e-3 * std::max(1.0, r.x.norm());
  const double noise = 32 * std::numeric_limits<double>::epsilon() * std::abs(r.f);
  // f at x + t v decreases by more than the gradient term and the rounding of f
  auto decreases = [&](const Eigen::VectorXd& v, double& t_found, double& f_found) {
    const double slope = std::abs(r.gradient.dot(v));
    Eigen::VectorXd probe, g;
    for (double t = radius; t >= radius * 0x1p-24; t /= 4)
      for (double side : {1.0, -1.0}) {
        probe = r.x + side * t * v;
        double fp = 0;
        try {
          fp = f.value_gradient(probe, g);
        } catch (const InputError&) {
          continue;  // outside the domain
        }
        if (std::isfinite(fp) && fp < r.f - slope * t - noise) {
          t_found = t;
          f_found = fp;
          return true;
        }
      }
    return false;
  };
  if (r.x.size() > static_cast<Eigen::Index>(kMaxHessianVariables)) {
    // no Hessian this large: the descent test along 16 fixed pseudo-random directions
    if (r.status != Status::converged) return;
    std::uint64_t state = 0x9e3779b97f4a7c15ULL;
    for (int k = 0; k < 16; ++k) {
      Eigen::VectorXd v(r.x.size());
      for (Eigen::Index i = 0; i < v.size(); ++i) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        v(i) = static_cast<double>(static_cast<std::int64_t>(state >> 11) - (1LL << 52)) * 0x1p-52;
      }
      v /= v.norm();
      double t = 0, fp = 0;
      if (decreases(v, t, fp)) {
        r.status = Status::saddle_point;
        r.message = "the gradient vanishes but f decreases to " + format_number(fp) +
                    " at distance " + format_number(t) + " along a probe direction: not a minimum";
        return;
      }
    }
    return;
  }
  try {
    Eigen::VectorXd g;
    f.value_gradient_hessian(r.x, g, h);
  } catch (const InputError&) {
    return;  // no Hessian at the end point (e.g. not twice differentiable there): no classification
  }
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(h);
  if (eig.info() != Eigen::Success) return;
  r.hessian_eigenvalues = eig.eigenvalues();
  if (r.status != Status::converged) return;
  const Eigen::VectorXd& lam = r.hessian_eigenvalues;
  const double scale = std::max(1.0, lam.cwiseAbs().maxCoeff());
  if (lam(0) < -1e-8 * scale) {
    r.status = Status::saddle_point;
    r.message = "the gradient vanishes but the Hessian has the negative eigenvalue " +
                format_number(lam(0)) + ": a saddle point, not a minimum (try --method newton)";
    return;
  }
  for (Eigen::Index i = 0; i < lam.size(); ++i) {
    // clearly positive curvature from here on; at most 16 directions
    if (i >= 16 || (i > 0 && lam(i) > 1e-3 * scale)) break;
    double t = 0, fp = 0;
    if (decreases(eig.eigenvectors().col(i), t, fp)) {
      r.status = Status::saddle_point;
      r.message = "the gradient vanishes but f decreases to " + format_number(fp) +
                  " at distance " + format_number(t) +
                  " along the eigenvector of the Hessian eigenvalue " + format_number(lam(i)) +
                  ": not a minimum";
      return;
    }
  }
  if (lam(0) <= 1e-8 * scale) {
    r.status = Status::degenerate;
    r.message = "the gradient vanishes and the Hessian is singular (smallest eigenvalue " +
                format_number(lam(0)) + "); no decrease of f found within " +
                format_number(radius) + " of x, but the derivatives cannot confirm a minimum";
  }
}

}  // namespace

MinimizeResult minimize(const Objective& f, const Eigen::VectorXd& x0,
                        const MinimizeOptions& options, const TraceFn& trace) {
  options.validate();
  if (static_cast<std::size_t>(x0.size()) != f.dimension)
    throw InputError("--x0: expected " + std::to_string(f.dimension) + " coordinates, got " +
                     std::to_string(x0.size()));
  if (f.dimension == 0) throw InputError("the expression has no variables: nothing to minimize");
  Monitor mon(f, options, trace);
  mon.start(x0);
  Stop stop{Status::converged, ""};
  if (options.iteration_limit() == 0 && !mon.converged())
    stop = Stop{Status::max_iterations, "iteration limit 0 reached"};
  else if (!(mon.converged() && options.method != Method::newton)) {
    try {
      switch (options.method) {
        case Method::lbfgs:
          stop = run_lbfgs(mon);
          break;
        case Method::newton:
          stop = run_newton(mon);
          break;
        case Method::gd:
          stop = run_gd(mon);
          break;
        case Method::cg:
          stop = run_cg(mon);
          break;
      }
    } catch (Stop& s) {
      stop = std::move(s);
    }
  }
  MinimizeResult r;
  r.x = mon.x();
  r.f = mon.f();
  r.gradient = mon.g();
  r.grad_norm = mon.g().stableNorm();
  r.iterations = mon.iterations();
  r.evaluations = mon.evaluations();
  r.status = stop.status;
  r.message = stop.message;
  if (f.value_gradient_hessian) check_second_order(f, r);
  return r;
}

}  // namespace numkit::expr
