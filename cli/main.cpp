// numkit: one executable, one subcommand per cli/<command>.cpp. Caller mistakes are exceptions,
// caught here once; numerical outcomes come back from the commands as exit codes.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <new>
#include <stdexcept>

#include "common/command.hpp"
#include "numkit/core/error.hpp"
#include "numkit/core/output_file.hpp"
#include "numkit/core/version.hpp"
#include "numkit/plot/plot.hpp"

namespace {

constexpr const char* kFooter = R"(Exit codes:
  0  success
  1  numerical failure (e.g. no convergence within limits, no minimum); the best result is
     still printed, with its status
  2  usage or input error (one line on stderr names the input and the position), including
     an input that needs more memory than is available ("out of memory")
  3  internal error (a bug: please report it)

Output: results only on stdout (a table, or --json / --csv with shortest round-trip
numbers); warnings, errors and progress on stderr.

Examples:
  numkit tour --no-plots
  numkit --version)";

// A closed standard descriptor would be handed out by the next open(): a file numkit writes
// could become its stdout. /dev/null takes its place (a closed stdin then reads as empty).
void reopen_closed_standard_descriptors() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
    int opened = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
    if (opened >= 0 && opened != fd) {
      ::dup2(opened, fd);
      ::close(opened);
    }
  }
}

int out_of_memory() {
  std::cout.flush();
  std::cerr << "numkit: out of memory: the input needs more memory than is available\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  reopen_closed_standard_descriptors();
  std::ios::sync_with_stdio(false);
  // Temporaries are removed on SIGINT/SIGTERM/SIGHUP, and stdout is written in whole records
  // (lines), so an interrupted stream ends with a complete record.
  numkit::install_signal_cleanup();
  numkit::install_record_stdout();
  CLI::App app{
      "numkit: numerical optimization, calculus, probability and floating-point precision "
      "from the command line"};
  app.name("numkit");
  app.set_version_flag("--version", std::string("numkit ") + NUMKIT_VERSION);
  app.require_subcommand(1);
  app.footer(kFooter);
  app.get_formatter()->column_width(34);
  numkit::cli::setup_commands(app, argc, argv);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion&) {
    std::cout << "numkit " << NUMKIT_VERSION << " (" << numkit::library_versions() << ")\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    std::cout.flush();
    std::cerr << "numkit: " << numkit::cli::parse_error_message(app, e, argc, argv) << "\n";
    return 2;
  } catch (const numkit::InputError& e) {
    std::cout.flush();
    std::cerr << "numkit: " << e.what() << "\n";
    return 2;
  } catch (const numkit::UsageError& e) {
    std::cout.flush();
    std::cerr << "numkit: " << e.what() << "\n";
    return 2;
  } catch (const numkit::EnvironmentError& e) {
    std::cout.flush();
    std::cerr << "numkit: " << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    return out_of_memory();
  } catch (const std::length_error&) {  // a size beyond what a container can hold
    return out_of_memory();
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "numkit: internal error: " << e.what() << "\n";
    return 3;
  }
  std::cout.flush();
  // A full disk is an error; a reader that went away (`| head`, SIGPIPE ignored) is not.
  if (int error = numkit::stdout_error(); error != 0 && error != EPIPE) {
    std::cerr << "numkit: cannot write the results to stdout (" << std::strerror(error) << ")\n";
    return 2;
  }
  return numkit::cli::exit_code();
}
