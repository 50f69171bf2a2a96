#include <algorithm>
#include <charconv>
#include <cmath>
#include <numkit/core/error.hpp>
#include <numkit/expr/ast.hpp>
#include <optional>
#include <string>
#include <unordered_map>

namespace numkit::expr {

namespace {

constexpr std::array<FunctionInfo, 22> kFunctions{{
    {"sin", Function::sin, 1},     {"cos", Function::cos, 1},     {"tan", Function::tan, 1},
    {"asin", Function::asin, 1},   {"acos", Function::acos, 1},   {"atan", Function::atan, 1},
    {"sinh", Function::sinh, 1},   {"cosh", Function::cosh, 1},   {"tanh", Function::tanh, 1},
    {"exp", Function::exp, 1},     {"log", Function::log, 1},     {"ln", Function::ln, 1},
    {"log10", Function::log10, 1}, {"log2", Function::log2, 1},   {"sqrt", Function::sqrt, 1},
    {"cbrt", Function::cbrt, 1},   {"abs", Function::abs, 1},     {"pow", Function::pow, 2},
    {"hypot", Function::hypot, 2}, {"atan2", Function::atan2, 2}, {"min", Function::min, 2},
    {"max", Function::max, 2},
}};

bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_ident_char(char c) {
  return is_ident_start(c) || (c >= '0' && c <= '9');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

const FunctionInfo* find_function(std::string_view name) {
  for (const auto& f : kFunctions)
    if (f.name == name) return &f;
  return nullptr;
}

std::string describe_token(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return "end of expression";
  const char c = text[pos];
  if (is_ident_start(c)) {
    std::size_t end = pos;
    while (end < text.size() && is_ident_char(text[end])) ++end;
    return "\"" + std::string(text.substr(pos, end - pos)) + "\"";
  }
  if (is_digit(c) || c == '.') {
    std::size_t end = pos;
    while (end < text.size() && (is_digit(text[end]) || text[end] == '.')) ++end;
    return "\"" + std::string(text.substr(pos, end - pos)) + "\"";
  }
  return "\"" + std::string(1, c) + "\"";
}

class Parser {
 public:
  Parser(std::string_view text, const std::vector<std::string>& variables)
      : text_(text), fixed_vars_(!variables.empty()) {
    tree_.text = std::string(text);
    tree_.variables = variables;
  }

  Tree run() {
    skip_space();
    if (pos_ >= text_.size()) fail(pos_, 1, "expected an expression, found an empty string");
    parse_expr();
    skip_space();
    if (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ')') fail(pos_, 1, "unmatched \")\"");
      if (c == ',') fail(pos_, 1, "unexpected \",\" outside a function's argument list");
      if (is_ident_start(c) || is_digit(c) || c == '(' || c == '.')
        fail(pos_, 1,
             "expected an operator (+ - * / ^) or the end, found " + describe_token(text_, pos_) +
                 "; write \"*\" for a product");
      fail(pos_, 1, "unexpected character " + describe_token(text_, pos_));
    }
    return std::move(tree_);
  }

 private:
  std::string_view text_;
  bool fixed_vars_;
  Tree tree_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  std::unordered_map<std::string, int> index_;  // variable name -> index

  [[noreturn]] void fail(std::size_t column, std::size_t length, const std::string& message) const {
    throw InputError(caret_message(text_, column, length, message));
  }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }

  int add(Node node) {
    if (tree_.nodes.size() >= kMaxNodes)
      fail(node.begin, 1,
           "expression too large: more than " + std::to_string(kMaxNodes) +
               " nodes (numbers, variables, operations), the limit of the expression engine");
    tree_.nodes.push_back(std::move(node));
    return static_cast<int>(tree_.nodes.size()) - 1;
  }

  int binary(NodeKind kind, int lhs, int rhs, std::size_t op) {
    Node n;
    n.kind = kind;
    n.args = {lhs, rhs};
    n.begin = tree_.nodes[lhs].begin;
    n.end = tree_.nodes[rhs].end;
    n.op = op;
    n.constant = tree_.nodes[lhs].constant && tree_.nodes[rhs].constant;
    return add(std::move(n));
  }

  int parse_expr() {
    if (++depth_ > 500) fail(pos_, 1, "expression nested too deeply (more than 500 levels)");
    int lhs = parse_term();
    for (;;) {
      skip_space();
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) {
        const std::size_t op = pos_;
        const NodeKind kind = text_[pos_] == '+' ? NodeKind::add : NodeKind::subtract;
        ++pos_;
        const int rhs = parse_term();
        lhs = binary(kind, lhs, rhs, op);
      } else {
        break;
      }
    }
    --depth_;
    return lhs;
  }

