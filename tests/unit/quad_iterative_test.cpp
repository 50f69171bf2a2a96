// The iterative methods and the sparse paths against exact rational solutions.
#include <catch2/catch.hpp>
#include <cmath>

#include "numkit/core/error.hpp"
#include "numkit/quad/quadratic.hpp"
#include "quad_exact_support.hpp"

using namespace quadtest;
using numkit::quad::Convention;
using numkit::quad::Method;
using numkit::quad::MinimizeOptions;
using numkit::quad::Precond;
using numkit::quad::QuadForm;
using numkit::quad::Status;

namespace {

QMat to_rational(const numkit::quad::SparseMatrix& S) {
  QMat M = zeros(static_cast<int>(S.rows()), static_cast<int>(S.cols()));
  for (int j = 0; j < S.outerSize(); ++j)
    for (numkit::quad::SparseMatrix::InnerIterator it(S, j); it; ++it)
      M[it.row()][it.col()] = Q(it.value());
  return M;
}

}  // namespace

TEST_CASE("iterative_methods_reach_the_exact_minimizer_of_a_dense_spd_form", "[quad]") {
  for (int n : {2, 5, 8}) {
    std::vector<int> d;
    for (int i = 0; i < n; ++i) d.push_back(1 + 2 * i);
    QMat A = with_eigenvalues(d);
    QVec b(n);
    for (int i = 0; i < n; ++i) b[i] = i % 2 ? -i : i + 1;
    for (auto conv : {Convention::full, Convention::half}) {
      QMat H = conv == Convention::full ? scale(A, Q(2)) : A;
      QVec x = eliminate(H, scale(QMat{b}, Q(-1))[0]).x;
      QuadForm form(to_double(A), to_double(b), 0.0, conv);
      const double hmax = (conv == Convention::full ? 2.0 : 1.0) * d.back();
      struct M {
        Method m;
        Precond p;
      };
      for (auto [m, p] : {M{Method::cg, Precond::none}, M{Method::pcg, Precond::jacobi},
                          M{Method::pcg, Precond::ichol}, M{Method::sd, Precond::none},
                          M{Method::newton, Precond::none}, M{Method::gd, Precond::none}}) {
        MinimizeOptions mo;
        mo.method = m;
        mo.precond = p;
        mo.tol = 1e-12;
        if (m == Method::gd) mo.lr = 1.0 / hmax;
        auto r = numkit::quad::minimize(form, mo);
        INFO("n = " << n << " method " << numkit::quad::to_string(m));
        CHECK(r.status == Status::converged);
        // ‖x − x*‖ <= cond · tol · ‖x*‖ with cond <= 15 here
        CHECK(rel_error(r.x, x) < 1e-10);
        CHECK(r.relative_residual <= 1e-12);
        if (m == Method::cg) CHECK(r.iterations <= n + 1);  // exact arithmetic: n steps
      }
    }
  }
}

TEST_CASE("cg_takes_two_steps_on_the_classic_example_and_sd_zigzags", "[quad]") {
  Eigen::MatrixXd A(2, 2);
  A << 3, 2, 2, 6;
  QuadForm form(A, Eigen::Vector2d(-2, 8), 0.0, Convention::half);
  MinimizeOptions mo;
  mo.x0 = Eigen::Vector2d(-2, -2);
  mo.record_path = true;
  mo.method = Method::cg;
  auto cg = numkit::quad::minimize(form, mo);
  CHECK(cg.iterations == 2);
  REQUIRE(cg.path.size() == 3);
  CHECK(std::abs(cg.path.back()[0] - 2) < 1e-14);
  CHECK(std::abs(cg.path.back()[1] + 2) < 1e-14);
  mo.method = Method::sd;
  auto sd = numkit::quad::minimize(form, mo);
  CHECK(sd.status == Status::converged);
  CHECK(sd.iterations > 10);
  // exact line search: successive steps are orthogonal
  for (std::size_t k = 2; k < std::min<std::size_t>(sd.path.size(), 8); ++k) {
    const Eigen::Vector2d s1 = sd.path[k - 1] - sd.path[k - 2], s2 = sd.path[k] - sd.path[k - 1];
    CHECK(std::abs(s1.dot(s2)) <= 1e-12 * s1.norm() * s2.norm());
  }
}

