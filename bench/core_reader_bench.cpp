// Reading matrix files: the Matrix Market reader on the 2-D Laplacian with 10⁶ unknowns (the
// 49 MB file of `numkit quad generate laplace2d --n 1000`) and a CSV of 10⁶×5 values, in MB/s of
// file read to the final matrix (counter MBps), with the peak resident memory over the final
// matrix's size (counter mem_over_csr; the target is <= 1.5). Threads: OpenMP's default (all
// cores). Peer (SciPy mmread, NumPy loadtxt) in bench/reader_vs_peers.py.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "numkit/core/reader.hpp"
#include "numkit/quad/quadratic.hpp"

namespace {

std::string temp_file(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("numkit_bench_" + name)).string();
}

const std::string& laplace_file() {
  static const std::string path = [] {
    std::string p = temp_file("laplace2d_1000.mtx");
    numkit::quad::write_matrix_market(numkit::quad::laplace2d(1000), p, true, "bench");
    return p;
  }();
  return path;
}

const std::string& csv_file() {
  static const std::string path = [] {
    std::string p = temp_file("values.csv");
    std::ofstream out(p);
    std::mt19937_64 rng(1);
    std::uniform_real_distribution<double> u(-1, 1);
    char buf[32];
    for (int i = 0; i < 1000000; ++i)
      for (int j = 0; j < 5; ++j) {
        std::snprintf(buf, sizeof buf, "%.17g", u(rng));
        out << buf << (j == 4 ? '\n' : ',');
      }
    return p;
  }();
  return path;
}

// kB of a /proc/self/status field (VmRSS, VmHWM).
double status_kb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string key;
  double value = 0;
  while (in >> key) {
    if (key == std::string(field) + ":") {
      in >> value;
      return value;
    }
    std::getline(in, key);
  }
  return 0;
}

// The reader's peak memory in a fresh process (this program run with --peak-memory FILE): the
// peak resident size while reading minus the resident size before, over the final CSR's size.
double peak_memory_over_csr(const std::string& path) {
  // This program's own path: in popen's shell, /proc/self/exe would be the shell.
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  std::string command = "'" + self + "' --peak-memory '" + path + "'";
  FILE* p = ::popen(command.c_str(), "r");
  double ratio = std::nan("");  // printed as nan, never as a ratio of 0, if the child fails
  if (p && std::fscanf(p, "%lf", &ratio) != 1) ratio = std::nan("");
  if (p) ::pclose(p);
  return ratio;
}

void BM_read_matrix_market_laplace2d(benchmark::State& state) {
  const std::string& path = laplace_file();
  const double mb = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
  double seconds = 0, csr_bytes = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    auto m = numkit::read_sparse_matrix(path, "-A");
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    csr_bytes = static_cast<double>(m.nonZeros()) * 12 + static_cast<double>(m.cols() + 1) * 4;
    benchmark::DoNotOptimize(m.valuePtr());
  }
  const double peak = peak_memory_over_csr(path);
  state.counters["MBps"] = mb * static_cast<double>(state.iterations()) / seconds;
  state.counters["file_MB"] = mb;
  state.counters["csr_MB"] = csr_bytes / 1e6;
  // the reader's peak memory (resident, including mapped file pages) over the final matrix
  state.counters["mem_over_csr"] = peak;
}
BENCHMARK(BM_read_matrix_market_laplace2d)->Unit(benchmark::kMillisecond)->Iterations(5);

void BM_read_csv_1e6x5(benchmark::State& state) {
  const std::string& path = csv_file();
  const double mb = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
  double seconds = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    auto m = numkit::read_matrix(path, "-A");
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    benchmark::DoNotOptimize(m.data());
  }
  state.counters["MBps"] = mb * static_cast<double>(state.iterations()) / seconds;
  state.counters["file_MB"] = mb;
}
BENCHMARK(BM_read_csv_1e6x5)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--peak-memory") {
    const double before = status_kb("VmRSS");
    auto m = numkit::read_sparse_matrix(argv[2], "-A");
    const double csr =
        static_cast<double>(m.nonZeros()) * 12 + static_cast<double>(m.cols() + 1) * 4;
    std::printf("%.3f\n", (status_kb("VmHWM") - before) * 1e3 / csr);
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
