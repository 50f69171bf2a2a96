// Large sparse forms (n above quad::dense_analysis_max_n): singular, semidefinite and indefinite,
// against exact answers. The matrices are integer graph Laplacians whose null spaces are known
// (the constants on each connected component), and every b is built as b = −A·x* + (null part)
// from an integer x* orthogonal to the null space, so the least-norm minimizer is x* exactly and
// the minimum ½bᵀx* is an exact integer or half-integer.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "numkit/quad/quadratic.hpp"

using numkit::quad::Analysis;
using numkit::quad::Answer;
using numkit::quad::Convention;
using numkit::quad::FormClass;
using numkit::quad::Method;
using numkit::quad::MinimizeOptions;
using numkit::quad::Precond;
using numkit::quad::QuadForm;
using numkit::quad::SparseMatrix;
using numkit::quad::Stationary;
using numkit::quad::Status;

namespace {

using Triplets = std::vector<Eigen::Triplet<double>>;

// The Neumann (graph) Laplacian of an m×m grid, placed at offset `at`, times `sign`.
void add_neumann_grid(Triplets& t, int m, int at, double sign) {
  for (int j = 0; j < m; ++j)
    for (int i = 0; i < m; ++i) {
      const int k = at + i + m * j;
      int degree = 0;
      auto edge = [&](int other) {
        t.emplace_back(k, other, -sign);
        ++degree;
      };
      if (i > 0) edge(k - 1);
      if (i < m - 1) edge(k + 1);
      if (j > 0) edge(k - m);
      if (j < m - 1) edge(k + m);
      t.emplace_back(k, k, sign * degree);
    }
}

SparseMatrix from_triplets(const Triplets& t, int n) {
  SparseMatrix A(n, n);
  A.setFromTriplets(t.begin(), t.end());
  A.makeCompressed();
  return A;
}

// integer x with sum zero on each block [begin, end)
Eigen::VectorXd sum_free(const std::vector<std::pair<int, int>>& blocks, int n) {
  Eigen::VectorXd x = Eigen::VectorXd::Zero(n);
  for (auto [lo, hi] : blocks) {
    double sum = 0;
    for (int i = lo; i < hi - 1; ++i) {
      x[i] = (i * 5) % 11 - 5;
      sum += x[i];
    }
    x[hi - 1] = -sum;
  }
  return x;
}

double rel_error(const Eigen::VectorXd& x, const Eigen::VectorXd& ref) {
  return (x - ref).norm() / ref.norm();
}

}  // namespace

TEST_CASE("the_dense_sparse_cutoff_is_below_the_test_sizes", "[quad]") {
  CHECK(numkit::quad::dense_analysis_max_n < 46 * 46);
}

TEST_CASE("large_singular_psd_form_with_b_in_range_has_the_exact_least_norm_minimizer", "[quad]") {
  const int m = 46, n = m * m;  // 2116 > dense_analysis_max_n
  Triplets t;
  add_neumann_grid(t, m, 0, 1.0);
  const SparseMatrix A = from_triplets(t, n);
  const Eigen::VectorXd xstar = sum_free({{0, n}}, n);
  const Eigen::VectorXd b = -(A * xstar);  // exact: integers
  const double fmin = 0.5 * b.dot(xstar);  // exact: an integer over 2
  QuadForm form(A, b, 0.0, Convention::half);
  const Analysis a = numkit::quad::analyze(form);
  CHECK(a.cls == FormClass::positive_semidefinite);
  CHECK(a.rank == n - 1);
  CHECK(a.zero == 1);
  CHECK(a.negative == 0);
  CHECK(a.stationary == Stationary::affine_minimum);
  CHECK(a.set_dimension == 1);
  CHECK(a.bounded_below == Answer::yes);
  CHECK(a.bounded_above == Answer::no);
  CHECK(a.undetermined.empty());
  REQUIRE(a.point);
  CHECK(rel_error(*a.point, xstar) < 1e-10);
  REQUIRE(a.value);
  CHECK(std::abs(*a.value - fmin) <= 1e-10 * std::abs(fmin));
  REQUIRE(a.range_residual);
  CHECK(*a.range_residual < 1e-12);

  // minimize says the same (the report that once read "rank 0 ... not in its range")
  MinimizeOptions mo;
  const auto r = numkit::quad::minimize(form, mo);
  CHECK(r.status == Status::converged);
  CHECK(r.set_dimension == 1);
  CHECK(rel_error(r.x, xstar) < 1e-10);
  CHECK(std::abs(r.f - fmin) <= 1e-10 * std::abs(fmin));
}

