#pragma once
// One reader harness per format, through the public reader API: the bytes become an inline spec
// or a file with the format's extension; read_matrix_any, read_matrix and read_vector must give
// a matrix whose shape matches its entries, or an InputError.
#include <cmath>

#include "fuzz_support.hpp"
#include "numkit/core/reader.hpp"

namespace numkit::fuzz {

inline void check_matrix(const MatrixInput& m) {
  if (m.rows() < 0 || m.cols() < 0) fail("negative shape");
  if (m.is_sparse) {
    if (m.sparse.rows() != m.rows()) fail("sparse shape");
    for (int k = 0; k < m.sparse.outerSize(); ++k)
      for (Eigen::SparseMatrix<double>::InnerIterator it(m.sparse, k); it; ++it)
        if (!std::isfinite(it.value())) fail("a non-finite entry was accepted by default");
  } else {
    for (Eigen::Index i = 0; i < m.dense.size(); ++i)
      if (!std::isfinite(m.dense.data()[i])) fail("a non-finite entry was accepted by default");
  }
}

inline void read_all_ways(const std::string& spec) {
  expect_result_or_input_error([&] { check_matrix(read_matrix_any(spec, "-A")); });
  expect_result_or_input_error([&] { (void)read_vector(spec, "-b"); });
  expect_result_or_input_error([&] {
    ReadOptions o;
    o.allow_nonfinite = true;
    (void)read_matrix(spec, "-A", o);
  });
}

}  // namespace numkit::fuzz
