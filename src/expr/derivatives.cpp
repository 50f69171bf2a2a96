#include "derivatives.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <numbers>

namespace numkit::expr::detail {

namespace {

[[noreturn]] void not_differentiable(std::string rule) {
  throw EvaluationFault{-1, std::move(rule)};
}

// c * a^k, taken as 0 when c == 0 (so 0 * 0^-1 does not become NaN)
double coef_pow(double c, double a, double k) {
  return c == 0 ? 0.0 : c * std::pow(a, k);
}

}  // namespace

Differentiator::Differentiator(const Tree& tree) : tree_(tree), n_(tree.variables.size()) {
  const std::size_t count = tree.nodes.size();
  a_.resize(count);
  b_.resize(count);
  var_.resize(count);
  first_.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    const Node& n = tree.nodes[i];
    a_[i] = n.args[0];
    b_[i] = n.args[1];
    var_[i] = n.kind == NodeKind::variable ? n.variable : -1;
    // children precede parents and each subtree is contiguous: it starts where its first
    // argument's subtree starts
    first_[i] = n.args[0] >= 0 ? first_[static_cast<std::size_t>(n.args[0])] : static_cast<int>(i);
  }
}

double Differentiator::forward(std::span<const double> x, bool second) {
  second_ = second;
  const std::size_t count = tree_.nodes.size();
  v_.assign(count, 0);
  da_.assign(count, 0);
  db_.assign(count, 0);
  if (second) {
    daa_.assign(count, 0);
    dab_.assign(count, 0);
    dbb_.assign(count, 0);
  }
  std::size_t i = 0;
  try {
    for (; i < count; ++i) {
      const Node& n = tree_.nodes[i];
      if (n.kind == NodeKind::variable) {
        v_[i] = x[static_cast<std::size_t>(n.variable)];
      } else {
        if (a_[i] >= 0)
          check_domain(n, v_[static_cast<std::size_t>(a_[i])],
                       b_[i] >= 0 ? v_[static_cast<std::size_t>(b_[i])] : 0.0);
        local(i);
      }
      if (!std::isfinite(v_[i])) {
        const bool var = n.kind == NodeKind::variable;
        throw EvaluationFault{
            -1, var ? "the variable is not finite"
                    : "the result is not finite (overflow), got " + format_number(v_[i])};
      }
    }
  } catch (EvaluationFault& fault) {
    fault.node = static_cast<int>(i);
    throw;
  }
  return v_.back();
}

