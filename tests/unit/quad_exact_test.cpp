// analyze() and minimize() against exact rational answers for every class of quadratic form,
// 2×2 to 8×8, in both conventions.
#include <catch2/catch.hpp>

#include "numkit/quad/quadratic.hpp"
#include "quad_exact_support.hpp"

using namespace quadtest;
using numkit::quad::Analysis;
using numkit::quad::Convention;
using numkit::quad::FormClass;
using numkit::quad::QuadForm;
using numkit::quad::Stationary;

namespace {

struct Case {
  QMat A;  // the user's matrix
  QVec b;
  Q c;
  Convention conv;
  QMat H() const { return conv == Convention::full ? scale(A, Q(2)) : A; }
  QuadForm form() const {
    return QuadForm(to_double(A), to_double(b), static_cast<double>(c), conv);
  }
};

Q f_exact(const Case& k, const QVec& x) {
  const Q half_or_one = k.conv == Convention::full ? Q(1) : Q(1, 2);
  return half_or_one * dot(x, mul(k.A, x)) + dot(k.b, x) + k.c;
}

std::vector<int> sizes() {
  return {2, 3, 5, 8};
}

// eigenvalues with given signs: +: 1,2,3..., -: -1,-2,..., 0
std::vector<int> spectrum(int n, int pos, int neg) {
  std::vector<int> d;
  for (int i = 0; i < pos; ++i) d.push_back(i + 1 + (i % 2) * 2);
  for (int i = 0; i < neg; ++i) d.push_back(-(i + 2));
  while (static_cast<int>(d.size()) < n) d.push_back(0);
  return d;
}

QVec int_vector(int n, int seed) {
  QVec v(n);
  for (int i = 0; i < n; ++i) v[i] = ((i * 7 + seed * 3) % 11) - 5;
  return v;
}

void check_eigenvalues(const Analysis& a, std::vector<int> d) {
  std::sort(d.begin(), d.end());
  REQUIRE(a.eigenvalues.size() == d.size());
  for (std::size_t i = 0; i < d.size(); ++i) CHECK(std::abs(a.eigenvalues[i] - d[i]) <= 1e-13 * 8);
}

const Convention kConventions[] = {Convention::full, Convention::half};

}  // namespace

TEST_CASE("positive_definite_forms_have_the_exact_unique_minimum", "[quad]") {
  for (auto conv : kConventions)
    for (int n : sizes()) {
      const auto d = spectrum(n, n, 0);
      Case k{with_eigenvalues(d), int_vector(n, n), Q(3, 4), conv};
      QVec x = eliminate(k.H(), scale(QMat{k.b}, Q(-1))[0]).x;
      Analysis a = numkit::quad::analyze(k.form());
      CHECK(a.cls == FormClass::positive_definite);
      CHECK(a.rank == n);
      check_eigenvalues(a, d);
      REQUIRE(a.stationary == Stationary::unique_minimum);
      CHECK(a.bounded_below == numkit::quad::Answer::yes);
      CHECK(rel_error(*a.point, x) < 1e-14);
      CHECK(rel_error(*a.value, f_exact(k, x)) < 1e-14);
      numkit::quad::MinimizeOptions mo;
      auto r = numkit::quad::minimize(k.form(), mo);
      CHECK(r.status == numkit::quad::Status::converged);
      CHECK(rel_error(r.x, x) < 1e-14);
      CHECK(rel_error(r.f, f_exact(k, x)) < 1e-14);
      CHECK(r.relative_residual < 1e-14);
    }
}

TEST_CASE("negative_definite_forms_have_the_exact_unique_maximum_and_no_minimum", "[quad]") {
  for (auto conv : kConventions)
    for (int n : sizes()) {
      const auto d = spectrum(n, 0, n);
      Case k{with_eigenvalues(d), int_vector(n, 1), Q(-2), conv};
      QVec x = eliminate(k.H(), scale(QMat{k.b}, Q(-1))[0]).x;
      Analysis a = numkit::quad::analyze(k.form());
      CHECK(a.cls == FormClass::negative_definite);
      check_eigenvalues(a, d);
      REQUIRE(a.stationary == Stationary::unique_maximum);
      CHECK(a.bounded_below == numkit::quad::Answer::no);
      CHECK(a.bounded_above == numkit::quad::Answer::yes);
      CHECK(rel_error(*a.point, x) < 1e-14);
      CHECK(rel_error(*a.value, f_exact(k, x)) < 1e-14);
      REQUIRE(a.descent_direction);
      // f(x + t·d) → −∞: exact curvature dᵀAd < 0
      QVec dq = to_rational(*a.descent_direction);
      CHECK(dot(dq, mul(k.A, dq)) < 0);
      auto r = numkit::quad::minimize(k.form(), {});
      CHECK(r.status == numkit::quad::Status::no_minimum);
      REQUIRE(r.direction);
      QVec rq = to_rational(*r.direction);
      CHECK(dot(rq, mul(k.A, rq)) < 0);
    }
}

