// The driver of the PETSc engine: builds the distributed form on every rank and turns the
// engine's plain-C results into numkit's MinimizeResult. Every step that can fail on one rank is
// followed by Engine::agree, so a bad input stops every rank with one message and no rank waits
// forever in a collective call.
#include "numkit/petsc/distributed.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <functional>

#include "numkit/core/error.hpp"
#include "numkit/core/number.hpp"
#include "numkit/core/reader.hpp"
#include "numkit/petsc/engine.hpp"
#include "numkit/petsc/matrix_market.hpp"

namespace numkit::petsc {

Backend parse_backend(const std::string& name) {
  if (name == "auto") return Backend::automatic;
  if (name == "native") return Backend::native;
  if (name == "petsc") return Backend::petsc;
  throw UsageError("--backend: unknown backend \"" + name + "\"; expected auto, native or petsc");
}

AmgKind parse_amg(const std::string& name) {
  if (name == "hypre" || name == "boomeramg") return AmgKind::hypre;
  if (name == "gamg") return AmgKind::gamg;
  throw UsageError("--amg: unknown multigrid \"" + name + "\"; expected hypre or gamg");
}

void AmgOptions::validate() const {
  if (strong_threshold && !(*strong_threshold >= 0 && *strong_threshold < 1))
    throw InputError("--amg-threshold: must be in [0, 1), got " + format_number(*strong_threshold));
  if (aggressive_levels && (*aggressive_levels < 0 || *aggressive_levels > 10))
    throw InputError("--amg-aggressive: must be between 0 and 10, got " +
                     std::to_string(*aggressive_levels));
  for (const auto* s : {&coarsen, &interp, &smoother})
    if (s->find_first_of(" \t\n'\"") != std::string::npos)
      throw InputError("--amg-*: names have no blanks or quotes, got \"" + *s + "\"");
}

void EngineOptions::validate(Eigen::Index n) const {
  if (!(tol > 0) || !std::isfinite(tol))
    throw InputError("--tol: must be finite and > 0, got " + format_number(tol));
  if (max_iter && *max_iter < 0)
    throw InputError("--max-iter: must be >= 0, got " + std::to_string(*max_iter));
  if (method != quad::Method::cg && method != quad::Method::pcg && method != quad::Method::direct)
    throw UsageError("--method " + quad::to_string(method) +
                     ": the PETSc backend runs cg, pcg and direct (use --backend native)");
  if (method == quad::Method::pcg && precond == quad::Precond::ichol)
    throw UsageError("--precond ichol: not on the PETSc backend (jacobi, amg or none)");
  amg.validate();
  if (x0) {
    if (x0->size() != n)
      throw InputError("--x0: has " + std::to_string(x0->size()) + " entries but A is " +
                       std::to_string(n) + "×" + std::to_string(n));
    if (!x0->allFinite()) throw InputError("--x0: entries must be finite");
  }
}

struct DistributedForm::Impl {
  const Engine* engine = nullptr;
  numkit_petsc_problem* problem = nullptr;
  int64_t begin = 0, end = 0;
  ~Impl() {
    if (problem) engine->api().destroy(problem);
  }
};

DistributedForm::DistributedForm() : impl_(std::make_unique<Impl>()) {}
DistributedForm::~DistributedForm() = default;
DistributedForm::DistributedForm(DistributedForm&&) noexcept = default;
DistributedForm& DistributedForm::operator=(DistributedForm&&) noexcept = default;

namespace {

// Runs a local step; any exception becomes this rank's error, agreed on by all ranks.
void step(const Engine& e, const std::function<void()>& fn) {
  std::string error;
  try {
    fn();
  } catch (const std::bad_alloc&) {
    error = "out of memory";
  } catch (const std::exception& ex) {
    error = ex.what();
  }
  e.agree(error);
}

std::string err_text(const char* err) {
  return std::string(err[0] ? err : "petsc engine: unknown error");
}

void check(int rc, const char* err) {
  if (rc) throw InputError(err_text(err));
}

// Creates the engine problem and checks that there are no more processes than rows.
void create_problem(const Engine& e, DistributedForm::Impl& impl, int64_t n, double scale,
                    const std::string& what) {
  if (n < e.size())
    throw InputError(what + ": " + std::to_string(n) + " rows for " + std::to_string(e.size()) +
                     " processes; run with at most " + std::to_string(std::max<int64_t>(n, 1)) +
                     " (each process needs at least one row)");
  char err[512] = {0};
  impl.engine = &e;
  step(e, [&] {
    impl.problem = e.api().create(n, scale, err, sizeof err);
    if (!impl.problem) throw InputError(err_text(err));
  });
  e.api().ownership(impl.problem, &impl.begin, &impl.end);
}

void add_entries(const Engine& e, DistributedForm::Impl& impl, const std::vector<int64_t>& rows,
                 const std::vector<int64_t>& cols, const std::vector<double>& values) {
  char err[512] = {0};
  check(e.api().add_entries(impl.problem, rows.data(), cols.data(), values.data(),
                            static_cast<int64_t>(values.size()), err, sizeof err),
        err);
}

void add_rhs(const Engine& e, DistributedForm::Impl& impl, const std::vector<int64_t>& idx,
             const std::vector<double>& values) {
  char err[512] = {0};
  check(e.api().add_rhs(impl.problem, idx.data(), values.data(),
                        static_cast<int64_t>(values.size()), err, sizeof err),
        err);
}

void assemble(const Engine& e, DistributedForm::Impl& impl, bool check_symmetry, bool& symmetrized,
              double& asym) {
  char err[512] = {0};
  int sym = 0;
  double a = 0;
  const int rc = e.api().assemble(impl.problem, check_symmetry ? 1 : 0, &sym, &a, err, sizeof err);
  // the assembly is collective and fails on every rank together
  if (rc) throw InputError(err_text(err));
  symmetrized = sym != 0;
  asym = a;
}

// Reads a Matrix Market file in parallel: every rank parses its byte range, the line numbers of
// an error are counted across ranks, and the entry count is checked against the size line.
struct ParallelMtx {
  MtxHeader header;
  MtxPart part;
};

ParallelMtx read_parallel(const Engine& e, const std::string& path, bool allow_nonfinite) {
  ParallelMtx out;
  step(e, [&] { out.header = read_mtx_header(path); });
  const MtxHeader& h = out.header;
  std::string local_error;
  std::optional<MappedFile> file;
  step(e, [&] { file.emplace(path); });
  if (file->size() != h.file_size)
    local_error = path + ": the file changed while it was being read";
  e.agree(local_error);
  const auto [begin, end] = mtx_byte_range(h, e.rank(), e.size());
  step(e, [&] { out.part = parse_mtx_part(h, file->data(), begin, end, allow_nonfinite); });
  // global line numbers: the size line, then the lines of the earlier ranks
  const int64_t first_line = h.size_line + 1 + e.exscan(out.part.lines);
  // the first error in file order is the lowest rank's
  e.agree(out.part.error ? mtx_error_text(h, first_line, *out.part.error) : std::string());
  const int64_t total = e.sum(out.part.stored);
  if (total != h.entries)
    e.agree(path + ": the size line (line " + std::to_string(h.size_line) + ") declares " +
            std::to_string(h.entries) + " entries but the file has " + std::to_string(total));
  if (!h.coordinate) {
    const int64_t first = e.exscan(out.part.stored);
    mtx_place_array_values(h, first, out.part);
  }
  mtx_expand_symmetric(h, out.part);
  return out;
}

// b: a Matrix Market file in parallel, anything else read by rank 0; empty: zero.
void load_rhs(const Engine& e, DistributedForm::Impl& impl, const std::string& b_spec, int64_t n,
              const std::string& what_A, bool ones_if_empty) {
  if (b_spec.empty()) {
    if (!ones_if_empty) return;
    std::vector<int64_t> idx;
    std::vector<double> v;
    for (int64_t i = impl.begin; i < impl.end; ++i) {
      idx.push_back(i);
      v.push_back(1.0);
    }
    step(e, [&] { add_rhs(e, impl, idx, v); });
    return;
  }
  const bool mtx = b_spec.size() > 4 && b_spec.compare(b_spec.size() - 4, 4, ".mtx") == 0;
  if (mtx) {
    ParallelMtx b = read_parallel(e, b_spec, false);
    const auto& h = b.header;
    std::string local_error;
    if (h.rows != 1 && h.cols != 1)
      local_error = b_spec + ": expected a vector (one row or one column), found a " +
                    std::to_string(h.rows) + "×" + std::to_string(h.cols) + " matrix";
    else if (std::max(h.rows, h.cols) != n)
      local_error = "-b: has " + std::to_string(std::max(h.rows, h.cols)) + " entries but " +
                    what_A + " is " + std::to_string(n) + "×" + std::to_string(n);
    e.agree(local_error);
    std::vector<int64_t> idx(b.part.values.size());
    for (std::size_t k = 0; k < idx.size(); ++k)
      idx[k] = h.cols == 1 ? b.part.rows[k] : b.part.cols[k];
    step(e, [&] { add_rhs(e, impl, idx, b.part.values); });
    return;
  }
  std::vector<int64_t> idx;
  std::vector<double> v;
  step(e, [&] {
    if (!e.root()) return;
    Eigen::VectorXd b = read_vector(b_spec, "-b");
    require_vector_size(b, "-b", n, what_A);
    for (Eigen::Index i = 0; i < b.size(); ++i) {
      idx.push_back(i);
      v.push_back(b[i]);
    }
    add_rhs(e, impl, idx, v);
  });
}

}  // namespace

void laplacian_rows(int dims, long n, int64_t begin, int64_t end, std::vector<int64_t>& rows,
                    std::vector<int64_t>& cols, std::vector<double>& values) {
  const int64_t nx = n, ny = n, nz = dims == 3 ? n : 1;
  const double diag = dims == 3 ? 6.0 : 4.0;
  const int64_t sy = nx, sz = nx * ny;
  const std::size_t reserve = static_cast<std::size_t>(end - begin) * (dims == 3 ? 7 : 5);
  rows.reserve(rows.size() + reserve);
  cols.reserve(cols.size() + reserve);
  values.reserve(values.size() + reserve);
  for (int64_t r = begin; r < end; ++r) {
    const int64_t i = r % nx, j = (r / nx) % ny, k = r / sz;
    auto add = [&](int64_t c, double v) {
      rows.push_back(r);
      cols.push_back(c);
      values.push_back(v);
    };
    if (k > 0) add(r - sz, -1);
    if (j > 0) add(r - sy, -1);
    if (i > 0) add(r - 1, -1);
    add(r, diag);
    if (i < nx - 1) add(r + 1, -1);
    if (j < ny - 1) add(r + sy, -1);
    if (k < nz - 1) add(r + sz, -1);
  }
}

DistributedForm DistributedForm::from_form(const quad::QuadForm& form) {
  const Engine& e = engine();
  DistributedForm d;
  d.n_ = form.size();
  d.conv_ = form.convention();
  d.c_ = form.c();
  d.source_ = "A";
  create_problem(e, *d.impl_, d.n_, 1.0, "A");  // the form already holds H = scale·A
  step(e, [&] {
    if (!e.root()) return;
    std::vector<int64_t> rows, cols, idx;
    std::vector<double> vals, bv;
    if (form.is_sparse()) {
      const auto& H = form.sparse_hessian();
      rows.reserve(static_cast<std::size_t>(H.nonZeros()));
      cols.reserve(rows.capacity());
      vals.reserve(rows.capacity());
      for (Eigen::Index j = 0; j < H.outerSize(); ++j)
        for (quad::SparseMatrix::InnerIterator it(H, j); it; ++it) {
          rows.push_back(it.row());
          cols.push_back(it.col());
          vals.push_back(it.value());
        }
    } else {
      const auto& H = form.dense_hessian();
      for (Eigen::Index j = 0; j < H.cols(); ++j)
        for (Eigen::Index i = 0; i < H.rows(); ++i)
          if (H(i, j) != 0) {
            rows.push_back(i);
            cols.push_back(j);
            vals.push_back(H(i, j));
          }
    }
    add_entries(e, *d.impl_, rows, cols, vals);
    for (Eigen::Index i = 0; i < form.b().size(); ++i)
      if (form.b()[i] != 0) {
        idx.push_back(i);
        bv.push_back(form.b()[i]);
      }
    add_rhs(e, *d.impl_, idx, bv);
  });
  // a QuadForm's H is symmetric (its constructor took the symmetric part)
  step(e, [&] { assemble(e, *d.impl_, false, d.symmetrized_, d.asymmetry_); });
  d.symmetrized_ = form.symmetrized();
  d.asymmetry_ = form.asymmetry();
  return d;
}

DistributedForm DistributedForm::from_matrix_market(const std::string& A_path,
                                                    const std::string& b_spec, double c,
                                                    quad::Convention conv) {
  const Engine& e = engine();
  DistributedForm d;
  d.conv_ = conv;
  d.c_ = c;
  d.source_ = A_path;
  ParallelMtx A = read_parallel(e, A_path, false);
  if (A.header.rows != A.header.cols)
    e.agree(A_path + ": A must be square, got " + std::to_string(A.header.rows) + "×" +
            std::to_string(A.header.cols));
  if (A.header.rows == 0) e.agree(A_path + ": empty input, expected a matrix");
  d.n_ = A.header.rows;
  std::string local;
  for (double v : A.part.values)
    if (!std::isfinite(v)) {
      local = A_path + ": A has a non-finite entry";
      break;
    }
  e.agree(local);
  create_problem(e, *d.impl_, d.n_, conv == quad::Convention::full ? 2.0 : 1.0, A_path);
  step(e, [&] { add_entries(e, *d.impl_, A.part.rows, A.part.cols, A.part.values); });
  A.part = MtxPart();  // the engine holds its own copy
  load_rhs(e, *d.impl_, b_spec, d.n_, A_path, false);
  const bool symmetric_file = A.header.symmetric;
  step(e, [&] { assemble(e, *d.impl_, !symmetric_file, d.symmetrized_, d.asymmetry_); });
  return d;
}

DistributedForm DistributedForm::generate(const quad::TestProblemSpec& spec,
                                          const std::string& b_spec, double c,
                                          quad::Convention conv) {
  const Engine& e = engine();
  DistributedForm d;
  d.conv_ = conv;
  d.c_ = c;
  const std::string kind(quad::to_string(spec.kind));
  d.source_ = kind;
  const long n = spec.n;
  const int dims = spec.kind == quad::TestProblem::laplace2d   ? 2
                   : spec.kind == quad::TestProblem::laplace3d ? 3
                                                               : 0;
  const long limit = dims == 2 ? 46340 : dims == 3 ? 1290 : 20000;
  if (n < 1 || n > limit)
    throw InputError("--n: must be between 1 and " + std::to_string(limit) + ", got " +
                     std::to_string(n));
  d.n_ = dims == 0 ? n : dims == 2 ? int64_t{n} * n : int64_t{n} * n * n;
  create_problem(e, *d.impl_, d.n_, conv == quad::Convention::full ? 2.0 : 1.0, kind);
  step(e, [&] {
    std::vector<int64_t> rows, cols;
    std::vector<double> vals;
    if (dims > 0) {
      laplacian_rows(dims, n, d.impl_->begin, d.impl_->end, rows, cols, vals);
    } else {
      const Eigen::MatrixXd A = quad::random_spd(n, spec.cond, spec.seed);  // same on every rank
      for (int64_t i = d.impl_->begin; i < d.impl_->end; ++i)
        for (Eigen::Index j = 0; j < A.cols(); ++j) {
          rows.push_back(i);
          cols.push_back(j);
          vals.push_back(A(i, j));
        }
    }
    add_entries(e, *d.impl_, rows, cols, vals);
  });
  load_rhs(e, *d.impl_, b_spec, d.n_, kind, true);
  // the Laplacians are symmetric by construction; random-spd is only up to rounding
  step(e, [&] { assemble(e, *d.impl_, dims == 0, d.symmetrized_, d.asymmetry_); });
  return d;
}

EngineReport DistributedForm::minimize(const EngineOptions& opts) const {
  const Engine& e = *impl_->engine;
  step(e, [&] { opts.validate(static_cast<Eigen::Index>(n_)); });
  numkit_petsc_solve_options o{};
  o.method = opts.method == quad::Method::direct ? NUMKIT_PETSC_DIRECT
             : opts.method == quad::Method::cg   ? NUMKIT_PETSC_CG
                                                 : NUMKIT_PETSC_PCG;
  o.precond = opts.precond == quad::Precond::jacobi ? NUMKIT_PETSC_PC_JACOBI
              : opts.precond == quad::Precond::none ? NUMKIT_PETSC_PC_NONE
              : opts.amg.kind == AmgKind::gamg      ? NUMKIT_PETSC_PC_GAMG
                                                    : NUMKIT_PETSC_PC_HYPRE;
  o.tol = opts.tol;
  o.max_iter = opts.max_iter ? *opts.max_iter : 10 * n_ + 1000;
  o.strong_threshold = opts.amg.strong_threshold.value_or(-1);
  o.aggressive_levels = opts.amg.aggressive_levels.value_or(-1);
  o.coarsen_type = opts.amg.coarsen.empty() ? nullptr : opts.amg.coarsen.c_str();
  o.interp_type = opts.amg.interp.empty() ? nullptr : opts.amg.interp.c_str();
  o.relax_type = opts.amg.smoother.empty() ? nullptr : opts.amg.smoother.c_str();
  o.petsc_options = opts.petsc_options.empty() ? nullptr : opts.petsc_options.c_str();
  struct TraceCtx {
    const EngineOptions* opts;
    double c;
  } tctx{&opts, c_};
  if (opts.trace) {
    o.trace = [](void* ctx, int64_t k, double f, double g, double s) {
      auto* t = static_cast<TraceCtx*>(ctx);
      if (t->opts->trace) t->opts->trace(quad::TraceRow{static_cast<long>(k), f + t->c, g, s});
    };
    o.trace_ctx = &tctx;
  }
  const int64_t m = impl_->end - impl_->begin;
  std::vector<double> x_local(static_cast<std::size_t>(m), 0.0), dir_local(x_local.size(), 0.0);
  if (opts.x0) {
    o.have_x0 = 1;
    for (int64_t i = 0; i < m; ++i)
      x_local[static_cast<std::size_t>(i)] = (*opts.x0)[impl_->begin + i];
  }
  numkit_petsc_solve_result r{};
  char err[512] = {0};
  const int rc =
      e.api().solve(impl_->problem, &o, &r, x_local.data(), dir_local.data(), err, sizeof err);
  // a failed solve fails on every rank (PETSc errors in collective calls are collective)
  int64_t failed = e.max(rc != 0 ? 1 : 0);
  if (failed)
    e.agree(rc ? err_text(err) : std::string("petsc engine: a solve failed on another process"));

  EngineReport rep;
  rep.processes = e.size();
  rep.petsc_version = e.petsc_version();
  rep.preconditioner = r.preconditioner;
  rep.setup_seconds = r.setup_seconds;
  rep.solve_seconds = r.solve_seconds;
  if (r.inertia[0] >= 0)
    rep.inertia = std::array<int64_t, 3>{r.inertia[0], r.inertia[1], r.inertia[2]};
  auto& res = rep.result;
  res.method = opts.method;
  res.precond = opts.method == quad::Method::pcg ? opts.precond : quad::Precond::none;
  res.iterations = static_cast<long>(r.iterations);
  res.relative_residual = r.relative_residual;
  res.f = r.f_minus_c + c_;
  res.reason = r.reason;
  res.seconds = r.setup_seconds + r.solve_seconds;
  switch (r.status) {
    case NUMKIT_PETSC_CONVERGED:
      res.status = quad::Status::converged;
      res.reason.clear();
      break;
    case NUMKIT_PETSC_MAX_ITER:
      res.status = quad::Status::max_iterations;
      break;
    case NUMKIT_PETSC_NOT_POSITIVE_DEFINITE:
      res.status = quad::Status::not_positive_definite;
      break;
    case NUMKIT_PETSC_NO_MINIMUM:
      res.status = quad::Status::no_minimum;
      break;
    default:
      res.status = quad::Status::undetermined;
      break;
  }
  const bool want_dir = e.max(r.have_direction) != 0;
  if (opts.gather_x || want_dir) {
    Eigen::VectorXd x = e.root() ? Eigen::VectorXd(n_) : Eigen::VectorXd();
    if (opts.gather_x) {
      e.api().gather(impl_->problem, x_local.data(), e.root() ? x.data() : nullptr);
      if (e.root()) res.x = std::move(x);
    }
    if (want_dir) {
      Eigen::VectorXd dvec = e.root() ? Eigen::VectorXd(n_) : Eigen::VectorXd();
      e.api().gather(impl_->problem, dir_local.data(), e.root() ? dvec.data() : nullptr);
      if (e.root()) res.direction = std::move(dvec);
    }
  }
  double mine = 0;
  e.api().peak_memory(&mine, &rep.peak_bytes_all, &rep.peak_bytes_max_rank);
  return rep;
}

EngineAnalysis DistributedForm::analyze(const std::string& petsc_options) const {
  EngineOptions eo;
  eo.method = quad::Method::direct;
  eo.precond = quad::Precond::none;
  eo.petsc_options = petsc_options;
  eo.gather_x = true;  // n doubles on rank 0: little beside the LDLᵀ factor the analysis needs
  EngineReport r = minimize(eo);
  EngineAnalysis out;
  out.processes = r.processes;
  out.petsc_version = r.petsc_version;
  out.solver = r.preconditioner;
  out.setup_seconds = r.setup_seconds;
  out.solve_seconds = r.solve_seconds;
  out.peak_bytes_all = r.peak_bytes_all;
  out.peak_bytes_max_rank = r.peak_bytes_max_rank;
  quad::Analysis& a = out.analysis;
  a.n = static_cast<Eigen::Index>(n_);
  a.rank_by_threshold = false;
  a.method = "inertia from the pivots of MUMPS's LDLᵀ factorization (PETSc engine)";
  a.undetermined.push_back({"extreme eigenvalues and condition number",
                            "the PETSc engine computes the inertia of A, not its eigenvalues"});
  const quad::MinimizeResult& m = r.result;
  if (!r.inertia) {  // the factorization failed: nothing about A is known
    a.cls = quad::FormClass::undetermined;
    a.undetermined.push_back({"inertia and stationary points", m.reason});
    return out;
  }
  const auto [neg, zero, pos] = *r.inertia;
  if (zero == 0) {
    // no null pivot: Sylvester's law of inertia gives the counts, and A is nonsingular
    a.positive = pos;
    a.negative = neg;
    a.zero = 0;
    a.cls = quad::classify(pos, neg, 0);
    quad::fill_stationary(a, true);
    if (m.x.size() == a.n) {  // rank 0
      a.point = m.x;
      a.value = m.f;
    }
  } else {
    // MUMPS's null pivots count at its own pivot threshold, not at a stated tolerance on the
    // eigenvalues, and no null space is computed: rank, range and the stationary set stay open
    a.cls = neg == 0   ? quad::FormClass::positive_semidefinite
            : pos == 0 ? quad::FormClass::negative_semidefinite
                       : quad::FormClass::indefinite;
    const std::string why = "MUMPS's LDLᵀ factorization met " + std::to_string(zero) +
                            (zero == 1 ? " null pivot" : " null pivots") +
                            " (at its own pivot threshold); the PETSc engine computes no null "
                            "space";
    a.undetermined.push_back({"rank and inertia", why});
    a.undetermined.push_back({"stationary points", "they depend on the rank and the range"});
    a.stationary = quad::Stationary::undetermined;
    if (neg > 0) a.bounded_below = quad::Answer::no;
    if (pos > 0) a.bounded_above = quad::Answer::no;
  }
  if (neg > 0 && m.direction && m.direction->size() == a.n) {
    a.descent_direction = *m.direction;
    a.descent_kind = "negative curvature";
  }
  return out;
}

}  // namespace numkit::petsc
