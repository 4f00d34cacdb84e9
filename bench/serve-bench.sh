#!/usr/bin/env bash
# Serve benchmark: a fleet of N local MCP endpoints (FleetServer, one JVM), a generated config of N
# monitors pointing at it, and `mcpwatch serve` from target/mcpwatch.jar in its own JVM. After one
# interval of warm-up it samples for DURATION and reports sustained probes/s, schedule lateness,
# CPU %, RSS and database growth per 1,000 probes. See bench/SERVE.md for what each figure means.
#
#   bench/serve-bench.sh N DURATION [sqlite|postgres]
#   bench/serve-bench.sh 1000 4m                 # 1,000 monitors every 60 s, SQLite, 4 min window
#   bench/serve-bench.sh 10000 4m postgres       # a throwaway PostgreSQL cluster on 127.0.0.1
#
# Environment: INTERVAL (s, default 60), WARMUP (s, default INTERVAL), SAMPLE_EVERY (s, default 10),
# MCPWATCH_JAVA_OPTS (JVM options for mcpwatch, as for ./mcpwatch), MAX_CONCURRENT (server
# max_concurrent_probes; default: mcpwatch's), POLL_INTERVAL (server poll_interval, e.g. 1s;
# default: mcpwatch's), PG_BIN (PostgreSQL bin folder), KEEP=1 (keep the
# work folder: config, logs, samples, database), THREAD_DUMP=1 (a jcmd thread dump at the window's end).
#
# Bounded: it stops by itself after WARMUP + DURATION + set-up (every wait has a limit), and kills
# everything it started on exit, whatever happens.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
bench=serve-bench
. bench/common.sh
find_jdk

usage() { echo "usage: bench/serve-bench.sh N DURATION[s|m] [sqlite|postgres]" >&2; exit 1; }
[ "$#" -ge 2 ] || usage
n="$1"
[[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] || usage
seconds() {
  case "$1" in
    *m) echo $(( ${1%m} * 60 )) ;;
    *s) echo "${1%s}" ;;
    *) echo "$1" ;;
  esac
}
duration=$(seconds "$2")
[[ "$duration" =~ ^[0-9]+$ ]] && [ "$duration" -ge 10 ] || { echo "serve-bench: DURATION must be at least 10 s" >&2; exit 1; }
store="${3:-sqlite}"
case "$store" in sqlite|postgres) ;; *) usage ;; esac
interval="${INTERVAL:-60}"
warmup="${WARMUP:-$interval}"
sample_every="${SAMPLE_EVERY:-10}"
for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "serve-bench: needs $tool" >&2; exit 1; }
done
[ "$store" = sqlite ] && { command -v sqlite3 >/dev/null || { echo "serve-bench: needs the sqlite3 command" >&2; exit 1; }; }

jcmd="$jdk/bin/jcmd"

# The jar (./mcpwatch builds it when missing or older than the sources), then the test classes.
./mcpwatch --version >/dev/null
marker=target/test-classes/dev/mcpwatch/bench/FleetServer.class
if [ ! -f "$marker" ] || [ -n "$(find src/test pom.xml -newer "$marker" -print -quit)" ]; then
  echo "serve-bench: compiling test classes (mvn -q test-compile; -DskipTests only skips npm ci)" >&2
  JAVA_HOME="$jdk" mvn -q -B -Dstyle.color=never -DskipTests test-compile >&2
fi
cp="target/test-classes:target/mcpwatch.jar"