TEST_CASE("large_singular_psd_form_with_b_outside_the_range_is_unbounded_along_the_constants",
          "[quad]") {
  const int m = 46, n = m * m;
  Triplets t;
  add_neumann_grid(t, m, 0, 1.0);
  const SparseMatrix A = from_triplets(t, n);
  const Eigen::VectorXd xstar = sum_free({{0, n}}, n);
  const double shift = 0.25;  // the null part of b: 0.25·(1, …, 1)
  const Eigen::VectorXd b = -(A * xstar) + shift * Eigen::VectorXd::Ones(n);
  QuadForm form(A, b, 0.0, Convention::full);
  const Analysis a = numkit::quad::analyze(form);
  CHECK(a.cls == FormClass::positive_semidefinite);
  CHECK(a.zero == 1);
  CHECK(a.stationary == Stationary::none);
  CHECK(a.bounded_below == Answer::no);
  REQUIRE(a.range_residual);
  const double exact_residual = shift * std::sqrt(double(n)) / b.norm();
  CHECK(std::abs(*a.range_residual - exact_residual) < 1e-10 * exact_residual);
  REQUIRE(a.descent_direction);
  const Eigen::VectorXd d_exact = -Eigen::VectorXd::Ones(n) / std::sqrt(double(n));
  CHECK((*a.descent_direction - d_exact).norm() < 1e-10);

  const auto r = numkit::quad::minimize(form, MinimizeOptions{});
  CHECK(r.status == Status::no_minimum);
  REQUIRE(r.direction);
  CHECK((*r.direction - d_exact).norm() < 1e-10);
}

TEST_CASE("large_form_with_two_components_has_a_two_dimensional_set_of_minimizers", "[quad]") {
  const int m1 = 46, m2 = 20, n = m1 * m1 + m2 * m2;
  Triplets t;
  add_neumann_grid(t, m1, 0, 1.0);
  add_neumann_grid(t, m2, m1 * m1, 1.0);
  const SparseMatrix A = from_triplets(t, n);
  const Eigen::VectorXd xstar = sum_free({{0, m1 * m1}, {m1 * m1, n}}, n);
  const Eigen::VectorXd b = -(A * xstar);
  QuadForm form(A, b, 3.0, Convention::half);
  const Analysis a = numkit::quad::analyze(form);
  CHECK(a.zero == 2);
  CHECK(a.rank == n - 2);
  CHECK(a.stationary == Stationary::affine_minimum);
  CHECK(a.set_dimension == 2);
  REQUIRE(a.point);
  CHECK(rel_error(*a.point, xstar) < 1e-10);
  REQUIRE(a.value);
  CHECK(std::abs(*a.value - (3.0 + 0.5 * b.dot(xstar))) < 1e-9 * std::abs(b.dot(xstar)));
}