void Differentiator::local(std::size_t i) {
  const Node& n = tree_.nodes[i];
  const std::size_t ia = a_[i] >= 0 ? static_cast<std::size_t>(a_[i]) : 0;
  const std::size_t ib = b_[i] >= 0 ? static_cast<std::size_t>(b_[i]) : 0;
  const double a = v_[ia], b = v_[ib];
  double& v = v_[i];
  // one-argument chain rule: f(u) with f' = d1, f'' = d2
  auto chain = [&](double f0, double d1, double d2) {
    v = f0;
    da_[i] = d1;
    if (second_) daa_[i] = d2;
  };
  // two-argument chain rule with the first and second partials
  auto chain2 = [&](double f0, double fa, double fb, double faa, double fab, double fbb) {
    v = f0;
    da_[i] = fa;
    db_[i] = fb;
    if (second_) {
      daa_[i] = faa;
      dab_[i] = fab;
      dbb_[i] = fbb;
    }
  };
  switch (n.kind) {
    case NodeKind::number:
      v = n.value;
      return;
    case NodeKind::pi:
      v = std::numbers::pi;
      return;
    case NodeKind::e:
      v = std::numbers::e;
      return;
    case NodeKind::variable:
      return;
    case NodeKind::negate:
      chain(-a, -1, 0);
      return;
    case NodeKind::add:
      chain2(a + b, 1, 1, 0, 0, 0);
      return;
    case NodeKind::subtract:
      chain2(a - b, 1, -1, 0, 0, 0);
      return;
    case NodeKind::multiply:
      chain2(a * b, b, a, 0, 1, 0);
      return;
    case NodeKind::divide: {
      const double inv = 1 / b, q = a / b;
      chain2(q, inv, -q / b, 0, -inv / b, 2 * (q / b) / b);
      return;
    }
    case NodeKind::power:
      break;
    case NodeKind::call:
      break;
  }
  const bool is_power =
      n.kind == NodeKind::power || (n.kind == NodeKind::call && n.function == Function::pow);
  if (is_power) {
    const double x = a, p = b;
    bool constant_exponent = tree_.nodes[ib].constant;
    if (!constant_exponent && !(x > 0)) {
      // x^p with a varying exponent needs x > 0, unless the exponent's derivatives vanish here
      constant_exponent = subtree_gradient(static_cast<int>(ib)).empty();
      if (constant_exponent && second_) {
        const std::vector<int> vars = subtree_variables(static_cast<int>(ib));
        constant_exponent = subtree_hessian(static_cast<int>(ib), vars).isZero(0);
      }
      if (!constant_exponent)
        not_differentiable("not differentiable where the base is " + format_number(x) +
                           " and the exponent varies (needs base > 0)");
    }
    if (constant_exponent) {
      const double f0 = std::pow(x, p);
      if (x == 0 && !is_integer(p)) {
        // 0^p with p > 0 non-integer (the domain check rejected p < 0)
        if (p < 1)
          not_differentiable("not differentiable where the base is 0 (exponent " +
                             format_number(p) + " < 1)");
        if (second_ && p < 2)
          not_differentiable("not twice differentiable where the base is 0 (exponent " +
                             format_number(p) + " < 2)");
        chain(0.0, 0.0, 0.0);
        return;
      }
      chain(f0, coef_pow(p, x, p - 1), coef_pow(p * (p - 1), x, p - 2));
      return;
    }
    const double f0 = std::pow(x, p), lx = std::log(x);
    chain2(f0, p * std::pow(x, p - 1), f0 * lx, coef_pow(p * (p - 1), x, p - 2),
           std::pow(x, p - 1) * (1 + p * lx), f0 * lx * lx);
    return;
  }
  const double u = a;
  switch (n.function) {
    case Function::sin:
      chain(std::sin(u), std::cos(u), -std::sin(u));
      return;
    case Function::cos:
      chain(std::cos(u), -std::sin(u), -std::cos(u));
      return;
    case Function::tan: {
      const double t = std::tan(u), s = 1 + t * t;
      chain(t, s, 2 * t * s);
      return;
    }
    case Function::asin:
    case Function::acos: {
      if (u == 1 || u == -1)
        not_differentiable("not differentiable where its argument is " + format_number(u));
      const double w = 1 - u * u, d1 = 1 / std::sqrt(w), d2 = u / (w * std::sqrt(w));
      if (n.function == Function::asin)
        chain(std::asin(u), d1, d2);
      else
        chain(std::acos(u), -d1, -d2);
      return;
    }
    case Function::atan: {
      const double w = 1 + u * u;
      chain(std::atan(u), 1 / w, -2 * u / (w * w));
      return;
    }
    case Function::sinh:
      chain(std::sinh(u), std::cosh(u), std::sinh(u));
      return;
    case Function::cosh:
      chain(std::cosh(u), std::sinh(u), std::cosh(u));
      return;
    case Function::tanh: {
      const double t = std::tanh(u), s = 1 - t * t;
      chain(t, s, -2 * t * s);
      return;
    }
    case Function::exp: {
      const double e = std::exp(u);
      chain(e, e, e);
      return;
    }
    case Function::log:
    case Function::ln:
      chain(std::log(u), 1 / u, -1 / (u * u));
      return;
    case Function::log10: {
      const double k = std::numbers::ln10;
      chain(std::log10(u), 1 / (u * k), -1 / (u * u * k));
      return;
    }
    case Function::log2: {
      const double k = std::numbers::ln2;
      chain(std::log2(u), 1 / (u * k), -1 / (u * u * k));
      return;
    }
    case Function::sqrt: {
      if (u == 0) not_differentiable("not differentiable where its argument is 0");
      const double s = std::sqrt(u);
      chain(s, 0.5 / s, -0.25 / (s * u));
      return;
    }
    case Function::cbrt: {
      if (u == 0) not_differentiable("not differentiable where its argument is 0");
      const double c = std::cbrt(u);
      chain(c, 1 / (3 * c * c), -2 / (9 * c * c * c * c * c));
      return;
    }
    case Function::abs: {
      if (u > 0) {
        chain(u, 1, 0);
        return;
      }
      if (u < 0) {
        chain(-u, -1, 0);
        return;
      }
      // |u| at u = 0: differentiable when the gradient of u vanishes (then the first derivatives
      // vanish); twice differentiable when the Hessian of u is semidefinite (|u| = u or -u to
      // second order)
      chain(0.0, 0.0, 0.0);
      if (tree_.nodes[ia].constant) return;
      if (!subtree_gradient(static_cast<int>(ia)).empty())
        not_differentiable("not differentiable where its argument is 0");
      if (!second_) return;
      const Eigen::MatrixXd h =
          subtree_hessian(static_cast<int>(ia), subtree_variables(static_cast<int>(ia)));
      if (h.isZero(0)) return;
      const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(h, Eigen::EigenvaluesOnly);
      const double lo = eig.eigenvalues().minCoeff(), hi = eig.eigenvalues().maxCoeff();
      const double tol = 1e-14 * std::max(std::abs(lo), std::abs(hi));
      if (lo >= -tol)
        da_[i] = 1;
      else if (hi <= tol)
        da_[i] = -1;
      else
        not_differentiable("not twice differentiable where its argument is 0");
      return;
    }
    case Function::hypot: {
      const double x = a, y = b;
      if (x == 0 && y == 0) not_differentiable("not differentiable where both arguments are 0");
      const double r = std::hypot(x, y), r3 = r * r * r;
      chain2(r, x / r, y / r, y * y / r3, -x * y / r3, x * x / r3);
      return;
    }
    case Function::atan2: {
      const double y = a, x = b, r2 = x * x + y * y, r4 = r2 * r2;
      chain2(std::atan2(y, x), x / r2, -y / r2, -2 * x * y / r4, (y * y - x * x) / r4,
             2 * x * y / r4);
      return;
    }
    case Function::min:
    case Function::max: {
      if (a != b) {
        const bool take_a = (a < b) == (n.function == Function::min);
        v = take_a ? a : b;
        (take_a ? da_[i] : db_[i]) = 1;
        return;
      }
      if (!same_derivatives(static_cast<int>(ia), static_cast<int>(ib)))
        not_differentiable("not differentiable where its arguments are equal (" + format_number(a) +
                           ") with different derivatives");
      v = a;
      da_[i] = 1;
      return;
    }
    case Function::pow:
      break;
  }
  throw EvaluationFault{-1, "internal: unknown function"};
}