  int parse_term() {
    int lhs = parse_unary();
    for (;;) {
      skip_space();
      if (pos_ < text_.size() && (text_[pos_] == '*' || text_[pos_] == '/') &&
          !(text_[pos_] == '*' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*')) {
        const std::size_t op = pos_;
        const NodeKind kind = text_[pos_] == '*' ? NodeKind::multiply : NodeKind::divide;
        ++pos_;
        const int rhs = parse_unary();
        lhs = binary(kind, lhs, rhs, op);
      } else {
        break;
      }
    }
    return lhs;
  }

  int parse_unary() {
    skip_space();
    if (pos_ < text_.size() && (text_[pos_] == '-' || text_[pos_] == '+')) {
      if (++depth_ > 500) fail(pos_, 1, "expression nested too deeply (more than 500 levels)");
      const std::size_t op = pos_;
      const bool minus = text_[pos_] == '-';
      ++pos_;
      const int operand = parse_unary();
      --depth_;
      if (!minus) {
        tree_.nodes[operand].begin = op;
        return operand;
      }
      Node n;
      n.kind = NodeKind::negate;
      n.args = {operand, -1};
      n.begin = op;
      n.end = tree_.nodes[operand].end;
      n.op = op;
      n.constant = tree_.nodes[operand].constant;
      return add(std::move(n));
    }
    return parse_power();
  }

  int parse_power() {
    const int base = parse_primary();
    skip_space();
    if (pos_ < text_.size() &&
        (text_[pos_] == '^' ||
         (text_[pos_] == '*' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*'))) {
      const std::size_t op = pos_;
      pos_ += text_[pos_] == '^' ? 1 : 2;
      if (++depth_ > 500) fail(pos_, 1, "expression nested too deeply (more than 500 levels)");
      const int exponent = parse_unary();
      --depth_;
      return binary(NodeKind::power, base, exponent, op);
    }
    return base;
  }

  int parse_number() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    }
    if (pos_ - start == 1 && text_[start] == '.') fail(start, 1, "expected a digit after \".\"");
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      std::size_t p = pos_ + 1;
      if (p < text_.size() && (text_[p] == '+' || text_[p] == '-')) ++p;
      if (p < text_.size() && is_digit(text_[p])) {
        while (p < text_.size() && is_digit(text_[p])) ++p;
        pos_ = p;
      }
      // otherwise "2e" is 2 followed by the name e: reported as a missing operator
    }
    if (pos_ < text_.size() && text_[pos_] == '.')
      fail(pos_, 1,
           "unexpected \".\" after the number " + std::string(text_.substr(start, pos_ - start)));
    Node n;
    n.kind = NodeKind::number;
    n.literal = std::string(text_.substr(start, pos_ - start));
    const auto res = std::from_chars(text_.data() + start, text_.data() + pos_, n.value);
    if (res.ec == std::errc::result_out_of_range || !std::isfinite(n.value)) {
      // from_chars reports underflow as out of range too; underflow to 0 or a subnormal is fine.
      const double probe = std::strtod(n.literal.c_str(), nullptr);
      if (!std::isfinite(probe))
        fail(start, pos_ - start, "number " + n.literal + " is too large for double precision");
      n.value = probe;
    } else if (res.ec != std::errc()) {
      fail(start, pos_ - start, "malformed number " + n.literal);
    }
    n.begin = start;
    n.end = pos_;
    n.op = start;
    n.constant = true;
    return add(std::move(n));
  }

