#include "numkit/dist/compare.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "numkit/core/error.hpp"
#include "numkit/core/number.hpp"
#include "special.hpp"

namespace numkit::dist {

using detail::LD;

namespace {

constexpr double kMaxTerms = 2e6;
constexpr double kTailCut = 1e-30;  // mass left outside a summed range, per law and tail

// The integers holding all but kTailCut of a discrete law's mass in each tail.
std::pair<double, double> mass_range(const Distribution& d) {
  double lo = d.quantile(kTailCut), hi = d.quantile(kTailCut, true);
  if (!d.discrete()) {
    lo = std::floor(lo);
    hi = std::ceil(hi);
  }
  return {std::max(lo, 0.0), hi};
}

// Mass of law d at integer k for distances: the mass itself, or for a continuous law its
// continuity-corrected mass P(k - 1/2 < Y <= k + 1/2).
LD integer_mass(const Distribution& d, double k) {
  if (d.discrete()) return d.pdf(k);
  const Tails hi = d.tails(k + 0.5), lo = d.tails(k - 0.5);
  // The difference of the smaller tails, so that nothing cancels far out.
  return k + 0.5 <= d.mean() ? hi.lower - lo.lower : lo.upper - hi.upper;
}

LD integer_cdf(const Distribution& d, double k) {
  return k < 0 ? 0.0L : d.tails(k).lower;
}

}  // namespace

Comparison compare(const std::vector<Distribution>& laws,
                   std::optional<std::pair<double, double>> range) {
  if (laws.empty()) throw InputError("compare: no laws given");
  Comparison c;
  c.integer_axis =
      std::any_of(laws.begin(), laws.end(), [](const auto& d) { return d.discrete(); });
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  if (range) {
    lo = range->first;
    hi = range->second;
  } else {
    for (const auto& d : laws) {
      lo = std::min(lo, d.quantile(1e-4));
      hi = std::max(hi, d.quantile(1e-4, true));
    }
    if (c.integer_axis) {
      lo = std::max(0.0, std::floor(lo));
      hi = std::ceil(hi);
    }
  }
  if (c.integer_axis) {
    lo = std::max(0.0, std::ceil(lo));
    hi = std::floor(hi);
    if (hi - lo >= 1e6)
      throw InputError("compare: the range " + format_number(lo) + ".." + format_number(hi) +
                       " has more than 1e6 integers; choose one with --from and --to");
    for (double k = lo; k <= hi; k += 1) c.xs.push_back(k);
  } else {
    for (int i = 0; i <= 400; ++i) c.xs.push_back(lo + (hi - lo) * i / 400);
  }
  for (const auto& d : laws) {
    std::vector<double> pdf, cdf;
    for (double x : c.xs) {
      pdf.push_back(d.pdf(x));
      cdf.push_back(d.cdf(x));
    }
    c.pdf.push_back(std::move(pdf));
    c.cdf.push_back(std::move(cdf));
  }
  if (c.integer_axis) {
    c.method =
        "sums over all integers holding all but 1e-30 of each law's mass; a continuous law "
        "enters the total variation through its continuity-corrected masses P(k - 1/2 < Y <= "
        "k + 1/2) (its mass below -1/2 unmatched) and max |dcdf| at both sides of every jump";
  } else {
    c.method =
        "total variation 1/2 integral |f - g| by 20-point Gauss-Legendre on 400 panels between "
        "the 1e-12 quantiles; max |dcdf| over 4001 points there";
  }
  for (std::size_t i = 0; i < laws.size(); ++i) {
    for (std::size_t j = i + 1; j < laws.size(); ++j) {
      const Distribution &a = laws[i], &b = laws[j];
      Distance dist;
      dist.i = i;
      dist.j = j;
      if (c.integer_axis) {
        const auto ra = mass_range(a), rb = mass_range(b);
        const double L = std::min(ra.first, rb.first), H = std::max(ra.second, rb.second);
        if (!(H - L <= kMaxTerms)) {
          dist.determined = false;
          dist.note = "undetermined: the sums would need " + format_number(H - L + 1) +
                      " terms (at most 2e6)";
          c.distances.push_back(dist);
          continue;
        }
        LD tv = 0, ks = 0;
        // Unmatched mass of continuous laws below -1/2.
        for (const Distribution* d : {&a, &b})
          if (!d->discrete()) tv += d->tails(-0.5).lower;
        for (double k = L; k <= H; k += 1) {
          tv += std::fabs(integer_mass(a, k) - integer_mass(b, k));
          const LD fa = integer_cdf(a, k), fb = integer_cdf(b, k);
          ks = std::max(ks, std::fabs(fa - fb));
          // Left limits at k for a continuous law against the step of a discrete one.
          if (a.discrete() != b.discrete()) {
            const LD fa_left = a.discrete() ? integer_cdf(a, k - 1) : fa;
            const LD fb_left = b.discrete() ? integer_cdf(b, k - 1) : fb;
            ks = std::max(ks, std::fabs(fa_left - fb_left));
          }
        }
        // Continuous mass beyond H + 1/2 is unmatched too.
        for (const Distribution* d : {&a, &b})
          if (!d->discrete()) tv += d->tails(H + 0.5).upper;
        dist.total_variation = static_cast<double>(tv / 2);
        dist.max_cdf_difference = static_cast<double>(ks);
      } else {
        double L = std::min(a.quantile(1e-12), b.quantile(1e-12));
        double H = std::max(a.quantile(1e-12, true), b.quantile(1e-12, true));
        const auto& gl = detail::gauss_legendre20();
        LD tv = 0;
        const int panels = 400;
        for (int p = 0; p < panels; ++p) {
          const LD x0 = L + (H - L) * static_cast<LD>(p) / panels;
          const LD w = (H - L) / static_cast<LD>(panels);
          for (int g = 0; g < 20; ++g) {
            const double x = static_cast<double>(x0 + w * gl.x[g]);
            tv += w * gl.w[g] * std::fabs(static_cast<LD>(a.pdf(x)) - b.pdf(x));
          }
        }
        LD ks = 0;
        for (int p = 0; p <= 4000; ++p) {
          const double x = L + (H - L) * p / 4000;
          ks = std::max(ks, std::fabs(a.tails(x).lower - b.tails(x).lower));
        }
        dist.total_variation = static_cast<double>(tv / 2);
        dist.max_cdf_difference = static_cast<double>(ks);
      }
      c.distances.push_back(dist);
    }
  }
  return c;
}

PoissonLimit binomial_poisson_distance(double size, double prob) {
  const Distribution b = Distribution::binomial(size, prob);
  PoissonLimit r;
  r.size = size;
  r.prob = prob;
  r.lambda = b.mean();
  const Distribution pois = Distribution::poisson(r.lambda);
  const LD n = size, p = prob, lambda = r.lambda;
  r.le_cam_bound = static_cast<double>(n * p * p);
  r.barbour_hall_bound = static_cast<double>(-std::expm1(-lambda) * p);
  r.barbour_hall_lower = static_cast<double>(std::min<LD>(1, 1 / lambda) * n * p * p / 32);
  if (prob == 0 || size == 0) {
    r.total_variation = 0;
    return r;
  }
  const auto rb = mass_range(b), rp = mass_range(pois);
  const double L = 0, H = std::max(rb.second, rp.second);
  if (!(H - L <= kMaxTerms)) {
    r.determined = false;
    r.note =
        "undetermined: the sum would need " + format_number(H - L + 1) + " terms (at most 2e6)";
    return r;
  }
  // log b(k) - log pi(k) = sum_{j<k} log1p(-j/n) + n log1pmx(-p) - k log1p(-p): each piece small
  // and accurate, so b - pi = pi expm1(delta) keeps its digits when the laws are close.
  const LD base = n * detail::log1pmx(-p);
  const LD lq = std::log1p(-p);
  LD cum = 0;  // sum_{j<k} log1p(-j/n)
  LD tv = 0;
  for (double k = 0; k <= H; k += 1) {
    const LD lpi = pois.log_pdf(k);
    if (k > size) {
      tv += std::exp(lpi);
    } else {
      const LD delta = cum + base - static_cast<LD>(k) * lq;
      tv += std::exp(lpi) * std::fabs(std::expm1(delta));
      cum += std::log1p(-static_cast<LD>(k) / n);
    }
  }
  r.total_variation = static_cast<double>(tv / 2);
  return r;
}

NormalApprox normal_approximation(const Distribution& law, double from, double to) {
  if (!law.discrete()) throw InputError(law.name() + ": the normal approximation is for counts");
  NormalApprox r;
  r.mean = law.mean();
  r.sd = std::sqrt(law.variance());
  if (!(r.sd > 0)) throw InputError(law.label() + ": the variance is 0; no normal approximation");
  const Distribution z = Distribution::normal(r.mean, r.sd);
  auto row = [&](double k) {
    NormalApproxRow w;
    w.k = k;
    const LD exact = law.tails(k).lower, plain = z.tails(k).lower, cc = z.tails(k + 0.5).lower;
    w.exact = static_cast<double>(exact);
    w.plain = static_cast<double>(plain);
    w.corrected = static_cast<double>(cc);
    w.error_plain = static_cast<double>(plain - exact);
    w.error_corrected = static_cast<double>(cc - exact);
    return w;
  };
  if (to - from >= 1e6) throw InputError("--to: at most 1e6 rows");
  for (double k = from; k <= to; k += 1) r.rows.push_back(row(k));
  const double L = law.quantile(1e-12), H = law.quantile(1e-12, true);
  if (!(H - L <= kMaxTerms)) {
    r.max_determined = false;
    r.note = "largest errors undetermined: the range holds " + format_number(H - L + 1) +
             " values (at most 2e6)";
    return r;
  }
  for (double k = L; k <= H; k += 1) {
    const NormalApproxRow w = row(k);
    if (std::fabs(w.error_plain) > std::fabs(r.max_error_plain)) {
      r.max_error_plain = w.error_plain;
      r.k_max_plain = k;
    }
    if (std::fabs(w.error_corrected) > std::fabs(r.max_error_corrected)) {
      r.max_error_corrected = w.error_corrected;
      r.k_max_corrected = k;
    }
  }
  return r;
}

}  // namespace numkit::dist