TEST_CASE("large_negative_semidefinite_form_has_an_affine_set_of_maximizers", "[quad]") {
  const int m = 46, n = m * m;
  Triplets t;
  add_neumann_grid(t, m, 0, -1.0);
  const SparseMatrix A = from_triplets(t, n);
  const Eigen::VectorXd xstar = sum_free({{0, n}}, n);
  const Eigen::VectorXd b = -(A * xstar);
  QuadForm form(A, b, 0.0, Convention::half);
  const Analysis a = numkit::quad::analyze(form);
  CHECK(a.cls == FormClass::negative_semidefinite);
  CHECK(a.zero == 1);
  CHECK(a.stationary == Stationary::affine_maximum);
  CHECK(a.bounded_below == Answer::no);
  CHECK(a.bounded_above == Answer::yes);
  REQUIRE(a.point);
  CHECK(rel_error(*a.point, xstar) < 1e-10);
  REQUIRE(a.descent_direction);
  const Eigen::VectorXd d = *a.descent_direction;
  CHECK(d.dot(A * d) < 0);
}

TEST_CASE("large_indefinite_form_needing_pivoting_is_unbounded_with_its_inertia_undetermined",
          "[quad]") {
  // 1050 blocks [[0,1],[1,0]] (eigenvalues ±1): a zero pivot stops LDLᵀ without pivoting
  const int n = 2100;
  Triplets t;
  for (int k = 0; k < n; k += 2) {
    t.emplace_back(k, k + 1, 1.0);
    t.emplace_back(k + 1, k, 1.0);
  }
  const SparseMatrix A = from_triplets(t, n);
  QuadForm form(A, Eigen::VectorXd::Ones(n), 0.0, Convention::half);
  const Analysis a = numkit::quad::analyze(form);
  CHECK(a.cls == FormClass::indefinite);
  CHECK(a.bounded_below == Answer::no);
  CHECK(a.bounded_above == Answer::no);
  CHECK(!a.rank);
  CHECK(!a.negative);
  CHECK(a.stationary == Stationary::undetermined);
  CHECK(!a.point);
  REQUIRE(!a.undetermined.empty());
  CHECK(a.undetermined.front().what == "inertia");
  REQUIRE(a.descent_direction);
  const Eigen::VectorXd d = *a.descent_direction;
  CHECK(std::abs(d.dot(A * d) + 1) < 1e-8);  // the eigenvalue −1

  // whatever the inertia, f has no minimum: that is decided
  const auto r = numkit::quad::minimize(form, MinimizeOptions{});
  CHECK(r.status == Status::no_minimum);
  REQUIRE(r.direction);
}

TEST_CASE("large_indefinite_nonsingular_form_has_its_inertia_and_exact_saddle_point", "[quad]") {
  // diag(Dirichlet Laplacian 46², −Dirichlet Laplacian 10²): inertia (2116, 100, 0)
  const int m1 = 46, m2 = 10, n1 = m1 * m1, n = n1 + m2 * m2;
  const SparseMatrix L1 = numkit::quad::laplace2d(m1), L2 = numkit::quad::laplace2d(m2);
  Triplets t;
  for (int j = 0; j < L1.outerSize(); ++j)
    for (SparseMatrix::InnerIterator it(L1, j); it; ++it)
      t.emplace_back(it.row(), it.col(), it.value());
  for (int j = 0; j < L2.outerSize(); ++j)
    for (SparseMatrix::InnerIterator it(L2, j); it; ++it)
      t.emplace_back(n1 + it.row(), n1 + it.col(), -it.value());
  const SparseMatrix A = from_triplets(t, n);
  Eigen::VectorXd xstar(n);
  for (int i = 0; i < n; ++i) xstar[i] = i % 5 - 2;
  const Eigen::VectorXd b = -(A * xstar);
  QuadForm form(A, b, 0.0, Convention::half);
  const Analysis a = numkit::quad::analyze(form);
  CHECK(a.cls == FormClass::indefinite);
  CHECK(a.positive == n1);
  CHECK(a.negative == m2 * m2);
  CHECK(a.zero == 0);
  CHECK(a.stationary == Stationary::saddle);
  REQUIRE(a.point);
  CHECK(rel_error(*a.point, xstar) < 1e-11);
  REQUIRE(a.descent_direction);
  CHECK(a.descent_direction->dot(A * *a.descent_direction) < 0);
}

