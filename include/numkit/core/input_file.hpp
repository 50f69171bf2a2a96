#pragma once
// Opening what a user names as an input (a file path, or "-" for standard input), with messages
// that say what is wrong: "no such file", "is a directory", "standard input is closed",
// "binary data", "larger than the limit". Regular files, FIFOs and character devices
// (/dev/stdin, <(process substitution)) are read; a text input never holds a NUL byte, so
// /dev/zero or a binary file is refused at its first chunk instead of filling memory.
#include <cstddef>
#include <string>
#include <string_view>

namespace numkit {

// The largest text input read whole into memory (files, stdin): 4 GiB.
inline constexpr std::size_t kMaxInputBytes = std::size_t{4} << 30;

// Reads all of `spec` ("-": stdin); throws InputError naming it and the reason.
std::string read_input_text(std::string_view spec, std::size_t limit = kMaxInputBytes);

// Throws InputError if `spec` (not "-") cannot be an input: missing, a directory, a socket.
// Returns true if it names an existing readable input, false if it does not exist at all.
bool input_exists(std::string_view spec);

}  // namespace numkit
