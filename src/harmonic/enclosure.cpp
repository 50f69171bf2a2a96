// Multiprecision enclosures of H(n, s): direct summation for small n, the Euler-Maclaurin
// expansion with its rigorous remainder bound for large n.
#include "enclosure.hpp"

#include <boost/multiprecision/gmp.hpp>

#include <mutex>
#include <stdexcept>
#include <vector>

namespace numkit::harmonic::detail {
namespace {

using Rational = boost::multiprecision::mpq_rational;

// B_0, B_2, B_4, ... as exact rationals, grown on demand.
class BernoulliTable {
 public:
  const Rational& b2k(std::size_t k) {
    std::lock_guard<std::mutex> lock(mutex_);
    while (even_.size() <= k) extend();
    return even_[k];
  }

 private:
  // B_{2k} = -1/(2k+1) * (C(2k+1,0) B_0 + C(2k+1,1) B_1 + sum_{i=1}^{k-1} C(2k+1,2i) B_{2i}),
  // with B_1 = -1/2 and the odd ones beyond zero.
  void extend() {
    const unsigned long k = even_.size();
    if (k == 0) {
      even_.emplace_back(1);
      return;
    }
    const unsigned long m = 2 * k;
    Rational sum = Rational(1) - Rational(m + 1) / 2;  // C(m+1,0) B_0 + C(m+1,1) B_1
    mpz_t binom;
    mpz_init(binom);
    for (unsigned long i = 1; i < k; ++i) {
      mpz_bin_uiui(binom, m + 1, 2 * i);
      sum += Rational(boost::multiprecision::mpz_int(binom)) * even_[i];
    }
    mpz_clear(binom);
    even_.push_back(-sum / Rational(m + 1));
  }

