// Family parameters from flags and from compare's specs, and the shared point parsing.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

#include "common/values.hpp"
#include "dist/dist.hpp"
#include "numkit/core/number.hpp"
#include "numkit/core/number_stream.hpp"

namespace numkit::cli::distcli {

namespace {

constexpr std::size_t kMaxRows = 1'000'000;

double parse_param(const std::string& text, const std::string& what) {
  NumberOptions no;
  no.allow_nonfinite = true;  // so that inf and nan get the rule in the message
  const double v = parse_double(text, what, no);
  if (!std::isfinite(v)) throw InputError(what + ": must be finite, got " + format_number(v));
  return v;
}

// The library names parameters as R does ("prob: must be ..."); the CLI prefixes its flag or spec.
template <class F>
Distribution with_prefix(const std::string& prefix, F make) {
  try {
    return make();
  } catch (const InputError& e) {
    throw InputError(prefix + e.what());
  }
}

}  // namespace

std::string family_convention(Family f) {
  switch (f) {
    case Family::poisson:
      return "poisson(lambda): P(X = k) = lambda^k e^-lambda / k!; R's dpois(k, lambda), SciPy's "
             "poisson(mu)";
    case Family::binomial:
      return "binomial(size, prob): k successes in size trials; R's dbinom(k, size, prob), "
             "SciPy's binom(n, p)";
    case Family::negbin:
      return "negbin(size, prob) or negbin(size, mu): k failures before the size-th success, "
             "prob = size/(size+mu), variance mu + mu^2/size; R's dnbinom(k, size, prob, mu), "
             "SciPy's nbinom(n, p)";
    case Family::geometric:
      return "geometric(prob): k failures before the first success, P(X = k) = prob (1-prob)^k; "
             "R's dgeom(k, prob); SciPy's geom(p) counts trials (its k is k + 1 here)";
    case Family::gamma:
      return "gamma(shape, rate): density x^(shape-1) e^(-rate x) rate^shape / Gamma(shape); R's "
             "dgamma(x, shape, rate), SciPy's gamma(a, scale = 1/rate)";
    case Family::exponential:
      return "exponential(rate): density rate e^(-rate x); R's dexp(x, rate), SciPy's "
             "expon(scale = 1/rate)";
    case Family::normal:
      return "normal(mean, sd); R's dnorm(x, mean, sd), SciPy's norm(loc, scale)";
  }
  return "";
}

void FamilyParams::add_to(CLI::App* cmd) {
  switch (family) {
    case Family::poisson:
      cmd->add_option("--lambda,--mu", lambda, "the mean lambda >= 0 (R: lambda, SciPy: mu)")
          ->type_name("L")
          ->required();
      break;
    case Family::binomial:
      cmd->add_option("--size,-n", size, "number of trials, an integer >= 0 (R: size, SciPy: n)")
          ->type_name("N")
          ->required();
      cmd->add_option("--prob,-p", prob, "success probability in [0, 1] (R: prob, SciPy: p)")
          ->type_name("P")
          ->required();
      break;
    case Family::negbin:
      cmd->add_option("--size,-n", size,
                      "target number of successes (dispersion) > 0, need not be an integer (R: "
                      "size, SciPy: n)")
          ->type_name("R")
          ->required();
      cmd->add_option("--prob,-p", prob, "success probability in (0, 1] (R: prob, SciPy: p)")
          ->type_name("P");
      cmd->add_option("--mu", mu, "the mean mu >= 0 instead of --prob (R: mu)")->type_name("MU");
      break;
    case Family::geometric:
      cmd->add_option("--prob,-p", prob, "success probability in (0, 1] (R: prob, SciPy: p)")
          ->type_name("P")
          ->required();
      break;
    case Family::gamma:
      cmd->add_option("--shape,-a", shape, "shape > 0 (R: shape, SciPy: a)")
          ->type_name("A")
          ->required();
      cmd->add_option("--rate", rate, "rate > 0 (default 1; R: rate)")->type_name("L");
      cmd->add_option("--scale", scale, "scale = 1/rate > 0 instead of --rate (R and SciPy: scale)")
          ->type_name("S");
      break;
    case Family::exponential:
      cmd->add_option("--rate", rate, "rate > 0 (default 1; R: rate)")->type_name("L");
      cmd->add_option("--scale", scale, "scale = 1/rate > 0 instead of --rate (SciPy: scale)")
          ->type_name("S");
      break;
    case Family::normal:
      cmd->add_option("--mean,--loc", mean, "the mean (default 0; R: mean, SciPy: loc)")
          ->type_name("M");
      cmd->add_option("--sd,--scale", sd, "standard deviation > 0 (default 1; R: sd, SciPy: scale)")
          ->type_name("S");
      break;
  }
}

namespace {
double rate_from(const std::string& rate, const std::string& scale) {
  if (!rate.empty() && !scale.empty())
    throw UsageError("--rate and --scale: give one of them (scale = 1/rate)");
  if (!scale.empty()) {
    const double s = parse_param(scale, "--scale");
    if (!(s > 0)) throw InputError("--scale: must be > 0, got " + format_number(s));
    return 1 / s;
  }
  return rate.empty() ? 1.0 : parse_param(rate, "--rate");
}
}  // namespace

Distribution FamilyParams::make() const {
  switch (family) {
    case Family::poisson: {
      const double l = parse_param(lambda, "--lambda");
      return with_prefix("--", [&] { return Distribution::poisson(l); });
    }
    case Family::binomial: {
      const double n = parse_param(size, "--size"), p = parse_param(prob, "--prob");
      if (n < 0 || n != std::floor(n))
        throw InputError("--size: must be a non-negative integer, got " + format_number(n));
      return with_prefix("--", [&] { return Distribution::binomial(n, p); });
    }
    case Family::negbin: {
      if (prob.empty() == mu.empty())
        throw UsageError("--prob or --mu: give one of them (prob = size/(size+mu))");
      const double r = parse_param(size, "--size");
      if (!mu.empty()) {
        const double m = parse_param(mu, "--mu");
        return with_prefix("--", [&] { return Distribution::negbin_mu(r, m); });
      }
      const double p = parse_param(prob, "--prob");
      return with_prefix("--", [&] { return Distribution::negbin(r, p); });
    }
    case Family::geometric: {
      const double p = parse_param(prob, "--prob");
      return with_prefix("--", [&] { return Distribution::geometric(p); });
    }
    case Family::gamma: {
      const double a = parse_param(shape, "--shape");
      const double r = rate_from(rate, scale);
      return with_prefix("--", [&] { return Distribution::gamma(a, r); });
    }
    case Family::exponential: {
      const double r = rate_from(rate, scale);
      return with_prefix("--", [&] { return Distribution::exponential(r); });
    }
    case Family::normal: {
      const double m = mean.empty() ? 0.0 : parse_param(mean, "--mean");
      const double s = sd.empty() ? 1.0 : parse_param(sd, "--sd");
      return with_prefix("--", [&] { return Distribution::normal(m, s); });
    }
  }
  throw UsageError("unknown family");
}

Distribution parse_spec(const std::string& spec) {
  const auto colon = spec.find(':');
  const std::string name = spec.substr(0, colon);
  const std::string rest = colon == std::string::npos ? "" : spec.substr(colon + 1);
  struct Known {
    const char* name;
    Family family;
    std::vector<std::string> params;  // positional order
  };
  static const std::vector<Known> known = {
      {"poisson", Family::poisson, {"lambda"}},    {"binomial", Family::binomial, {"size", "prob"}},
      {"negbin", Family::negbin, {"mu", "size"}},  {"geometric", Family::geometric, {"prob"}},
      {"gamma", Family::gamma, {"shape", "rate"}}, {"exponential", Family::exponential, {"rate"}},
      {"normal", Family::normal, {"mean", "sd"}},
  };
  const auto it =
      std::find_if(known.begin(), known.end(), [&](const Known& k) { return name == k.name; });
  if (it == known.end())
    throw InputError(spec + ": unknown family \"" + name +
                     "\" (poisson, binomial, negbin, geometric, gamma, exponential, normal)");
  std::string signature = std::string(it->name) + ":";
  for (std::size_t i = 0; i < it->params.size(); ++i) signature += (i ? "," : "") + it->params[i];
  // Split the parameter list on commas.
  std::vector<std::string> parts;
  if (!rest.empty()) {
    std::size_t start = 0;
    for (;;) {
      const auto comma = rest.find(',', start);
      parts.push_back(rest.substr(start, comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  const bool named = !parts.empty() && parts[0].find('=') != std::string::npos;
  std::map<std::string, double> values;
  const std::string prefix = spec + ": ";
  if (named) {
    for (const auto& part : parts) {
      const auto eq = part.find('=');
      if (eq == std::string::npos)
        throw InputError(prefix + "expected name=value, found \"" + part + "\"");
      const std::string key = part.substr(0, eq);
      const bool allowed =
          std::find(it->params.begin(), it->params.end(), key) != it->params.end() ||
          (it->family == Family::negbin && key == "prob") ||
          ((it->family == Family::gamma || it->family == Family::exponential) && key == "scale");
      if (!allowed) throw InputError(prefix + "unknown parameter \"" + key + "\" for " + name);
      values[key] = parse_param(part.substr(eq + 1), prefix + key);
    }
  } else {
    if (parts.size() != it->params.size())
      throw InputError(prefix + name + " takes " + std::to_string(it->params.size()) +
                       " parameter" + (it->params.size() == 1 ? "" : "s") + " (" + signature +
                       "), got " + std::to_string(parts.size()));
    for (std::size_t i = 0; i < parts.size(); ++i)
      values[it->params[i]] = parse_param(parts[i], prefix + it->params[i]);
  }
  auto get = [&](const std::string& key) -> double {
    const auto v = values.find(key);
    if (v == values.end()) throw InputError(prefix + "missing " + key + " (" + signature + ")");
    return v->second;
  };
  auto has = [&](const std::string& key) { return values.count(key) > 0; };
  return with_prefix(prefix, [&]() -> Distribution {
    switch (it->family) {
      case Family::poisson:
        return Distribution::poisson(get("lambda"));
      case Family::binomial: {
        const double n = get("size");
        if (n < 0 || n != std::floor(n))
          throw InputError("size: must be a non-negative integer, got " + format_number(n));
        return Distribution::binomial(n, get("prob"));
      }
      case Family::negbin:
        if (has("prob")) return Distribution::negbin(get("size"), get("prob"));
        return Distribution::negbin_mu(get("size"), get("mu"));
      case Family::geometric:
        return Distribution::geometric(get("prob"));
      case Family::gamma:
        if (has("scale")) {
          const double s = get("scale");
          if (!(s > 0)) throw InputError("scale: must be > 0, got " + format_number(s));
          return Distribution::gamma(get("shape"), 1 / s);
        }
        return Distribution::gamma(get("shape"), has("rate") ? get("rate") : 1.0);
      case Family::exponential:
        if (has("scale")) {
          const double s = get("scale");
          if (!(s > 0)) throw InputError("scale: must be > 0, got " + format_number(s));
          return Distribution::exponential(1 / s);
        }
        return Distribution::exponential(get("rate"));
      case Family::normal:
        return Distribution::normal(get("mean"), get("sd"));
    }
    throw InputError("unknown family");
  });
}

void put_parameters(io::Json& data, const Distribution& d) {
  data["distribution"] = d.label();
  for (const auto& [k, v] : d.parameters()) {
    if ((k == "size" && d.family() == Family::binomial)) {
      data[k] = count_json(v);
    } else {
      data[k] = v;
    }
  }
}

io::Json count_json(double k) {
  if (std::isfinite(k) && std::fabs(k) <= 9007199254740992.0 && k == std::floor(k))
    return static_cast<long long>(k);
  return k;
}

std::vector<double> expand_points(const std::vector<std::string>& args, bool discrete) {
  return expand_values(args, discrete ? ValueKind::counts : ValueKind::reals, discrete ? "K" : "X");
}

std::vector<double> expand_probabilities(const std::vector<std::string>& args,
                                         const std::string& what) {
  return expand_values(args, ValueKind::probabilities, what);
}

plot::Figure law_figure(const Distribution& d, double lo, double hi) {
  plot::Figure fig;
  fig.title = d.label();
  fig.xlabel = d.discrete() ? "k" : "x";
  fig.ylabel = d.discrete() ? "P(X = k)" : "density";
  fig.y2label = "P(X <= x)";
  fig.xrange = {lo - (d.discrete() ? 0.5 : 0.0), hi + (d.discrete() ? 0.5 : 0.0)};
  plot::Series p{d.discrete() ? "pmf" : "pdf", {}, {}, {}, {}, plot::Style::lines, false};
  plot::Series c{"cdf", {}, {}, {}, {}, d.discrete() ? plot::Style::steps : plot::Style::dashed,
                 true};
  if (d.discrete()) {
    const double span = hi - lo;
    const double step = span > 2000 ? std::ceil(span / 2000) : 1;
    p.style = span <= 400 ? plot::Style::boxes : plot::Style::lines;
    for (double k = lo; k <= hi; k += step) {
      p.x.push_back(k);
      p.y.push_back(d.pdf(k));
      c.x.push_back(k);
      c.y.push_back(d.cdf(k));
    }
  } else {
    for (int i = 0; i <= 400; ++i) {
      const double x = lo + (hi - lo) * i / 400;
      p.x.push_back(x);
      p.y.push_back(d.pdf(x));
      c.x.push_back(x);
      c.y.push_back(d.cdf(x));
    }
  }
  fig.series = {p, c};
  return fig;
}

}  // namespace numkit::cli::distcli
