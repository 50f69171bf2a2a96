#pragma once
// Maximum-likelihood fits of the families to data, and the negative binomial against the Poisson.
//
// poisson: lambda = mean; binomial (size known): prob = mean / size; geometric: prob = 1/(1+mean);
// negbin: mu = mean and size by solving the profile score sum psi(x + r) - n psi(r) + n
// log(r/(r+mu)) = 0 in log r (bracketed TOMS 748; no finite root when the variance (n denominator)
// is at most the mean: the MLE is then the Poisson boundary, size = inf); exponential: rate =
// 1/mean; gamma: shape solves log a - psi(a) = log(mean) - mean(log x) (Newton from Minka's start),
// rate = shape/mean; normal: mean and the n-denominator sd.
// negbin against poisson: the likelihood-ratio statistic 2 (l_negbin - l_poisson) with the
// boundary-corrected p-value 1/2 P(chi2_1 > stat) (the Poisson is size = inf, on the edge of the
// parameter space: Self and Liang 1987), and both AICs.
#include <string>
#include <utility>
#include <vector>

#include "numkit/dist/distribution.hpp"

namespace numkit::dist {

struct FitResult {
  Family family;
  long long n = 0;
  double mean = 0, variance = 0;  // variance with the n - 1 denominator (0 for n = 1)
  std::vector<std::pair<std::string, double>> estimates;
  double log_likelihood = 0, aic = 0;
  int parameters = 0;
  std::string method;
  bool compared_with_poisson = false;  // negbin only
  double poisson_lambda = 0, poisson_log_likelihood = 0, poisson_aic = 0;
  double lr_statistic = 0, lr_p_value = 1;
  bool at_boundary = false;
  std::string note;
};

// `data` already parsed; `what` names the input in messages (`counts: value 3: ...`).
// binomial needs its size (> 0, an integer >= every count).
FitResult fit(Family family, const std::vector<double>& data, const std::string& what,
              double binomial_size = 0);

}  // namespace numkit::dist
