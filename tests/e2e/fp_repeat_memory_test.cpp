// End-to-end: `fp sum|analyze|scale --repeat N` stream the --values list N times in the memory of
// one copy (issue 10, class 4), measured as the peak resident size of the child process. The
// repetitions here would take 160 MB if the list were materialised.
#include <sys/resource.h>

#include <catch2/catch.hpp>

#include "e2e.hpp"
#include "run_numkit.hpp"

using numkit::test::run_json;

namespace {

[[maybe_unused]] long children_peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_CHILDREN, &u);
  return u.ru_maxrss;
}

}  // namespace

TEST_CASE("fp_repeat_streams_the_values_in_bounded_memory", "[e2e][fp]") {
  const auto s =
      run_json({"fp", "sum", "--values", "1,1", "--repeat", "10000000", "--format", "fp32"});
  CHECK(s["exact_sum_of_inputs"] == 2e7);
  const auto a = run_json({"fp", "analyze", "--values", "1e-9,1", "--repeat", "10000000"});
  CHECK(a.dump().find("20000000") != std::string::npos);
  const auto c =
      run_json({"fp", "scale", "--values", "1e-3,100", "--per-step", "2", "--repeat", "1000000"});
  CHECK(c.is_object());
#if !defined(__SANITIZE_ADDRESS__)  // ASan's shadow memory and quarantine dwarf the values
  CHECK(children_peak_rss_kib() < 100 * 1024);
#endif
}
