#include "numkit/dist/fit.hpp"

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/erf.hpp>
#include <boost/math/special_functions/trigamma.hpp>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <limits>
#include <map>
#include <string>

#include "numkit/core/error.hpp"
#include "numkit/core/number.hpp"

namespace numkit::dist {

namespace {

using LD = long double;
constexpr double kInf = std::numeric_limits<double>::infinity();

[[noreturn]] void bad_value(const std::string& what, std::size_t i, const std::string& rule,
                            double v) {
  throw InputError(what + ": value " + std::to_string(i + 1) + ": expected " + rule + ", found " +
                   format_number(v));
}

// Sum of log masses or densities of the data under d.
double log_likelihood(const Distribution& d, const std::map<double, long long>& hist) {
  LD s = 0;
  for (const auto& [x, c] : hist) s += static_cast<LD>(c) * d.log_pdf(x);
  return static_cast<double>(s);
}

}  // namespace

FitResult fit(Family family, const std::vector<double>& data, const std::string& what,
              double binomial_size) {
  if (data.empty()) throw InputError(what + ": no values");
  const bool discrete = family <= Family::geometric;
  std::map<double, long long> hist;
  LD sum = 0;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const double x = data[i];
    if (!std::isfinite(x)) bad_value(what, i, "a finite number", x);
    if (discrete && (x < 0 || x != std::floor(x) || x > kMaxK))
      bad_value(what, i, "a non-negative integer count", x);
    if (family == Family::binomial && x > binomial_size)
      bad_value(what, i, "a count <= size " + format_number(binomial_size), x);
    if ((family == Family::gamma || family == Family::exponential) && !(x > 0))
      bad_value(what, i, "a positive number", x);
    ++hist[x];
    sum += x;
  }
  FitResult r;
  r.family = family;
  r.n = static_cast<long long>(data.size());
  const LD n = static_cast<LD>(data.size());
  const LD mean = sum / n;
  LD ss = 0;
  for (const auto& [x, c] : hist) ss += static_cast<LD>(c) * (x - mean) * (x - mean);
  r.mean = static_cast<double>(mean);
  r.variance = data.size() > 1 ? static_cast<double>(ss / (n - 1)) : 0.0;
  auto finish = [&](const Distribution& d, int k) {
    r.log_likelihood = log_likelihood(d, hist);
    r.parameters = k;
    r.aic = 2 * k - 2 * r.log_likelihood;
  };
  switch (family) {
    case Family::poisson: {
      const auto d = Distribution::poisson(r.mean);
      r.estimates = {{"lambda", r.mean}};
      r.method = "maximum likelihood: lambda = mean";
      finish(d, 1);
      break;
    }
    case Family::binomial: {
      if (!(binomial_size > 0) || binomial_size != std::floor(binomial_size))
        throw InputError("--size: must be a positive integer (the known number of trials), got " +
                         format_number(binomial_size));
      const double p = static_cast<double>(mean / binomial_size);
      const auto d = Distribution::binomial(binomial_size, p);
      r.estimates = {{"size", binomial_size}, {"prob", p}};
      r.method = "maximum likelihood with size known: prob = mean / size";
      finish(d, 1);
      break;
    }
    case Family::geometric: {
      const double p = static_cast<double>(1 / (1 + mean));
      const auto d = Distribution::geometric(p);
      r.estimates = {{"prob", p}};
      r.method = "maximum likelihood: prob = 1 / (1 + mean)";
      finish(d, 1);
      break;
    }
    case Family::negbin: {
      const auto pois = Distribution::poisson(r.mean);
      r.compared_with_poisson = true;
      r.poisson_lambda = r.mean;
      r.poisson_log_likelihood = log_likelihood(pois, hist);
      r.poisson_aic = 2 - 2 * r.poisson_log_likelihood;
      r.method =
          "maximum likelihood: mu = mean, size from the profile score (TOMS 748 in log size)";
      const LD m = mean;
      // Profile score in size r: sum_x c_x (psi(x + r) - psi(r)) + n log(r / (r + m)).
      auto score = [&](double log_r) -> double {
        const LD rr = std::exp(static_cast<LD>(log_r));
        LD s = n * -std::log1p(m / rr);
        for (const auto& [x, c] : hist) {
          if (x == 0) continue;
          LD dpsi = 0;
          if (x <= 64) {
            for (double j = 0; j < x; j += 1) dpsi += 1 / (rr + j);
          } else {
            dpsi = boost::math::digamma(static_cast<LD>(x) + rr) - boost::math::digamma(rr);
          }
          s += static_cast<LD>(c) * dpsi;
        }
        return static_cast<double>(s);
      };
      const double var_n = static_cast<double>(ss / n);
      bool found = false;
      double size = kInf;
      if (r.mean > 0 && var_n > r.mean) {
        double lo = -25, hi = lo;
        double s_lo = score(lo);
        for (hi = lo + 1; hi <= 45; hi += 1) {
          const double s_hi = score(hi);
          if (s_lo > 0 && s_hi <= 0) {
            found = true;
            break;
          }
          lo = hi;
          s_lo = s_hi;
        }
        if (found) {
          std::uintmax_t it = 200;
          auto [a, b] = boost::math::tools::toms748_solve(
              score, lo, hi, boost::math::tools::eps_tolerance<double>(50), it);
          size = std::exp((a + b) / 2);
        }
      }
      if (!found) {
        r.at_boundary = true;
        r.note =
            "the variance does not exceed the mean: the likelihood grows towards size = inf, "
            "the Poisson limit, so the MLE is the Poisson fit";
        r.estimates = {{"size", kInf}, {"mu", r.mean}, {"prob", 1}};
        r.log_likelihood = r.poisson_log_likelihood;
        r.parameters = 2;
        r.aic = 4 - 2 * r.log_likelihood;
        r.lr_statistic = 0;
        r.lr_p_value = 1;
        break;
      }
      const auto d = Distribution::negbin_mu(size, r.mean);
      r.estimates = {{"size", size}, {"mu", r.mean}, {"prob", size / (size + r.mean)}};
      finish(d, 2);
      r.lr_statistic = std::max(0.0, 2 * (r.log_likelihood - r.poisson_log_likelihood));
      // 1/2 P(chi2_1 > t) = 1/2 erfc(sqrt(t / 2)).
      r.lr_p_value = 0.5 * boost::math::erfc(std::sqrt(r.lr_statistic / 2));
      break;
    }
    case Family::exponential: {
      const double rate = static_cast<double>(1 / mean);
      const auto d = Distribution::exponential(rate);
      r.estimates = {{"rate", rate}};
      r.method = "maximum likelihood: rate = 1 / mean";
      finish(d, 1);
      break;
    }
    case Family::gamma: {
      LD mlog = 0;
      for (const auto& [x, c] : hist) mlog += static_cast<LD>(c) * std::log(static_cast<LD>(x));
      mlog /= n;
      const LD s = std::log(mean) - mlog;
      if (!(s > 0)) throw InputError(what + ": all values equal; the gamma shape is unbounded");
      LD a = (3 - s + std::sqrt((s - 3) * (s - 3) + 24 * s)) / (12 * s);
      for (int it = 0; it < 100; ++it) {
        // f(a) = log a - psi(a) - s, f'(a) = 1/a - psi'(a); Newton on a.
        const LD f = std::log(a) - boost::math::digamma(a) - s;
        const LD fp = 1 / a - boost::math::trigamma(a);
        LD next = a - f / fp;
        if (!(next > 0)) next = a / 2;
        if (std::fabs(next - a) <= 1e-16L * a) {
          a = next;
          break;
        }
        a = next;
      }
      const double shape = static_cast<double>(a), rate = static_cast<double>(a / mean);
      const auto d = Distribution::gamma(shape, rate);
      r.estimates = {{"shape", shape}, {"rate", rate}};
      r.method = "maximum likelihood: log shape - digamma(shape) = log mean - mean log x (Newton)";
      finish(d, 2);
      break;
    }
    case Family::normal: {
      if (data.size() < 2 || ss == 0)
        throw InputError(what + ": the normal fit needs at least two different values");
      const double sd = static_cast<double>(std::sqrt(ss / n));
      const auto d = Distribution::normal(r.mean, sd);
      r.estimates = {{"mean", r.mean}, {"sd", sd}};
      r.method = "maximum likelihood: mean, and sd with the n denominator";
      finish(d, 2);
      break;
    }
  }
  return r;
}

}  // namespace numkit::dist
