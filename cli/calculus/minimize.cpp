// numkit minimize: unconstrained minimization of an expression with exact derivatives.
#include <algorithm>
#include <fstream>
#include <iostream>

#include "numkit/expr/minimize.hpp"

#include "calculus/calculus.hpp"

namespace numkit::cli::calculuscli {

namespace {

// Streams the trace rows to a file or stdout.
class TraceWriter {
 public:
  TraceWriter(const std::string& target, const OutputOptions& out,
              const std::vector<std::string>& variables, bool method_column) {
    if (target.empty()) return;
    io::RenderOptions ro;
    ro.digits = out.digits;
    std::ostream* os = &std::cout;
    if (target == "-") {
      ro.format = out.json ? io::Format::json : io::Format::csv;
    } else {
      const bool jsonl =
          target.ends_with(".jsonl") || target.ends_with(".json") || target.ends_with(".ndjson");
      ro.format = jsonl ? io::Format::json : io::Format::csv;
      file_ = std::make_unique<std::ofstream>(target);
      if (!*file_) throw InputError("--trace " + target + ": cannot open for writing");
      os = file_.get();
    }
    std::vector<std::string> columns;
    if (method_column) columns.emplace_back("method");
    columns.emplace_back("k");
    for (const auto& v : variables) columns.push_back(column_name(v));
    for (const char* c : {"f", "grad_norm", "step", "evaluations"}) columns.emplace_back(c);
    stream_ = std::make_unique<io::RowStream>(*os, ro, columns);
  }
  // A variable's column: its name, or x_name when that clashes with another column.
  static std::string column_name(const std::string& v) {
    static const char* taken[] = {"k",      "f",      "grad_norm", "step",          "evaluations",
                                  "method", "status", "value",     "gradient_norm", "iterations"};
    for (const char* t : taken)
      if (v == t) return "x_" + v;
    return v;
  }
  void row(const expr::IterationRecord& r, const std::string& method) {
    if (!stream_) return;
    std::vector<io::Json> values;
    if (!method.empty()) values.emplace_back(method);
    values.emplace_back(r.iteration);
    for (Eigen::Index i = 0; i < r.x.size(); ++i) values.emplace_back(r.x(i));
    values.emplace_back(r.f);
    values.emplace_back(r.grad_norm);
    values.emplace_back(r.step);
    values.emplace_back(r.evaluations);
    stream_->row(values);
  }
  void finish() {
    if (stream_) stream_->flush();
    if (file_) {
      file_->close();
      if (!*file_) throw InputError("--trace: writing the trace failed");
    }
  }

 private:
  std::unique_ptr<std::ofstream> file_;
  std::unique_ptr<io::RowStream> stream_;
};

struct Run {
  expr::Method method;
  expr::MinimizeResult result;
  std::vector<expr::IterationRecord> path;
};

plot::Figure path_figure(const expr::Expression& f, const std::vector<Run>& runs) {
  plot::Figure fig;
  fig.title = "minimize " + f.text();
  if (runs.size() == 1)
    fig.title += " (" + std::string(expr::to_string(runs[0].method)) + ", " +
                 std::to_string(runs[0].result.iterations) + " iterations)";
  if (f.dimension() == 2) {
    std::vector<Eigen::Vector2d> pts;
    plot::Series ends;
    ends.title = "start and end";
    ends.style = plot::Style::points;
    for (const auto& run : runs) {
      plot::Series line;
      line.title = std::string(expr::to_string(run.method)) + " path (" +
                   std::to_string(run.result.iterations) + " iterations)";
      line.style = plot::Style::linespoints;
      for (const auto& r : run.path) {
        pts.emplace_back(r.x(0), r.x(1));
        line.x.push_back(r.x(0));
        line.y.push_back(r.x(1));
      }
      ends.x.push_back(line.x.front());
      ends.y.push_back(line.y.front());
      ends.x.push_back(line.x.back());
      ends.y.push_back(line.y.back());
      fig.series.push_back(std::move(line));
    }
    fig.xlabel = f.variables()[0];
    fig.ylabel = f.variables()[1];
    fig.contour = contour_of(f, pts, 0.5);
    fig.series.push_back(ends);
  } else {
    fig.xlabel = "iteration";
    fig.ylabel = "gradient norm";
    fig.logy = true;
    for (const auto& run : runs) {
      plot::Series s;
      s.title = std::string(expr::to_string(run.method));
      for (const auto& r : run.path) {
        s.x.push_back(r.iteration);
        s.y.push_back(r.grad_norm > 0 ? r.grad_norm : std::numeric_limits<double>::quiet_NaN());
      }
      fig.series.push_back(std::move(s));
    }
  }
  return fig;
}

std::vector<expr::Method> parse_methods(const std::string& list) {
  std::vector<expr::Method> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= list.size(); ++i) {
    if (i == list.size() || list[i] == ',') {
      const expr::Method m = expr::parse_method(trim(list.substr(start, i - start)));
      if (std::find(out.begin(), out.end(), m) != out.end())
        throw UsageError("--method: " + std::string(expr::to_string(m)) + " is listed twice");
      out.push_back(m);
      start = i + 1;
    }
  }
  return out;
}

}  // namespace

