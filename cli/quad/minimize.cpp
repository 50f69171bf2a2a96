// numkit quad minimize: the minimizer, directly or by iterative methods
#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>

#include "numkit/core/number.hpp"
#include "numkit/core/reader.hpp"
#include "numkit/petsc/distributed.hpp"
#include "numkit/petsc/engine.hpp"
#include "numkit/quad/mixed_precision.hpp"

#include "quad/quad.hpp"

namespace numkit::cli::quadcli {

using io::Json;
using quad::QuadForm;

namespace {

struct TraceSink {
  std::unique_ptr<std::ofstream> file;
  std::unique_ptr<io::RowStream> rows;
  std::string method;
};

// With --trace - --json the rows go to stdout as JSON Lines, and the summary follows as one more
// line: every line of the output is one JSON value.
OutputOptions summary_output(const MinimizeOptions& o) {
  OutputOptions out = o.out;
  out.json_one_line = o.trace == "-";
  return out;
}

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
  // a diverged gd run returns the iterate with the smallest gradient, not the last one
  if (r.x_is_best_iterate) xkey = "best_iterate";
  const bool direct = r.method == quad::Method::direct || r.method == quad::Method::newton;
  if (!(direct && xkey == "last_iterate")) {  // a direct solve has no iterate to show
    put_vector(d, xkey, r.x, rep, omitted);
    d[r.status == quad::Status::converged ? "minimum" : "f"] = r.f;
  }
  d["iterations"] = r.iterations;
  d["relative_residual"] = r.relative_residual;
  if (r.largest_curvature) {
    d["largest_curvature"] = *r.largest_curvature;
    if (*r.largest_curvature > 0) d["step_stability_bound"] = 2 / *r.largest_curvature;
  }
  if (r.set_dimension > 0) d["set_dimension"] = r.set_dimension;
  if (r.direction) put_vector(d, "descent_direction", *r.direction, rep, omitted);
  if (!r.reason.empty()) d["reason"] = r.reason;
  if (timing) {
    d["seconds"] = r.seconds;
    d["setup_seconds"] = r.setup_seconds;
    d["solve_seconds"] = r.solve_seconds;
    d["peak_memory_bytes"] = r.peak_memory_bytes;
    if (!r.solver.empty()) d["solver"] = r.solver;
  }
}
std::vector<quad::Method> parse_methods(const std::string& text) {
  std::vector<quad::Method> ms;
  for (const auto& name : split_names(text)) ms.push_back(quad::parse_method(name));
  if (ms.empty()) throw UsageError("--method: give at least one method");
  return ms;
}

quad::Precond parse_precond(const std::string& s) {
  if (s == "jacobi" || s.empty()) return quad::Precond::jacobi;
  if (s == "ichol") return quad::Precond::ichol;
  if (s == "amg") return quad::Precond::amg;
  if (s == "none") return quad::Precond::none;
  throw UsageError("--precond: unknown preconditioner \"" + s +
                   "\"; expected jacobi, ichol, amg or none");
}

// ---- the PETSc engine: --backend petsc, --precond amg, mpirun ---------------------------------

// pcg on a sparse A with at least this many unknowns defaults to amg on the PETSc engine: from
// here on AMG's handful of iterations repays the engine's start-up (about 0.2 s), measured on
// the 2-D Laplacian (docs/quad.md, "Large problems").
constexpr Eigen::Index kAmgByDefault = 100000;

bool petsc_capable(const std::vector<quad::Method>& methods, quad::Precond precond) {
  for (auto m : methods)
    if (m != quad::Method::cg && m != quad::Method::pcg && m != quad::Method::direct) return false;
  return precond != quad::Precond::ichol;
}

petsc::AmgOptions amg_options(const PetscOptions& p) {
  petsc::AmgOptions a;
  a.kind = petsc::parse_amg(p.amg);
  if (!p.amg_threshold.empty())
    a.strong_threshold = parse_double(p.amg_threshold, "--amg-threshold");
  if (!p.amg_aggressive.empty())
    a.aggressive_levels = static_cast<int>(parse_integer(p.amg_aggressive, "--amg-aggressive"));
  a.coarsen = p.amg_coarsen;
  a.interp = p.amg_interp;
  a.smoother = p.amg_smoother;
  a.validate();
  return a;
}

int run_minimize_petsc(const MinimizeOptions& o, const std::vector<quad::Method>& methods,
                       quad::Precond precond, const QuadForm* loaded) {
  if (!petsc_capable(methods, precond))
    throw UsageError("--backend petsc: runs --method cg, pcg (jacobi, amg, none) and direct");
  if (!o.out.plot.empty()) throw UsageError("--plot: not with the PETSc backend");
  const petsc::AmgOptions amg = amg_options(o.petsc);
  const petsc::Engine& eng = petsc::engine();  // exit 2 with one line if it cannot be loaded
  petsc::DistributedForm form = distributed_form(o.in, o.gen, loaded);
  petsc::EngineOptions eo;
  eo.amg = amg;
  eo.tol = o.tol;
  eo.max_iter = o.max_iter;
  if (!o.x0.empty()) eo.x0 = read_vector(o.x0, "--x0");
  eo.petsc_options = o.petsc.petsc_options;
  eo.gather_x = form.size() <= kMaxPrintedVector || !o.x_out.empty();
  std::unique_ptr<TraceSink> sink = eng.root() ? open_trace(o.trace, o.out) : nullptr;
  if (!o.trace.empty()) {  // on every process or none (f is a sum over processes)
    eo.trace = [&sink](const quad::TraceRow& row) {
      if (sink) sink->rows->row({sink->method, row.k, row.f, row.grad_norm, row.step});
    };
  }
  std::vector<petsc::EngineReport> reps;
  for (auto m : methods) {
    eo.method = m;
    eo.precond = m == quad::Method::pcg ? precond : quad::Precond::none;
    if (sink)
      sink->method =
          quad::to_string(m) + (m == quad::Method::pcg ? "-" + quad::to_string(precond) : "");
    reps.push_back(form.minimize(eo));
  }
  if (sink) sink->rows->flush();
  if (!eng.root()) {
    bool ok = true;
    for (const auto& r : reps) ok = ok && r.result.status == quad::Status::converged;
    return ok ? 0 : 1;
  }
  if (!o.x_out.empty()) quad::write_vector(reps.front().result.x, o.x_out);
  io::Report rep;
  Json& d = rep.data;
  describe_form(d, rep, form.size(), form.convention(), {}, form.symmetrized(), form.asymmetry());
  d["backend"] = "petsc";
  d["processes"] = eng.size();
  bool omitted = false;
  // the same timing fields as the native backend's
  auto timing_fields = [&](Json& j, const petsc::EngineReport& r) {
    j["seconds"] = r.setup_seconds + r.solve_seconds;
    j["setup_seconds"] = r.setup_seconds;
    j["solve_seconds"] = r.solve_seconds;
    j["peak_memory_bytes"] = r.peak_bytes_all;
  };
  if (reps.size() == 1) {
    const auto& r = reps.front();
    result_fields(d, r.result, rep, omitted, false);
    if (r.result.method != quad::Method::cg) d["solver"] = r.preconditioner;
    if (r.inertia) {
      d["negative_eigenvalues"] = (*r.inertia)[0];
      d["zero_eigenvalues"] = (*r.inertia)[1];
      d["positive_eigenvalues"] = (*r.inertia)[2];
    }
    if (o.timing) timing_fields(d, r);
    if (!o.x_out.empty()) d["written"] = o.x_out;
  } else {
    d["methods"] = Json::array();
    for (const auto& r : reps) {
      Json row = Json::object();
      row["method"] = method_label(r.result);
      row["status"] = quad::to_string(r.result.status);
      row["iterations"] = r.result.iterations;
      row["f"] = r.result.f;
      row["relative_residual"] = r.result.relative_residual;
      if (form.size() <= 10 && r.result.x.size() == form.size()) row["x"] = vec_json(r.result.x);
      if (o.timing) timing_fields(row, r);
      d["methods"].push_back(row);
    }
    rep.csv_table = "methods";
    for (const auto& r : reps)
      if (!r.result.reason.empty())
        rep.notes.push_back(method_label(r.result) + ": " + r.result.reason);
  }
  rep.notes.push_back("solved by the PETSc engine (PETSc " + eng.petsc_version() + ") on " +
                      std::to_string(eng.size()) + (eng.size() == 1 ? " process" : " processes"));
  emit(rep, summary_output(o));
  bool ok = true;
  for (const auto& r : reps) ok = ok && r.result.status == quad::Status::converged;
  return ok ? 0 : 1;
}

}  // namespace

