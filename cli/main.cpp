// numkit: one executable, one subcommand per cli/<command>.cpp. Caller mistakes are exceptions,
// caught here once; numerical outcomes come back from the commands as exit codes.
#include <iostream>
#include <new>

#include "common/command.hpp"
#include "numkit/core/error.hpp"
#include "numkit/plot/plot.hpp"

namespace {

constexpr const char* kFooter = R"(Exit codes:
  0  success
  1  numerical failure (e.g. no convergence within limits, no minimum); the best result is
     still printed, with its status
  2  usage or input error (one line on stderr names the input and the position)
  3  internal error (a bug: please report it)

Output: results only on stdout (a table, or --json / --csv with shortest round-trip
numbers); warnings, errors and progress on stderr.

Examples:
  numkit tour --no-plots
  numkit --version)";

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  CLI::App app{
      "numkit: numerical optimization, calculus, probability and floating-point precision "
      "from the command line"};
  app.name("numkit");
  app.set_version_flag("--version", std::string("numkit ") + NUMKIT_VERSION);
  app.require_subcommand(1);
  app.footer(kFooter);
  app.get_formatter()->column_width(34);
  numkit::cli::setup_commands(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion&) {
    std::cout << "numkit " << NUMKIT_VERSION << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    std::cout.flush();
    std::cerr << "numkit: " << e.what() << "\n";
    if (argc <= 1) std::cerr << "run 'numkit --help' for the commands\n";
    return 2;
  } catch (const numkit::InputError& e) {
    std::cout.flush();
    std::cerr << "numkit: " << e.what() << "\n";
    return 2;
  } catch (const numkit::UsageError& e) {
    std::cout.flush();
    std::cerr << "numkit: " << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cout.flush();
    std::cerr << "numkit: out of memory\n";
    return 1;
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "numkit: internal error: " << e.what() << "\n";
    return 3;
  }
  std::cout.flush();
  return numkit::cli::exit_code();
}