  std::mutex mutex_;
  std::vector<Rational> even_;
};

BernoulliTable& bernoulli() {
  static BernoulliTable table;
  return table;
}

// err = factor * 2^(1-p) * |scale| (rounded up), plus `extra` if given.
void set_rounding_bound(Real& err, unsigned long factor, mpfr_prec_t p, mpfr_srcptr scale) {
  mpfr_abs(err.get(), scale, MPFR_RNDU);
  mpfr_mul_ui(err.get(), err.get(), factor, MPFR_RNDU);
  mpfr_mul_2si(err.get(), err.get(), 1 - static_cast<long>(p), MPFR_RNDU);
}

void direct_sum(unsigned long n, long long order, mpfr_prec_t p, Enclosure& out) {
  Real term(p);
  mpfr_set_zero(out.mid.get(), 1);
  for (unsigned long k = n; k >= 1; --k) {  // smallest terms first
    if (order == 1) {
      mpfr_set_ui(term.get(), k, MPFR_RNDN);
      mpfr_ui_div(term.get(), 1, term.get(), MPFR_RNDN);
    } else {
      mpfr_ui_pow_ui(term.get(), k, static_cast<unsigned long>(order), MPFR_RNDN);
      mpfr_ui_div(term.get(), 1, term.get(), MPFR_RNDN);
    }
    mpfr_add(out.mid.get(), out.mid.get(), term.get(), MPFR_RNDN);
  }
  // Each term carries at most 2 roundings, each addition one; all partial sums are <= H.
  set_rounding_bound(out.err, 3 * n + 4, p, out.mid.get());
  out.method = Method::summation;
  out.terms = 0;
}

// H(n,s) = ln n + gamma + 1/(2n) - sum_j B_2j/(2j n^2j)                               (s = 1)
// H(n,s) = zeta(s) - n^(1-s)/(s-1) + n^-s/2 - sum_j B_2j/(2j)! (s)_(2j-1) n^(1-s-2j)    (s > 1)
// For f(x) = x^-s all derivatives alternate in sign and are monotone, so the remainder after any
// number of terms has the sign of the first omitted term and is smaller in magnitude.
bool asymptotic(const BigInt& n, long long order, mpfr_prec_t p, Enclosure& out) {
  constexpr int max_terms = 250;
  const unsigned long s = static_cast<unsigned long>(order);
  mpfr_ptr mid = out.mid.get();
  Real x(p), t(p), xp(p), xm2(p), target(64), prev(64), mag(64);
  mpfr_set_z(x.get(), n.backend().data(), MPFR_RNDN);
  if (s == 1) {
    mpfr_log(mid, x.get(), MPFR_RNDN);
    mpfr_const_euler(t.get(), MPFR_RNDN);
    mpfr_add(mid, mid, t.get(), MPFR_RNDN);
    mpfr_ui_div(t.get(), 1, x.get(), MPFR_RNDN);
    mpfr_div_2ui(t.get(), t.get(), 1, MPFR_RNDN);
    mpfr_add(mid, mid, t.get(), MPFR_RNDN);
  } else {
    mpfr_zeta_ui(mid, s, MPFR_RNDN);
    mpfr_pow_si(t.get(), x.get(), 1 - static_cast<long>(s), MPFR_RNDN);
    mpfr_div_ui(t.get(), t.get(), s - 1, MPFR_RNDN);
    mpfr_sub(mid, mid, t.get(), MPFR_RNDN);
    mpfr_pow_si(t.get(), x.get(), -static_cast<long>(s), MPFR_RNDN);
    mpfr_div_2ui(t.get(), t.get(), 1, MPFR_RNDN);
    mpfr_add(mid, mid, t.get(), MPFR_RNDN);
  }
  mpfr_abs(target.get(), mid, MPFR_RNDD);
  mpfr_mul_2si(target.get(), target.get(), -static_cast<long>(p) - 2, MPFR_RNDD);

  mpfr_pow_si(xp.get(), x.get(), -static_cast<long>(s) - 1, MPFR_RNDN);
  mpfr_sqr(xm2.get(), x.get(), MPFR_RNDN);
  mpfr_ui_div(xm2.get(), 1, xm2.get(), MPFR_RNDN);
  boost::multiprecision::mpz_int rising = s, factorial = 2;  // (s)_(2j-1) and (2j)! for j = 1
  Rational coefficient;
  int used = 0;
  bool converged = false;
  for (int j = 1; j <= max_terms; ++j) {
    coefficient =
        bernoulli().b2k(static_cast<std::size_t>(j)) * Rational(rising) / Rational(factorial);
    mpfr_mul_q(t.get(), xp.get(), coefficient.backend().data(), MPFR_RNDN);
    mpfr_abs(mag.get(), t.get(), MPFR_RNDU);
    if (mpfr_lessequal_p(mag.get(), target.get())) {
      // first omitted term bounds the truncation error
      mpfr_set(prev.get(), mag.get(), MPFR_RNDU);
      converged = true;
      break;
    }
    if (j > 1 && mpfr_greaterequal_p(mag.get(), prev.get())) return false;  // diverging already
    mpfr_set(prev.get(), mag.get(), MPFR_RNDU);
    mpfr_sub(mid, mid, t.get(), MPFR_RNDN);
    used = j;
    const unsigned long a = s + 2 * static_cast<unsigned long>(j) - 1;
    rising *= a;
    rising *= a + 1;
    factorial *= 2 * static_cast<unsigned long>(j) + 1;
    factorial *= 2 * static_cast<unsigned long>(j) + 2;
    mpfr_mul(xp.get(), xp.get(), xm2.get(), MPFR_RNDN);
  }
  if (!converged) return false;
  // Rounding: every quantity added is at most |mid| + 2 in magnitude (ln n <= H(n), gamma < 1,
  // zeta(s) <= 2); the powers of x accumulate at most j + 3 roundings each.
  Real scale(64);
  mpfr_abs(scale.get(), mid, MPFR_RNDU);
  mpfr_add_ui(scale.get(), scale.get(), 2, MPFR_RNDU);
  set_rounding_bound(out.err, 4 * static_cast<unsigned long>(used) + 40, p, scale.get());
  mpfr_add(out.err.get(), out.err.get(), prev.get(), MPFR_RNDU);
  out.method = Method::asymptotic;
  out.terms = used;
  return true;
}

}  // namespace

long bit_length(const BigInt& n) {
  return n == 0 ? 0 : static_cast<long>(mpz_sizeinbase(n.backend().data(), 2));
}

void enclose(const BigInt& n, long long order, mpfr_prec_t precision, Enclosure& out) {
  mpfr_set_prec(out.mid.get(), precision);
  if (n <= direct_limit) {
    direct_sum(n.convert_to<unsigned long>(), order, precision, out);
    return;
  }
  if (asymptotic(n, order, precision, out)) return;
  if (n <= 1'000'000) {
    direct_sum(n.convert_to<unsigned long>(), order, precision, out);
    return;
  }
  throw std::logic_error("harmonic: asymptotic expansion did not reach the requested precision");
}

void lower_end(const Enclosure& e, Real& lo) {
  mpfr_set_prec(lo.get(), mpfr_get_prec(e.mid.get()));
  mpfr_sub(lo.get(), e.mid.get(), e.err.get(), MPFR_RNDD);
}

void upper_end(const Enclosure& e, Real& hi) {
  mpfr_set_prec(hi.get(), mpfr_get_prec(e.mid.get()));
  mpfr_add(hi.get(), e.mid.get(), e.err.get(), MPFR_RNDU);
}

namespace {

std::string get_digits(mpfr_srcptr x, int digits, long& exponent) {
  mpfr_exp_t exp = 0;
  char* s = mpfr_get_str(nullptr, &exp, 10, static_cast<size_t>(digits), x, MPFR_RNDN);
  std::string out(s);
  mpfr_free_str(s);
  exponent = static_cast<long>(exp);
  return out;
}

// Round p/q (> 0) to `digits` significant decimal digits, ties to even.
void exact_digits(const Fraction& f, int digits, std::string& mantissa, long& exponent) {
  using boost::multiprecision::mpz_int;
  // exponent e with 10^(e-1) <= p/q < 10^e
  long e = static_cast<long>(mpz_sizeinbase(f.numerator.backend().data(), 10)) -
           static_cast<long>(mpz_sizeinbase(f.denominator.backend().data(), 10)) + 1;
  auto pow10 = [](long k) {
    mpz_int r;
    mpz_ui_pow_ui(r.backend().data(), 10, static_cast<unsigned long>(k));
    return r;
  };
  auto compare_pow = [&](long k) {  // sign of p/q - 10^k
    mpz_int lhs = f.numerator, rhs = f.denominator;
    if (k >= 0)
      rhs *= pow10(k);
    else
      lhs *= pow10(-k);
    return lhs < rhs ? -1 : (lhs == rhs ? 0 : 1);
  };
  while (compare_pow(e) >= 0) ++e;
  while (compare_pow(e - 1) < 0) --e;
  const long shift = digits - e;
  mpz_int num = f.numerator, den = f.denominator;
  if (shift >= 0)
    num *= pow10(shift);
  else
    den *= pow10(-shift);
  mpz_int q = num / den, r = num % den;
  const mpz_int twice_r = 2 * r;
  const int c = twice_r.compare(den);
  if (c > 0 || (c == 0 && (q & 1) != 0)) ++q;
  mantissa = q.str();
  if (static_cast<long>(mantissa.size()) > digits) {  // rounded up to 10^digits
    mantissa.pop_back();
    ++e;
  }
  exponent = e;
}

}  // namespace

void correctly_rounded_digits(const BigInt& n, long long order, int digits, std::string& mantissa,
                              long& exponent) {
  mpfr_prec_t p = static_cast<mpfr_prec_t>(digits * 3.33) + 40;
  for (int attempt = 0; attempt < 5; ++attempt, p *= 2) {
    Enclosure e(p);
    enclose(n, order, p, e);
    Real lo(p), hi(p);
    lower_end(e, lo);
    upper_end(e, hi);
    long elo = 0, ehi = 0;
    std::string dlo = get_digits(lo.get(), digits, elo), dhi = get_digits(hi.get(), digits, ehi);
    if (dlo == dhi && elo == ehi) {
      mantissa = dlo;
      exponent = elo;
      return;
    }
  }
  // Only an exact decimal tie (e.g. H(2) = 1.5 to one digit) gets here: decide it exactly.
  if (n * order <= max_exact_work) {
    exact_digits(exact(n.convert_to<std::uint64_t>(), order), digits, mantissa, exponent);
    return;
  }
  Enclosure e(p);
  enclose(n, order, p, e);
  mantissa = get_digits(e.mid.get(), digits, exponent);
}

std::string positional(const std::string& mantissa, long exponent) {
  const long d = static_cast<long>(mantissa.size());
  if (exponent <= 0) return "0." + std::string(static_cast<std::size_t>(-exponent), '0') + mantissa;
  if (exponent >= d) return mantissa + std::string(static_cast<std::size_t>(exponent - d), '0');
  return mantissa.substr(0, static_cast<std::size_t>(exponent)) + "." +
         mantissa.substr(static_cast<std::size_t>(exponent));
}

std::string scientific(mpfr_srcptr x, int digits) {
  if (mpfr_zero_p(x)) return "0";
  long exponent = 0;
  Real a(mpfr_get_prec(x));
  mpfr_abs(a.get(), x, MPFR_RNDN);
  std::string m = get_digits(a.get(), digits, exponent);
  while (m.size() > 1 && m.back() == '0') m.pop_back();
  std::string out = mpfr_sgn(x) < 0 ? "-" : "";
  out += m.substr(0, 1);
  if (m.size() > 1) out += "." + m.substr(1);
  out += "e" + std::to_string(exponent - 1);
  return out;
}

}  // namespace numkit::harmonic::detail
