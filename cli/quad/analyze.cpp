// numkit quad analyze: eigenvalues, class and the stationary point of a quadratic form

#include "quad/quad.hpp"

#include "numkit/petsc/engine.hpp"

namespace numkit::cli::quadcli {

using io::Json;
using quad::QuadForm;

namespace {

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
    case quad::Stationary::undetermined:
      return "point";
  }
  return "point";
}

// rep: the form already described (describe_form)
io::Report analysis_report(io::Report rep, const std::vector<std::string>& vars,
                           const quad::Analysis& a, int digits, const std::string& x_out) {
  Json& d = rep.data;
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
  // a quantity the analysis did not determine prints as "undetermined", never as a default
  auto put_count = [&d](const char* key, const std::optional<Eigen::Index>& v) {
    if (v)
      d[key] = *v;
    else
      d[key] = "undetermined";
  };
  put_count("rank", a.rank);
  if (a.rank_by_threshold) d["rank_tolerance"] = a.rank_threshold;
  put_count("positive_eigenvalues", a.positive);
  put_count("negative_eigenvalues", a.negative);
  put_count("zero_eigenvalues", a.zero);
  if (a.condition)
    d["condition_number"] = *a.condition;
  else
    d["condition_number"] = "undetermined";
  if (a.condition_on_range) d["condition_number_on_range"] = *a.condition_on_range;
  if (a.range_residual && !a.all_eigenvalues) d["range_residual"] = *a.range_residual;
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
  auto put_answer = [&d](const char* key, quad::Answer v) {
    if (v == quad::Answer::undetermined)
      d[key] = "undetermined";
    else
      d[key] = v == quad::Answer::yes;
  };
  put_answer("bounded_below", a.bounded_below);
  put_answer("bounded_above", a.bounded_above);
  if (a.descent_direction) {
    put_vector(d, "descent_direction", *a.descent_direction, rep, omitted);
    d["descent_kind"] = a.descent_kind;
  }
  if (!a.undetermined.empty()) {
    d["undetermined"] = Json::array();
    for (const auto& u : a.undetermined)
      d["undetermined"].push_back({{"what", u.what}, {"why", u.why}});
  }
  if (!a.all_eigenvalues && !a.method.empty()) d["analysis_method"] = a.method;
  if (!x_out.empty() && a.point) d["written"] = x_out;
  // the story in words
  // a story that needs the point is told only when the point was determined
  const bool told = (a.point && a.value) || a.stationary == quad::Stationary::none;
  switch (told ? a.stationary : quad::Stationary::undetermined) {
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
    case quad::Stationary::undetermined:
      rep.notes.push_back("the stationary points of f are undetermined (see undetermined above)");
      break;
    case quad::Stationary::none:
      if (a.cls == quad::FormClass::zero || a.zero.value_or(0) > 0)
        rep.notes.push_back(
            "b is not in the range of A: f has no stationary point and is unbounded");
      else
        rep.notes.push_back("f has no stationary point");
      break;
  }
  if (a.descent_direction && a.descent_direction->size() <= 10)
    rep.notes.push_back("f → −∞ along the direction " +
                        point_text(*a.descent_direction, {}, digits) + " (" + a.descent_kind + ")");
  if (a.rank_by_threshold)
    rep.notes.push_back("eigenvalues with |λ| <= " + io::with_digits(a.rank_threshold, 3) + " (" +
                        io::with_digits(a.rank_tol_relative, 3) +
                        "·max|λ|, set by --rank-tol) count as zero");
  return rep;
}

