// The mtx reader: the bytes as a .mtx file.
#include "fuzz_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  numkit::fuzz::read_all_ways(numkit::fuzz::file_with(numkit::fuzz::as_text(data, size), ".mtx"));
  return 0;
}