TEST_CASE("the_trace_callback_sees_every_iteration_with_decreasing_f", "[quad]") {
  Eigen::MatrixXd A(3, 3);
  A << 4, 1, 0, 1, 3, 1, 0, 1, 2;
  QuadForm form(A, Eigen::Vector3d(1, -2, 3), 0.5, Convention::full);
  MinimizeOptions mo;
  mo.method = Method::cg;
  std::vector<numkit::quad::TraceRow> rows;
  auto r =
      numkit::quad::minimize(form, mo, [&](const numkit::quad::TraceRow& t) { rows.push_back(t); });
  REQUIRE(rows.size() == static_cast<std::size_t>(r.iterations + 1));
  for (std::size_t k = 0; k < rows.size(); ++k) {
    CHECK(rows[k].k == static_cast<long>(k));
    if (k) CHECK(rows[k].f < rows[k - 1].f);
  }
  CHECK(std::abs(rows.back().f - r.f) <= 1e-14 * std::abs(r.f));
}

TEST_CASE("cg_stops_on_non_positive_curvature_and_reports_the_direction", "[quad]") {
  Eigen::MatrixXd A(2, 2);
  A << 1, 0, 0, -1;
  QuadForm form(A, Eigen::Vector2d(1, 1), 0.0, Convention::full);
  MinimizeOptions mo;
  mo.method = Method::cg;
  auto r = numkit::quad::minimize(form, mo);
  CHECK(r.status == Status::not_positive_definite);
  REQUIRE(r.direction);
  CHECK(r.direction->dot(A * *r.direction) <= 0);
  CHECK(r.x.allFinite());
}

TEST_CASE("gd_with_too_large_a_step_diverges_and_returns_the_best_finite_iterate", "[quad]") {
  Eigen::MatrixXd A(2, 2);
  A << 3, 2, 2, 6;
  QuadForm form(A, Eigen::Vector2d(-2, 8), 0.0, Convention::half);
  MinimizeOptions mo;
  mo.method = Method::gd;
  mo.lr = 1.0;  // 2/λmax = 2/7
  auto r = numkit::quad::minimize(form, mo);
  CHECK(r.status == Status::diverged);
  CHECK(r.x.allFinite());
  CHECK(std::isfinite(r.f));
  // the bound the message states: eigenvalues of [[3,2],[2,6]] are 2 and 7
  CHECK(r.x_is_best_iterate);
  REQUIRE(r.largest_curvature);
  CHECK(*r.largest_curvature == Approx(7.0).epsilon(1e-15));
  CHECK(r.reason.find("2/λmax = 0.285714") != std::string::npos);
}

TEST_CASE("gd_that_diverges_on_a_sparse_form_states_the_bound_from_power_iteration", "[quad]") {
  // 2-D Laplacian of side m: λmax = 8 sin²(mπ / (2(m+1))) (the eigenvalues are known in closed
  // form), Hessian 2A in the full convention.
  const int m = 20;
  QuadForm form(numkit::quad::laplace2d(m), Eigen::VectorXd::Ones(m * m), 0.0, Convention::full);
  REQUIRE(form.is_sparse());
  MinimizeOptions mo;
  mo.method = Method::gd;
  mo.lr = 1.0;
  auto r = numkit::quad::minimize(form, mo);
  CHECK(r.status == Status::diverged);
  REQUIRE(r.largest_curvature);
  const double s = std::sin(m * M_PI / (2.0 * (m + 1)));
  CHECK(*r.largest_curvature == Approx(2 * 8 * s * s).epsilon(1e-9));
}