int run_minimize(const MinimizeOptions& o) {
  const std::vector<expr::Method> methods = parse_methods(o.method);
  expr::MinimizeOptions mo;
  mo.gtol = o.gtol;
  mo.max_iterations = o.max_iter;
  mo.step = o.step;
  mo.memory = o.memory;
  mo.validate();
  const expr::Expression f = make_expression(o.input);
  const Eigen::VectorXd x0 = read_point(o.x0, f, "--x0");
  const bool several = methods.size() > 1;
  TraceWriter writer(o.trace, o.output, f.variables(), several);
  const bool want_path = !o.output.plot.empty();
  std::vector<Run> runs;
  for (const expr::Method m : methods) {
    mo.method = m;
    Run run{m, {}, {}};
    const expr::TraceFn trace = [&](const expr::IterationRecord& r) {
      writer.row(r, several ? std::string(expr::to_string(m)) : std::string());
      if (want_path) run.path.push_back(r);
    };
    run.result = expr::minimize(expr::make_objective(f), x0, mo, trace);
    runs.push_back(std::move(run));
  }
  writer.finish();
  io::Report r;
  r.data["expression"] = f.text();
  r.data["variables"] = to_json(f.variables());
  bool all_converged = true;
  for (const auto& run : runs)
    all_converged = all_converged && run.result.status == expr::Status::converged;
  if (!several) {
    const expr::MinimizeResult& res = runs[0].result;
    r.data["method"] = std::string(expr::to_string(runs[0].method));
    r.data["status"] = std::string(expr::to_string(res.status));
    // Only a converged run found a minimizer; otherwise the point is where the run stopped.
    r.data[res.status == expr::Status::converged ? "minimizer" : "last_iterate"] = to_json(res.x);
    r.data["value"] = res.f;
    r.data["gradient_norm"] = res.grad_norm;
    r.data["iterations"] = res.iterations;
    r.data["evaluations"] = res.evaluations;
    r.data["x0"] = to_json(x0);
    if (res.hessian_eigenvalues.size() > 0)
      r.data["hessian_eigenvalues"] = to_json(res.hessian_eigenvalues);
    if (!res.message.empty()) {
      r.data["reason"] = res.message;  // the same field as quad minimize's
      r.notes.push_back(res.message);
    }
  } else {
    r.data["x0"] = to_json(x0);
    io::Json rows = io::Json::array();
    for (const auto& run : runs) {
      const expr::MinimizeResult& res = run.result;
      io::Json row = io::Json::object();
      row["method"] = std::string(expr::to_string(run.method));
      row["status"] = std::string(expr::to_string(res.status));
      for (std::size_t i = 0; i < f.dimension(); ++i)
        row[TraceWriter::column_name(f.variables()[i])] = res.x(static_cast<Eigen::Index>(i));
      row["value"] = res.f;
      row["gradient_norm"] = res.grad_norm;
      row["iterations"] = res.iterations;
      row["evaluations"] = res.evaluations;
      if (!res.message.empty()) row["reason"] = res.message;
      rows.push_back(row);
      if (!res.message.empty())
        r.notes.push_back(std::string(expr::to_string(run.method)) + ": " + res.message);
    }
    r.data["runs"] = rows;
    r.csv_table = "runs";
  }
  if (all_converged)
    r.notes.push_back("converged: |grad f| <= " + io::shortest(mo.gtol) + " max(1, |x|)");
  // with --trace - --json the summary is one more JSON line after the rows
  OutputOptions summary = o.output;
  summary.json_one_line = o.trace == "-";
  emit(r, summary);
  if (want_path) emit_plot(path_figure(f, runs), o.output);
  return all_converged ? 0 : 1;
}

