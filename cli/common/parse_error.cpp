// CLI11's parse errors in numkit's words. CLI11 reports what went wrong in its own vocabulary
// ("A subcommand is required", "1 required M missing", "Value 30 not in range 1 to 17"); a user
// needs the word that was not understood and the nearest word that would have been. So the
// command line is walked again here, against the same command definitions, to find the first
// unknown command or option; other messages are reworded.
#include <algorithm>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "common/command.hpp"

namespace numkit::cli {
namespace {

// Optimal string alignment distance (Levenshtein with adjacent transpositions).
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[n][m];
}

// The candidate nearest to `word`, if it is near enough to be a likely typo (or `word` is a
// prefix of it); empty otherwise.
std::string nearest(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::string::npos;
  for (const auto& c : candidates) {
    std::size_t dist = edit_distance(word, c);
    if (word.size() >= 2 && c.starts_with(word)) dist = std::min<std::size_t>(dist, 1);
    if (dist < best_distance) {
      best_distance = dist;
      best = c;
    }
  }
  const std::size_t allowed = std::max<std::size_t>(2, word.size() / 3);
  if (best_distance <= allowed) return best;
  // A short word further off (--mu for --mean): the one candidate with its first letter, if it
  // is within three edits.
  const std::string_view bare = word.substr(
      word.find_first_not_of('-') == std::string_view::npos ? 0 : word.find_first_not_of('-'));
  std::string only;
  int same_letter = 0;
  for (const auto& c : candidates) {
    const std::size_t from = c.find_first_not_of('-');
    if (bare.empty() || from == std::string::npos || c[from] != bare[0]) continue;
    ++same_letter;
    only = c;
  }
  return same_letter == 1 && edit_distance(word, only) <= 3 ? only : std::string();
}

std::vector<CLI::App*> commands_of(CLI::App* app) {
  return app->get_subcommands([](CLI::App* sub) { return !sub->get_name().empty(); });
}

std::vector<std::string> command_names(CLI::App* app) {
  std::vector<std::string> names;
  for (CLI::App* sub : commands_of(app)) names.push_back(sub->get_name());
  return names;
}

CLI::App* find_command(CLI::App* app, std::string_view word) {
  for (CLI::App* sub : commands_of(app))
    if (sub->check_name(std::string(word))) return sub;
  return nullptr;
}

// An option of `app` or of a command above it (numkit's options belong to the leaf commands, but
// --help and --version are the root's).
const CLI::Option* find_option(CLI::App* app, const std::string& name) {
  for (CLI::App* a = app; a != nullptr; a = a->get_parent())
    if (const CLI::Option* opt = a->get_option_no_throw(name)) return opt;
  return nullptr;
}

// The long names for a misspelled --name, the short ones for -n.
std::vector<std::string> option_names(CLI::App* app, bool long_names) {
  std::vector<std::string> names;
  for (const CLI::Option* opt : app->get_options()) {
    if (long_names)
      for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
    else
      for (const auto& s : opt->get_snames()) names.push_back("-" + s);
  }
  return names;
}

// "poisson cdf": the command path below the root.
std::string path_of(const CLI::App* app) {
  std::string path;
  for (const CLI::App* a = app; a != nullptr && a->get_parent() != nullptr; a = a->get_parent())
    path = a->get_name() + (path.empty() ? "" : " " + path);
  return path;
}

bool looks_like_number(std::string_view token) {
  if (token.size() < 2 || token[0] != '-') return false;
  const char c = token[1];
  return (c >= '0' && c <= '9') || c == '.' || token == "-inf" || token == "-nan";
}

std::string in_quotes(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

struct Walk {
  CLI::App* deepest = nullptr;  // the last command named on the line
  std::string message;          // set when an unknown command or option was found
};

Walk walk(CLI::App& root, int argc, char** argv) {
  Walk w;
  w.deepest = &root;
  for (int i = 1; i < argc; ++i) {
    const std::string token = argv[i];
    if (token == "--") break;  // the rest are values
    if (token.size() > 1 && token[0] == '-' && !looks_like_number(token)) {
      // The calculus commands take an expression such as -x^2 where an option could stand.
      if (w.deepest->get_allow_extras() && token[1] != '-') continue;
      const std::string name = token.substr(0, token.find('='));
      const CLI::Option* opt = find_option(w.deepest, name);
      if (opt == nullptr) {
        std::string where = path_of(w.deepest);
        w.message =
            "unknown option " + in_quotes(name) + (where.empty() ? "" : " for " + in_quotes(where));
        std::string near = nearest(name, option_names(w.deepest, name.starts_with("--")));
        if (!near.empty()) w.message += "; did you mean " + in_quotes(near) + "?";
        return w;
      }
      // An option with a value takes the next token (unless given as --name=value).
      if (token.find('=') == std::string::npos && opt->get_type_size_max() > 0 && i + 1 < argc) ++i;
      continue;
    }
    if (CLI::App* sub = find_command(w.deepest, token)) {
      w.deepest = sub;
      continue;
    }
    const bool takes_words =
        !w.deepest->get_options([](const CLI::Option* o) { return o->get_positional(); }).empty();
    if (!commands_of(w.deepest).empty() && !takes_words) {
      const std::string where = path_of(w.deepest);
      const std::string prefix = where.empty() ? "" : where + " ";
      if (token == "help") {
        std::string topic = prefix;
        if (i + 1 < argc && find_command(w.deepest, argv[i + 1]))
          topic += std::string(argv[i + 1]) + " ";
        w.message = "there is no " + in_quotes(prefix + "help") + " command; run " +
                    in_quotes("numkit " + topic + "--help");
        return w;
      }
      w.message = "unknown command " + in_quotes(prefix + token);
      std::string near = nearest(token, command_names(w.deepest));
      if (!near.empty()) w.message += "; did you mean " + in_quotes(prefix + near) + "?";
      return w;
    }
  }
  return w;
}

// The commands of a group, one per line with its description, for a bare `numkit GROUP`.
std::string command_list(CLI::App* group) {
  std::string list;
  std::size_t width = 0;
  for (CLI::App* sub : commands_of(group)) width = std::max(width, sub->get_name().size());
  for (CLI::App* sub : commands_of(group)) {
    std::string name = sub->get_name();
    list += "\n  " + name + std::string(width - name.size() + 2, ' ') + sub->get_description();
  }
  return list;
}

// CLI11's remaining wordings, reworded.
std::string reword(std::string message, const std::string& where) {
  static const std::regex missing_value(R"(^(\S+): \d+ required (\S+) missing$)");
  static const std::regex range(R"(Value (\S+) not in range (\S+) to (\S+))");
  static const std::regex excludes(R"(^(\S+) excludes (\S+)$)");
  static const std::regex requires_(R"(^(\S+) requires (\S+)$)");
  static const std::regex not_expected(
      R"(^The following arguments? (?:was|were) not expected: (.*)$)");
  static const std::regex required(R"(^(\S+) is required$)");
  std::smatch m;
  if (std::regex_match(message, m, missing_value))
    return m[1].str() + ": expected a value (" + m[2].str() + ")";
  if (std::regex_match(message, m, excludes))
    return m[1].str() + " and " + m[2].str() + " cannot be used together";
  if (std::regex_match(message, m, requires_)) return m[1].str() + " needs " + m[2].str();
  if (std::regex_match(message, m, not_expected))
    return (where.empty() ? "" : where + ": ") + "unexpected argument " + in_quotes(m[1].str());
  if (std::regex_match(message, m, required))
    return (where.empty() ? "" : where + ": ") + "missing " + m[1].str();
  message = std::regex_replace(message, range, "$1 is outside $2..$3");
  if (!message.empty() && message.back() == '.') message.pop_back();
  if (!message.empty() && message[0] >= 'A' && message[0] <= 'Z' &&
      (message.size() < 2 || !(message[1] >= 'A' && message[1] <= 'Z')))
    message[0] = static_cast<char>(message[0] - 'A' + 'a');  // fmt's style: lowercase
  return message;
}

}  // namespace

std::string parse_error_message(CLI::App& root, const CLI::ParseError& error, int argc,
                                char** argv) {
  Walk w = walk(root, argc, argv);
  if (!w.message.empty()) return w.message;
  const std::string where = path_of(w.deepest);
  const std::string what = error.what();
  if (what == "A subcommand is required" || what.starts_with("Requires at least")) {
    if (w.deepest == &root) return "a command is required (numkit --help lists them)";
    return "\"numkit " + where + "\" needs a command:" + command_list(w.deepest);
  }
  return reword(what, where);
}

}  // namespace numkit::cli