// Under mpirun or with --backend petsc: the PETSc engine's analysis (MUMPS's inertia).
int run_analyze_petsc(const AnalyzeOptions& o) {
  if (o.rank_tol != 0)
    throw UsageError(
        "--rank-tol: not on the PETSc backend (its rank comes from MUMPS's pivots); use "
        "--backend native");
  const petsc::Engine& eng = petsc::engine();  // exit 2 with one line if it cannot be loaded
  const petsc::DistributedForm form = distributed_form(o.in, o.gen, nullptr);
  const petsc::EngineAnalysis ea = form.analyze(o.petsc.petsc_options);
  if (!eng.root()) return 0;
  const quad::Analysis& a = ea.analysis;
  if (!o.x_out.empty() && a.point) quad::write_vector(*a.point, o.x_out);
  io::Report rep;
  describe_form(rep.data, rep, form.size(), form.convention(), {}, form.symmetrized(),
                form.asymmetry());
  rep.data["backend"] = "petsc";
  rep.data["processes"] = eng.size();
  rep = analysis_report(std::move(rep), {}, a, o.out.digits, o.x_out);
  rep.data["solver"] = ea.solver;
  rep.notes.push_back("analysed by the PETSc engine (PETSc " + eng.petsc_version() + ") on " +
                      std::to_string(eng.size()) + (eng.size() == 1 ? " process" : " processes") +
                      "; rank and inertia from the pivots of MUMPS's LDLᵀ factorization");
  return emit(rep, o.out);
}

}  // namespace

int run_analyze(const AnalyzeOptions& o) {
  require_generate_flags_used(o.gen);
  if (engine_selected(o.petsc, false)) return run_analyze_petsc(o);
  QuadForm form = load_form(o.in, o.gen);
  quad::AnalyzeOptions ao;
  ao.rank_tol = o.rank_tol;
  quad::Analysis a = quad::analyze(form, ao);
  for (const auto& w : a.warnings) warn(w);
  if (!o.x_out.empty() && a.point) quad::write_vector(*a.point, o.x_out);
  io::Report rep;
  describe_form(rep.data, rep, form);
  return emit(analysis_report(std::move(rep), form.variables, a, o.out.digits, o.x_out), o.out);
}

void setup_analyze(CLI::App& quad_cmd) {
  auto o = std::make_shared<AnalyzeOptions>();
  auto* cmd = quad_cmd.add_subcommand(
      "analyze",
      "classify f(x) = xᵀAx + bᵀx + c: eigenvalues, definiteness, rank, condition number and its "
      "stationary points (unique minimum/maximum, saddle, affine set of minimizers, or a "
      "direction along which f is unbounded)");
  add_form_options(cmd, o->in);
  add_generate_options(cmd, o->gen);
  cmd->add_option("--rank-tol", o->rank_tol,
                  "relative tolerance: eigenvalues with |λ| <= tol·max|λ| count as zero "
                  "(default n·ε, as LAPACK and NumPy)")
      ->type_name("TOL");
  cmd->add_option("--x-out", o->x_out,
                  "also write the stationary point to FILE (Matrix Market array)")
      ->type_name("FILE");
  add_backend_options(cmd, o->petsc, "petsc under mpirun, native otherwise");
  add_output_options(*cmd, o->out);
  cmd->footer(
      "Accuracy: dense A: LAPACK dsyevd eigenvalues (absolute error about n·ε·max|λ|); the\n"
      "stationary point from the eigen-decomposition with one refinement step (relative error\n"
      "about cond(A)·ε). Sparse A (.mtx) with n > 2000: inertia from LDLᵀ pivots, extreme\n"
      "eigenvalues by Lanczos (Spectra, relative tolerance 1e-10). On the PETSc engine\n"
      "(mpirun, --backend petsc): the inertia from MUMPS's LDLᵀ pivots and the stationary\n"
      "point from its solve; eigenvalues, and the rank of a singular A, are undetermined.\n\n"
      "Examples:\n"
      "  numkit quad analyze -A \"[[3,2],[2,6]]\" -b \"[-2,8]\" --half\n"
      "  numkit quad analyze --expr \"3*x^2+2*x*y+6*y^2-2*x+8*y+1\"\n"
      "  numkit quad analyze -A \"[[1,1],[1,1]]\" -b \"[1,-1]\" --json\n"
      "  numkit quad analyze -A \"[[1,2],[2,1]]\"\n"
      "  numkit quad analyze --generate laplace2d --n 300 --half");
  bind_run<AnalyzeOptions>(cmd, o, run_analyze);
}

}  // namespace numkit::cli::quadcli
