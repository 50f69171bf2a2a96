// Exact harmonic numbers by binary splitting: sum_{k=a}^{b-1} 1/k^s = P/Q with Q = prod k^s,
// merged pairwise (P = P1 Q2 + P2 Q1, Q = Q1 Q2), then one gcd reduces to lowest terms.
#include "numkit/core/error.hpp"
#include "numkit/harmonic/harmonic.hpp"

#include <gmp.h>

#include <string>

namespace numkit::harmonic {
namespace {

class Splitter {
 public:
  Splitter(unsigned long order, std::uint64_t n, const Progress& progress)
      : order_(order), n_(n), progress_(progress) {}

  // sum_{k=a}^{b-1} 1/k^s = P/Q
  void split(unsigned long a, unsigned long b, mpz_ptr P, mpz_ptr Q) {
    if (b - a <= leaf_) {
      leaf(a, b, P, Q);
      return;
    }
    const unsigned long m = a + (b - a) / 2;
    mpz_t P2, Q2;
    mpz_init(P2);
    mpz_init(Q2);
    split(a, m, P, Q);
    split(m, b, P2, Q2);
    mpz_mul(P, P, Q2);
    mpz_mul(P2, P2, Q);
    mpz_add(P, P, P2);
    mpz_mul(Q, Q, Q2);
    mpz_clear(P2);
    mpz_clear(Q2);
  }

 private:
  void leaf(unsigned long a, unsigned long b, mpz_ptr P, mpz_ptr Q) {
    mpz_t t;
    mpz_init(t);
    mpz_set_ui(P, 0);
    mpz_set_ui(Q, 1);
    for (unsigned long k = a; k < b; ++k) {  // P/Q + 1/k^s = (P k^s + Q) / (Q k^s)
      if (order_ == 1) {
        mpz_mul_ui(P, P, k);
        mpz_add(P, P, Q);
        mpz_mul_ui(Q, Q, k);
      } else {
        mpz_ui_pow_ui(t, k, order_);
        mpz_mul(P, P, t);
        mpz_add(P, P, Q);
        mpz_mul(Q, Q, t);
      }
    }
    mpz_clear(t);
    done_ += b - a;
    if (progress_ && done_ >= next_report_) {
      progress_(0.6 * static_cast<double>(done_) / static_cast<double>(n_));
      next_report_ = done_ + n_ / 100 + 1;
    }
  }

  static constexpr unsigned long leaf_ = 24;
  unsigned long order_;
  std::uint64_t n_;
  const Progress& progress_;
  std::uint64_t done_ = 0, next_report_ = 0;
};

}  // namespace

Fraction exact(std::uint64_t n, long long order, const Progress& progress) {
  check_order(order, "--order");
  if (n < 1) throw InputError("n: must be an integer >= 1, got " + std::to_string(n));
  if (n > max_exact_work / static_cast<std::uint64_t>(order))
    throw InputError("n: exact fractions need n*order <= 10^7, got n = " + std::to_string(n) +
                     " with order " + std::to_string(order));
  Fraction f;
  mpz_ptr P = f.numerator.backend().data();
  mpz_ptr Q = f.denominator.backend().data();
  Splitter splitter(static_cast<unsigned long>(order), n, progress);
  splitter.split(1, static_cast<unsigned long>(n) + 1, P, Q);
  if (progress) progress(0.8);
  mpz_t g;
  mpz_init(g);
  mpz_gcd(g, P, Q);
  mpz_divexact(P, P, g);
  mpz_divexact(Q, Q, g);
  mpz_clear(g);
  if (progress) progress(1.0);
  return f;
}

}  // namespace numkit::harmonic
