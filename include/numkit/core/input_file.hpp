#pragma once
// Opening what a user names as an input (a file path, or "-" for standard input), with messages
// that say what is wrong: "no such file", "is a directory", "standard input is closed",
// "binary data", "larger than the limit". Regular files, FIFOs and character devices
// (/dev/stdin, <(process substitution)) are read; a text input never holds a NUL byte, so
// /dev/zero or a binary file is refused at its first chunk instead of filling memory.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace numkit {

// The largest text input read whole into memory (files, stdin): 4 GiB.
inline constexpr std::size_t kMaxInputBytes = std::size_t{4} << 30;

// Reads all of `spec` ("-": stdin); throws InputError naming it and the reason.
std::string read_input_text(std::string_view spec, std::size_t limit = kMaxInputBytes);

// Calls each(line, where) for every line of `spec` ("-": stdin) as soon as it is read, with its
// # comment cut and blank lines skipped; `where` is "FILE:LINE" ("stdin:LINE") for messages.
// Throws InputError for a missing file, binary data or a read error. For inputs that stream a
// row per line (grad --points, fp show -).
void for_each_input_line(
    std::string_view spec,
    const std::function<void(std::string_view line, const std::string& where)>& each);

// Throws InputError if `spec` (not "-") cannot be an input: missing, a directory, a socket.
// Returns true if it names an existing readable input, false if it does not exist at all.
bool input_exists(std::string_view spec);

}  // namespace numkit