  int parse_primary() {
    skip_space();
    if (pos_ >= text_.size()) {
      if (tree_.nodes.empty() && pos_ == 0) fail(pos_, 1, "expected an expression");
      fail(pos_, 1,
           "expected a number, a variable, a function or \"(\", found the end of the expression");
    }
    const char c = text_[pos_];
    if (is_digit(c) || c == '.') return parse_number();
    if (c == '(') {
      const std::size_t open = pos_;
      ++pos_;
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == ')')
        fail(pos_, 1, "expected an expression inside \"()\"");
      const int inner = parse_expr();
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != ')') {
        if (pos_ >= text_.size())
          fail(open, 1, "unclosed \"(\": expected \")\" before the end of the expression");
        fail(pos_, 1,
             "expected \")\" to close the \"(\" at column " + std::to_string(open + 1) +
                 ", found " + describe_token(text_, pos_));
      }
      ++pos_;
      tree_.nodes[inner].begin = open;
      tree_.nodes[inner].end = pos_;
      return inner;
    }
    if (is_ident_start(c)) return parse_name();
    if (c == ')') fail(pos_, 1, "expected an expression before \")\"");
    if (c == '*' || c == '/' || c == '^')
      fail(pos_, 1, "expected an operand before \"" + std::string(1, c) + "\"");
    if (c == ',') fail(pos_, 1, "expected an expression before \",\"");
    fail(pos_, 1, "unexpected character " + describe_token(text_, pos_));
  }

  int parse_name() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
    const std::string name(text_.substr(start, pos_ - start));
    std::size_t after = pos_;
    while (after < text_.size() && (text_[after] == ' ' || text_[after] == '\t')) ++after;
    const bool is_call = after < text_.size() && text_[after] == '(';
    if (is_call) return parse_call(name, start, after);
    if (find_function(name) != nullptr)
      fail(start, name.size(), name + " is a function: write " + name + "(...)");
    Node n;
    n.begin = start;
    n.end = pos_;
    n.op = start;
    if (name == "pi") {
      n.kind = NodeKind::pi;
      n.constant = true;
    } else if (name == "e") {
      n.kind = NodeKind::e;
      n.constant = true;
    } else {
      n.kind = NodeKind::variable;
      auto& vars = tree_.variables;
      if (index_.size() != vars.size())  // (re)build the name index: the variables given
        for (std::size_t k = 0; k < vars.size(); ++k) index_.emplace(vars[k], static_cast<int>(k));
      const auto it = index_.find(name);
      if (it != index_.end()) {
        n.variable = it->second;
      } else if (fixed_vars_) {
        std::string list;
        for (std::size_t k = 0; k < vars.size() && k < 10; ++k)
          list += (list.empty() ? "" : ", ") + vars[k];
        if (vars.size() > 10) list += ", ... (" + std::to_string(vars.size()) + " in all)";
        fail(start, name.size(),
             "unknown variable \"" + name + "\" (the variables are " + list + ")");
      } else {
        vars.push_back(name);
        n.variable = static_cast<int>(vars.size()) - 1;
        index_.emplace(name, n.variable);
      }
    }
    return add(std::move(n));
  }

  int parse_call(const std::string& name, std::size_t start, std::size_t open) {
    const FunctionInfo* info = find_function(name);
    if (info == nullptr) {
      const bool is_var = std::find(tree_.variables.begin(), tree_.variables.end(), name) !=
                              tree_.variables.end() ||
                          name == "pi" || name == "e";
      std::string best;
      std::size_t best_d = 3;
      for (const auto& f : kFunctions) {
        const std::size_t d = edit_distance(name, f.name);
        if (d < best_d) {
          best_d = d;
          best = f.name;
        }
      }
      std::string msg = "unknown function \"" + name + "\"";
      if (!best.empty() && !is_var)
        msg += " (did you mean \"" + best + "\"?)";
      else if (is_var)
        msg = "\"" + name + "\" is not a function: write " + name + "*(...) for a product";
      else
        msg +=
            "; known functions: sin cos tan asin acos atan sinh cosh tanh exp log ln log10 log2 "
            "sqrt cbrt abs pow hypot atan2 min max";
      fail(start, name.size(), msg);
    }
    pos_ = open + 1;
    std::vector<int> args;
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == ')') {
      ++pos_;
    } else {
      for (;;) {
        args.push_back(parse_expr());
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < text_.size() && text_[pos_] == ')') {
          ++pos_;
          break;
        }
        if (pos_ >= text_.size())
          fail(open, 1,
               "unclosed \"(\" of " + name + ": expected \")\" before the end of the expression");
        fail(pos_, 1,
             "expected \",\" or \")\" in the arguments of " + name + ", found " +
                 describe_token(text_, pos_));
      }
    }
    if (static_cast<int>(args.size()) != info->arity)
      fail(start, name.size(),
           name + " takes " + std::to_string(info->arity) +
               (info->arity == 1 ? " argument" : " arguments") + ", got " +
               std::to_string(args.size()));
    Node n;
    n.kind = NodeKind::call;
    n.function = info->id;
    n.args = {args[0], info->arity == 2 ? args[1] : -1};
    n.begin = start;
    n.end = pos_;
    n.op = start;
    n.constant = true;
    for (int a : args) n.constant = n.constant && tree_.nodes[a].constant;
    return add(std::move(n));
  }
};

}  // namespace

