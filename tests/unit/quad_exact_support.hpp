// Exact rational references for the quad tests: Gauss–Jordan elimination over cpp_rational and
// symmetric test matrices with known eigenvalues (A = P·D·P with P a product of Householder
// reflections I − 2vvᵀ/vᵀv whose vᵀv is a power of two, so every entry is a dyadic rational and
// exactly representable as a double).
#pragma once

#include <Eigen/Dense>
#include <boost/multiprecision/cpp_int.hpp>
#include <cmath>
#include <vector>

namespace quadtest {

using Q = boost::multiprecision::cpp_rational;
using QVec = std::vector<Q>;
using QMat = std::vector<QVec>;  // row-major

inline QMat zeros(int n, int m) {
  return QMat(n, QVec(m, Q(0)));
}
inline QMat identity(int n) {
  QMat I = zeros(n, n);
  for (int i = 0; i < n; ++i) I[i][i] = 1;
  return I;
}
inline QMat mul(const QMat& A, const QMat& B) {
  const int n = static_cast<int>(A.size()), k = static_cast<int>(B.size()),
            m = static_cast<int>(B[0].size());
  QMat C = zeros(n, m);
  for (int i = 0; i < n; ++i)
    for (int t = 0; t < k; ++t)
      if (A[i][t] != 0)
        for (int j = 0; j < m; ++j) C[i][j] += A[i][t] * B[t][j];
  return C;
}
inline QVec mul(const QMat& A, const QVec& x) {
  QVec y(A.size(), Q(0));
  for (std::size_t i = 0; i < A.size(); ++i)
    for (std::size_t j = 0; j < x.size(); ++j) y[i] += A[i][j] * x[j];
  return y;
}
inline Q dot(const QVec& a, const QVec& b) {
  Q s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}
inline QMat scale(const QMat& A, const Q& s) {
  QMat B = A;
  for (auto& r : B)
    for (auto& v : r) v *= s;
  return B;
}

// Householder reflection I − 2vvᵀ/(vᵀv)
inline QMat householder(const QVec& v) {
  const int n = static_cast<int>(v.size());
  const Q vv = dot(v, v);
  QMat P = identity(n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) P[i][j] -= Q(2) * v[i] * v[j] / vv;
  return P;
}

// An orthogonal dyadic P for size n: two reflections with 2^k nonzero ±1 entries.
inline QMat test_orthogonal(int n) {
  int p2 = 1;
  while (p2 * 2 <= n) p2 *= 2;
  QVec v1(n, Q(0)), v2(n, Q(0));
  for (int i = 0; i < p2; ++i) v1[i] = (i % 3 == 1) ? -1 : 1;
  if (n >= 2) {
    v2[n - 1] = 1;
    v2[n / 2] = (n / 2 == n - 1) ? 1 : -1;
    if (n / 2 == n - 1) v2[0] = 1;
  } else {
    v2[0] = 1;
  }
  return mul(householder(v1), householder(v2));
}

inline QMat transpose(const QMat& A) {
  QMat T = zeros(static_cast<int>(A[0].size()), static_cast<int>(A.size()));
  for (std::size_t i = 0; i < A.size(); ++i)
    for (std::size_t j = 0; j < A[0].size(); ++j) T[j][i] = A[i][j];
  return T;
}

// P·diag(d)·Pᵀ
inline QMat with_eigenvalues(const std::vector<int>& d) {
  const int n = static_cast<int>(d.size());
  QMat P = test_orthogonal(n);
  QMat D = zeros(n, n);
  for (int i = 0; i < n; ++i) D[i][i] = d[i];
  return mul(mul(P, D), transpose(P));
}

inline Eigen::MatrixXd to_double(const QMat& A) {
  Eigen::MatrixXd M(A.size(), A[0].size());
  for (std::size_t i = 0; i < A.size(); ++i)
    for (std::size_t j = 0; j < A[0].size(); ++j) M(i, j) = static_cast<double>(A[i][j]);
  return M;
}
inline Eigen::VectorXd to_double(const QVec& v) {
  Eigen::VectorXd x(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) x[i] = static_cast<double>(v[i]);
  return x;
}
inline QVec to_rational(const Eigen::VectorXd& v) {
  QVec q(v.size());
  for (Eigen::Index i = 0; i < v.size(); ++i) q[i] = Q(v[i]);  // exact conversion
  return q;
}

struct Elimination {
  bool consistent = true;
  int rank = 0;
  QVec x;           // a solution with free variables 0
  QMat null_basis;  // columns as vectors
};

// Gauss–Jordan elimination of M x = rhs, exactly.
inline Elimination eliminate(QMat M, QVec rhs) {
  const int n = static_cast<int>(M.size()), m = static_cast<int>(M[0].size());
  std::vector<int> pivot_col;
  int row = 0;
  for (int col = 0; col < m && row < n; ++col) {
    int piv = -1;
    for (int i = row; i < n; ++i)
      if (M[i][col] != 0) {
        piv = i;
        break;
      }
    if (piv < 0) continue;
    std::swap(M[piv], M[row]);
    std::swap(rhs[piv], rhs[row]);
    const Q inv = Q(1) / M[row][col];
    for (int j = 0; j < m; ++j) M[row][j] *= inv;
    rhs[row] *= inv;
    for (int i = 0; i < n; ++i)
      if (i != row && M[i][col] != 0) {
        const Q f = M[i][col];
        for (int j = 0; j < m; ++j) M[i][j] -= f * M[row][j];
        rhs[i] -= f * rhs[row];
      }
    pivot_col.push_back(col);
    ++row;
  }
  Elimination e;
  e.rank = row;
  for (int i = row; i < n; ++i)
    if (rhs[i] != 0) e.consistent = false;
  e.x.assign(m, Q(0));
  for (int r = 0; r < row; ++r) e.x[pivot_col[r]] = rhs[r];
  std::vector<bool> is_pivot(m, false);
  for (int c : pivot_col) is_pivot[c] = true;
  for (int f = 0; f < m; ++f) {
    if (is_pivot[f]) continue;
    QVec v(m, Q(0));
    v[f] = 1;
    for (int r = 0; r < row; ++r) v[pivot_col[r]] = -M[r][f];
    e.null_basis.push_back(v);
  }
  return e;
}

// The least-norm solution of the consistent symmetric system Hx = rhs: x = Hy with H²y = rhs.
inline QVec least_norm_solution(const QMat& H, const QVec& rhs) {
  Elimination e = eliminate(mul(H, H), rhs);
  return mul(H, e.x);
}

// The orthogonal projection of b onto the null space of H.
inline QVec null_projection(const QMat& H, const QVec& b) {
  Elimination e = eliminate(H, QVec(H.size(), Q(0)));
  const int k = static_cast<int>(e.null_basis.size());
  const int n = static_cast<int>(b.size());
  if (k == 0) return QVec(n, Q(0));
  QMat G = zeros(k, k);
  QVec rhs(k);
  for (int i = 0; i < k; ++i) {
    rhs[i] = dot(e.null_basis[i], b);
    for (int j = 0; j < k; ++j) G[i][j] = dot(e.null_basis[i], e.null_basis[j]);
  }
  Elimination w = eliminate(G, rhs);
  QVec r(n, Q(0));
  for (int i = 0; i < k; ++i)
    for (int t = 0; t < n; ++t) r[t] += w.x[i] * e.null_basis[i][t];
  return r;
}

// max_i |a_i − b_i| / max(1, max_i |b_i|), with the reference exact
inline double rel_error(const Eigen::VectorXd& a, const QVec& ref) {
  Q scale = 1, err = 0;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    const Q d = abs(Q(a[static_cast<Eigen::Index>(i)]) - ref[i]);
    if (d > err) err = d;
    if (abs(ref[i]) > scale) scale = abs(ref[i]);
  }
  return static_cast<double>(err / scale);
}
inline double rel_error(double a, const Q& ref) {
  const Q s = abs(ref) > 1 ? abs(ref) : Q(1);
  return static_cast<double>(abs(Q(a) - ref) / s);
}

}  // namespace quadtest
