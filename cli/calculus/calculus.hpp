#pragma once
// The calculus commands `numkit grad`, `numkit hessian` and `numkit minimize`: each has an
// options struct, a setup function that binds its flags (cli/calculus/<command>.cpp) and a run
// function that can be called without argv; the helpers they share are in common.cpp.
#include <Eigen/Core>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/command.hpp"
#include "numkit/core/error.hpp"
#include "numkit/expr/expression.hpp"
#include "numkit/io/report.hpp"
#include "numkit/plot/plot.hpp"

namespace numkit::cli::calculuscli {

// ---- helpers shared by the calculus commands (cli/calculus/common.cpp) -------------------------

// The inputs every calculus command takes.
struct ExpressionInput {
  std::string expression;  // EXPR, "-" (stdin) or "@FILE"
  std::string vars;        // --vars x,y
};

void add_expression_options(CLI::App& cmd, ExpressionInput& in);

// Binds `run` like bind_run, and lets EXPR start with a minus sign ("-x^2-y^2"), which the
// argument parser would otherwise take for an unknown option. Any other unknown argument is an
// error.
template <class Opts>
void bind_calculus_run(CLI::App* cmd, std::shared_ptr<Opts> opts, int (*run)(const Opts&)) {
  cmd->allow_extras();
  cmd->callback([cmd, opts, run] {
    std::vector<std::string> extras = cmd->remaining();
    if (opts->input.expression.empty() && !extras.empty() && extras.front().size() > 1 &&
        extras.front()[0] == '-' && extras.front()[1] != '-') {
      opts->input.expression = extras.front();
      extras.erase(extras.begin());
    }
    if (!extras.empty())
      throw UsageError(cmd->get_name() + ": unexpected argument \"" + extras.front() + "\"");
    if (opts->input.expression.empty()) throw UsageError(cmd->get_name() + ": missing EXPR");
    set_exit_code(run(*opts));
  });
}

std::string trim(std::string s);
// "-" -> stdin, "@FILE" -> the file's contents, else the text itself; trimmed.
std::string read_text_argument(const std::string& arg, const std::string& what);
std::vector<std::string> parse_vars(const std::string& list);
expr::Expression make_expression(const ExpressionInput& in);
// A point: inline ("1,2", "x=1,y=2", "pi/4,1"), "@FILE" or "-" (its text read first).
Eigen::VectorXd read_point(const std::string& spec, const expr::Expression& f,
                           const std::string& what);
// --points FILE|-: one point per line (NumPy's savetxt of a 2-D array: numbers separated by
// blanks or commas; "x=1,y=2" and constants as in --at), blank lines and # comments skipped. Each
// point is handed to `each` as soon as its line is read, so a pipeline gets a row per point as
// it arrives; a bad line is an InputError naming FILE:LINE.
void for_each_point(const std::string& spec, const expr::Expression& f,
                    const std::function<void(const Eigen::VectorXd&)>& each);
// --at or --points: exactly one (UsageError otherwise); --points refuses the flags given in
// `single_point_only` (name, whether given).
void require_at_or_points(const std::string& at, const std::string& points,
                          std::initializer_list<std::pair<const char*, bool>> single_point_only);
io::Json to_json(const Eigen::VectorXd& v);
io::Json to_json(const Eigen::MatrixXd& m);
io::Json to_json(const std::vector<std::string>& names);
// Contours of f over a box that contains `points` (with margin); points outside the domain are
// gaps.
plot::Contour contour_of(const expr::Expression& f, const std::vector<Eigen::Vector2d>& points,
                         double min_half_width = 1.0);

// ---- the commands ------------------------------------------------------------------------------

struct GradOptions {
  ExpressionInput input;
  std::string at;
  std::string points;  // --points FILE|-: many points, a row each
  std::string dir;
  bool check = false;
  OutputOptions output;
};
void setup_grad(CLI::App& root);
int run_grad(const GradOptions& o);
// Reused by the tour.
io::Report gradient_report(const expr::Expression& f, const Eigen::VectorXd& x,
                           const std::optional<Eigen::VectorXd>& dir, bool check);
plot::Figure gradient_figure(const expr::Expression& f, const Eigen::VectorXd& x,
                             const std::optional<Eigen::VectorXd>& dir);

struct HessianOptions {
  ExpressionInput input;
  std::string at;
  std::string points;
  bool check = false;
  OutputOptions output;
};
void setup_hessian(CLI::App& root);
int run_hessian(const HessianOptions& o);

struct MinimizeOptions {
  ExpressionInput input;
  std::string x0;
  std::string method = "lbfgs";
  double gtol = 1e-8;
  std::optional<int> max_iter;
  double step = 1e-3;
  int memory = 8;
  std::string trace;
  OutputOptions output;
};
void setup_minimize(CLI::App& root);
int run_minimize(const MinimizeOptions& o);

// The tour section "calculus" (cli/calculus/calculus.cpp).
int tour_calculus(TourContext& t);

}  // namespace numkit::cli::calculuscli