work="$(mktemp -d /tmp/serve-bench.XXXXXX)"
chmod 755 "$work"
fleet_pid=""
mcp_pid=""
pg_data=""
as_pg=()
cleanup() {
  stop_pid "$mcp_pid"
  stop_pid "$fleet_pid"
  if [ -n "$pg_data" ]; then
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  if [ -n "${KEEP:-}" ]; then echo "serve-bench: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM



# --- the database ---------------------------------------------------------------------------------
db_user=""
if [ "$store" = postgres ]; then
  pg_bin="${PG_BIN:-}"
  if [ -z "$pg_bin" ]; then
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  fi
  [ -x "$pg_bin/initdb" ] || { echo "serve-bench: no PostgreSQL server binaries (set PG_BIN; Debian: apt-get install postgresql)" >&2; exit 1; }
  # initdb refuses to run as root: run the cluster as the postgres user then.
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "serve-bench: running as root and there is no postgres user to run PostgreSQL as" >&2; exit 1; }
    as_pg=(runuser -u postgres --)
    mkdir -p "$work/pg" && chown postgres "$work/pg"
  else
    as_pg=(env)
    mkdir -p "$work/pg"
  fi
  pg_data="$work/pg/data"
  free_port "pg_port"
  "${as_pg[@]}" "$pg_bin/initdb" -D "$pg_data" -U mcpwatch -A trust -E UTF8 --no-sync >"$work/pg-initdb.log" 2>&1 \
    || { cat "$work/pg-initdb.log" >&2; echo "serve-bench: initdb failed" >&2; exit 1; }
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -l "$work/pg/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -c unix_socket_directories=$work/pg" start >/dev/null \
    || { cat "$work/pg/server.log" >&2; echo "serve-bench: PostgreSQL did not start" >&2; exit 1; }
  psql_() { PGCONNECT_TIMEOUT=10 psql -X -q -A -t -h 127.0.0.1 -p "$pg_port" -U mcpwatch "$@"; }
  psql_ -d postgres -c "CREATE DATABASE mcpwatch" >/dev/null
  storage_url="jdbc:postgresql://127.0.0.1:$pg_port/mcpwatch"
  db_user=mcpwatch
  pg_version=$("$pg_bin/postgres" --version)
  sql() { PGOPTIONS="-c statement_timeout=30s" psql_ -d mcpwatch -c "$1"; }
  db_bytes() { sql "SELECT pg_database_size('mcpwatch')"; }
  db_detail() { sql "SELECT string_agg(relname || '=' || pg_total_relation_size(c.oid), ' ' ORDER BY pg_total_relation_size(c.oid) DESC)
    FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = 'public' AND c.relkind = 'r'"; }
  late_sql="SELECT COUNT(*) FROM scheduled_tasks WHERE task_name = 'probe@bench' AND NOT picked AND execution_time < now() - interval '5 seconds'"
  planned_ms="(EXTRACT(EPOCH FROM st.execution_time) * 1000)::bigint"
  not_picked="NOT st.picked"
  failure_field() { echo "(detail::json->'failure'->>'$1')"; }
else
  mkdir -p "$work/data"
  db_file="$work/data/mcpwatch.db"
  storage_url="jdbc:sqlite:$db_file"
  sql() { sqlite3 -cmd ".timeout 30000" "$db_file" "$1"; }
  db_bytes() { find "$work/data" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}'; }
  db_detail() { find "$work/data" -type f -printf '%f=%s ' ; }
  # db-scheduler keeps execution_time as epoch milliseconds in SQLite.
  late_sql="SELECT COUNT(*) FROM scheduled_tasks WHERE task_name = 'probe@bench' AND picked = 0 AND execution_time < (CAST(strftime('%s','now') AS INTEGER) * 1000 - 5000)"
  planned_ms="st.execution_time"
  not_picked="st.picked = 0"
  failure_field() { echo "json_extract(detail, '\$.failure.$1')"; }
fi

# Lateness of each monitor's latest probe, read from the database rather than from mcpwatch's own
# account: a healthy probe's next run is planned at its own planned time + interval, so
# planned = next execution_time - interval, and lateness = the result's started_at - planned.
# Only monitors whose latest probe is newer than result id $1, healthy, and not running now.
# Prints "count p50 p99 max" (same percentile rule as /health).
own_lateness() {
  sql "SELECT pr.started_at - ($planned_ms - $(( interval * 1000 ))) FROM scheduled_tasks st
         JOIN monitor_state ms ON ms.monitor_id = st.task_instance JOIN probe_results pr ON pr.id = ms.last_result_id
         WHERE st.task_name = 'probe@bench' AND $not_picked AND pr.healthy AND pr.id > $1" \
    | sort -n | awk '{a[NR] = ($1 < 0 ? 0 : $1)} END {if (NR == 0) {print "0 null null null"; exit}
        print NR, a[int(0.50 * (NR - 1)) + 1], a[int(0.99 * (NR - 1)) + 1], a[NR]}'
}

