#pragma once
// Shared by the libFuzzer harnesses: every harness feeds bytes to a public numkit API and accepts
// only the documented outcomes (a result, or numkit::InputError/UsageError). Anything else — a
// crash, a sanitizer report, another exception, a broken invariant — is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include "numkit/core/error.hpp"

namespace numkit::fuzz {

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A finding that is not a crash: print why and abort, so libFuzzer saves the input.
[[noreturn]] inline void fail(const char* why) {
  std::fprintf(stderr, "numkit fuzz finding: %s\n", why);
  std::abort();
}

// Runs `body`; documented input errors are fine, anything else is a finding.
template <class F>
void expect_result_or_input_error(F&& body) {
  try {
    body();
  } catch (const numkit::InputError&) {
  } catch (const numkit::UsageError&) {
  } catch (const std::bad_alloc&) {
    fail("std::bad_alloc: an input made numkit allocate beyond its stated limits");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected exception: %s\n", e.what());
    fail("an exception other than InputError/UsageError escaped");
  }
}

// A file with the given extension holding `data`, rewritten for each input (in the fuzzer's
// working directory, or TMPDIR, per process).
inline std::string file_with(std::string_view data, const char* extension) {
  static std::string base = [] {
    const char* dir = std::getenv("NUMKIT_FUZZ_DIR");
    return std::string(dir && *dir ? dir : "/tmp") + "/numkit-fuzz-" + std::to_string(::getpid());
  }();
  std::string path = base + extension;
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(data.data(), static_cast<std::streamsize>(data.size()));
  return path;
}

}  // namespace numkit::fuzz
