// Mixed-precision dense SPD solves at n = 4000, cond 10³ (quad::random_spd): the fp32 factor
// (LAPACK spotrf) with fp64 refinement against the same solve with an fp64 LAPACK factor
// (dpotrf), in the same run. Counters: backward_error
// (‖b − Hx‖∞ / (‖H‖∞‖x‖∞ + ‖b‖∞) in fp64), steps (refinement steps), cond_estimate. The emulated
// 16-bit factors are timed at n = 1000. SciPy's cho_factor/cho_solve on the same size and
// condition: bench/quad_mixed_vs_peers.py, which runs this program.
// Note: the environment sets OPENBLAS_CORETYPE=Haswell (AVX2 kernels); this benchmark leaves it.
#include <benchmark/benchmark.h>

#include "numkit/quad/mixed_precision.hpp"
#include "numkit/quad/quadratic.hpp"

namespace {

const Eigen::MatrixXd& matrix(long n) {
  static long cached_n = -1;
  static Eigen::MatrixXd H;
  if (cached_n != n) {
    H = numkit::quad::random_spd(n, 1e3, 7);
    cached_n = n;
  }
  return H;
}

double backward_error(const Eigen::MatrixXd& H, const Eigen::VectorXd& b,
                      const Eigen::VectorXd& x) {
  const Eigen::VectorXd r = b - H * x;
  const double hn = H.cwiseAbs().rowwise().sum().maxCoeff();
  return r.cwiseAbs().maxCoeff() / (hn * x.cwiseAbs().maxCoeff() + b.cwiseAbs().maxCoeff());
}

void BM_mixed(benchmark::State& state) {
  const long n = state.range(0);
  const auto format = static_cast<numkit::quad::FactorFormat>(state.range(1));
  const Eigen::MatrixXd& H = matrix(n);
  const Eigen::VectorXd b = Eigen::VectorXd::LinSpaced(n, -1, 1);
  numkit::quad::MixedSolveOptions o;
  o.format = format;
  numkit::quad::MixedSolveResult r;
  for (auto _ : state) r = numkit::quad::solve_mixed(H, b, o);
  state.SetLabel(numkit::quad::to_string(r.used) + " " + numkit::quad::to_string(r.status));
  state.counters["backward_error"] = backward_error(H, b, r.x);
  state.counters["steps"] = r.refinement_steps;
  state.counters["gmres"] = r.gmres_iterations;
  state.counters["cond_estimate"] = r.condition_estimate;
  state.counters["factor_s"] = r.factor_seconds;
}

// The same solve with an fp64 factor (dpotrf on the scaled matrix, fp64 refinement).
void BM_fp64_lapack(benchmark::State& state) {
  const long n = state.range(0);
  const Eigen::MatrixXd& H = matrix(n);
  const Eigen::VectorXd b = Eigen::VectorXd::LinSpaced(n, -1, 1);
  numkit::quad::MixedSolveOptions o;
  o.format = numkit::quad::FactorFormat::fp64;
  numkit::quad::MixedSolveResult r;
  for (auto _ : state) r = numkit::quad::solve_mixed(H, b, o);
  state.counters["backward_error"] = backward_error(H, b, r.x);
  state.counters["steps"] = r.refinement_steps;
}

using F = numkit::quad::FactorFormat;
BENCHMARK(BM_fp64_lapack)->Args({4000})->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_mixed)
    ->Args({4000, static_cast<long>(F::fp32)})
    ->Args({1000, static_cast<long>(F::fp16)})
    ->Args({1000, static_cast<long>(F::bf16)})
    ->Args({1000, static_cast<long>(F::tf32)})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