# --- the fleet --------------------------------------------------------------------------------------
"$java" -Xms256m -Xmx512m -cp "$cp" dev.mcpwatch.bench.FleetServer "$n" >"$work/fleet.log" 2>&1 &
fleet_pid=$!
base=""
for _ in $(seq 1 150); do
  base=$(sed -n 's/^listening \([^ ]*\).*/\1/p' "$work/fleet.log")
  [ -n "$base" ] && break
  kill -0 "$fleet_pid" 2>/dev/null || { cat "$work/fleet.log" >&2; echo "serve-bench: FleetServer died" >&2; exit 1; }
  sleep 0.1
done
[ -n "$base" ] || { echo "serve-bench: FleetServer did not start within 15 s" >&2; exit 1; }
stats_url="${base%/mcp/}/stats"
fleet() { curl -sf --max-time 10 "$stats_url"; }

# --- the config and mcpwatch -----------------------------------------------------------------------
# One file, or past 40,000 monitors a folder of files: mcpwatch refuses a YAML file over 3 MiB.
if [ "$n" -le 40000 ]; then config="$work/mcpwatch.yaml"; else config="$work/config"; fi
"$java" -cp "$cp" dev.mcpwatch.bench.FleetConfig "$n" "$base" "$storage_url" "$config" --interval "${interval}s" \
  $( [ "$interval" -le 30 ] && echo --timeout "$(( interval / 2 ))s" ) \
  ${db_user:+--db-user "$db_user"} ${MAX_CONCURRENT:+--max-concurrent "$MAX_CONCURRENT"} \
  ${POLL_INTERVAL:+--poll-interval "$POLL_INTERVAL"} >/dev/null