TEST_CASE("indefinite_nonsingular_forms_have_the_exact_saddle_point", "[quad]") {
  for (auto conv : kConventions)
    for (int n : sizes()) {
      const auto d = spectrum(n, (n + 1) / 2, n / 2);
      Case k{with_eigenvalues(d), int_vector(n, 2), Q(5), conv};
      QVec x = eliminate(k.H(), scale(QMat{k.b}, Q(-1))[0]).x;
      Analysis a = numkit::quad::analyze(k.form());
      CHECK(a.cls == FormClass::indefinite);
      CHECK(a.positive == (n + 1) / 2);
      CHECK(a.negative == n / 2);
      check_eigenvalues(a, d);
      REQUIRE(a.stationary == Stationary::saddle);
      CHECK(a.bounded_below == numkit::quad::Answer::no);
      CHECK(a.bounded_above == numkit::quad::Answer::no);
      CHECK(rel_error(*a.point, x) < 1e-14);
      CHECK(rel_error(*a.value, f_exact(k, x)) < 1e-14);
      QVec dq = to_rational(*a.descent_direction);
      CHECK(dot(dq, mul(k.A, dq)) < 0);
      for (auto m :
           {numkit::quad::Method::direct, numkit::quad::Method::cg, numkit::quad::Method::sd}) {
        numkit::quad::MinimizeOptions mo;
        mo.method = m;
        auto r = numkit::quad::minimize(k.form(), mo);
        CHECK(r.status != numkit::quad::Status::converged);
        REQUIRE(r.direction);
        QVec rq = to_rational(*r.direction);
        // a direction of unbounded descent: negative curvature, or zero curvature and slope < 0
        const Q curv = dot(rq, mul(k.A, rq));
        CHECK((curv < 0 || (curv == 0 && dot(k.b, rq) < 0)));
      }
    }
}

TEST_CASE("semidefinite_forms_with_b_in_the_range_have_an_affine_set_of_minimizers", "[quad]") {
  for (auto conv : kConventions)
    for (int n : sizes()) {
      const int rank = std::max(1, n / 2);
      const auto d = spectrum(n, rank, 0);
      QMat A = with_eigenvalues(d);
      QVec b = mul(A, int_vector(n, 3));  // in the range
      Case k{A, b, Q(1, 2), conv};
      QVec neg_b = scale(QMat{b}, Q(-1))[0];
      QVec x = least_norm_solution(k.H(), neg_b);
      Analysis a = numkit::quad::analyze(k.form());
      CHECK(a.cls == FormClass::positive_semidefinite);
      CHECK(a.rank == rank);
      CHECK(a.zero == n - rank);
      check_eigenvalues(a, d);
      REQUIRE(a.stationary == Stationary::affine_minimum);
      CHECK(a.set_dimension == n - rank);
      CHECK(a.bounded_below == numkit::quad::Answer::yes);
      CHECK(rel_error(*a.point, x) < 1e-13);
      CHECK(rel_error(*a.value, f_exact(k, x)) < 1e-13);
      auto r = numkit::quad::minimize(k.form(), {});
      CHECK(r.status == numkit::quad::Status::converged);
      CHECK(r.set_dimension == n - rank);
      CHECK(rel_error(r.x, x) < 1e-13);
      CHECK(rel_error(r.f, f_exact(k, x)) < 1e-13);
    }
}

TEST_CASE("semidefinite_forms_with_b_outside_the_range_are_unbounded_along_the_null_part_of_b",
          "[quad]") {
  for (auto conv : kConventions)
    for (int n : sizes()) {
      const int rank = std::max(1, n - 1);
      const auto d = spectrum(n, rank, 0);
      QMat A = with_eigenvalues(d);
      QVec b = int_vector(n, 4);
      Case k{A, b, Q(0), conv};
      QVec r = null_projection(k.H(), b);
      REQUIRE(dot(r, r) > 0);
      const Eigen::VectorXd expected = -to_double(r) / std::sqrt(static_cast<double>(dot(r, r)));
      Analysis a = numkit::quad::analyze(k.form());
      CHECK(a.cls == FormClass::positive_semidefinite);
      CHECK(a.stationary == Stationary::none);
      CHECK(a.bounded_below == numkit::quad::Answer::no);
      REQUIRE(a.descent_direction);
      CHECK((*a.descent_direction - expected).norm() < 1e-13);
      auto m = numkit::quad::minimize(k.form(), {});
      CHECK(m.status == numkit::quad::Status::no_minimum);
      REQUIRE(m.direction);
      CHECK((*m.direction - expected).norm() < 1e-13);
    }
}

