#pragma once
// One reader for vectors and matrices, used by every command.
//
// A spec is one of:
//  - an inline literal: `[[3,2],[2,6]]`, `3 2; 2 6`, `[1,-2]`, `1,-2`, `1 -2`
//  - a file path, format by extension: .csv, .txt/.dat (whitespace separated), .mtx (Matrix Market
//    coordinate or array; real or integer; general, symmetric or skew-symmetric), .json (nested
//    arrays)
//  - `-`: standard input, format sniffed unless ReadOptions::format says otherwise
// Errors are InputError with the source and position: `A.csv:3:7: expected a number, found "2,,5"`.
#include <Eigen/Dense>
#include <Eigen/Sparse>
#include <string>
#include <string_view>
#include "numkit/core/output_file.hpp"

namespace numkit {

enum class InputFormat { automatic, literal, csv, whitespace, matrix_market, json };

// Parses `csv|txt|whitespace|mtx|matrix-market|json|auto`; throws UsageError otherwise.
InputFormat parse_input_format(std::string_view name);

struct ReadOptions {
  InputFormat format = InputFormat::automatic;
  bool allow_nonfinite = false;  // NaN/Inf are refused unless a command allows them
};

// A matrix as read: Matrix Market coordinate files stay sparse, everything else is dense.
struct MatrixInput {
  bool is_sparse = false;
  Eigen::MatrixXd dense;
  Eigen::SparseMatrix<double> sparse;
  std::string source;  // "A.csv", "<stdin>", "the -A argument"
  Eigen::Index rows() const { return is_sparse ? sparse.rows() : dense.rows(); }
  Eigen::Index cols() const { return is_sparse ? sparse.cols() : dense.cols(); }
};

// `what` names the input in messages when it is inline (e.g. "-A").
MatrixInput read_matrix_any(std::string_view spec, std::string_view what, const ReadOptions& = {});
Eigen::MatrixXd read_matrix(std::string_view spec, std::string_view what, const ReadOptions& = {});
Eigen::SparseMatrix<double> read_sparse_matrix(std::string_view spec, std::string_view what,
                                               const ReadOptions& = {});
// A vector: a single row or a single column.
Eigen::VectorXd read_vector(std::string_view spec, std::string_view what, const ReadOptions& = {});

// Shape checks with the project's messages.
void require_square(const MatrixInput& m, std::string_view what);
void require_square(const Eigen::MatrixXd& m, std::string_view what);
// "b has 3 entries but A is 2×2"
void require_vector_size(const Eigen::VectorXd& v, std::string_view vname, Eigen::Index n,
                         std::string_view mname);

// Reads all of a file or stdin ("-") into a string; InputError if it cannot be opened.
std::string read_source_text(std::string_view spec);
// write_file_atomically(path, contents) lives in output_file.hpp (the one atomic writer).

// Writes a sparse or dense matrix in Matrix Market format (coordinate, real; general or symmetric).
std::string to_matrix_market(const Eigen::SparseMatrix<double>& m, bool symmetric_lower_only);

}  // namespace numkit
