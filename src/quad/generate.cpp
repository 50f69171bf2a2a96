// Test problems (Laplacians, random SPD matrices of a given condition number) and their Matrix
// Market files.
#include <charconv>
#include <cmath>
#include <random>
#include <string>

#include "numkit/core/error.hpp"
#include "numkit/core/reader.hpp"
#include "numkit/quad/quadratic.hpp"

namespace numkit::quad {

namespace {

void require_positive(long n, const char* what, long limit) {
  if (n < 1 || n > limit)
    throw InputError(std::string(what) + ": must be between 1 and " + std::to_string(limit) +
                     ", got " + std::to_string(n));
}

// CSC from per-column neighbour offsets on a grid; the stencil is symmetric so CSC = CSR.
SparseMatrix grid_laplacian(long nx, long ny, long nz) {
  const long N = nx * ny * nz;
  const double diag = nz > 1 ? 6.0 : 4.0;
  SparseMatrix A(N, N);
  A.resizeNonZeros(0);
  std::vector<int> outer(N + 1);
  std::vector<int> inner;
  std::vector<double> vals;
  inner.reserve(static_cast<std::size_t>(N) * (nz > 1 ? 7 : 5));
  vals.reserve(inner.capacity());
  const long sx = 1, sy = nx, sz = nx * ny;
  for (long k = 0; k < nz; ++k)
    for (long j = 0; j < ny; ++j)
      for (long i = 0; i < nx; ++i) {
        const long col = i + nx * (j + ny * k);
        outer[col] = static_cast<int>(inner.size());
        auto add = [&](long row, double v) {
          inner.push_back(static_cast<int>(row));
          vals.push_back(v);
        };
        if (k > 0) add(col - sz, -1);
        if (j > 0) add(col - sy, -1);
        if (i > 0) add(col - sx, -1);
        add(col, diag);
        if (i < nx - 1) add(col + sx, -1);
        if (j < ny - 1) add(col + sy, -1);
        if (k < nz - 1) add(col + sz, -1);
      }
  outer[N] = static_cast<int>(inner.size());
  A = Eigen::Map<const SparseMatrix>(N, N, static_cast<Eigen::Index>(inner.size()), outer.data(),
                                     inner.data(), vals.data());
  return A;
}

void append_number(std::string& out, double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out.append(buf, end);
}

void append_int(std::string& out, long v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out.append(buf, end);
}

std::string comment_lines(const std::string& comment) {
  std::string out;
  if (comment.empty()) return out;
  std::size_t start = 0;
  while (start <= comment.size()) {
    std::size_t nl = comment.find('\n', start);
    if (nl == std::string::npos) nl = comment.size();
    out += "% " + comment.substr(start, nl - start) + "\n";
    start = nl + 1;
  }
  return out;
}

}  // namespace

SparseMatrix laplace2d(long n) {
  require_positive(n, "--n", 20000);
  return grid_laplacian(n, n, 1);
}

SparseMatrix laplace3d(long n) {
  require_positive(n, "--n", 1000);
  return grid_laplacian(n, n, n);
}

Eigen::MatrixXd random_spd(long n, double cond, std::uint64_t seed) {
  require_positive(n, "--n", 20000);
  if (!(cond >= 1) || !std::isfinite(cond))
    throw InputError("--cond: must be finite and >= 1, got " + std::to_string(cond));
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  Eigen::MatrixXd G(n, n);
  for (long j = 0; j < n; ++j)
    for (long i = 0; i < n; ++i) G(i, j) = normal(rng);
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(G);
  Eigen::MatrixXd Q = qr.householderQ();
  Eigen::VectorXd lambda(n);
  for (long i = 0; i < n; ++i)
    lambda[i] = n == 1 ? 1.0 : std::pow(cond, static_cast<double>(i) / static_cast<double>(n - 1));
  Eigen::MatrixXd A = Q * lambda.asDiagonal() * Q.transpose();
  Eigen::MatrixXd S = (A + A.transpose()) * 0.5;  // exactly symmetric
  return S;
}

std::string_view to_string(TestProblem p) {
  switch (p) {
    case TestProblem::laplace2d:
      return "laplace2d";
    case TestProblem::laplace3d:
      return "laplace3d";
    case TestProblem::random_spd:
      return "random-spd";
  }
  return "?";
}

TestProblem parse_problem(std::string_view name, std::string_view what) {
  for (TestProblem p : {TestProblem::laplace2d, TestProblem::laplace3d, TestProblem::random_spd})
    if (name == to_string(p)) return p;
  throw UsageError(std::string(what) + ": unknown problem \"" + std::string(name) +
                   "\"; expected laplace2d, laplace3d or random-spd");
}

QuadForm generate_form(const TestProblemSpec& spec, Eigen::VectorXd b, double c, Convention conv) {
  const std::string what = "--generate " + std::string(to_string(spec.kind));
  if (spec.kind == TestProblem::random_spd) {
    Eigen::MatrixXd A = random_spd(spec.n, spec.cond, spec.seed);
    // the file stores the lower triangle: the form is that triangle mirrored, bit for bit
    A.triangularView<Eigen::StrictlyUpper>() = A.transpose().triangularView<Eigen::StrictlyUpper>();
    if (b.size() == 0) b = Eigen::VectorXd::Ones(A.rows());
    return QuadForm(std::move(A), std::move(b), c, conv, what, "-b");
  }
  SparseMatrix A = spec.kind == TestProblem::laplace2d ? laplace2d(spec.n) : laplace3d(spec.n);
  if (b.size() == 0) b = Eigen::VectorXd::Ones(A.rows());
  return QuadForm(std::move(A), std::move(b), c, conv, what, "-b");
}

void write_matrix_market(const SparseMatrix& A, const std::string& path, bool symmetric,
                         const std::string& comment) {
  std::string text = to_matrix_market(A, symmetric);
  const std::size_t nl = text.find('\n');
  if (!comment.empty() && nl != std::string::npos) text.insert(nl + 1, comment_lines(comment));
  write_file_atomically(path, text);
}

void write_matrix_market(const Eigen::MatrixXd& A, const std::string& path, bool symmetric,
                         const std::string& comment) {
  std::string out;
  const long n = A.rows(), m = A.cols();
  out.reserve(static_cast<std::size_t>(n * m) * (symmetric ? 12 : 24) + 256);
  out += symmetric ? "%%MatrixMarket matrix array real symmetric\n"
                   : "%%MatrixMarket matrix array real general\n";
  out += comment_lines(comment);
  append_int(out, n);
  out += ' ';
  append_int(out, m);
  out += '\n';
  for (long j = 0; j < m; ++j)
    for (long i = symmetric ? j : 0; i < n; ++i) {
      append_number(out, A(i, j));
      out += '\n';
    }
  write_file_atomically(path, out);
}

void write_vector(const Eigen::VectorXd& v, const std::string& path) {
  std::string out = "%%MatrixMarket matrix array real general\n";
  append_int(out, v.size());
  out += " 1\n";
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    append_number(out, v[i]);
    out += '\n';
  }
  write_file_atomically(path, out);
}

}  // namespace numkit::quad