TEST_CASE("bad_options_are_refused_naming_the_option", "[quad]") {
  Eigen::MatrixXd A = Eigen::MatrixXd::Identity(2, 2);
  QuadForm form(A, Eigen::Vector2d(1, 1), 0.0, Convention::full);
  MinimizeOptions mo;
  mo.tol = 0;
  CHECK_THROWS_WITH(numkit::quad::minimize(form, mo), Catch::Contains("--tol"));
  mo.tol = 1e-8;
  mo.method = Method::gd;
  CHECK_THROWS_AS(numkit::quad::minimize(form, mo), numkit::UsageError);
  mo.lr = -1;
  CHECK_THROWS_WITH(numkit::quad::minimize(form, mo), Catch::Contains("--lr: must be"));
  mo.lr = 0.1;
  mo.x0 = Eigen::VectorXd::LinSpaced(3, 1.0, 3.0);  // (1, 2, 3): the wrong size
  CHECK_THROWS_WITH(numkit::quad::minimize(form, mo), Catch::Contains("--x0"));
  CHECK_THROWS_AS(QuadForm(Eigen::MatrixXd(2, 3), Eigen::VectorXd(), 0.0, Convention::full),
                  numkit::InputError);
  Eigen::MatrixXd N = A;
  N(0, 1) = std::nan("");
  CHECK_THROWS_WITH(QuadForm(N, Eigen::VectorXd(), 0.0, Convention::full),
                    Catch::Contains("(1,2)"));
}

TEST_CASE("sparse_cg_direct_and_analysis_match_the_exact_laplacian_solution", "[quad]") {
  const auto L = numkit::quad::laplace2d(5);  // 25 unknowns
  const int n = 25;
  QVec b(n);
  for (int i = 0; i < n; ++i) b[i] = (i % 4) - 1;
  QVec x = eliminate(scale(to_rational(L), Q(2)), scale(QMat{b}, Q(-1))[0]).x;
  QuadForm form(L, to_double(b), 0.0, Convention::full);
  REQUIRE(form.is_sparse());
  for (auto [m, p] : {std::pair{Method::direct, Precond::none},
                      {Method::cg, Precond::none},
                      {Method::pcg, Precond::jacobi},
                      {Method::pcg, Precond::ichol}}) {
    MinimizeOptions mo;
    mo.method = m;
    mo.precond = p;
    mo.tol = 1e-13;
    auto r = numkit::quad::minimize(form, mo);
    INFO(numkit::quad::to_string(m));
    CHECK(r.status == Status::converged);
    CHECK(rel_error(r.x, x) < 1e-11);
  }
  auto a = numkit::quad::analyze(form);
  CHECK(a.cls == numkit::quad::FormClass::positive_definite);
  CHECK(rel_error(*a.point, x) < 1e-13);
}

TEST_CASE("sparse_cg_iterates_do_not_depend_on_the_thread_count", "[quad]") {
  const auto L = numkit::quad::laplace2d(91);  // 8281 unknowns: two chunks of the partition
  Eigen::VectorXd rhs = Eigen::VectorXd::LinSpaced(L.rows(), -1, 2);
  numkit::quad::CgKernelOptions ko;
  ko.tol_abs = 0;  // run exactly max_iter iterations
  ko.max_iter = 60;
  Eigen::VectorXd x1 = Eigen::VectorXd::Zero(L.rows()), x2 = x1;
  ko.threads = 1;
  auto s1 = numkit::quad::sparse_cg(L, rhs, x1, ko);
  ko.threads = 2;
  auto s2 = numkit::quad::sparse_cg(L, rhs, x2, ko);
  CHECK(s1.iterations == 60);
  CHECK(s2.iterations == 60);
  CHECK((x1 - x2).cwiseAbs().maxCoeff() == 0);
  CHECK(s1.recursive_residual == s2.recursive_residual);
  // and it is minimizing ½xᵀLx − rhsᵀx (0 at the start)
  const Eigen::VectorXd Lx = L * x1;
  CHECK(0.5 * x1.dot(Lx) - rhs.dot(x1) < 0);
}

