// Heavy libraries are opened on first use: what a failure says, and that a call works through
// the forwarder.
#include <lapacke.h>
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <string>

#include "numkit/core/detail/on_demand_library.hpp"
#include "numkit/core/error.hpp"

namespace {

bool mapped(const std::string& library_name) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line))
    if (line.find(library_name) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("on_demand_symbol_names_a_library_that_cannot_be_loaded", "[core]") {
  try {
    numkit::detail::on_demand_symbol("/nonexistent/libnumkit_missing.so.1", "f");
    FAIL("no error");
  } catch (const numkit::EnvironmentError& e) {
    CHECK_THAT(e.what(), Catch::StartsWith("cannot load /nonexistent/libnumkit_missing.so.1: "));
  }
}

TEST_CASE("on_demand_symbol_names_a_function_the_library_lacks", "[core]") {
  try {
    numkit::detail::on_demand_symbol("libc.so.6", "numkit_no_such_function");
    FAIL("no error");
  } catch (const numkit::EnvironmentError& e) {
    CHECK(std::string(e.what()) ==
          "cannot load libc.so.6: it has no numkit_no_such_function (numkit was built against "
          "another version)");
  }
}

TEST_CASE("lapacke_is_loaded_by_its_first_call_and_computes_through_the_forwarder", "[core]") {
  // This test executable links numkit's core, which forwards LAPACKE instead of linking it.
  CHECK_FALSE(mapped("liblapacke"));
  double a[4] = {4, 2, 2, 3};  // [[4,2],[2,3]] = L L^T with L = [[2,0],[1,sqrt(2)]]
  REQUIRE(LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', 2, a, 2) == 0);
  CHECK(a[0] == 2);
  CHECK(a[1] == 1);
  CHECK(a[3] == std::sqrt(2.0));  // sqrt(3 - 1), correctly rounded
  CHECK(mapped("liblapacke"));
}