bool succeeded(const quad::MinimizeResult& r) {
  return r.status == quad::Status::converged;
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
      if (timing) {
        row["seconds"] = r.seconds;
        row["setup_seconds"] = r.setup_seconds;
        row["solve_seconds"] = r.solve_seconds;
        row["peak_memory_bytes"] = r.peak_memory_bytes;
        if (!r.solver.empty()) row["solver"] = r.solver;
      }
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
// --factor-format: the direct solve from a low-precision factor refined in fp64
// (quad/mixed_precision.hpp); the result gains a "factorization" section.
int run_mixed_direct(const MinimizeOptions& o, const QuadForm& form,
                     const std::vector<quad::Method>& methods) {
  if (methods.size() != 1 || methods[0] != quad::Method::direct)
    throw UsageError("--factor-format: only with --method direct");
  if (!o.x0.empty()) throw UsageError("--factor-format: --x0 has no use in a direct solve");
  quad::MixedSolveOptions mso;
  mso.format = quad::parse_factor_format(o.factor_format);
  quad::MixedSolveResult mr;
  quad::MinimizeResult r = quad::minimize_mixed(form, mso, mr);
  if (r.status == quad::Status::not_positive_definite) {
    quad::MinimizeOptions mo;  // the ordinary direct solve says why there is no minimum
    mo.rank_tol = o.rank_tol;
    r = quad::minimize(form, mo);
  }
  for (const auto& w : r.warnings) warn(w);
  if (!o.x_out.empty()) quad::write_vector(r.x, o.x_out);
  io::Report rep = minimize_report(form, {r}, o.out.digits, o.timing);
  Json f = Json::object();
  f["requested"] = quad::to_string(mr.requested);
  f["format"] = quad::to_string(mr.used);
  f["status"] = quad::to_string(mr.status);
  if (!mr.reason.empty()) f["reason"] = mr.reason;
  f["refinement_steps"] = mr.refinement_steps;
  if (mr.gmres_iterations > 0) f["gmres_iterations"] = mr.gmres_iterations;
  f["refinement_converged"] = mr.refinement_converged;
  if (mr.condition_estimate > 0) f["condition_estimate"] = mr.condition_estimate;
  f["backward_error"] = mr.backward_error;
  f["relative_residual"] = mr.relative_residual;
  if (o.timing) {
    f["factor_seconds"] = mr.factor_seconds;
    f["refine_seconds"] = mr.refine_seconds;
  }
  rep.data["factorization"] = std::move(f);
  emit(rep, summary_output(o));
  return succeeded(r) ? 0 : 1;
}

int run_minimize(const MinimizeOptions& o) {
  const auto methods = parse_methods(o.methods);
  auto precond = parse_precond(o.precond);
  const bool uses_gd = std::find(methods.begin(), methods.end(), quad::Method::gd) != methods.end();
  if (!o.lr.empty() && !uses_gd) throw UsageError("--lr: only with --method gd");
  require_generate_flags_used(o.gen);
  const auto backend = petsc::parse_backend(o.petsc.backend);
  if (backend == petsc::Backend::native && precond == quad::Precond::amg)
    throw UsageError("--precond amg: runs on the PETSc engine, not with --backend native");
  if (engine_selected(o.petsc, precond == quad::Precond::amg || !o.gen.kind.empty()))
    return run_minimize_petsc(o, methods, precond, nullptr);
  QuadForm form = load_form(o.in, o.gen);
  const bool uses_pcg =
      std::find(methods.begin(), methods.end(), quad::Method::pcg) != methods.end();
  if (backend == petsc::Backend::automatic && o.precond.empty() && uses_pcg && form.is_sparse() &&
      form.size() >= kAmgByDefault && petsc_capable(methods, quad::Precond::amg) &&
      o.out.plot.empty()) {
    bool loadable = true;
    try {
      petsc::engine();
    } catch (const EnvironmentError& e) {
      loadable = false;
      warn(std::string(e.what()) + "; pcg uses jacobi");
    }
    if (loadable) return run_minimize_petsc(o, methods, quad::Precond::amg, &form);
  }
  quad::MinimizeOptions mo;
  mo.precond = precond;
  mo.tol = o.tol;
  mo.max_iter = o.max_iter;
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
  if (!o.factor_format.empty()) return run_mixed_direct(o, form, methods);
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
    if (sink)
      sink->method =
          quad::to_string(m) + (m == quad::Method::pcg ? "-" + quad::to_string(precond) : "");
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
  emit(minimize_report(form, results, o.out.digits, o.timing), summary_output(o));
  emit_plot(minimize_figure(form, results), o.out);
  return std::all_of(results.begin(), results.end(), succeeded) ? 0 : 1;
}

void setup_minimize(CLI::App& quad_cmd) {
  auto o = std::make_shared<MinimizeOptions>();
  auto* cmd = quad_cmd.add_subcommand(
      "minimize",
      "minimize f(x) = xᵀAx + bᵀx + c directly or iteratively; when f has no minimum, say why, "
      "show a direction of unbounded descent and exit 1");
  add_form_options(cmd, o->in);
  cmd->add_option("--method", o->methods,
                  "direct (default), cg, pcg, sd, newton, gd; several separated by commas are "
                  "compared side by side")
      ->type_name("LIST");
  cmd->add_option("--precond", o->precond,
                  "preconditioner of pcg: jacobi (default), ichol, amg (algebraic multigrid on "
                  "the PETSc engine; the default for a sparse A with n >= 1e5) or none")
      ->type_name("NAME");
  add_petsc_options(cmd, o->petsc);
  add_generate_options(cmd, o->gen);
  cmd->add_option("--x0", o->x0, "starting point of the iterative methods (default 0)")
      ->type_name("VECTOR");
  cmd->add_option("--tol", o->tol,
                  "stop when ‖∇f(x)‖ <= tol·‖b‖ (‖∇f(x0)‖ if b = 0); default 1e-10")
      ->type_name("TOL");
  cmd->add_option("--max-iter", o->max_iter,
                  "iteration limit (default 10n+1000 for cg/pcg, 100000 for sd/gd)")
      ->type_name("N");
  cmd->add_option("--lr,--step", o->lr, "step length η > 0 of gd (x ← x − η∇f); required by gd")
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
  cmd->add_flag("--timing", o->timing,
                "report each method's wall time, split into setup (ordering, factorization, "
                "preconditioner) and solve seconds, and the process's peak memory (getrusage)");
  cmd->add_option("--factor-format", o->factor_format,
                  "direct, dense A: factor in fp32, tf32, fp16 or bf16 (or auto: the fastest the "
                  "condition estimate allows) and refine to fp64 accuracy; falls back to fp64, "
                  "saying why, when cond(A) is too large for the format")
      ->type_name("FORMAT");
  add_output_options(*cmd, o->out);
  add_plot_option(*cmd, o->out);
  cmd->footer(
      "Accuracy: direct/newton: LAPACK Cholesky (dense) or sparse LLᵀ with one refinement step,\n"
      "relative error about cond(A)·ε (a warning says so when cond(A) > 1e8); cg, pcg, sd, gd:\n"
      "until ‖∇f‖ <= tol·‖b‖, checked on the recomputed gradient, so the minimizer's error is\n"
      "at most about cond(A)·tol relative. Singular A: the least-norm minimizer (eigen-\n"
      "decomposition, dense). --factor-format: refined until the backward error is at fp64's\n"
      "rounding level; fp32 up to cond 1e6, tf32/fp16 1e4, bf16 1e3 (docs/fp.md), else fp64.\n\n"
      "Examples:\n"
      "  numkit quad minimize -A \"[[3,2],[2,6]]\" -b \"[-2,8]\" --half\n"
      "  numkit quad minimize -A \"[[3,2],[2,6]]\" -b \"[-2,8]\" --half --method sd,cg\n"
      "  numkit quad minimize --expr \"x^2+x*y+y^2-3*x\" --method newton\n"
      "  numkit quad minimize -A \"[[4,1],[1,3]]\" -b \"[1,2]\" --method gd --lr 0.1 --json\n"
      "  numkit quad minimize -A \"[[3,2],[2,6]]\" -b \"[-2,8]\" --half --method cg --trace -\n"
      "  numkit quad minimize -A \"[[3,2],[2,6]]\" -b \"[-2,8]\" --half --factor-format fp16");
  bind_run<MinimizeOptions>(cmd, o, run_minimize);
}

}  // namespace numkit::cli::quadcli
