// Input and report pieces shared by the `numkit quad` commands: the form from -A/-b/-c or
// --expr, and vectors in reports.
#include "numkit/core/number.hpp"
#include "numkit/core/reader.hpp"
#include "numkit/expr/quadratic.hpp"
#include "quad/quad.hpp"

namespace numkit::cli::quadcli {

using io::Json;
using quad::QuadForm;

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

void add_generate_options(CLI::App* cmd, GenerateInput& gen) {
  cmd->add_option("--generate", gen.kind,
                  "a generated problem instead of -A: laplace2d, laplace3d or random-spd, the "
                  "matrix of quad generate built in memory (b defaults to ones)")
      ->type_name("PROBLEM");
  cmd->add_option("--n", gen.n, "with --generate: grid side (Laplacians) or matrix size")
      ->type_name("N");
  cmd->add_option("--cond", gen.cond, "with --generate random-spd: condition number (default 1e3)")
      ->type_name("X");
  cmd->add_option("--seed", gen.seed, "with --generate random-spd: seed (default 1)")
      ->type_name("N");
}

quad::TestProblemSpec problem_spec(const GenerateInput& gen, const FormInput& in) {
  if (!in.A.empty() || !in.expr.empty())
    throw UsageError("--generate: cannot be combined with -A or --expr");
  if (!in.vars.empty()) throw UsageError("--vars: only with --expr");
  quad::TestProblemSpec spec;
  spec.kind = quad::parse_problem(gen.kind);
  if (spec.kind != quad::TestProblem::random_spd && (gen.cond != 1e3 || gen.seed != 1))
    throw UsageError("--cond, --seed: only with --generate random-spd");
  if (!gen.n) throw UsageError("--generate: needs --n N");
  if (gen.seed < 0) throw InputError("--seed: must be >= 0, got " + std::to_string(gen.seed));
  spec.n = *gen.n;
  spec.cond = gen.cond;
  spec.seed = static_cast<std::uint64_t>(gen.seed);
  return spec;
}

void require_generate_flags_used(const GenerateInput& gen) {
  if (gen.kind.empty() && (gen.n || gen.cond != 1e3 || gen.seed != 1))
    throw UsageError("--n, --cond, --seed: only with --generate");
}

QuadForm load_form(const FormInput& in, const GenerateInput& gen) {
  require_generate_flags_used(gen);
  if (gen.kind.empty()) return load_form(in);
  const quad::TestProblemSpec spec = problem_spec(gen, in);
  Eigen::VectorXd b;
  if (!in.b.empty()) b = read_vector(in.b, "-b");
  const double c = in.c.empty() ? 0.0 : parse_double(in.c, "-c");
  return quad::generate_form(spec, std::move(b), c,
                             in.half ? quad::Convention::half : quad::Convention::full);
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
  // Both would read one stream: A would take all of it and b would find it empty.
  if (in.A == "-" && in.b == "-")
    throw UsageError("-A and -b: only one input can be - (stdin); give the other as a file");
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

void describe_form(Json& d, io::Report& rep, long long n, quad::Convention conv,
                   const std::vector<std::string>& variables, bool symmetrized, double asymmetry) {
  d["n"] = n;
  d["convention"] =
      conv == quad::Convention::half ? "f(x) = 1/2 x'Ax + b'x + c" : "f(x) = x'Ax + b'x + c";
  if (!variables.empty()) d["variables"] = variables;
  if (symmetrized) {
    d["symmetrized"] = true;
    rep.notes.push_back(
        "A is not symmetric: its symmetric part (A + Aᵀ)/2 is used (max |A − Aᵀ|/2 = " +
        io::shortest(asymmetry) + ")");
  }
}

void describe_form(Json& d, io::Report& rep, const QuadForm& form) {
  describe_form(d, rep, form.size(), form.convention(), form.variables, form.symmetrized(),
                form.asymmetry());
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

}  // namespace numkit::cli::quadcli
