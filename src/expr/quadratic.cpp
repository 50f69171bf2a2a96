#include <boost/multiprecision/cpp_bin_float.hpp>
#include <boost/multiprecision/cpp_int.hpp>
#include <numkit/core/error.hpp>
#include <numkit/expr/ast.hpp>
#include <numkit/expr/evaluate.hpp>
#include <numkit/expr/quadratic.hpp>

namespace numkit::expr {

namespace {

using Rational = boost::multiprecision::cpp_rational;
using Float50 = boost::multiprecision::cpp_bin_float_50;

// A polynomial of degree <= 2 in n variables with exact rational coefficients.
struct Poly {
  Rational c;
  std::vector<Rational> b;  // b[i]: coefficient of x_i
  std::vector<Rational> q;  // q[i*n+j], i <= j: coefficient of x_i x_j
  explicit Poly(std::size_t n = 0) : b(n), q(n * n) {}
  std::size_t n() const { return b.size(); }
  int degree() const {
    for (const auto& v : q)
      if (v != 0) return 2;
    for (const auto& v : b)
      if (v != 0) return 1;
    return 0;
  }
};

Poly operator+(Poly a, const Poly& b) {
  a.c += b.c;
  for (std::size_t i = 0; i < a.b.size(); ++i) a.b[i] += b.b[i];
  for (std::size_t i = 0; i < a.q.size(); ++i) a.q[i] += b.q[i];
  return a;
}
Poly scaled(Poly a, const Rational& s) {
  a.c *= s;
  for (auto& v : a.b) v *= s;
  for (auto& v : a.q) v *= s;
  return a;
}

class Extractor {
 public:
  explicit Extractor(const Tree& t) : tree_(t), n_(t.variables.size()) {}

  Poly run() {
    std::vector<Poly> polys(tree_.nodes.size(), Poly(n_));
    for (std::size_t i = 0; i < tree_.nodes.size(); ++i)
      polys[i] = node(static_cast<int>(i), polys);
    return polys.back();
  }

 private:
  const Tree& tree_;
  std::size_t n_;

  [[noreturn]] void fail(int node, const std::string& message) const {
    const Node& nd = tree_.nodes[static_cast<std::size_t>(node)];
    // underline the operator (binary ops) or the whole subexpression (calls, numbers, names)
    const bool binary_op =
        nd.kind == NodeKind::multiply || nd.kind == NodeKind::divide || nd.kind == NodeKind::power;
    const std::size_t len = binary_op
                                ? (tree_.text[nd.op] == '*' && nd.kind == NodeKind::power ? 2 : 1)
                                : nd.end - nd.begin;
    throw InputError(caret_message(tree_.text, binary_op ? nd.op : nd.begin, len, message));
  }

  Poly constant(const Rational& r) const {
    Poly p(n_);
    p.c = r;
    return p;
  }

  // A constant subtree that is not rational arithmetic: evaluate it in 50 digits.
  Poly evaluate_constant(int index) const {
    Tree sub;
    sub.text = tree_.text;
    sub.variables = tree_.variables;
    // copy the subtree rooted at index (its nodes are a contiguous range ending at index? not
    // necessarily, so copy every node up to index; unreferenced ones are harmless)
    sub.nodes.assign(tree_.nodes.begin(), tree_.nodes.begin() + index + 1);
    std::vector<Float50> work;
    std::vector<Float50> x(n_, Float50(0));
    try {
      const Float50 v = evaluate(sub, ScalarOps<Float50>{}, std::span<const Float50>(x), work);
      return constant(Rational(v));
    } catch (const EvaluationFault& f) {
      fail(f.node, std::string(tree_.source(f.node)) + ": " + f.rule);
    }
  }

  static bool is_integer(const Rational& r) { return denominator(r) == 1; }

  Poly node(int index, const std::vector<Poly>& polys) const {
    const Node& nd = tree_.nodes[static_cast<std::size_t>(index)];
    const Poly* a = nd.args[0] >= 0 ? &polys[static_cast<std::size_t>(nd.args[0])] : nullptr;
    const Poly* b = nd.args[1] >= 0 ? &polys[static_cast<std::size_t>(nd.args[1])] : nullptr;
    switch (nd.kind) {
      case NodeKind::number:
        return constant(literal_rational(nd.literal));
      case NodeKind::pi:
      case NodeKind::e:
        return evaluate_constant(index);
      case NodeKind::variable: {
        Poly p(n_);
        p.b[static_cast<std::size_t>(nd.variable)] = 1;
        return p;
      }
      case NodeKind::negate:
        return scaled(*a, Rational(-1));
      case NodeKind::add:
        return *a + *b;
      case NodeKind::subtract:
        return *a + scaled(*b, Rational(-1));
      case NodeKind::multiply:
        return multiply(index, *a, *b);
      case NodeKind::divide: {
        if (b->degree() > 0)
          fail(index, "not a polynomial: division by " + std::string(tree_.source(nd.args[1])) +
                          ", which depends on the variables");
        if (b->c == 0) fail(index, "division by zero");
        return scaled(*a, Rational(1) / b->c);
      }
      case NodeKind::power:
        return power(index, *a, *b, nd.args[1]);
      case NodeKind::call: {
        if (nd.constant) return evaluate_constant(index);
        if (nd.function == Function::pow) return power(index, *a, *b, nd.args[1]);
        fail(index, "not a polynomial: " + std::string(function_info(nd.function).name) +
                        " of an expression in the variables");
      }
    }
    fail(index, "internal: unknown node");
  }

