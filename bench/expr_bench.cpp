// Speed of the expression engine: parsing, evaluation in double, gradients and Hessians by
// forward-mode AD, and L-BFGS / Newton on Rosenbrock (the same work bench/expr_vs_peers.py runs
// in SciPy).
#include <benchmark/benchmark.h>

#include <numkit/expr/expression.hpp>
#include <numkit/expr/minimize.hpp>

namespace {

using numkit::expr::Expression;
const char* kRosen = "(1-x)^2+100*(y-x^2)^2";
const char* kMixed = "sin(x*y*z)+z^2/(1+x^2)+exp(-x^2-y^2)*log(1+z^2)";

// Extended Rosenbrock in n variables: sum_{i} 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2
std::string rosen_n(int n) {
  std::string s;
  for (int i = 1; i < n; ++i) {
    const std::string a = "x" + std::to_string(i), b = "x" + std::to_string(i + 1);
    s += (s.empty() ? "" : "+") + std::string("100*(") + b + "-" + a + "^2)^2+(1-" + a + ")^2";
  }
  return s;
}

void BM_parse(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Expression(kMixed));
}
BENCHMARK(BM_parse);

void BM_value(benchmark::State& state) {
  const Expression f(kMixed);
  Eigen::Vector3d x(0.3, 0.7, -1.3);
  for (auto _ : state) benchmark::DoNotOptimize(f.value(x));
}
BENCHMARK(BM_value);

void BM_gradient(benchmark::State& state) {
  const Expression f(kMixed);
  Eigen::VectorXd x = Eigen::Vector3d(0.3, 0.7, -1.3), g;
  for (auto _ : state) benchmark::DoNotOptimize(f.gradient(x, g));
}
BENCHMARK(BM_gradient);

void BM_hessian(benchmark::State& state) {
  const Expression f(kMixed);
  Eigen::VectorXd x = Eigen::Vector3d(0.3, 0.7, -1.3), g;
  Eigen::MatrixXd h;
  for (auto _ : state) benchmark::DoNotOptimize(f.hessian(x, g, h));
}
BENCHMARK(BM_hessian);

void BM_gradient_rosen_n(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const Expression f(rosen_n(n));
  Eigen::VectorXd x = Eigen::VectorXd::Constant(n, 0.5), g;
  for (auto _ : state) benchmark::DoNotOptimize(f.gradient(x, g));
  state.SetComplexityN(n);
}
BENCHMARK(BM_gradient_rosen_n)->Arg(2)->Arg(10)->Arg(50);

void BM_minimize_rosenbrock(benchmark::State& state) {
  const Expression f(kRosen, {"x", "y"});
  numkit::expr::MinimizeOptions o;
  o.method = static_cast<numkit::expr::Method>(state.range(0));
  for (auto _ : state) {
    const auto r =
        numkit::expr::minimize(numkit::expr::make_objective(f), Eigen::Vector2d(-1.2, 1), o);
    benchmark::DoNotOptimize(r.x);
  }
  state.SetLabel(std::string(numkit::expr::to_string(o.method)));
}
BENCHMARK(BM_minimize_rosenbrock)->Arg(0)->Arg(1)->Arg(3);

}  // namespace

BENCHMARK_MAIN();
