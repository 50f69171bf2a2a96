#pragma once
// The one way numkit writes a file (plots, --x-out, generated matrices, traces): atomically.
// The data goes to a temporary beside the target, named `.NAME.numkit-PID-SEQ.tmp`, which is
// renamed over the target only when complete, so a reader (or a run killed at any moment) sees
// the old complete file or the new complete file, never a torn one. Temporaries are removed
// when a write fails, when the object is destroyed uncommitted, and on SIGINT/SIGTERM/SIGHUP
// (see install_signal_cleanup); the temporaries of a run killed outright (SIGKILL) are
// recognised by their name and removed by the next run that writes into the same folder.
//
// Targets: a symbolic link is written through (its final target is replaced, the link stays);
// a character device or FIFO (/dev/null, /dev/stdout, a named pipe) is written into directly;
// a directory, a block device or a socket is refused, as is a name with a control character.
// "-" is refused (InputError): a caller that means standard output handles "-" itself.
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

namespace numkit {

class OutputFile {
 public:
  // `what` names the flag or role for messages ("--x-out", "plot"); throws InputError naming
  // the target and the reason if it cannot be written.
  OutputFile(const std::string& path, std::string what);
  ~OutputFile();  // uncommitted: removes the temporary, the target is untouched
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  std::ostream& stream();
  // Flushes, checks every write and puts the file in place; throws InputError on failure
  // (the temporary is removed, the target untouched).
  void commit();
  const std::string& path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes `contents` to `path` atomically (an OutputFile in one call).
void write_file_atomically(const std::string& path, std::string_view contents,
                           std::string_view what = {});

// Throws InputError (prefixed by `what`) if `path` is plainly unwritable: a control character in
// the name, a missing folder, a directory, a block device or socket. Commands call it before
// computing, so a long computation does not end in a refusal.
void check_output_path(const std::string& path, std::string_view what);

// Removes the temporaries of this process and re-raises, on SIGINT, SIGTERM and SIGHUP. Output
// written through install_record_stdout() is held back until a whole record is out.
// Called once by main.
void install_signal_cleanup();

// Replaces std::cout's buffer by one that writes only whole lines (records) to file descriptor 1,
// each write finished before a pending SIGINT/SIGTERM takes effect, so a stream interrupted at
// any moment ends with a complete record. Called once by main.
void install_record_stdout();
// The error (an errno value) that stopped writing to stdout through that buffer, or 0.
int stdout_error();

namespace detail {
// The temporary-file name pattern; exposed for tests. Returns the pid encoded in `name`, or 0.
long temporary_owner(std::string_view name);
// A helper process (gnuplot) to kill if a terminating signal arrives; 0: none.
void set_helper_process(int pid);
}  // namespace detail

}  // namespace numkit