TEST_CASE("large_sparse_analysis_finds_the_exact_extreme_laplacian_eigenvalues", "[quad]") {
  const long m = 46;  // 2116 unknowns (> 2000): LDLᵀ inertia and Lanczos
  const auto L = numkit::quad::laplace2d(m);
  QuadForm form(L, Eigen::VectorXd::Ones(L.rows()), 0.0, Convention::half);
  auto a = numkit::quad::analyze(form);
  const double pi = std::acos(-1.0);
  const double lmin = 4 - 4 * std::cos(pi / (m + 1)), lmax = 4 + 4 * std::cos(pi / (m + 1));
  CHECK(a.cls == numkit::quad::FormClass::positive_definite);
  REQUIRE(a.lambda_min);
  REQUIRE(a.lambda_max);
  CHECK(std::abs(*a.lambda_min - lmin) <= 1e-9 * lmin);
  CHECK(std::abs(*a.lambda_max - lmax) <= 1e-9 * lmax);
  REQUIRE(a.condition);
  CHECK(std::abs(*a.condition - lmax / lmin) <= 1e-8 * lmax / lmin);
  // shifted into indefiniteness: the number of negative pivots is the number of eigenvalues
  // 4 − 2cos(iπ/(m+1)) − 2cos(jπ/(m+1)) below the shift
  const double shift = 1.0;
  numkit::quad::SparseMatrix S = L;
  for (int i = 0; i < S.rows(); ++i) S.coeffRef(i, i) -= shift;
  long below = 0;
  for (long i = 1; i <= m; ++i)
    for (long j = 1; j <= m; ++j)
      if (4 - 2 * std::cos(i * pi / (m + 1)) - 2 * std::cos(j * pi / (m + 1)) < shift) ++below;
  QuadForm shifted(S, Eigen::VectorXd::Ones(S.rows()), 0.0, Convention::half);
  auto s = numkit::quad::analyze(shifted);
  CHECK(s.cls == numkit::quad::FormClass::indefinite);
  CHECK(s.negative == below);
  REQUIRE(s.descent_direction);
  Eigen::VectorXd d = *s.descent_direction;
  CHECK(d.dot(S * d) < 0);
}

TEST_CASE("generated_random_spd_matrices_have_the_requested_condition_number", "[quad]") {
  Eigen::MatrixXd A = numkit::quad::random_spd(30, 1e6, 7);
  CHECK((A - A.transpose()).cwiseAbs().maxCoeff() == 0);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(A);
  CHECK(std::abs(es.eigenvalues()[0] - 1) < 1e-9);
  CHECK(std::abs(es.eigenvalues()[29] / es.eigenvalues()[0] - 1e6) < 1e-3);
  Eigen::MatrixXd B = numkit::quad::random_spd(30, 1e6, 7);
  CHECK((A - B).cwiseAbs().maxCoeff() == 0);  // reproducible from the seed
}

TEST_CASE("a_non_symmetric_sparse_matrix_is_replaced_by_its_symmetric_part", "[quad]") {
  numkit::quad::SparseMatrix S(2, 2);
  S.insert(0, 0) = 3;
  S.insert(0, 1) = 4;  // no (1,0) partner: the symmetric part has 2 on both sides
  S.insert(1, 1) = 6;
  S.makeCompressed();
  QuadForm f(S, Eigen::Vector2d(-2, 8), 0.0, Convention::half);
  CHECK(f.symmetrized());
  CHECK(f.asymmetry() == 2);
  auto r = numkit::quad::minimize(f, {});
  CHECK(std::abs(r.x[0] - 2) < 1e-15);
  CHECK(std::abs(r.x[1] + 2) < 1e-15);
  numkit::quad::SparseMatrix T = S;
  T.coeffRef(1, 0) = 4;
  QuadForm g(T, Eigen::Vector2d(-2, 8), 0.0, Convention::half);
  CHECK(!g.symmetrized());
}
