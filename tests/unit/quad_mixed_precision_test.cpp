// Mixed-precision SPD solves: refinement from fp32, tf32, fp16 and bf16 factors reaches fp64
// accuracy (checked against 50-digit solutions and residuals) for condition numbers up to each
// format's stated limit, falls back to fp64 above it and says why; the emulated 16-bit factors
// are bit for bit those of an independent reference rounding.
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <random>

#include "numkit/fp/format.hpp"
#include "numkit/quad/mixed_precision.hpp"
#include "numkit/quad/quadratic.hpp"

using numkit::quad::FactorFormat;
using numkit::quad::MixedStatus;
using Big = boost::multiprecision::cpp_bin_float_50;

namespace {

// Round to nearest, ties to even, to p significant bits with smallest normal exponent emin:
// scaled to an integer quantum (exact in double) and rounded by nearbyint (ties to even).
float reference_round(float x, int p, int emin, double max_finite) {
  if (x == 0 || !std::isfinite(x)) return x;
  int e = 0;
  std::frexp(static_cast<double>(x), &e);  // |x| in [2^(e-1), 2^e)
  const int quantum = std::max(e - 1, emin) - (p - 1);
  const double v =
      std::ldexp(std::nearbyint(std::ldexp(static_cast<double>(x), -quantum)), quantum);
  if (std::abs(v) > max_finite) return std::copysign(INFINITY, x);
  return static_cast<float>(v);
}

numkit::quad::RoundArrayFn reference_rounding(const numkit::fp::Format& f) {
  const int p = f.mantissa_bits + 1, emin = f.emin;
  const double mx = f.max_finite;
  return [=](float* a, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) a[i] = reference_round(a[i], p, emin, mx);
  };
}

// The 50-digit solution of Hx = b (Cholesky in cpp_bin_float_50; H's doubles taken as exact).
std::vector<Big> solve50(const Eigen::MatrixXd& H, const Eigen::VectorXd& b) {
  const long n = H.rows();
  std::vector<Big> L(static_cast<std::size_t>(n * n));
  auto at = [&](long i, long j) -> Big& { return L[static_cast<std::size_t>(i + j * n)]; };
  for (long j = 0; j < n; ++j) {
    Big d = H(j, j);
    for (long k = 0; k < j; ++k) d -= at(j, k) * at(j, k);
    at(j, j) = sqrt(d);
    for (long i = j + 1; i < n; ++i) {
      Big s = H(i, j);
      for (long k = 0; k < j; ++k) s -= at(i, k) * at(j, k);
      at(i, j) = s / at(j, j);
    }
  }
  std::vector<Big> y(static_cast<std::size_t>(n));
  for (long i = 0; i < n; ++i) {
    Big s = b[i];
    for (long k = 0; k < i; ++k) s -= at(i, k) * y[k];
    y[i] = s / at(i, i);
  }
  for (long i = n - 1; i >= 0; --i) {
    Big s = y[i];
    for (long k = i + 1; k < n; ++k) s -= at(k, i) * y[k];
    y[i] = s / at(i, i);
  }
  return y;
}

// Normwise backward error ‖b − Hx‖∞ / (‖H‖∞‖x‖∞ + ‖b‖∞) with the residual in 50 digits.
double backward_error50(const Eigen::MatrixXd& H, const Eigen::VectorXd& b,
                        const Eigen::VectorXd& x) {
  Big rmax = 0;
  double hnorm = 0;
  for (long i = 0; i < H.rows(); ++i) {
    Big r = b[i];
    for (long j = 0; j < H.cols(); ++j) r -= Big(H(i, j)) * Big(x[j]);
    rmax = std::max(rmax, Big(abs(r)));
    hnorm = std::max(hnorm, H.row(i).cwiseAbs().sum());
  }
  return static_cast<double>(rmax / (hnorm * x.cwiseAbs().maxCoeff() + b.cwiseAbs().maxCoeff()));
}

double forward_error50(const std::vector<Big>& exact, const Eigen::VectorXd& x) {
  Big num = 0, den = 0;
  for (std::size_t i = 0; i < exact.size(); ++i) {
    num = std::max(num, Big(abs(Big(x[static_cast<long>(i)]) - exact[i])));
    den = std::max(den, Big(abs(exact[i])));
  }
  return static_cast<double>(num / den);
}

// fp64 LAPACK's solve of the same system (dpotrf + dpotrs through Eigen's LLT is not LAPACK, so
// use the quad module's LAPACK kernel).
Eigen::VectorXd lapack_fp64(const Eigen::MatrixXd& H, const Eigen::VectorXd& b) {
  Eigen::MatrixXd F = H;
  Eigen::VectorXd x = b;
  REQUIRE(numkit::quad::dense_cholesky_solve(F, x));
  return x;
}

}  // namespace

TEST_CASE("mixed_emulated_16_bit_factors_match_a_reference_rounding_bit_for_bit", "[quad][mixed]") {
  const long n = 150;
  Eigen::MatrixXd H = numkit::quad::random_spd(n, 100, 3);
  Eigen::VectorXd d = H.diagonal().cwiseSqrt().cwiseInverse();
  Eigen::MatrixXd S = d.asDiagonal() * H * d.asDiagonal();
  for (auto id :
       {numkit::fp::FormatId::fp16, numkit::fp::FormatId::bf16, numkit::fp::FormatId::tf32}) {
    const auto& f = numkit::fp::format(id);
    INFO(f.name);
    auto ref = reference_rounding(f);
    Eigen::MatrixXf A = S.cast<float>();
    for (long j = 0; j < n; ++j) ref(A.data() + j * n, static_cast<std::size_t>(n));
    Eigen::MatrixXf B = A;
    REQUIRE(numkit::quad::emulated_cholesky(A, f, 32));       // the library's rounding
    REQUIRE(numkit::quad::emulated_cholesky(B, f, 32, ref));  // the reference rounding
    bool identical = true, representable = true;
    for (long j = 0; j < n; ++j)
      for (long i = j; i < n; ++i) {
        identical = identical && std::memcmp(&A(i, j), &B(i, j), sizeof(float)) == 0;
        float v = A(i, j);
        ref(&v, 1);
        representable = representable && v == A(i, j);
      }
    CHECK(identical);
    CHECK(representable);
    // and it is a factor: L Lᵀ close to S within the format's precision
    Eigen::MatrixXd L = A.cast<double>().triangularView<Eigen::Lower>();
    const double err = (L * L.transpose() - S).cwiseAbs().maxCoeff();
    CHECK(err < 20 * n * f.unit_roundoff);
  }
}

