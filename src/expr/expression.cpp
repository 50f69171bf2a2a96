#include <algorithm>
#include <charconv>
#include <cmath>
#include <numkit/expr/expression.hpp>
#include <numkit/expr/jet.hpp>

#include "derivatives.hpp"

namespace numkit::expr {

Expression::Expression(std::string_view text, const std::vector<std::string>& variables)
    : tree_(parse_tree(text, variables)) {}

void Expression::check_size(std::size_t n) const {
  if (n != dimension())
    throw InputError("point has " + std::to_string(n) + " coordinates, the expression has " +
                     std::to_string(dimension()) + " variables");
}

std::string Expression::describe_point(std::span<const double> x) const {
  std::string out;
  for (std::size_t i = 0; i < x.size() && i < dimension(); ++i)
    out += (i == 0 ? "" : ", ") + tree_.variables[i] + "=" + format_number(x[i]);
  return out;
}

std::string Expression::fault_message(const EvaluationFault& f, std::span<const double> x) const {
  std::string msg = std::string(tree_.source(f.node)) + ": " + f.rule;
  if (dimension() > 0) msg += ", at " + describe_point(x);
  return msg;
}

void Expression::throw_fault(const EvaluationFault& f, std::span<const double> x) const {
  if (f.overflow) throw OverflowError(fault_message(f, x));
  throw InputError(fault_message(f, x));
}

double Expression::value(const Eigen::VectorXd& x) const {
  const std::span<const double> xs(x.data(), static_cast<std::size_t>(x.size()));
  check_size(xs.size());
  thread_local std::vector<double>
      work;  // reused: evaluation allocates nothing after the first call
  try {
    return evaluate(tree_, ScalarOps<double>{}, xs, work);
  } catch (const EvaluationFault& f) {
    throw_fault(f, xs);
  }
}

double Expression::gradient(const Eigen::VectorXd& x, Eigen::VectorXd& g) const {
  const std::span<const double> xs(x.data(), static_cast<std::size_t>(x.size()));
  check_size(xs.size());
  detail::Differentiator d(tree_);
  try {
    const double v = d.forward(xs, false);
    d.gradient(g);
    if (!g.allFinite())
      throw OverflowError(text() + ": the gradient is not finite (overflow), at " +
                          describe_point(xs));
    return v;
  } catch (const EvaluationFault& f) {
    throw_fault(f, xs);
  }
}

double Expression::hessian(const Eigen::VectorXd& x, Eigen::VectorXd& g, Eigen::MatrixXd& h) const {
  const std::span<const double> xs(x.data(), static_cast<std::size_t>(x.size()));
  check_size(xs.size());
  if (dimension() > kMaxHessianVariables)
    throw InputError("hessian: " + std::to_string(dimension()) +
                     " variables; a Hessian is formed for at most " +
                     std::to_string(kMaxHessianVariables) + " (dense n x n)");
  detail::Differentiator d(tree_);
  try {
    const double v = d.forward(xs, true);
    d.gradient(g);
    d.hessian(h);
    if (!g.allFinite() || !h.allFinite())
      throw OverflowError(text() + ": the derivatives are not finite (overflow), at " +
                          describe_point(xs));
    // symmetrize (the sweeps are symmetric up to rounding order); halves first, so that entries
    // near the overflow threshold do not overflow
    h = (0.5 * h + 0.5 * h.transpose()).eval();
    return v;
  } catch (const EvaluationFault& f) {
    throw_fault(f, xs);
  }
}

namespace {

// sqrt(sum of squares) in one rounding where the sum of squares neither overflows nor loses
// precision to underflow; otherwise scaled (Eigen's stableNorm).
double safe_norm(const Eigen::VectorXd& v) {
  const double s = v.squaredNorm();
  if (std::isfinite(s) && (s == 0 ? v.isZero(0) : s >= 0x1p-900)) return std::sqrt(s);
  return v.stableNorm();
}

// v / |v|, through v / max|v_i| when |v| is not representable
Eigen::VectorXd unit(const Eigen::VectorXd& v, double norm) {
  if (std::isfinite(norm) && norm >= 0x1p-900) return v / norm;
  const Eigen::VectorXd s = v / v.cwiseAbs().maxCoeff();
  return s / s.norm();
}

}  // namespace

DirectionalDerivative directional_derivative(const Eigen::VectorXd& g, const Eigen::VectorXd* v) {
  DirectionalDerivative d;
  d.gradient_norm = safe_norm(g);
  if (d.gradient_norm > 0) d.steepest_ascent = unit(g, d.gradient_norm);
  if (v == nullptr) return d;
  const double vnorm = safe_norm(*v);
  const double vtop = v->cwiseAbs().maxCoeff();
  const Eigen::VectorXd vs = *v / vtop;
  d.unit_direction = unit(*v, vnorm);
  d.raw = g.dot(*v);
  if (std::isfinite(d.raw) && std::isfinite(vnorm)) {
    d.directional = d.raw / vnorm;  // one rounding of the exact quotient's inputs
  } else {
    const double gtop = g.cwiseAbs().maxCoeff();
    if (gtop == 0) {
      d.raw = 0;
      d.directional = 0;
    } else {
      const double scaled = (g / gtop).dot(vs);   // |scaled| <= n
      d.directional = scaled / vs.norm() * gtop;  // +-inf only beyond the double range
      d.raw = scaled * gtop * vtop;  // +-inf only when g.v itself is beyond the double range
    }
  }
  return d;
}

double parse_constant(std::string_view text, std::string_view what) {
  Tree t;
  try {
    t = parse_tree(text);
  } catch (const InputError& e) {
    throw InputError(std::string(what) + ": " + e.what());
  }
  if (!t.variables.empty())
    throw InputError(std::string(what) + ": expected a number, found the variable \"" +
                     t.variables[0] + "\" in \"" + std::string(text) + "\"");
  std::vector<double> work;
  try {
    return evaluate(t, ScalarOps<double>{}, std::span<const double>(), work);
  } catch (const EvaluationFault& f) {
    throw InputError(std::string(what) + ": " + std::string(t.source(f.node)) + ": " + f.rule);
  }
}

Eigen::VectorXd parse_point(std::string_view spec, const std::vector<std::string>& variables,
                            std::string_view what) {
  const std::string w(what);
  std::string_view s = spec;
  auto trim = [](std::string_view v) {
    while (!v.empty() &&
           (v.front() == ' ' || v.front() == '\t' || v.front() == '\n' || v.front() == '\r'))
      v.remove_prefix(1);
    while (!v.empty() &&
           (v.back() == ' ' || v.back() == '\t' || v.back() == '\n' || v.back() == '\r'))
      v.remove_suffix(1);
    return v;
  };
  s = trim(s);
  if (s.size() >= 2 &&
      ((s.front() == '[' && s.back() == ']') || (s.front() == '(' && s.back() == ')'))) {
    // strip one pair of enclosing brackets if they match each other
    int depth = 0;
    bool encloses = true;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '(' || s[i] == '[') ++depth;
      if (s[i] == ')' || s[i] == ']') --depth;
      if (depth == 0 && i + 1 < s.size()) encloses = false;
    }
    if (encloses) s = trim(s.substr(1, s.size() - 2));
  }
  if (s.empty())
    throw InputError(w + ": expected " + std::to_string(variables.size()) + " values, got none");
  // split at top-level commas (pow(2,3) keeps its comma)
  std::vector<std::string_view> parts;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && (s[i] == '(' || s[i] == '[')) ++depth;
    if (i < s.size() && (s[i] == ')' || s[i] == ']')) --depth;
    if (i == s.size() || (s[i] == ',' && depth == 0)) {
      parts.push_back(trim(s.substr(start, i - start)));
      start = i + 1;
    }
  }
  // One part of whitespace-separated numbers ("1 2", NumPy's savetxt layout of one number per
  // line, MATLAB's [1 -2]) is that many values; anything else in it ("pi / 2") is an expression.
  if (parts.size() == 1) {
    std::vector<std::string_view> tokens;
    std::string_view rest = parts[0];
    while (!rest.empty()) {
      const std::size_t end = rest.find_first_of(" \t\r\n");
      tokens.push_back(rest.substr(0, end));
      rest = end == std::string_view::npos ? std::string_view() : trim(rest.substr(end));
    }
    auto is_number = [](std::string_view t) {
      if (const auto eq = t.find('='); eq != std::string_view::npos) t.remove_prefix(eq + 1);
      double v = 0;
      const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      return !t.empty() && ec == std::errc() && end == t.data() + t.size();
    };
    if (tokens.size() > 1 && std::all_of(tokens.begin(), tokens.end(), is_number))
      parts = std::move(tokens);
  }
  const std::size_t n = variables.size();
  Eigen::VectorXd x(static_cast<Eigen::Index>(n));
  const bool named = parts[0].find('=') != std::string_view::npos;
  std::vector<bool> seen(n, false);
  for (std::size_t k = 0; k < parts.size(); ++k) {
    std::string_view p = parts[k];
    const std::string label = w + " (value " + std::to_string(k + 1) + ")";
    if (p.empty()) throw InputError(label + ": empty value in \"" + std::string(spec) + "\"");
    const auto eq = p.find('=');
    if ((eq != std::string_view::npos) != named)
      throw InputError(w + ": mix of named (x=1) and positional values in \"" + std::string(spec) +
                       "\"");
    if (named) {
      const std::string name(trim(p.substr(0, eq)));
      const auto it = std::find(variables.begin(), variables.end(), name);
      if (it == variables.end()) {
        std::string list;
        for (const auto& v : variables) list += (list.empty() ? "" : ", ") + v;
        throw InputError(w + ": \"" + name + "\" is not a variable of the expression (" + list +
                         ")");
      }
      const auto i = static_cast<std::size_t>(it - variables.begin());
      if (seen[i]) throw InputError(w + ": \"" + name + "\" is given twice");
      seen[i] = true;
      x(static_cast<Eigen::Index>(i)) =
          parse_constant(trim(p.substr(eq + 1)), w + " (" + name + ")");
    } else {
      if (k >= n) break;
      x(static_cast<Eigen::Index>(k)) = parse_constant(p, label);
    }
  }
  std::string list;
  for (const auto& v : variables) list += (list.empty() ? "" : ", ") + v;
  if (!named && parts.size() != n)
    throw InputError(w + ": expected " + std::to_string(n) + (n == 1 ? " value (" : " values (") +
                     list + "), got " + std::to_string(parts.size()));
  if (named)
    for (std::size_t i = 0; i < n; ++i)
      if (!seen[i]) throw InputError(w + ": no value for the variable \"" + variables[i] + "\"");
  return x;
}

}  // namespace numkit::expr
