#!/usr/bin/env bash
# Probe benchmark: starts FastMcpServer in its own JVM, then runs ProbeBench (a fresh JVM per run)
# at each concurrency, and prints the figures. See bench/README.md for what they mean.
#
#   bench/probe-bench.sh [N] [CONCURRENCY...]        defaults: 2000 probes at 1, 8 and 32
#   RUNS=3 WARMUP=1000 THREADS=virtual bench/probe-bench.sh 2000 1 8 32
#
# Bounded: every ProbeBench run is killed after BENCH_TIMEOUT seconds (default 300), the server is
# killed on exit whatever happens.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
bench=probe-bench
. bench/common.sh
find_jdk

n="${1:-2000}"
shift || true
if [ "$#" -gt 0 ]; then levels=("$@"); else levels=(1 8 32); fi
runs="${RUNS:-1}"
warmup="${WARMUP:-}"
threads="${THREADS:-platform}"
run_timeout="${BENCH_TIMEOUT:-300}"


# Test classes, compiled when missing or older than any source. -DskipTests only skips the npm ci of
# the third-party test servers (which the bench does not use); test sources are still compiled.
marker=target/test-classes/dev/mcpwatch/bench/ProbeBench.class
if [ ! -f "$marker" ] || [ -n "$(find src pom.xml -newer "$marker" -print -quit)" ]; then
  echo "probe-bench: compiling (mvn -q test-compile)" >&2
  mvn -q test-compile -DskipTests >&2
fi
cpfile=target/bench-classpath.txt
if [ ! -f "$cpfile" ] || [ pom.xml -nt "$cpfile" ]; then
  mvn -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cpfile" >&2
fi
cp="target/test-classes:target/classes:$(cat "$cpfile")"

server_pid=""
workdir="$(mktemp -d)"
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The server gets its own JVM (its CPU is not the monitor's) and a fixed small heap.
"$java" -Xms256m -Xmx256m -cp "$cp" dev.mcpwatch.bench.FastMcpServer 0 >"$workdir/server.out" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1 150); do
  url=$(sed -n 's/^listening //p' "$workdir/server.out")
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$workdir/server.out" >&2; echo "probe-bench: server died" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "probe-bench: server did not start within 15 s" >&2; exit 1; }
echo "probe-bench: FastMcpServer at $url (pid $server_pid), JDK $jdk, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

status=0
for run in $(seq 1 "$runs"); do
  for c in "${levels[@]}"; do
    echo
    [ "$runs" -gt 1 ] && echo "run $run of $runs"
    # Same heap as the server so the two JVMs do not differ in GC set-up by accident.
    if ! timeout "$run_timeout" "$java" -Xms256m -Xmx256m -cp "$cp" dev.mcpwatch.bench.ProbeBench \
        "$n" "$c" "$url" ${warmup:+"$warmup"} --threads="$threads" | tee -a "$workdir/all.out"; then
      status=1
    fi
  done
done

echo
echo "summary (one line per run)"
printf '%-6s %-9s %10s %12s %14s %14s %10s %7s\n' conc threads probes/s cpu-ms/probe added-p50-ms added-p99-ms alloc-KiB valid
sed -n 's/^BENCH //p' "$workdir/all.out" | while read -r json; do
  field() { echo "$json" | sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p"; }
  printf '%-6s %-9s %10s %12s %14s %14s %10s %7s\n' "$(field concurrency)" "$(field threads)" "$(field probesPerSec)" \
    "$(field cpuMsPerProbe)" "$(field addedP50Ms)" "$(field addedP99Ms)" "$(field allocKbPerProbe)" "$(field valid)"
done
exit "$status"
