#pragma once
// The parse tree of an expression. Parsed once; evaluated generically (see evaluate.hpp) in double,
// in forward-mode automatic differentiation (jet.hpp) and in multiprecision for tests.
//
// Grammar (whitespace is ignored between tokens):
//   expr    := term (('+' | '-') term)*
//   term    := unary (('*' | '/') unary)*
//   unary   := ('-' | '+') unary | power
//   power   := primary (('^' | '**') unary)?          right-associative, binds tighter than unary
//   minus primary := number | name | name '(' expr (',' expr)* ')' | '(' expr ')'
// Numbers: 2, 2.5, .5, 1e-3. Names: letters, digits and '_' not starting with a digit.
// Constants: pi, e. Functions: see functions().
#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace numkit::expr {

enum class NodeKind : unsigned char {
  number,
  pi,
  e,
  variable,
  negate,
  add,
  subtract,
  multiply,
  divide,
  power,
  call,
};

enum class Function : unsigned char {
  sin,
  cos,
  tan,
  asin,
  acos,
  atan,
  sinh,
  cosh,
  tanh,
  exp,
  log,
  ln,
  log10,
  log2,
  sqrt,
  cbrt,
  abs,
  pow,
  hypot,
  atan2,
  min,
  max,
};

struct FunctionInfo {
  std::string_view name;
  Function id;
  int arity;
};
// Every known function, in the order of the Function enum.
std::span<const FunctionInfo> functions();
const FunctionInfo& function_info(Function f);

struct Node {
  NodeKind kind = NodeKind::number;
  Function function = Function::sin;  // kind == call
  int variable = -1;                  // kind == variable: index into Tree::variables
  double value = 0;                   // kind == number: the literal correctly rounded to double
  std::string literal;                // kind == number: its source text (for exact / 50-digit use)
  std::array<int, 2> args{-1, -1};    // children (indices into Tree::nodes, always smaller)
  std::size_t begin = 0, end = 0;     // the node's span in Tree::text: [begin, end)
  std::size_t op = 0;                 // column of its operator or function name (for carets)
  bool constant = false;              // no variable below this node
};

// The largest parse tree accepted (about 100 bytes per node in the tree, 100 more while
// differentiating): longer expressions are refused by parse_tree with this limit in the message.
inline constexpr std::size_t kMaxNodes = 1'000'000;

struct Tree {
  std::string text;                    // the expression as given
  std::vector<std::string> variables;  // the variable order
  std::vector<Node> nodes;             // children precede parents; the root is nodes.back()
  int root() const { return static_cast<int>(nodes.size()) - 1; }
  std::string_view source(int node) const;  // the text of a subexpression
};

// Parses `text`. Variable order: `variables` if non-empty (every name used must be listed; names
// listed but unused are allowed), else by name in natural order (natural_less: x2 before x10), so
// that a positional point never depends on how the expression happens to be written. Throws
// numkit::InputError with the expression and a caret under the offending column on any error.
Tree parse_tree(std::string_view text, const std::vector<std::string>& variables = {});

// Names compared character by character, runs of digits as numbers: a < b < x < x2 < x10 < y.
bool natural_less(std::string_view a, std::string_view b);

// Validates a variable name (identifier, not a constant or function name); throws InputError.
void check_variable_name(std::string_view name, std::string_view what);

// "expression, column 4: <message>\n  <text>\n     ^~~" — the message format of every parse error.
std::string caret_message(std::string_view text, std::size_t column, std::size_t length,
                          std::string_view message);

}  // namespace numkit::expr
