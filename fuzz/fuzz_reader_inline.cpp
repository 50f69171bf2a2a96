// The inline reader: the bytes as a literal spec (`[[3,2],[2,6]]`, `3 2; 2 6`, `1,-2`). Specs
// that name files are skipped: the file harnesses cover the formats, and a fuzzer must not read
// whatever its input names.
#include <filesystem>

#include "fuzz_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string spec(numkit::fuzz::as_text(data, size));
  if (spec == "-" || spec.find('/') != std::string::npos || spec.find('\0') != std::string::npos)
    return -1;
  std::error_code ec;
  if (std::filesystem::exists(spec, ec)) return -1;
  numkit::fuzz::read_all_ways(spec);
  return 0;
}