jar="$here/target/mcpwatch.jar"
# shellcheck disable=SC2086 # MCPWATCH_JAVA_OPTS is a list of options, as in ./mcpwatch
launched=$(date +%s.%N)
(cd "$work" && exec "$java" ${MCPWATCH_JAVA_OPTS:-} -jar "$jar" serve --config "$config") >"$work/mcpwatch.log" 2>&1 &
mcp_pid=$!
api=""
for _ in $(seq 1 1200); do
  api=$(sed -n 's|.*API on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/mcpwatch.log" | head -n 1)
  [ -n "$api" ] && break
  kill -0 "$mcp_pid" 2>/dev/null || { tail -n 40 "$work/mcpwatch.log" >&2; echo "serve-bench: mcpwatch serve died" >&2; exit 1; }
  sleep 0.1
done
[ -n "$api" ] || { tail -n 40 "$work/mcpwatch.log" >&2; echo "serve-bench: mcpwatch did not start within 120 s" >&2; exit 1; }
startup=$(calc "$(date +%s.%N) - $launched")
health() { curl -s --max-time 10 "http://127.0.0.1:$api/health" || echo '{}'; }

clk=$(getconf CLK_TCK)
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
# PostgreSQL's CPU: the postmaster with its exited children, plus every live backend and worker.
pg_ticks() {
  local pm c total
  [ -n "$pg_data" ] || { echo 0; return; }
  pm=$(head -n 1 "$pg_data/postmaster.pid")
  total=$(sed 's/.*) //' "/proc/$pm/stat" | awk '{print $12 + $13 + $14 + $15}')
  for c in $(ps -o pid= --ppid "$pm"); do
    total=$(( total + $(cpu_ticks "$c" 2>/dev/null || echo 0) ))
  done
  echo "$total"
}
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
alive() { kill -0 "$mcp_pid" 2>/dev/null || { tail -n 40 "$work/mcpwatch.log" >&2; echo "serve-bench: mcpwatch serve died" >&2; exit 1; }; }

echo "serve-bench: $n monitors every ${interval}s on $store; fleet $base (pid $fleet_pid); mcpwatch pid $mcp_pid, API :$api"
echo "serve-bench: JDK $jdk, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); warm-up ${warmup}s, window ${duration}s"

# --- warm-up: one interval, so every monitor has been probed once (era detected, state rows made) --
warm_end=$(( $(date +%s) + warmup ))
while [ "$(date +%s)" -lt "$warm_end" ]; do
  alive
  sleep 5
done

# --- the window -------------------------------------------------------------------------------------
load_start=$(cut -d' ' -f1 /proc/loadavg)
f0=$(fleet)
h0=$(health)
rows0=$(sql "SELECT (SELECT COUNT(*) FROM probe_results) + (SELECT COALESCE(SUM(probes), 0) FROM probe_chunks)")
id0=$(sql "SELECT COALESCE(MAX(id), 0) FROM probe_results")
bytes0=$(db_bytes)
own0=$(own_lateness 0)
ticks0=$(cpu_ticks "$mcp_pid")
fticks0=$(cpu_ticks "$fleet_pid")
pticks0=$(pg_ticks)
t0=$(now)
rss_max=0
printf 't_s\trss_kb\tcpu_pct\tprobes_per_s\tlate_samples\tlate_p50\tlate_p99\tlate_max\tdue_5s\tpending\tdropped\tdb_bytes\n' >"$work/samples.tsv"
printf '%8s %9s %6s %9s %10s %10s %10s %8s %8s\n' t_s rss_MiB cpu% probes/s late_p50 late_p99 late_max 'due>5s' db_MiB
prev_t=$t0
prev_ticks=$ticks0
prev_probes=$(echo "$f0" | jq .probes)
end=$(calc "$t0 + $duration")
while :; do
  left=$(calc "$end - $(now)")
  awk "BEGIN {exit !($left <= 0)}" && break
  sleep "$(calc "($left < $sample_every) ? $left : $sample_every")"
  alive
  t=$(now)
  ticks=$(cpu_ticks "$mcp_pid")
  rss=$(status_kb "$mcp_pid" VmRSS)
  [ "$rss" -gt "$rss_max" ] && rss_max=$rss
  probes=$(fleet | jq .probes)
  h=$(health)
  due=$(sql "$late_sql" 2>/dev/null || echo "?")
  bytes=$(db_bytes)
  dt=$(calc "$t - $prev_t")
  cpu=$(calc "($ticks - $prev_ticks) / $clk / $dt * 100")
  rate=$(calc "($probes - $prev_probes) / $dt")
  read -r ls lp50 lp99 lmax pend drop < <(echo "$h" | jq -r '[.probing.latenessMs.samples, .probing.latenessMs.p50, .probing.latenessMs.p99,
    .probing.latenessMs.max, .database.store.pending, .database.store.dropped] | map(tostring) | join(" ")')
  printf '%.1f\t%s\t%.1f\t%.1f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(calc "$t - $t0")" "$rss" "$cpu" "$rate" "$ls" "$lp50" "$lp99" \
    "$lmax" "$due" "$pend" "$drop" "$bytes" >>"$work/samples.tsv"
  printf '%8.0f %9.0f %6.1f %9.1f %10s %10s %10s %8s %8.1f\n' "$(calc "$t - $t0")" "$(calc "$rss / 1024")" "$cpu" "$rate" \
    "$lp50" "$lp99" "$lmax" "$due" "$(calc "$bytes / 1048576")"
  prev_t=$t
  prev_ticks=$ticks
  prev_probes=$probes
done
t1=$(now)
ticks1=$(cpu_ticks "$mcp_pid")
fticks1=$(cpu_ticks "$fleet_pid")
pticks1=$(pg_ticks)
f1=$(fleet)
h1=$(health)
rows1=$(sql "SELECT (SELECT COUNT(*) FROM probe_results) + (SELECT COALESCE(SUM(probes), 0) FROM probe_chunks)")
failed=$(sql "SELECT COUNT(*) FROM probe_results WHERE id > $id0 AND NOT healthy")
reasons=$(sql "SELECT COALESCE(reason, '') || ':' || COUNT(*) FROM probe_results WHERE id > $id0 AND NOT healthy GROUP BY reason" | tr '\n' ' ')
# A failed probe keeps its whole detail (JSON) in its row; phase and message are read from it.
messages=$(sql "SELECT COUNT(*) || 'x ' || COALESCE($(failure_field phase), '') || ': ' || COALESCE($(failure_field message), '')
  FROM probe_results WHERE id > $id0 AND NOT healthy GROUP BY $(failure_field phase), $(failure_field message) ORDER BY COUNT(*) DESC LIMIT 5")
bytes1=$(db_bytes)
detail1=$(db_detail)
due1=$(sql "$late_sql" 2>/dev/null || echo "?")
own1=$(own_lateness "$id0")
hwm=$(status_kb "$mcp_pid" VmHWM)
load_end=$(cut -d' ' -f1 /proc/loadavg)
heap=$("$jcmd" "$mcp_pid" GC.heap_info 2>/dev/null | sed -n 's/.*heap .*committed \([0-9]*\)K, used \([0-9]*\)K.*/\1 \2/p' | head -n 1 \
  | awk '{printf "committed %.0f MiB, used %.0f MiB", $1 / 1024, $2 / 1024}')
if [ -n "${THREAD_DUMP:-}" ]; then "$jcmd" "$mcp_pid" Thread.dump_to_file -format=text "$work/threads.txt" >/dev/null 2>&1 || true; fi
warns=$(grep -cE '\] (WARN|ERROR) ' "$work/mcpwatch.log" || true)

# --- the report -------------------------------------------------------------------------------------
window=$(calc "$t1 - $t0")
fleet_probes=$(( $(echo "$f1" | jq .probes) - $(echo "$f0" | jq .probes) ))
db_rows=$(( rows1 - rows0 ))
expected=$(calc "$n / $interval")
fleet_rate=$(calc "$fleet_probes / $window")
db_rate=$(calc "$db_rows / $window")
cpu_pct=$(calc "($ticks1 - $ticks0) / $clk / $window * 100")
fleet_cpu_pct=$(calc "($fticks1 - $fticks0) / $clk / $window * 100")
pg_cpu_pct=$(calc "($pticks1 - $pticks0) / $clk / $window * 100")
growth=$(if [ "$db_rows" -gt 0 ]; then calc "($bytes1 - $bytes0) / $db_rows * 1000 / 1024"; else echo 0; fi)
late() { echo "$1" | jq -r ".probing.latenessMs.$2 // \"null\""; }
late_n=$(echo "$h1" | jq -r '.probing.latenessMs.samples // 0')

echo
echo "serve-bench report: N=$n interval=${interval}s store=$store window=$(printf '%.0f' "$window")s (after ${warmup}s warm-up)"
printf '  probes/s      %.1f seen by the fleet, %.1f rows written (expected N/interval = %.1f)\n' "$fleet_rate" "$db_rate" "$expected"
printf '  failed        %s of %s probes in the window %s\n' "$failed" "$db_rows" "${reasons:+($reasons)}"
[ -n "$messages" ] && echo "$messages" | cut -c1-200 | sed 's/^/                /'
printf '  lateness ms   p50 %s  p99 %s  max %s  (over the last %s of %s probes, at the end of the window)\n' \
  "$(late "$h1" p50)" "$(late "$h1" p99)" "$(late "$h1" max)" "$(( late_n < 65536 ? late_n : 65536 ))" "$late_n"
printf '                at the start of the window: p50 %s  p99 %s  max %s; executions >5 s overdue at the end: %s\n' \
  "$(late "$h0" p50)" "$(late "$h0" p99)" "$(late "$h0" max)" "$due1"
read -r own0_n own0_p50 own0_p99 own0_max <<<"$own0"
read -r own1_n own1_p50 own1_p99 own1_max <<<"$own1"
printf '  from the db   p50 %s  p99 %s  max %s  (latest probe of %s monitors, in the last interval of the window)\n' \
  "$own1_p50" "$own1_p99" "$own1_max" "$own1_n"
printf '                p50 %s  p99 %s  max %s  (latest probe at the end of the warm-up, %s monitors); start-up %.1f s until the API answered\n' \
  "$own0_p50" "$own0_p99" "$own0_max" "$own0_n" "$startup"
printf '  CPU           %.1f %% of one core (mcpwatch)%s; fleet server %.1f %%; load %s -> %s on %s cores\n' \
  "$cpu_pct" "$( [ "$store" = postgres ] && printf '; PostgreSQL server %.1f %%' "$pg_cpu_pct")" "$fleet_cpu_pct" \
  "$load_start" "$load_end" "$(nproc)"
printf '  RSS           max %.0f MiB sampled, peak %.0f MiB (VmHWM); heap %s\n' "$(calc "$rss_max / 1024")" \
  "$(calc "$hwm / 1024")" "${heap:-?}"
printf '  database      %.1f KiB per 1,000 probes; %.1f -> %.1f MiB (%s)\n' "$growth" "$(calc "$bytes0 / 1048576")" \
  "$(calc "$bytes1 / 1048576")" "$detail1"
printf '  fleet         %s endpoints probed of %s, %s-%s probes each so far; %s rejected requests\n' \
  "$(echo "$f1" | jq .endpointsProbed)" "$n" "$(echo "$f1" | jq .minProbesPerEndpoint)" "$(echo "$f1" | jq .maxProbesPerEndpoint)" \
  "$(echo "$f1" | jq .rejected)"
printf '  log           %s WARN/ERROR lines in mcpwatch.log\n' "$warns"
if [ "$warns" -gt 0 ]; then
  grep -E '\] (WARN|ERROR) ' "$work/mcpwatch.log" | sed 's/^[^]]*\] //' | cut -c1-200 | sort | uniq -c | sort -rn | head -n 5 | sed 's/^/                /'
fi
[ "$store" = postgres ] && echo "  postgres      $pg_version, initdb defaults, 127.0.0.1:$pg_port"

# The JSON API at this scale, while probing goes on: each call 15 times, median and p90 of curl's total.
api_time() {
  for _ in $(seq 1 15); do curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$api$1"; done | sort -n \
    | awk '{a[NR] = $1} END {printf "median %5.1f ms  p90 %5.1f ms", a[int(NR / 2) + 1] * 1000, a[int(NR * 0.9)] * 1000}'
}
echo "  API           while probing, 15 calls each:"
past_first=$(curl -s "http://127.0.0.1:$api/api/monitors?limit=500" | jq -r .next_cursor)
for path in "/api/monitors?limit=100" "/api/monitors?limit=100&cursor=$past_first" "/api/monitors?status=up&limit=100" \
    "/api/monitors?q=fleet-99&limit=100" "/api/monitors/fleet-$((n / 2))/stats" "/api/monitors/fleet-$((n / 2))/results?limit=100" \
    "/api/incidents?limit=100" "/health"; do
  printf '                %-46s %s\n' "${path/cursor=$past_first/cursor=(page 2)}" "$(api_time "$path")"
done

jq -cn --argjson n "$n" --argjson interval "$interval" --arg store "$store" --argjson window "$window" \
  --argjson fleetRate "$fleet_rate" --argjson dbRate "$db_rate" --argjson failed "$failed" --argjson rows "$db_rows" \
  --argjson h1 "$h1" --argjson cpu "$cpu_pct" --argjson rssMax "$rss_max" --argjson hwm "$hwm" --argjson growth "$growth" \
  --argjson bytes0 "$bytes0" --argjson bytes1 "$bytes1" --arg due "$due1" --argjson warns "$warns" --arg load "$load_start-$load_end" \
  --argjson cores "$(nproc)" --argjson o0 "[${own0// /,}]" --argjson o1 "[${own1// /,}]" --argjson startup "$startup" \
  --argjson pgCpu "$pg_cpu_pct" \
  '{bench: "serve", n: $n, intervalS: $interval, store: $store, windowS: ($window | round), probesPerSecFleet: ($fleetRate * 10 | round / 10),
    probesPerSecDb: ($dbRate * 10 | round / 10), expectedPerSec: ($n / $interval * 10 | round / 10), probes: $rows, failed: $failed,
    latenessMs: $h1.probing.latenessMs, dbLatenessMs: {samples: $o1[0], p50: $o1[1], p99: $o1[2], max: $o1[3]},
    warmupEndDbLatenessMs: {samples: $o0[0], p50: $o0[1], p99: $o0[2], max: $o0[3]}, startupS: ($startup * 10 | round / 10), overdue5s: $due, cpuPctOfOneCore: ($cpu * 10 | round / 10),
    postgresCpuPct: (if $store == "postgres" then ($pgCpu * 10 | round / 10) else null end), rssMaxMiB: ($rssMax / 1024 | round),
    rssPeakMiB: ($hwm / 1024 | round), dbKiBPer1000Probes: ($growth * 10 | round / 10), dbMiBStart: ($bytes0 / 1048576 * 10 | round / 10),
    dbMiBEnd: ($bytes1 / 1048576 * 10 | round / 10), logWarnings: $warns, load: $load, cores: $cores}' | sed 's/^/BENCH /'
cp "$work/samples.tsv" "target/serve-bench-$n-$store-samples.tsv" 2>/dev/null || true
