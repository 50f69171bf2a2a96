#!/usr/bin/env bash
# Builds the libFuzzer harnesses in fuzz/ with clang-14 under AddressSanitizer +
# UndefinedBehaviorSanitizer (+ float-cast-overflow) and runs each for a bounded time, starting
# from its committed seed corpus fuzz/corpus/<harness>/ (which also holds every input that ever
# found a bug: they are replayed first, as regression tests). Any finding fails the script; the
# input is saved as build/fuzz/findings/<harness>-crash-*.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_HARNESS] [HARNESS...]   (default 30 s each, every harness)
#   NUMKIT_FUZZ_JOBS: parallel build jobs (default nproc)
#   NUMKIT_FUZZ_PARALLEL: harnesses run at once (default nproc)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
build=build/fuzz
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNUMKIT_FUZZ=ON -DNUMKIT_NATIVE=OFF \
  -DNUMKIT_BUILD_TESTS=OFF -DNUMKIT_BUILD_BENCH=OFF -DNUMKIT_WERROR="${WERROR:-OFF}" >/dev/null
cmake --build "$build" --target fuzzers -j "${NUMKIT_FUZZ_JOBS:-$(nproc)}"

harnesses=("$@")
if [[ ${#harnesses[@]} -eq 0 ]]; then
  for f in fuzz/fuzz_*.cpp; do harnesses+=("$(basename "$f" .cpp)"); done
fi
mkdir -p "$build/findings" "$build/scratch"
export NUMKIT_FUZZ_DIR="$build/scratch"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_one() {  # harness: exit status 0 when no finding
  local h=$1 seeds=fuzz/corpus/$1 work=$build/corpus/$1  # work grows on this machine; seeds stay
  mkdir -p "$work" "$seeds"
  # -rss_limit_mb / -malloc_limit_mb: the memory an input may take; -timeout: per input (a hang).
  "$build/$h" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -malloc_limit_mb=1024 -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$build/findings/$h-" "$work" "$seeds" >"$build/$h.log" 2>&1
}
# Two harnesses at a time by default (each is one process): the whole run takes about
# ceil(harnesses / NUMKIT_FUZZ_PARALLEL) * SECONDS.
parallel=${NUMKIT_FUZZ_PARALLEL:-$(nproc)}
declare -A pid_of
failed=()
report() {
  local h=$1 status=$2
  if [[ $status -ne 0 ]]; then
    failed+=("$h")
    echo "== $h: FINDING" >&2
    tail -n 40 "$build/$h.log" >&2
  else
    echo "== $h: ${seconds}s, $(grep -Eo 'stat::number_of_executed_units: [0-9]+' "$build/$h.log" |
      grep -Eo '[0-9]+$' || echo '?') inputs, no finding" >&2
  fi
}
running=()
for h in "${harnesses[@]}"; do
  run_one "$h" &
  pid_of[$h]=$!
  running+=("$h")
  if [[ ${#running[@]} -ge $parallel ]]; then
    first=${running[0]}
    running=("${running[@]:1}")
    status=0
    wait "${pid_of[$first]}" || status=$?
    report "$first" "$status"
  fi
done
for h in "${running[@]}"; do
  status=0
  wait "${pid_of[$h]}" || status=$?
  report "$h" "$status"
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: findings in ${failed[*]} (inputs in $build/findings/)" >&2
  exit 1
fi
echo "fuzz: ${#harnesses[@]} harnesses, ${seconds}s each, no findings" >&2