std::vector<int> Differentiator::subtree_variables(int node) const {
  std::vector<int> vars;
  for (int i = first_[static_cast<std::size_t>(node)]; i <= node; ++i)
    if (var_[static_cast<std::size_t>(i)] >= 0) vars.push_back(var_[static_cast<std::size_t>(i)]);
  std::sort(vars.begin(), vars.end());
  vars.erase(std::unique(vars.begin(), vars.end()), vars.end());
  return vars;
}

Differentiator::Sparse Differentiator::subtree_gradient(int node) {
  const int lo = first_[static_cast<std::size_t>(node)];
  std::vector<double> adj(static_cast<std::size_t>(node - lo + 1), 0.0);
  adj.back() = 1;
  Sparse g;
  for (int i = node; i >= lo; --i) {
    const auto k = static_cast<std::size_t>(i);
    const double w = adj[static_cast<std::size_t>(i - lo)];
    if (w == 0) continue;
    if (var_[k] >= 0) g.emplace_back(var_[k], w);
    if (a_[k] >= 0) adj[static_cast<std::size_t>(a_[k] - lo)] += w * da_[k];
    if (b_[k] >= 0) adj[static_cast<std::size_t>(b_[k] - lo)] += w * db_[k];
  }
  std::sort(g.begin(), g.end(), [](const auto& p, const auto& q) { return p.first < q.first; });
  Sparse merged;
  for (const auto& [var, value] : g) {
    if (!merged.empty() && merged.back().first == var)
      merged.back().second += value;
    else
      merged.emplace_back(var, value);
  }
  std::erase_if(merged, [](const auto& p) { return p.second == 0; });
  return merged;
}

