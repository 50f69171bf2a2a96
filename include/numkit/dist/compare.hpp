#pragma once
// Comparing laws: pointwise values on a common grid and the distances between them; the binomial
// against its Poisson limit; the normal approximation of a count law with and without the
// continuity correction.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "numkit/dist/distribution.hpp"

namespace numkit::dist {

struct Distance {
  std::size_t i = 0, j = 0;  // indices of the two laws
  double total_variation = 0;
  double max_cdf_difference = 0;  // sup_x |F_i(x) - F_j(x)| (Kolmogorov)
  bool determined = true;
  std::string note;
};

struct Comparison {
  bool integer_axis = false;  // some law is discrete: the grid is the integers lo..hi
  std::vector<double> xs;
  std::vector<std::vector<double>> pdf, cdf;  // [law][point]: mass (or density) and P(X <= x)
  std::vector<Distance> distances;            // every pair i < j
  std::string method;                         // how the distances were computed
};

// The grid is `range` if given, else the union of the laws' ranges between their 1e-4 and
// 1 - 1e-4 quantiles (the integers there if a law is discrete, else 401 points). Distances are
// over the whole support, not only the grid.
Comparison compare(const std::vector<Distribution>& laws,
                   std::optional<std::pair<double, double>> range);

// TV(Binomial(n, p), Poisson(np)) summed exactly (each term from the log of the ratio of the
// masses, formed without cancellation), with Le Cam's bound n p^2 and Barbour and Hall's
// (1 - e^-np) p and lower bound min(1, 1/np) n p^2 / 32.
struct PoissonLimit {
  double size = 0, prob = 0, lambda = 0;
  double total_variation = 0;
  bool determined = true;
  std::string note;
  double le_cam_bound = 0, barbour_hall_bound = 0, barbour_hall_lower = 0;
};
PoissonLimit binomial_poisson_distance(double size, double prob);

// Normal approximation N(mean, variance) of a discrete law's cdf: at each k the exact P(X <= k),
// Phi((k - mean)/sd) and Phi((k + 1/2 - mean)/sd) and their errors (approximation - exact); the
// largest errors over the range holding all but 1e-12 of the mass.
struct NormalApproxRow {
  double k, exact, plain, corrected, error_plain, error_corrected;
};
struct NormalApprox {
  double mean = 0, sd = 0;
  std::vector<NormalApproxRow> rows;
  double max_error_plain = 0, max_error_corrected = 0;
  double k_max_plain = 0, k_max_corrected = 0;
  bool max_determined = true;
  std::string note;
};
NormalApprox normal_approximation(const Distribution& law, double from, double to);

}  // namespace numkit::dist