  Poly multiply(int index, const Poly& a, const Poly& b) const {
    const int da = a.degree(), db = b.degree();
    if (da + db > 2)
      fail(index,
           "not a polynomial of degree <= 2: this product has degree " + std::to_string(da + db));
    Poly p(n_);
    p.c = a.c * b.c;
    for (std::size_t i = 0; i < n_; ++i) p.b[i] = a.c * b.b[i] + b.c * a.b[i];
    for (std::size_t i = 0; i < n_ * n_; ++i) p.q[i] = a.c * b.q[i] + b.c * a.q[i];
    if (da == 1 && db == 1)
      for (std::size_t i = 0; i < n_; ++i)
        for (std::size_t j = 0; j < n_; ++j) {
          const std::size_t lo = std::min(i, j), hi = std::max(i, j);
          p.q[lo * n_ + hi] += a.b[i] * b.b[j];
        }
    return p;
  }

  Poly power(int index, const Poly& base, const Poly& exponent, int exponent_node) const {
    if (exponent.degree() > 0)
      fail(index, "not a polynomial: the exponent " + std::string(tree_.source(exponent_node)) +
                      " depends on the variables");
    const Rational& p = exponent.c;
    if (base.degree() == 0) {
      if (is_integer(p) && abs(p) <= 64) {
        const long long k = static_cast<long long>(numerator(p));
        if (base.c == 0 && k < 0) fail(index, "zero raised to a negative power");
        Rational r = 1;
        for (long long i = 0; i < (k < 0 ? -k : k); ++i) r *= base.c;
        return constant(k < 0 ? Rational(1) / r : r);
      }
      return evaluate_constant(index);
    }
    if (!is_integer(p) || p < 0)
      fail(index, "not a polynomial: the exponent " + std::string(tree_.source(exponent_node)) +
                      " is not a non-negative integer");
    if (p == 0) return constant(Rational(1));
    if (p == 1) return base;
    if (p == 2) return multiply(index, base, base);
    fail(index,
         "not a polynomial of degree <= 2: this power has degree " +
             (p > 1000 ? std::string("> 1000")
                       : std::to_string(static_cast<long long>(numerator(p)) * base.degree())));
  }

  // The exact value of a decimal literal such as 2.5e-3.
  static Rational literal_rational(const std::string& lit) {
    std::string digits;
    long long scale = 0;
    std::size_t i = 0;
    bool after_point = false;
    for (; i < lit.size() && lit[i] != 'e' && lit[i] != 'E'; ++i) {
      if (lit[i] == '.') {
        after_point = true;
        continue;
      }
      digits += lit[i];
      if (after_point) --scale;
    }
    if (i < lit.size()) scale += std::stoll(lit.substr(i + 1));
    if (scale > 400 || scale < -400) return Rational(Float50(lit));  // beyond double anyway
    boost::multiprecision::cpp_int num(digits.empty() ? std::string("0") : digits);
    boost::multiprecision::cpp_int ten =
        pow(boost::multiprecision::cpp_int(10), static_cast<unsigned>(scale < 0 ? -scale : scale));
    return scale < 0 ? Rational(num, ten) : Rational(num * ten);
  }
};

}  // namespace

QuadraticCoefficients extract_quadratic(std::string_view text,
                                        const std::vector<std::string>& variables) {
  const Tree tree = parse_tree(text, variables);
  const Poly p = Extractor(tree).run();
  const std::size_t n = tree.variables.size();
  QuadraticCoefficients out;
  out.variables = tree.variables;
  out.A = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
  out.b = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(n));
  for (std::size_t i = 0; i < n; ++i) {
    const auto ii = static_cast<Eigen::Index>(i);
    out.b(ii) = static_cast<double>(p.b[i]);
    out.A(ii, ii) = static_cast<double>(p.q[i * n + i]);
    for (std::size_t j = i + 1; j < n; ++j) {
      const double half = static_cast<double>(p.q[i * n + j] / 2);
      out.A(ii, static_cast<Eigen::Index>(j)) = half;
      out.A(static_cast<Eigen::Index>(j), ii) = half;
    }
  }
  out.c = static_cast<double>(p.c);
  return out;
}

}  // namespace numkit::expr