Eigen::MatrixXd Differentiator::subtree_hessian(int node, const std::vector<int>& vars) {
  const int lo = first_[static_cast<std::size_t>(node)];
  const auto size = static_cast<std::size_t>(node - lo + 1);
  const auto m = static_cast<Eigen::Index>(vars.size());
  Eigen::MatrixXd h = Eigen::MatrixXd::Zero(m, m);
  auto column_of = [&](int var) -> Eigen::Index {
    const auto it = std::lower_bound(vars.begin(), vars.end(), var);
    return it != vars.end() && *it == var ? it - vars.begin() : -1;
  };
  std::vector<double> adj(size, 0.0), tan(size), sadj(size);
  adj.back() = 1;
  for (int i = node; i >= lo; --i) {
    const auto k = static_cast<std::size_t>(i);
    const double w = adj[k - static_cast<std::size_t>(lo)];
    if (w == 0) continue;
    if (a_[k] >= 0) adj[static_cast<std::size_t>(a_[k] - lo)] += w * da_[k];
    if (b_[k] >= 0) adj[static_cast<std::size_t>(b_[k] - lo)] += w * db_[k];
  }
  for (Eigen::Index c = 0; c < m; ++c) {
    const int var = vars[static_cast<std::size_t>(c)];
    for (int i = lo; i <= node; ++i) {
      const auto k = static_cast<std::size_t>(i);
      double t = 0;
      if (var_[k] >= 0)
        t = var_[k] == var ? 1.0 : 0.0;
      else if (a_[k] >= 0) {
        const double ta = tan[static_cast<std::size_t>(a_[k] - lo)];
        const double tb = b_[k] >= 0 ? tan[static_cast<std::size_t>(b_[k] - lo)] : 0.0;
        if (ta != 0) t += da_[k] * ta;
        if (tb != 0) t += db_[k] * tb;
      }
      tan[k - static_cast<std::size_t>(lo)] = t;
    }
    std::fill(sadj.begin(), sadj.end(), 0.0);
    for (int i = node; i >= lo; --i) {
      const auto k = static_cast<std::size_t>(i);
      const double s = sadj[k - static_cast<std::size_t>(lo)];
      const double w = adj[k - static_cast<std::size_t>(lo)];
      if (var_[k] >= 0) {
        if (s != 0) h(column_of(var_[k]), c) += s;
        continue;
      }
      if (a_[k] < 0) continue;
      const double ta = tan[static_cast<std::size_t>(a_[k] - lo)];
      const double tb = b_[k] >= 0 ? tan[static_cast<std::size_t>(b_[k] - lo)] : 0.0;
      double ca = s != 0 ? s * da_[k] : 0.0;
      if (w != 0) {
        if (ta != 0 && daa_[k] != 0) ca += w * daa_[k] * ta;
        if (tb != 0 && dab_[k] != 0) ca += w * dab_[k] * tb;
      }
      sadj[static_cast<std::size_t>(a_[k] - lo)] += ca;
      if (b_[k] >= 0) {
        double cb = s != 0 ? s * db_[k] : 0.0;
        if (w != 0) {
          if (ta != 0 && dab_[k] != 0) cb += w * dab_[k] * ta;
          if (tb != 0 && dbb_[k] != 0) cb += w * dbb_[k] * tb;
        }
        sadj[static_cast<std::size_t>(b_[k] - lo)] += cb;
      }
    }
  }
  return h;
}

bool Differentiator::same_derivatives(int p, int q) {
  const bool p_constant = tree_.nodes[static_cast<std::size_t>(p)].constant;
  const bool q_constant = tree_.nodes[static_cast<std::size_t>(q)].constant;
  if (p_constant && q_constant) return true;
  if (subtree_gradient(p) != subtree_gradient(q)) return false;
  if (!second_) return true;
  std::vector<int> vars = subtree_variables(p);
  const std::vector<int> vq = subtree_variables(q);
  vars.insert(vars.end(), vq.begin(), vq.end());
  std::sort(vars.begin(), vars.end());
  vars.erase(std::unique(vars.begin(), vars.end()), vars.end());
  return subtree_hessian(p, vars) == subtree_hessian(q, vars);
}

void Differentiator::gradient(Eigen::VectorXd& g) {
  const std::size_t count = tree_.nodes.size();
  adj_.assign(count, 0.0);
  adj_.back() = 1;
  g = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(n_));
  for (std::size_t i = count; i-- > 0;) {
    const double w = adj_[i];
    if (w == 0) continue;
    if (var_[i] >= 0) g(var_[i]) += w;
    if (a_[i] >= 0) adj_[static_cast<std::size_t>(a_[i])] += w * da_[i];
    if (b_[i] >= 0) adj_[static_cast<std::size_t>(b_[i])] += w * db_[i];
  }
}

void Differentiator::hessian(Eigen::MatrixXd& h) {
  std::vector<int> all(n_);
  for (std::size_t j = 0; j < n_; ++j) all[j] = static_cast<int>(j);
  h = subtree_hessian(static_cast<int>(tree_.nodes.size()) - 1, all);
}

}  // namespace numkit::expr::detail
