// Benchmarks of the quad kernels against the machine's own limits, measured in the same run:
//  - dense Cholesky (LAPACK dpotrf through numkit) at n = 4000 in GFLOP/s, next to OpenBLAS dgemm;
//  - one CG iteration on the 2-D Laplacian with 10⁶ unknowns against the memory-bandwidth floor
//    (bytes one iteration moves ÷ the measured STREAM-triad bandwidth on all cores).
// Counters: GFLOPs, ratio_to_dgemm, ms_per_iter, floor_ms, ratio_to_floor, GBps.
// Note: the environment sets OPENBLAS_CORETYPE=Haswell (AVX2 kernels); this benchmark leaves it.
#include <benchmark/benchmark.h>
#include <cblas.h>
#include <omp.h>

#include <Eigen/Dense>
#include <chrono>
#include <random>

#include "numkit/quad/quadratic.hpp"

namespace {

double g_dgemm_gflops = 0;
double g_bandwidth_gbs = 0;

Eigen::MatrixXd random_matrix(long n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  Eigen::MatrixXd M(n, n);
  for (long j = 0; j < n; ++j)
    for (long i = 0; i < n; ++i) M(i, j) = u(rng);
  return M;
}

void BM_dgemm_peak(benchmark::State& state) {
  const long n = state.range(0);
  Eigen::MatrixXd A = random_matrix(n, 1), B = random_matrix(n, 2), C(n, n);
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, A.data(), n, B.data(), n,
              0.0, C.data(), n);  // warm up
  double seconds = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, A.data(), n, B.data(), n,
                0.0, C.data(), n);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    benchmark::DoNotOptimize(C.data());
  }
  g_dgemm_gflops = 2.0 * n * n * n * state.iterations() / seconds / 1e9;
  state.counters["GFLOPs"] = g_dgemm_gflops;
}

void BM_dense_cholesky_solve(benchmark::State& state) {
  const long n = state.range(0);
  Eigen::MatrixXd A = numkit::quad::random_spd(n, 1e3, 5);
  Eigen::MatrixXd work(n, n);
  Eigen::VectorXd rhs(n);
  double seconds = 0;
  for (auto _ : state) {
    state.PauseTiming();
    work = A;
    rhs.setOnes();
    state.ResumeTiming();
    const auto t0 = std::chrono::steady_clock::now();
    double rcond = 0;
    const bool ok = numkit::quad::dense_cholesky_solve(work, rhs, &rcond);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!ok) state.SkipWithError("not positive definite");
    benchmark::DoNotOptimize(rhs.data());
  }
  // dpotrf n³/3, dpocon and dpotrs O(n²)
  const double flops = static_cast<double>(n) * n * n / 3.0;
  const double gflops = flops * state.iterations() / seconds / 1e9;
  state.counters["GFLOPs"] = gflops;
  if (g_dgemm_gflops > 0) state.counters["ratio_to_dgemm"] = gflops / g_dgemm_gflops;
}

void BM_eigen_llt_for_comparison(benchmark::State& state) {
  const long n = state.range(0);
  Eigen::MatrixXd A = numkit::quad::random_spd(n, 1e3, 5);
  double seconds = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    Eigen::LLT<Eigen::MatrixXd> llt(A);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    benchmark::DoNotOptimize(llt.matrixLLT().data());
  }
  state.counters["GFLOPs"] =
      static_cast<double>(n) * n * n / 3.0 * state.iterations() / seconds / 1e9;
}

// STREAM triad a = b + s·c on all cores, arrays far larger than the caches
void BM_stream_triad(benchmark::State& state) {
  const long n = 20'000'000;
  Eigen::VectorXd a = Eigen::VectorXd::Zero(n), b = Eigen::VectorXd::Ones(n),
                  c = Eigen::VectorXd::Constant(n, 2.0);
  double seconds = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; ++i) a[i] = b[i] + 3.0 * c[i];
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    benchmark::DoNotOptimize(a.data());
  }
  const double bytes = 3.0 * 8.0 * n * state.iterations();
  g_bandwidth_gbs = bytes / seconds / 1e9;
  state.counters["GBps"] = g_bandwidth_gbs;
  state.counters["threads"] = omp_get_max_threads();
}

void BM_sparse_cg_iteration_laplace2d(benchmark::State& state) {
  const long side = state.range(0);
  const int threads = static_cast<int>(state.range(1));
  const auto L = numkit::quad::laplace2d(side);
  Eigen::VectorXd rhs = Eigen::VectorXd::Ones(L.rows());
  Eigen::VectorXd x = Eigen::VectorXd::Zero(L.rows());
  const long iters = 50;
  numkit::quad::CgKernelOptions ko;
  ko.tol_abs = 0;
  ko.max_iter = iters;
  ko.threads = threads;
  numkit::quad::sparse_cg(L, rhs, x, ko);  // warm up: first touch of every buffer
  double seconds = 0;
  for (auto _ : state) {
    x.setZero();
    const auto t0 = std::chrono::steady_clock::now();
    auto st = numkit::quad::sparse_cg(L, rhs, x, ko);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    benchmark::DoNotOptimize(st.iterations);
  }
  const double per_iter = seconds / (static_cast<double>(iters) * state.iterations());
  state.counters["ms_per_iter"] = per_iter * 1e3;
  const double bytes = numkit::quad::sparse_cg_bytes_per_iteration(L);
  state.counters["MB_per_iter"] = bytes / 1e6;
  if (g_bandwidth_gbs > 0) {
    const double floor = bytes / (g_bandwidth_gbs * 1e9);
    state.counters["floor_ms"] = floor * 1e3;
    state.counters["ratio_to_floor"] = per_iter / floor;
  }
}

}  // namespace

BENCHMARK(BM_dgemm_peak)->Arg(4000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(BM_dense_cholesky_solve)->Arg(4000)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_eigen_llt_for_comparison)->Arg(4000)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_stream_triad)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(20);
BENCHMARK(BM_sparse_cg_iteration_laplace2d)
    ->Args({1000, 2})
    ->Args({1000, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

BENCHMARK_MAIN();
