// numkit quad: analyze, minimize and generate quadratic forms f(x) = xᵀAx + bᵀx + c.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <sstream>

#include "common/command.hpp"
#include "numkit/core/number.hpp"
#include "numkit/core/reader.hpp"
#include "numkit/expr/quadratic.hpp"
#include "numkit/quad/quadratic.hpp"

namespace numkit::cli {
namespace {

using io::Json;
using quad::QuadForm;

constexpr Eigen::Index kMaxPrintedVector = 1000;  // longer vectors: --x-out FILE

// ---- input ------------------------------------------------------------------------------------

struct FormInput {
  std::string A, b, c, expr, vars;
  bool half = false;
};

void add_form_options(CLI::App* cmd, FormInput& in) {
  cmd->add_option("-A,--matrix", in.A,
                  "the matrix A: inline ([[3,2],[2,6]] or \"3 2; 2 6\"), a file (.csv .txt .mtx "
                  ".json; .mtx coordinate files stay sparse) or - for stdin")
      ->type_name("MATRIX");
  cmd->add_option("-b,--vector", in.b, "the vector b (default 0): inline (1,-2) or a file")
      ->type_name("VECTOR");
  cmd->add_option("-c,--constant", in.c, "the constant c (default 0)")->type_name("NUMBER");
  cmd->add_option("--expr", in.expr,
                  "the polynomial itself, e.g. \"3*x^2+2*x*y+6*y^2-2*x+8*y+1\"; A, b and c are "
                  "read off exactly; refused unless of degree <= 2")
      ->type_name("POLYNOMIAL");
  cmd->add_option("--vars", in.vars, "with --expr: the order of the variables, e.g. x,y")
      ->type_name("NAMES");
  cmd->add_flag("--half", in.half,
                "use the convention f(x) = ½xᵀAx + bᵀx + c (gradient Ax + b) of the "
                "conjugate-gradient literature");
}

std::vector<std::string> split_names(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : text) {
    if (ch == ',' || ch == ' ') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::string input_name(const MatrixInput& m, const std::string& flag) {
  if (m.source.empty() || m.source.rfind("the ", 0) == 0) return flag;
  return m.source;
}

QuadForm load_form(const FormInput& in) {
  if (!in.expr.empty()) {
    if (!in.A.empty() || !in.b.empty() || !in.c.empty())
      throw UsageError("--expr: cannot be combined with -A, -b or -c");
    if (in.half)
      throw UsageError("--half: cannot be combined with --expr (the polynomial fixes f)");
    auto q = expr::extract_quadratic(in.expr, split_names(in.vars));
    QuadForm form(q.A, q.b, q.c, quad::Convention::full, "--expr", "--expr");
    form.variables = q.variables;
    return form;
  }
  if (!in.vars.empty()) throw UsageError("--vars: only with --expr");
  if (in.A.empty())
    throw UsageError(
        "give the matrix with -A MATRIX (and -b VECTOR, -c NUMBER) or the "
        "polynomial with --expr");
  MatrixInput m = read_matrix_any(in.A, "-A");
  const std::string what_A = input_name(m, "-A");
  require_square(m, what_A);
  const Eigen::Index n = m.rows();
  Eigen::VectorXd b;
  if (!in.b.empty()) {
    b = read_vector(in.b, "-b");
    require_vector_size(b, "-b", n, what_A);
  }
  const double c = in.c.empty() ? 0.0 : parse_double(in.c, "-c");
  const auto conv = in.half ? quad::Convention::half : quad::Convention::full;
  if (m.is_sparse) return QuadForm(std::move(m.sparse), std::move(b), c, conv, what_A, "-b");
  return QuadForm(std::move(m.dense), std::move(b), c, conv, what_A, "-b");
}

// ---- report pieces ----------------------------------------------------------------------------

Json vec_json(const Eigen::VectorXd& v) {
  Json a = Json::array();
  for (Eigen::Index i = 0; i < v.size(); ++i) a.push_back(v[i] == 0 ? 0.0 : v[i]);  // no -0
  return a;
}

std::string convention_text(const QuadForm& f) {
  return f.convention() == quad::Convention::half ? "f(x) = 1/2 x'Ax + b'x + c"
                                                  : "f(x) = x'Ax + b'x + c";
}

void describe_form(Json& d, io::Report& rep, const QuadForm& form) {
  d["n"] = form.size();
  d["convention"] = convention_text(form);
  if (!form.variables.empty()) d["variables"] = form.variables;
  if (form.symmetrized()) {
    d["symmetrized"] = true;
    rep.notes.push_back(
        "A is not symmetric: its symmetric part (A + Aᵀ)/2 is used (max |A − Aᵀ|/2 = " +
        io::shortest(form.asymmetry()) + ")");
  }
}

std::string point_text(const Eigen::VectorXd& x, const std::vector<std::string>& vars, int digits) {
  if (x.size() > 10) return "the point above (--x-out FILE writes it)";
  std::string s = "(";
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    if (i) s += ", ";
    if (!vars.empty()) s += vars[i] + " = ";
    s += io::with_digits(x[i] == 0 ? 0.0 : x[i], digits);
  }
  return s + ")";
}

void put_vector(Json& d, const std::string& key, const Eigen::VectorXd& v, io::Report& rep,
                bool& omitted) {
  if (v.size() <= kMaxPrintedVector) {
    d[key] = vec_json(v);
  } else if (!omitted) {
    omitted = true;
    rep.notes.push_back("vectors of more than " + std::to_string(kMaxPrintedVector) +
                        " entries are not printed; write them with --x-out FILE");
  }
}

// ---- analyze ----------------------------------------------------------------------------------

struct AnalyzeCli {
  FormInput in;
  double rank_tol = 0;
  std::string x_out;
  OutputOptions out;
};

std::string stationary_key(quad::Stationary s) {
  switch (s) {
    case quad::Stationary::unique_minimum:
      return "minimizer";
    case quad::Stationary::unique_maximum:
      return "maximizer";
    case quad::Stationary::saddle:
      return "saddle_point";
    case quad::Stationary::affine_minimum:
      return "minimizer";
    case quad::Stationary::affine_maximum:
      return "maximizer";
    case quad::Stationary::affine_saddle:
      return "saddle_point";
    case quad::Stationary::none:
      return "point";
  }
  return "point";
}

io::Report analysis_report(const QuadForm& form, const quad::Analysis& a, int digits,
                           const std::string& x_out) {
  io::Report rep;
  Json& d = rep.data;
  describe_form(d, rep, form);
  d["class"] = quad::to_string(a.cls);
  if (a.all_eigenvalues && a.n <= 200) {
    d["eigenvalues"] = Json::array();
    for (double l : a.eigenvalues) d["eigenvalues"].push_back(l == 0 ? 0.0 : l);
  }
  if (a.lambda_min) d["smallest_eigenvalue"] = *a.lambda_min;
  if (a.lambda_max) d["largest_eigenvalue"] = *a.lambda_max;
  if (!a.all_eigenvalues && !(a.lambda_min && a.lambda_max)) {
    if (a.largest_magnitude) d["largest_magnitude_eigenvalue"] = *a.largest_magnitude;
    if (a.smallest_magnitude) d["smallest_magnitude_eigenvalue"] = *a.smallest_magnitude;
  }
  d["rank"] = a.rank;
  d["rank_tolerance"] = a.rank_threshold;
  d["positive_eigenvalues"] = a.positive;
  d["negative_eigenvalues"] = a.negative;
  d["zero_eigenvalues"] = a.zero;
  d["condition_number"] = a.condition;
  d["stationary"] = quad::to_string(a.stationary);
  bool omitted = false;
  const std::string key = stationary_key(a.stationary);
  if (a.point) put_vector(d, key, *a.point, rep, omitted);
  if (a.value) {
    const std::string vkey = a.stationary == quad::Stationary::unique_minimum ||
                                     a.stationary == quad::Stationary::affine_minimum
                                 ? "minimum"
                             : a.stationary == quad::Stationary::unique_maximum ||
                                     a.stationary == quad::Stationary::affine_maximum
                                 ? "maximum"
                                 : "saddle_value";
    d[vkey] = *a.value;
  }
  if (a.set_dimension > 0) d["set_dimension"] = a.set_dimension;
  d["bounded_below"] = a.bounded_below;
  d["bounded_above"] = a.bounded_above;
  if (a.descent_direction) {
    put_vector(d, "descent_direction", *a.descent_direction, rep, omitted);
    d["descent_kind"] = a.descent_kind;
  }
  if (!x_out.empty() && a.point) d["written"] = x_out;
  // the story in words
  const auto& vars = form.variables;
  switch (a.stationary) {
    case quad::Stationary::unique_minimum:
      rep.notes.push_back("f has a unique minimum " + io::with_digits(*a.value, digits) + " at " +
                          point_text(*a.point, vars, digits));
      break;
    case quad::Stationary::unique_maximum:
      rep.notes.push_back("f has a unique maximum " + io::with_digits(*a.value, digits) + " at " +
                          point_text(*a.point, vars, digits) + " and no minimum");
      break;
    case quad::Stationary::saddle:
      rep.notes.push_back("f has a saddle point at " + point_text(*a.point, vars, digits) +
                          " (value " + io::with_digits(*a.value, digits) +
                          ") and neither a minimum nor a maximum");
      break;
    case quad::Stationary::affine_minimum:
      rep.notes.push_back("f attains its minimum " + io::with_digits(*a.value, digits) +
                          " on an affine set of dimension " + std::to_string(a.set_dimension) +
                          "; the minimizer of least norm is shown");
      break;
    case quad::Stationary::affine_maximum:
      rep.notes.push_back("f attains its maximum " + io::with_digits(*a.value, digits) +
                          " on an affine set of dimension " + std::to_string(a.set_dimension) +
                          "; the maximizer of least norm is shown; f has no minimum");
      break;
    case quad::Stationary::affine_saddle:
      rep.notes.push_back("f is stationary on an affine set of dimension " +
                          std::to_string(a.set_dimension) +
                          " of saddle points (least-norm one shown); no minimum or maximum");
      break;
    case quad::Stationary::none:
      if (a.cls == quad::FormClass::zero || a.zero > 0)
        rep.notes.push_back(
            "b is not in the range of A: f has no stationary point and is unbounded");
      else
        rep.notes.push_back("f has no stationary point");
      break;
  }
  if (a.descent_direction && a.descent_direction->size() <= 10)
    rep.notes.push_back("f → −∞ along the direction " +
                        point_text(*a.descent_direction, {}, digits) + " (" + a.descent_kind + ")");
  rep.notes.push_back("eigenvalues with |λ| <= " + io::with_digits(a.rank_threshold, 3) + " (" +
                      io::with_digits(a.rank_tol_relative, 3) +
                      "·max|λ|, set by --rank-tol) count as zero");
  return rep;
}

int run_analyze(const AnalyzeCli& o) {
  QuadForm form = load_form(o.in);
  quad::AnalyzeOptions ao;
  ao.rank_tol = o.rank_tol;
  quad::Analysis a = quad::analyze(form, ao);
  for (const auto& w : a.warnings) warn(w);
  if (!o.x_out.empty() && a.point) quad::write_vector(*a.point, o.x_out);
  return emit(analysis_report(form, a, o.out.digits, o.x_out), o.out);
}

void setup_analyze(CLI::App* quad_cmd) {
  auto o = std::make_shared<AnalyzeCli>();
  auto* cmd = quad_cmd->add_subcommand(
      "analyze",
      "classify f(x) = xᵀAx + bᵀx + c: eigenvalues, definiteness, rank, condition number and its "
      "stationary points (unique minimum/maximum, saddle, affine set of minimizers, or a "
      "direction along which f is unbounded)");
  add_form_options(cmd, o->in);
  cmd->add_option("--rank-tol", o->rank_tol,
                  "relative tolerance: eigenvalues with |λ| <= tol·max|λ| count as zero "
                  "(default n·ε, as LAPACK and NumPy)")
      ->type_name("TOL");
  cmd->add_option("--x-out", o->x_out,
                  "also write the stationary point to FILE (Matrix Market array)")
      ->type_name("FILE");
  add_output_options(*cmd, o->out);
  cmd->footer(
      "Accuracy: dense A: LAPACK dsyevd eigenvalues (absolute error about n·ε·max|λ|); the\n"
      "stationary point from the eigen-decomposition with one refinement step (relative error\n"
      "about cond(A)·ε). Sparse A (.mtx) with n > 2000: inertia from LDLᵀ pivots, extreme\n"
      "eigenvalues by Lanczos (Spectra, relative tolerance 1e-10).\n\n"
      "Examples:\n"
      "  numkit quad analyze -A \"[[3,2],[2,6]]\" -b \"[-2,8]\" --half\n"
      "  numkit quad analyze --expr \"3*x^2+2*x*y+6*y^2-2*x+8*y+1\"\n"
      "  numkit quad analyze -A \"[[1,1],[1,1]]\" -b \"[1,-1]\" --json\n"
      "  numkit quad analyze -A \"[[1,2],[2,1]]\"");
  bind_run<AnalyzeCli>(cmd, o, run_analyze);
}

// ---- minimize ---------------------------------------------------------------------------------

struct MinimizeCli {
  FormInput in;
  std::string methods = "direct";
  std::string precond = "jacobi";
  std::string x0;
  double tol = 1e-10;
  long max_iter = -1;
  std::string lr;
  double rank_tol = 0;
  int threads = 0;
  std::string trace;
  std::string x_out;
  bool timing = false;
  OutputOptions out;
};

struct TraceSink {
  std::unique_ptr<std::ofstream> file;
  std::unique_ptr<io::RowStream> rows;
  std::string method;
};

std::unique_ptr<TraceSink> open_trace(const std::string& spec, const OutputOptions& out) {
  if (spec.empty()) return nullptr;
  auto sink = std::make_unique<TraceSink>();
  io::RenderOptions ro;
  ro.format = io::Format::csv;
  std::ostream* os = &std::cout;
  if (spec == "-") {
    if (out.json) ro.format = io::Format::json;
  } else {
    const auto ends = [&](const std::string& suf) {
      return spec.size() >= suf.size() &&
             spec.compare(spec.size() - suf.size(), suf.size(), suf) == 0;
    };
    if (ends(".jsonl") || ends(".json") || ends(".ndjson")) ro.format = io::Format::json;
    sink->file = std::make_unique<std::ofstream>(spec);
    if (!*sink->file) throw InputError("--trace: cannot open " + spec + " for writing");
    os = sink->file.get();
  }
  sink->rows = std::make_unique<io::RowStream>(
      *os, ro, std::vector<std::string>{"method", "k", "f", "grad_norm", "step"});
  return sink;
}

bool succeeded(const quad::MinimizeResult& r) {
  return r.status == quad::Status::converged;
}

std::string method_label(const quad::MinimizeResult& r) {
  std::string s = quad::to_string(r.method);
  if (r.method == quad::Method::pcg) s += "-" + quad::to_string(r.precond);
  return s;
}

void result_fields(Json& d, const quad::MinimizeResult& r, io::Report& rep, bool& omitted,
                   bool timing) {
  d["method"] = method_label(r);
  d["status"] = quad::to_string(r.status);
  std::string xkey = "minimizer";
  if (r.status != quad::Status::converged)
    xkey = r.relative_residual <= 1e-8 ? "stationary_point" : "last_iterate";
  const bool direct = r.method == quad::Method::direct || r.method == quad::Method::newton;
  if (!(direct && xkey == "last_iterate")) {  // a direct solve has no iterate to show
    put_vector(d, xkey, r.x, rep, omitted);
    d[r.status == quad::Status::converged ? "minimum" : "f"] = r.f;
  }
  d["iterations"] = r.iterations;
  d["relative_residual"] = r.relative_residual;
  if (r.set_dimension > 0) d["set_dimension"] = r.set_dimension;
  if (r.direction) put_vector(d, "descent_direction", *r.direction, rep, omitted);
  if (!r.reason.empty()) d["reason"] = r.reason;
  if (timing) d["seconds"] = r.seconds;
}

io::Report minimize_report(const QuadForm& form, const std::vector<quad::MinimizeResult>& rs,
                           int digits, bool timing) {
  io::Report rep;
  Json& d = rep.data;
  describe_form(d, rep, form);
  bool omitted = false;
  if (rs.size() == 1) {
    result_fields(d, rs[0], rep, omitted, timing);
    const auto& r = rs[0];
    if (r.status == quad::Status::converged && r.set_dimension == 0 && form.size() <= 10)
      rep.notes.push_back("minimum " + io::with_digits(r.f, digits) + " at " +
                          point_text(r.x, form.variables, digits));
  } else {
    d["methods"] = Json::array();
    for (const auto& r : rs) {
      Json row = Json::object();
      row["method"] = method_label(r);
      row["status"] = quad::to_string(r.status);
      row["iterations"] = r.iterations;
      row["f"] = r.f;
      row["relative_residual"] = r.relative_residual;
      if (form.size() <= 10) row["x"] = vec_json(r.x);
      if (timing) row["seconds"] = r.seconds;
      d["methods"].push_back(row);
    }
    rep.csv_table = "methods";
    for (const auto& r : rs)
      if (!r.reason.empty()) rep.notes.push_back(method_label(r) + ": " + r.reason);
  }
  return rep;
}

plot::Figure minimize_figure(const QuadForm& form, const std::vector<quad::MinimizeResult>& rs) {
  plot::Figure fig;
  if (form.size() == 2) {
    double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
    for (const auto& r : rs)
      for (const auto& p : r.path) {
        x0 = std::min(x0, p[0]);
        x1 = std::max(x1, p[0]);
        y0 = std::min(y0, p[1]);
        y1 = std::max(y1, p[1]);
      }
    if (!std::isfinite(x0)) x0 = y0 = -1, x1 = y1 = 1;
    const double w = std::max({x1 - x0, y1 - y0, 1e-9});
    const double cx = (x0 + x1) / 2, cy = (y0 + y1) / 2, h = 0.65 * w;
    fig.contour =
        plot::sample_grid([&](double x, double y) { return form.value(Eigen::Vector2d(x, y)); },
                          cx - h, cx + h, cy - h, cy + h, 81);
    fig.equal_axes = true;
    fig.xrange = std::make_pair(cx - h, cx + h);
    fig.yrange = std::make_pair(cy - h, cy + h);
    fig.title = "f(x) contours and iterate paths";
    fig.xlabel = form.variables.size() == 2 ? form.variables[0] : "x1";
    fig.ylabel = form.variables.size() == 2 ? form.variables[1] : "x2";
    for (const auto& r : rs) {
      plot::Series s;
      s.title = method_label(r) + " (" + std::to_string(r.iterations) + " steps)";
      s.style = plot::Style::linespoints;
      for (const auto& p : r.path) {
        s.x.push_back(p[0]);
        s.y.push_back(p[1]);
      }
      fig.series.push_back(std::move(s));
    }
  } else {
    fig.title = "gradient norm per iteration";
    fig.xlabel = "iteration";
    fig.ylabel = "|grad f|";
    fig.logy = true;
    for (const auto& r : rs) {
      plot::Series s;
      s.title = method_label(r);
      s.style = plot::Style::lines;
      for (std::size_t k = 0; k < r.grad_norms.size(); ++k) {
        const double g = r.grad_norms[k];
        s.x.push_back(static_cast<double>(k));
        s.y.push_back(g > 0 ? g : std::numeric_limits<double>::quiet_NaN());
      }
      fig.series.push_back(std::move(s));
    }
  }
  return fig;
}

std::vector<quad::Method> parse_methods(const std::string& text) {
  std::vector<quad::Method> ms;
  for (const auto& name : split_names(text)) ms.push_back(quad::parse_method(name));
  if (ms.empty()) throw UsageError("--method: give at least one method");
  return ms;
}

quad::Precond parse_precond(const std::string& s) {
  if (s == "jacobi") return quad::Precond::jacobi;
  if (s == "ichol") return quad::Precond::ichol;
  if (s == "none") return quad::Precond::none;
  throw UsageError("--precond: unknown preconditioner \"" + s +
                   "\"; expected jacobi, ichol or none");
}

int run_minimize(const MinimizeCli& o) {
  const auto methods = parse_methods(o.methods);
  const auto precond = parse_precond(o.precond);
  const bool uses_gd = std::find(methods.begin(), methods.end(), quad::Method::gd) != methods.end();
  if (!o.lr.empty() && !uses_gd) throw UsageError("--lr: only with --method gd");
  QuadForm form = load_form(o.in);
  quad::MinimizeOptions mo;
  mo.precond = precond;
  mo.tol = o.tol;
  if (o.max_iter != -1) mo.max_iter = o.max_iter;
  if (!o.lr.empty()) mo.lr = parse_double(o.lr, "--lr");
  mo.rank_tol = o.rank_tol;
  mo.threads = o.threads;
  if (!o.x0.empty()) mo.x0 = read_vector(o.x0, "--x0");
  mo.record_path = !o.out.plot.empty() && form.size() == 2;
  mo.record_gradients = !o.out.plot.empty() && form.size() != 2;
  for (auto m : methods) {  // validate everything before computing anything
    mo.method = m;
    mo.validate(form.size());
  }
  auto sink = open_trace(o.trace, o.out);
  quad::TraceFn trace;
  if (sink) {
    trace = [&sink](const quad::TraceRow& row) {
      sink->rows->row({sink->method, row.k, row.f, row.grad_norm, row.step});
    };
  }
  std::vector<quad::MinimizeResult> results;
  std::vector<std::string> warned;
  for (auto m : methods) {
    mo.method = m;
    std::optional<Progress> bar;
    if (m != quad::Method::direct && m != quad::Method::newton) {
      bar.emplace(quad::to_string(m));
      mo.progress = bar->callback();
    } else {
      mo.progress = nullptr;
    }
    if (sink) sink->method = quad::to_string(m) + (m == quad::Method::pcg ? "-" + o.precond : "");
    results.push_back(quad::minimize(form, mo, trace));
    mo.progress = nullptr;  // the bar goes out of scope
    for (const auto& w : results.back().warnings)
      if (std::find(warned.begin(), warned.end(), w) == warned.end()) {
        warn(w);
        warned.push_back(w);
      }
  }
  if (sink) sink->rows->flush();
  if (!o.x_out.empty()) quad::write_vector(results.front().x, o.x_out);
  emit(minimize_report(form, results, o.out.digits, o.timing), o.out);
  emit_plot(minimize_figure(form, results), o.out);
  return std::all_of(results.begin(), results.end(), succeeded) ? 0 : 1;
}

void setup_minimize(CLI::App* quad_cmd) {
  auto o = std::make_shared<MinimizeCli>();
  auto* cmd = quad_cmd->add_subcommand(
      "minimize",
      "minimize f(x) = xᵀAx + bᵀx + c directly or iteratively; when f has no minimum, say why, "
      "show a direction of unbounded descent and exit 1");
  add_form_options(cmd, o->in);
  cmd->add_option("--method", o->methods,
                  "direct (default), cg, pcg, sd, newton, gd; several separated by commas are "
                  "compared side by side")
      ->type_name("LIST");
  cmd->add_option("--precond", o->precond, "preconditioner of pcg: jacobi (default) or ichol")
      ->type_name("NAME");
  cmd->add_option("--x0", o->x0, "starting point of the iterative methods (default 0)")
      ->type_name("VECTOR");
  cmd->add_option("--tol", o->tol,
                  "stop when ‖∇f(x)‖ <= tol·‖b‖ (‖∇f(x0)‖ if b = 0); default 1e-10")
      ->type_name("TOL");
  cmd->add_option("--max-iter", o->max_iter,
                  "iteration limit (default 10n+1000 for cg/pcg, 100000 for sd/gd)")
      ->type_name("N");
  cmd->add_option("--lr", o->lr, "step length η > 0 of gd (x ← x − η∇f); required by gd")
      ->type_name("ETA");
  cmd->add_option("--rank-tol", o->rank_tol,
                  "relative rank tolerance for singular A (default n·ε); see quad analyze")
      ->type_name("TOL");
  cmd->add_option("--threads", o->threads,
                  "threads of the sparse CG kernel (default: all cores for n >= 1e5 unless the "
                  "1-minute load average already fills them, then 1; results do not depend on it)")
      ->type_name("N");
  cmd->add_option("--trace", o->trace,
                  "stream per-iteration rows (method, k, f, grad_norm, step) to FILE (.csv, or "
                  ".jsonl for JSON Lines) or - (stdout; JSON Lines with --json)")
      ->type_name("FILE|-");
  cmd->add_option("--x-out", o->x_out, "also write the (first method's) minimizer to FILE")
      ->type_name("FILE");
  cmd->add_flag("--timing", o->timing, "report each method's wall time");
  add_output_options(*cmd, o->out);
  add_plot_option(*cmd, o->out);
  cmd->footer(
      "Accuracy: direct/newton: LAPACK Cholesky (dense) or sparse LLᵀ with one refinement step,\n"
      "relative error about cond(A)·ε (a warning says so when cond(A) > 1e8); cg, pcg, sd, gd:\n"
      "until ‖∇f‖ <= tol·‖b‖, checked on the recomputed gradient, so the minimizer's error is\n"
      "at most about cond(A)·tol relative. Singular A: the least-norm minimizer (eigen-\n"
      "decomposition, dense).\n\n"
      "Examples:\n"
      "  numkit quad minimize -A \"[[3,2],[2,6]]\" -b \"[-2,8]\" --half\n"
      "  numkit quad minimize -A \"[[3,2],[2,6]]\" -b \"[-2,8]\" --half --method sd,cg\n"
      "  numkit quad minimize --expr \"x^2+x*y+y^2-3*x\" --method newton\n"
      "  numkit quad minimize -A \"[[4,1],[1,3]]\" -b \"[1,2]\" --method gd --lr 0.1 --json\n"
      "  numkit quad minimize -A \"[[3,2],[2,6]]\" -b \"[-2,8]\" --half --method cg --trace -");
  bind_run<MinimizeCli>(cmd, o, run_minimize);
}

// ---- generate ---------------------------------------------------------------------------------

struct GenerateCli {
  std::string kind;
  long n = 0;
  double cond = 1e3;
  long long seed = 1;
  std::string output;
  std::string rhs;
  OutputOptions out;
};

int run_generate(const GenerateCli& o) {
  if (o.kind != "random-spd" && (o.cond != 1e3 || o.seed != 1))
    throw UsageError("--cond, --seed: only for random-spd");
  if (o.n <= 0) throw InputError("--n: must be >= 1, got " + std::to_string(o.n));
  if (o.seed < 0) throw InputError("--seed: must be >= 0, got " + std::to_string(o.seed));
  const std::string dest = o.output.empty() ? std::string() : o.output;
  io::Report rep;
  Json& d = rep.data;
  d["kind"] = o.kind;
  Eigen::Index n = 0;
  std::string text_for_stdout;
  if (o.kind == "laplace2d" || o.kind == "laplace3d") {
    const bool three = o.kind == "laplace3d";
    quad::SparseMatrix A = three ? quad::laplace3d(o.n) : quad::laplace2d(o.n);
    n = A.rows();
    const std::string comment = std::string("numkit quad generate ") + o.kind + " --n " +
                                std::to_string(o.n) + ": " + (three ? "7" : "5") +
                                "-point Laplacian, Dirichlet boundary, " + std::to_string(n) +
                                " unknowns";
    if (dest.empty()) {
      text_for_stdout = to_matrix_market(A, true);
    } else {
      quad::write_matrix_market(A, dest, true, comment);
    }
    d["nonzeros"] = A.nonZeros();
  } else if (o.kind == "random-spd") {
    Eigen::MatrixXd A = quad::random_spd(o.n, o.cond, static_cast<std::uint64_t>(o.seed));
    n = A.rows();
    const std::string comment = "numkit quad generate random-spd --n " + std::to_string(o.n) +
                                " --cond " + io::shortest(o.cond) + " --seed " +
                                std::to_string(o.seed);
    if (dest.empty()) {
      std::ostringstream tmp;
      const std::string path = "";
      (void)path;
      // to stdout: the array format, lower triangle
      tmp << "%%MatrixMarket matrix array real symmetric\n% " << comment << "\n"
          << n << " " << n << "\n";
      for (Eigen::Index j = 0; j < n; ++j)
        for (Eigen::Index i = j; i < n; ++i) tmp << io::shortest(A(i, j)) << "\n";
      text_for_stdout = tmp.str();
    } else {
      quad::write_matrix_market(A, dest, true, comment);
    }
    d["condition_number"] = o.cond;
    d["seed"] = o.seed;
  } else {
    throw UsageError("quad generate: unknown problem \"" + o.kind +
                     "\"; expected laplace2d, laplace3d or random-spd");
  }
  if (!o.rhs.empty()) quad::write_vector(Eigen::VectorXd::Ones(n), o.rhs);
  if (dest.empty()) {
    std::cout << text_for_stdout;
    return 0;
  }
  d["n"] = n;
  d["matrix_file"] = dest;
  if (!o.rhs.empty()) d["rhs_file"] = o.rhs;
  return emit(rep, o.out);
}

void setup_generate(CLI::App* quad_cmd) {
  auto o = std::make_shared<GenerateCli>();
  auto* cmd = quad_cmd->add_subcommand(
      "generate",
      "write a standard test matrix as Matrix Market: laplace2d (n×n grid, 5-point), laplace3d "
      "(n×n×n grid, 7-point) or random-spd (dense Q·diag(λ)·Qᵀ, λ geometric from 1 to --cond)");
  cmd->add_option("kind", o->kind, "laplace2d, laplace3d or random-spd")
      ->required()
      ->type_name("PROBLEM");
  cmd->add_option("--n", o->n, "grid side (Laplacians) or matrix size (random-spd)")
      ->required()
      ->type_name("N");
  cmd->add_option("--cond", o->cond, "random-spd: condition number (default 1000)")->type_name("K");
  cmd->add_option("--seed", o->seed, "random-spd: seed of the random orthogonal matrix (default 1)")
      ->type_name("S");
  cmd->add_option("-o,--output", o->output,
                  "write the matrix to FILE.mtx (atomically) and print a summary; default: the "
                  "matrix on stdout")
      ->type_name("FILE");
  cmd->add_option("--rhs", o->rhs, "also write b = (1, …, 1) to FILE (Matrix Market array)")
      ->type_name("FILE");
  add_output_options(*cmd, o->out);
  cmd->footer(
      "Examples:\n"
      "  numkit quad generate laplace2d --n 3\n"
      "  numkit quad generate laplace2d --n 100 -o lap.mtx --rhs ones.mtx\n"
      "  numkit quad generate laplace3d --n 10 -o lap3.mtx --json\n"
      "  numkit quad generate random-spd --n 50 --cond 1e6 --seed 7 -o spd.mtx");
  bind_run<GenerateCli>(cmd, o, run_generate);
}

void setup_quad(CLI::App& root) {
  auto* q = root.add_subcommand(
      "quad", "quadratic forms f(x) = xᵀAx + bᵀx + c: analyze, minimize, generate test problems");
  q->require_subcommand(1);
  setup_analyze(q);
  setup_minimize(q);
  setup_generate(q);
}

const bool registered = register_command("quad", 10, setup_quad);

// ---- tour -------------------------------------------------------------------------------------

int tour_quad(TourContext& t) {
  t.section("quad: minimizing a quadratic form");
  t.say("f(x) = ½xᵀAx + bᵀx with A = [[3,2],[2,6]], b = [-2,8] (the classic conjugate-gradient");
  t.say("example); its minimizer solves Ax = -b: x = (2, -2).");
  Eigen::MatrixXd A(2, 2);
  A << 3, 2, 2, 6;
  QuadForm form(A, Eigen::Vector2d(-2, 8), 0.0, quad::Convention::half);
  quad::MinimizeOptions mo;
  mo.record_path = true;
  mo.x0 = Eigen::Vector2d(-2, -2);
  std::vector<quad::MinimizeResult> rs;
  for (auto m : {quad::Method::direct, quad::Method::sd, quad::Method::cg}) {
    mo.method = m;
    rs.push_back(quad::minimize(form, mo));
  }
  t.say("Solved directly (Cholesky), by steepest descent (zig-zag) and by CG (two steps),");
  t.say("all from x0 = (-2, -2):");
  t.emit("quad", minimize_report(form, rs, t.output().digits, false));
  std::vector<quad::MinimizeResult> paths(rs.begin() + 1, rs.end());
  t.plot(minimize_figure(form, paths), "quad_sd_vs_cg.png");
  int code = 0;
  for (const auto& r : rs)
    if (!succeeded(r)) code = 1;
  return code;
}

const bool tour_registered = register_tour_section("quad", 10, tour_quad);

}  // namespace
}  // namespace numkit::cli