void setup_minimize(CLI::App& root) {
  auto opts = std::make_shared<MinimizeOptions>();
  auto* cmd = root.add_subcommand(
      "minimize", "minimize a smooth function by L-BFGS, Newton, gradient descent or nonlinear CG");
  add_expression_options(*cmd, opts->input);
  cmd->add_option("--x0", opts->x0, "starting point: -1.2,1 or x=-1.2,y=1; @FILE or -")
      ->required()
      ->type_name("POINT");
  cmd->add_option(
         "--method", opts->method,
         "lbfgs (default), newton, gd or cg; a list such as lbfgs,newton,cg runs each from the "
         "same start and compares them side by side")
      ->type_name("METHOD");
  cmd->add_option("--gtol", opts->gtol, "gradient tolerance (default 1e-8)");
  cmd->add_option("--max-iter", opts->max_iter,
                  "iteration limit (default: lbfgs 1000, newton 200, cg 5000, gd 100000)");
  cmd->add_option("--step,--lr", opts->step, "gd: the fixed step (default 1e-3)");
  cmd->add_option("--memory", opts->memory, "lbfgs: correction pairs kept (default 8)");
  cmd->add_option("--trace", opts->trace,
                  "stream one row per iteration (k, x, f, grad_norm, step, evaluations) to FILE "
                  "(CSV, or JSON "
                  "Lines for .jsonl/.json) or - (stdout: CSV, JSON Lines with --json)")
      ->type_name("FILE|-");
  add_output_options(*cmd, opts->output);
  add_plot_option(*cmd, opts->output);
  cmd->footer(
      "Exact derivatives by automatic differentiation. Methods: lbfgs (L-BFGS via LBFGS++,\n"
      "strong-Wolfe line search; default), newton (exact Hessian made positive definite by\n"
      "replacing eigenvalues with max(|lambda|, 1e-8 scale), line search, a step along negative\n"
      "curvature at saddles), gd (fixed step), cg (nonlinear conjugate gradients, "
      "Polak-Ribiere+).\n"
      "Stops when |grad f| <= gtol max(1, |x|); the answer is then accurate to about\n"
      "gtol / (smallest Hessian eigenvalue) in x. Exit 1 unless converged to a point that is not\n"
      "a saddle.\n\n"
      "Statuses: converged, max_iterations, stalled (no decrease possible in double precision),\n"
      "diverged (unbounded below), left_domain (gd stepped outside the domain), saddle_point.\n\n"
      "Examples:\n"
      "  numkit minimize \"(1-x)^2+100*(y-x^2)^2\" --x0 -1.2,1\n"
      "  numkit minimize \"(1-x)^2+100*(y-x^2)^2\" --x0 x=-1.2,y=1 --method newton\n"
      "  numkit minimize \"x^2+3*y^2+x*y-x\" --x0 0,0 --method cg --json\n"
      "  numkit minimize \"x-log(x)\" --x0 3 --method gd --step 0.5 --trace -\n"
      "  numkit minimize \"(1-x)^2+100*(y-x^2)^2\" --x0 -1.2,1 --method lbfgs,newton,cg");
  bind_calculus_run<MinimizeOptions>(cmd, opts, run_minimize);
}

}  // namespace numkit::cli::calculuscli