TEST_CASE("negative_semidefinite_forms_with_b_in_the_range_have_an_affine_set_of_maximizers",
          "[quad]") {
  for (int n : sizes()) {
    const auto d = spectrum(n, 0, std::max(1, n / 2));
    QMat A = with_eigenvalues(d);
    QVec b = mul(A, int_vector(n, 5));
    Case k{A, b, Q(0), Convention::full};
    QVec x = least_norm_solution(k.H(), scale(QMat{b}, Q(-1))[0]);
    Analysis a = numkit::quad::analyze(k.form());
    CHECK(a.cls == FormClass::negative_semidefinite);
    REQUIRE(a.stationary == Stationary::affine_maximum);
    CHECK(rel_error(*a.point, x) < 1e-13);
    CHECK(rel_error(*a.value, f_exact(k, x)) < 1e-13);
  }
}

TEST_CASE("the_zero_form_is_constant_or_linear", "[quad]") {
  for (auto conv : kConventions)
    for (int n : sizes()) {
      QMat Z = zeros(n, n);
      Case constant{Z, QVec(n, Q(0)), Q(7), conv};
      Analysis a = numkit::quad::analyze(constant.form());
      CHECK(a.cls == FormClass::zero);
      CHECK(a.rank == 0);
      REQUIRE(a.stationary == Stationary::affine_minimum);
      CHECK(a.set_dimension == n);
      CHECK(a.point->norm() == 0);
      CHECK(*a.value == 7);
      auto m = numkit::quad::minimize(constant.form(), {});
      CHECK(m.status == numkit::quad::Status::converged);
      CHECK(m.f == 7);

      QVec b = int_vector(n, 6);
      Case linear{Z, b, Q(0), conv};
      Analysis l = numkit::quad::analyze(linear.form());
      CHECK(l.cls == FormClass::zero);
      CHECK(l.stationary == Stationary::none);
      REQUIRE(l.descent_direction);
      const Eigen::VectorXd bd = to_double(b);
      CHECK((*l.descent_direction + bd / bd.norm()).norm() < 1e-15);
      auto ml = numkit::quad::minimize(linear.form(), {});
      CHECK(ml.status == numkit::quad::Status::no_minimum);
    }
}

TEST_CASE("the_half_convention_halves_the_hessian", "[quad]") {
  // the classic CG example: ½xᵀAx + bᵀx, A = [[3,2],[2,6]], b = [-2,8]: minimizer (2,-2), f = -10
  Eigen::MatrixXd A(2, 2);
  A << 3, 2, 2, 6;
  QuadForm half(A, Eigen::Vector2d(-2, 8), 0.0, Convention::half);
  auto r = numkit::quad::minimize(half, {});
  CHECK(r.x[0] == Approx(2).epsilon(1e-15));
  CHECK(r.x[1] == Approx(-2).epsilon(1e-15));
  CHECK(r.f == Approx(-10).epsilon(1e-15));
  // the same A in the full convention: 2Ax = -b gives (1, -1), f = -5
  QuadForm full(A, Eigen::Vector2d(-2, 8), 0.0, Convention::full);
  auto q = numkit::quad::minimize(full, {});
  CHECK(q.x[0] == Approx(1).epsilon(1e-15));
  CHECK(q.x[1] == Approx(-1).epsilon(1e-15));
  CHECK(q.f == Approx(-5).epsilon(1e-15));
}

TEST_CASE("a_non_symmetric_matrix_is_replaced_by_its_symmetric_part", "[quad]") {
  Eigen::MatrixXd A(2, 2);
  A << 3, 1, 3, 6;  // symmetric part [[3,2],[2,6]]
  QuadForm f(A, Eigen::Vector2d(-2, 8), 0.0, Convention::half);
  CHECK(f.symmetrized());
  CHECK(f.asymmetry() == 1);
  auto r = numkit::quad::minimize(f, {});
  CHECK(r.x[0] == Approx(2).epsilon(1e-15));
  CHECK(r.x[1] == Approx(-2).epsilon(1e-15));
}