std::span<const FunctionInfo> functions() {
  return kFunctions;
}

const FunctionInfo& function_info(Function f) {
  return kFunctions[static_cast<std::size_t>(f)];
}

std::string_view Tree::source(int node) const {
  const Node& n = nodes[static_cast<std::size_t>(node)];
  return std::string_view(text).substr(n.begin, n.end - n.begin);
}

std::string caret_message(std::string_view text, std::size_t column, std::size_t length,
                          std::string_view message) {
  std::string shown(text);
  for (char& c : shown)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  column = std::min(column, shown.size());
  length =
      std::max<std::size_t>(1, std::min(length, shown.size() > column ? shown.size() - column : 1));
  std::string out =
      "expression, column " + std::to_string(column + 1) + ": " + std::string(message);
  // The echo is capped: a window of at most kWindow bytes around the caret, "..." for the rest
  // (a 2 MB expression must not give 2 MB of stderr).
  constexpr std::size_t kWindow = 72, kBefore = 30;
  length = std::min<std::size_t>(length, kWindow - kBefore);
  std::size_t from = column > kBefore ? column - kBefore : 0;
  std::size_t to = std::min(shown.size(), from + kWindow);
  std::string head = from > 0 ? "..." : "", tail = to < shown.size() ? "..." : "";
  out += "\n  " + head + shown.substr(from, to - from) + tail + "\n  " +
         std::string(head.size() + column - from, ' ') + "^" + std::string(length - 1, '~');
  return out;
}

void check_variable_name(std::string_view name, std::string_view what) {
  const std::string n(name);
  if (name.empty() || !is_ident_start(name[0]) ||
      !std::all_of(name.begin(), name.end(), [](char c) { return is_ident_char(c); }))
    throw InputError(
        std::string(what) + ": \"" + n +
        "\" is not a variable name (letters, digits and _, not starting with a digit)");
  if (name == "pi" || name == "e")
    throw InputError(std::string(what) + ": \"" + n + "\" is a constant, not a variable name");
  if (find_function(name) != nullptr)
    throw InputError(std::string(what) + ": \"" + n + "\" is a function, not a variable name");
}

bool natural_less(std::string_view a, std::string_view b) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      std::size_t ie = i, je = j;
      while (ie < a.size() && digit(a[ie])) ++ie;
      while (je < b.size() && digit(b[je])) ++je;
      std::string_view da = a.substr(i, ie - i), db = b.substr(j, je - j);
      while (da.size() > 1 && da.front() == '0') da.remove_prefix(1);
      while (db.size() > 1 && db.front() == '0') db.remove_prefix(1);
      if (da.size() != db.size()) return da.size() < db.size();
      if (da != db) return da < db;
      i = ie;
      j = je;
      continue;
    }
    if (a[i] != b[j]) return a[i] < b[j];
    ++i;
    ++j;
  }
  return a.size() - i < b.size() - j;
}

Tree parse_tree(std::string_view text, const std::vector<std::string>& variables) {
  for (std::size_t i = 0; i < variables.size(); ++i) {
    check_variable_name(variables[i], "variables");
    for (std::size_t j = 0; j < i; ++j)
      if (variables[j] == variables[i])
        throw InputError("variables: \"" + variables[i] + "\" is listed twice");
  }
  Tree tree = Parser(text, variables).run();
  if (variables.empty() && tree.variables.size() > 1) {
    // the default order: by name, digit runs compared as numbers (a, b, x, x2, x10, y)
    const std::size_t n = tree.variables.size();
    std::vector<int> order(n);
    for (std::size_t k = 0; k < n; ++k) order[k] = static_cast<int>(k);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return natural_less(tree.variables[static_cast<std::size_t>(a)],
                          tree.variables[static_cast<std::size_t>(b)]);
    });
    std::vector<int> new_index(n);
    std::vector<std::string> sorted(n);
    for (std::size_t k = 0; k < n; ++k) {
      new_index[static_cast<std::size_t>(order[k])] = static_cast<int>(k);
      sorted[k] = tree.variables[static_cast<std::size_t>(order[k])];
    }
    for (Node& node : tree.nodes)
      if (node.kind == NodeKind::variable)
        node.variable = new_index[static_cast<std::size_t>(node.variable)];
    tree.variables = std::move(sorted);
  }
  return tree;
}

}  // namespace numkit::expr