TEST_CASE("mixed_refinement_reaches_fp64_accuracy_up_to_each_formats_limit", "[quad][mixed]") {
  const long n = 60;
  for (FactorFormat format :
       {FactorFormat::fp32, FactorFormat::tf32, FactorFormat::fp16, FactorFormat::bf16}) {
    const double limit = numkit::quad::refinement_condition_limit(format);
    for (double cond : {10.0, limit / 10}) {
      INFO(numkit::quad::to_string(format) << " cond " << cond);
      Eigen::MatrixXd H = numkit::quad::random_spd(n, cond, 11);
      Eigen::VectorXd b = Eigen::VectorXd::LinSpaced(n, -1, 2);
      numkit::quad::MixedSolveOptions o;
      o.format = format;
      auto r = numkit::quad::solve_mixed(H, b, o);
      INFO("reason: " << r.reason << " estimate " << r.condition_estimate);
      CHECK(r.status == MixedStatus::converged);
      CHECK(r.used == format);
      CHECK(r.refinement_converged);
      CHECK(r.refinement_steps >= 1);
      const auto exact = solve50(H, b);
      const Eigen::VectorXd x64 = lapack_fp64(H, b);
      const double be = backward_error50(H, b, r.x), be64 = backward_error50(H, b, x64);
      const double fe = forward_error50(exact, r.x), fe64 = forward_error50(exact, x64);
      INFO("backward " << be << " (fp64 LAPACK " << be64 << "), forward " << fe << " (fp64 " << fe64
                       << ")");
      CHECK(be <= std::max(10 * be64, 1.2e-16));
      CHECK(fe <= std::max(10 * fe64, 4 * cond * 1.1e-16));
      // the stated one is right, to the resolution of an fp64 residual
      CHECK(std::abs(r.backward_error - be) <= 0.5 * be + 2.3e-16);
    }
  }
}

TEST_CASE("mixed_falls_back_to_fp64_above_the_limit_and_says_why", "[quad][mixed]") {
  const long n = 60;
  for (FactorFormat format :
       {FactorFormat::fp32, FactorFormat::tf32, FactorFormat::fp16, FactorFormat::bf16}) {
    const double limit = numkit::quad::refinement_condition_limit(format);
    const double cond = limit * 100;
    INFO(numkit::quad::to_string(format) << " cond " << cond);
    Eigen::MatrixXd H = numkit::quad::random_spd(n, cond, 5);
    Eigen::VectorXd b = Eigen::VectorXd::Ones(n);
    numkit::quad::MixedSolveOptions o;
    o.format = format;
    auto r = numkit::quad::solve_mixed(H, b, o);
    INFO("reason: " << r.reason);
    CHECK(r.status == MixedStatus::fell_back);
    CHECK(r.used == FactorFormat::fp64);
    CHECK(r.reason.find(numkit::quad::to_string(format)) != std::string::npos);
    CHECK(r.reason.find("fp64") != std::string::npos);
    const Eigen::VectorXd x64 = lapack_fp64(H, b);
    CHECK(backward_error50(H, b, r.x) <= std::max(10 * backward_error50(H, b, x64), 1.2e-16));
  }
}

TEST_CASE("mixed_auto_picks_fp32_when_the_estimate_allows_and_fp64_otherwise", "[quad][mixed]") {
  const long n = 60;
  numkit::quad::MixedSolveOptions o;
  o.format = FactorFormat::automatic;
  Eigen::VectorXd b = Eigen::VectorXd::Ones(n);
  auto easy = numkit::quad::solve_mixed(numkit::quad::random_spd(n, 1e3, 2), b, o);
  CHECK(easy.status == MixedStatus::converged);
  CHECK(easy.used == FactorFormat::fp32);
  CHECK(easy.reason.find("auto") != std::string::npos);
  auto hard = numkit::quad::solve_mixed(numkit::quad::random_spd(n, 1e10, 2), b, o);
  CHECK(hard.status == MixedStatus::converged);
  CHECK(hard.used == FactorFormat::fp64);
  CHECK(hard.reason.find("fp32") != std::string::npos);
  CHECK(hard.condition_estimate > 1e6);
}

TEST_CASE("mixed_reports_an_indefinite_matrix_as_not_positive_definite", "[quad][mixed]") {
  Eigen::MatrixXd H(2, 2);
  H << 1, 2, 2, 1;
  numkit::quad::MixedSolveOptions o;
  auto r = numkit::quad::solve_mixed(H, Eigen::VectorXd::Ones(2), o);
  CHECK(r.status == MixedStatus::not_positive_definite);
  CHECK(r.reason.find("not positive definite") != std::string::npos);
  CHECK(numkit::quad::parse_factor_format("bf16") == FactorFormat::bf16);
  CHECK_THROWS(numkit::quad::parse_factor_format("fp8"));
}