TEST_CASE("ichol_takes_fewer_iterations_than_jacobi_on_the_2d_laplacian", "[quad]") {
  const SparseMatrix L = numkit::quad::laplace2d(60);
  QuadForm form(L, Eigen::VectorXd::Ones(L.rows()), 0.0, Convention::half);
  MinimizeOptions mo;
  mo.method = Method::direct;
  const auto direct = numkit::quad::minimize(form, mo);
  REQUIRE(direct.status == Status::converged);
  mo.method = Method::pcg;
  mo.tol = 1e-10;
  mo.precond = Precond::jacobi;
  const auto jacobi = numkit::quad::minimize(form, mo);
  mo.precond = Precond::ichol;
  const auto ichol = numkit::quad::minimize(form, mo);
  REQUIRE(jacobi.status == Status::converged);
  REQUIRE(ichol.status == Status::converged);
  INFO("jacobi " << jacobi.iterations << ", ichol " << ichol.iterations);
  CHECK(ichol.iterations * 2 < jacobi.iterations);
  CHECK(rel_error(ichol.x, direct.x) < 1e-8);
}

TEST_CASE("sparse_direct_reports_setup_and_solve_times_and_the_solver", "[quad]") {
  const SparseMatrix L = numkit::quad::laplace2d(30);
  QuadForm form(L, Eigen::VectorXd::Ones(L.rows()), 0.0, Convention::half);
  const auto r = numkit::quad::minimize(form, MinimizeOptions{});
  CHECK(r.status == Status::converged);
  CHECK(r.setup_seconds >= 0);
  CHECK(r.solve_seconds >= 0);
  CHECK(r.setup_seconds + r.solve_seconds <= r.seconds);
  CHECK(r.peak_memory_bytes > 0);
  CHECK(r.solver.find("CHOLMOD supernodal") == 0);
}

TEST_CASE("generated_forms_are_the_generators_matrices_with_ones_as_b", "[quad]") {
  using numkit::quad::TestProblem;
  using numkit::quad::TestProblemSpec;
  const QuadForm lap = numkit::quad::generate_form(TestProblemSpec{TestProblem::laplace3d, 4}, {},
                                                   2.5, Convention::half);
  REQUIRE(lap.is_sparse());
  const SparseMatrix want = numkit::quad::laplace3d(4);
  CHECK((Eigen::MatrixXd(lap.sparse_hessian()) - Eigen::MatrixXd(want)).norm() == 0);
  CHECK(lap.b() == Eigen::VectorXd::Ones(64));
  CHECK(lap.c() == 2.5);
  // random-spd is its lower triangle mirrored (as its file stores it): exactly symmetric
  const QuadForm spd =
      numkit::quad::generate_form(TestProblemSpec{TestProblem::random_spd, 9, 50, 3},
                                  Eigen::VectorXd::Zero(9), 0, Convention::half);
  const Eigen::MatrixXd& H = spd.dense_hessian();
  CHECK(H == H.transpose());
  CHECK(!spd.symmetrized());
  const Eigen::MatrixXd ref = numkit::quad::random_spd(9, 50, 3);
  CHECK(H.triangularView<Eigen::Lower>().toDenseMatrix() ==
        ref.triangularView<Eigen::Lower>().toDenseMatrix());
  CHECK(spd.b().isZero());
  CHECK(numkit::quad::parse_problem("random-spd") == TestProblem::random_spd);
  CHECK_THROWS_WITH(numkit::quad::parse_problem("laplace4d"),
                    Catch::Contains("unknown problem \"laplace4d\""));
  CHECK_THROWS_WITH(numkit::quad::generate_form(TestProblemSpec{TestProblem::laplace2d, 3},
                                                Eigen::VectorXd::Ones(4), 0, Convention::full),
                    Catch::Contains("-b"));
}
