#!/usr/bin/env bash
# Locations benchmark (issue 16): three `mcpwatch serve` nodes on one throwaway PostgreSQL cluster,
# two in location "a" and one in "b", probing a fleet of N local MCP endpoints (FleetServer) from
# both locations. Reports, per location, probes/s and schedule lateness read from the database;
# CPU % of each node and of PostgreSQL, RSS of each node. During the window it also
#   - injects faults: F small TCP relays in front of fleet endpoints, each watched by two monitors
#     on the same relay, one probed from "a" only (one location) and one from "a" and "b" (two
#     staggered locations, quorum 2). Each relay is stopped once at a random moment in the first
#     interval of the window (nothing listens on its port then: connection refused); the time from
#     the stop to the monitor's incident being P1 (read from the incidents table, polled every
#     second) is the fault-to-page time of each configuration, on the same faults;
#   - kills one of the two "a" nodes with SIGKILL (at KILL_AT s into the window) and measures how long
#     until the executions it had picked are run again by the other "a" node, and how many probe@a
#     executions are overdue from then on.
# See bench/SERVE.md ("Locations") for what each figure means.
#
#   bench/locations-bench.sh N DURATION
#   bench/locations-bench.sh 2000 210s          # 2,000 monitors x 2 locations every 60 s
#
# Environment: INTERVAL (s, default 60), WARMUP (s, default 75), FAULTS (relays, default 10; 0 = none),
# KILL_AT (s into the window, default 150; 0 = no kill), NODE_JAVA_OPTS (JVM options of each node,
# default -Xmx512m), PG_BIN, KEEP=1 (keep the work folder).
#
# Bounded: every wait has a limit, the run stops by itself after WARMUP + DURATION + set-up, and
# everything it started is killed on exit, whatever happens.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
bench=locations-bench
. bench/common.sh
find_jdk

usage() { echo "usage: bench/locations-bench.sh N DURATION[s|m]" >&2; exit 1; }
[ "$#" -ge 2 ] || usage
n="$1"
[[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] || usage
case "$2" in *m) duration=$(( ${2%m} * 60 )) ;; *s) duration="${2%s}" ;; *) duration="$2" ;; esac
[[ "$duration" =~ ^[0-9]+$ ]] && [ "$duration" -ge 30 ] || { echo "locations-bench: DURATION must be at least 30 s" >&2; exit 1; }
interval="${INTERVAL:-60}"
warmup="${WARMUP:-75}"
faults="${FAULTS:-10}"
kill_at="${KILL_AT:-150}"
node_opts="${NODE_JAVA_OPTS:--Xmx512m}"
for tool in curl jq psql python3; do
  command -v "$tool" >/dev/null || { echo "locations-bench: needs $tool" >&2; exit 1; }
done


./mcpwatch --version >/dev/null
marker=target/test-classes/dev/mcpwatch/bench/FleetServer.class
if [ ! -f "$marker" ] || [ -n "$(find src/test pom.xml -newer "$marker" -print -quit)" ]; then
  echo "locations-bench: compiling test classes (mvn -q test-compile)" >&2
  JAVA_HOME="$jdk" mvn -q -B -Dstyle.color=never -DskipTests test-compile >&2
fi
cp="target/test-classes:target/mcpwatch.jar"
jar="$here/target/mcpwatch.jar"

work="$(mktemp -d /tmp/locations-bench.XXXXXX)"
chmod 755 "$work"
fleet_pid=""
node_pids=()
relay_pids=()
pg_data=""
as_pg=()
cleanup() {
  local p
  for p in "${node_pids[@]}"; do stop_pid "$p"; done
  for p in "${relay_pids[@]}"; do [ -n "$p" ] && { kill -9 "$p" 2>/dev/null || true; }; done
  stop_pid "$fleet_pid"
  if [ -n "$pg_data" ]; then
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  if [ -n "${KEEP:-}" ]; then echo "locations-bench: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { date +%s%3N; }

# --- PostgreSQL (as bench/serve-bench.sh) -------------------------------------------------------------
pg_bin="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
[ -x "$pg_bin/initdb" ] || { echo "locations-bench: no PostgreSQL server binaries (set PG_BIN)" >&2; exit 1; }
if [ "$(id -u)" = 0 ]; then
  as_pg=(runuser -u postgres --)
  mkdir -p "$work/pg" && chown postgres "$work/pg"
else
  as_pg=(env)
  mkdir -p "$work/pg"
fi
pg_data="$work/pg/data"
free_port "pg_port"
"${as_pg[@]}" "$pg_bin/initdb" -D "$pg_data" -U mcpwatch -A trust -E UTF8 --no-sync >"$work/pg-initdb.log" 2>&1 \
  || { cat "$work/pg-initdb.log" >&2; exit 1; }
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -l "$work/pg/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -c unix_socket_directories=$work/pg" start >/dev/null \
  || { cat "$work/pg/server.log" >&2; exit 1; }
psql_() { PGCONNECT_TIMEOUT=10 psql -X -q -A -t -h 127.0.0.1 -p "$pg_port" -U mcpwatch "$@"; }
psql_ -d postgres -c "CREATE DATABASE mcpwatch" >/dev/null
sql() { PGOPTIONS="-c statement_timeout=30s" psql_ -d mcpwatch -F ' ' -c "$1"; }
storage_url="jdbc:postgresql://127.0.0.1:$pg_port/mcpwatch"

# --- the fleet and the fault relays -------------------------------------------------------------------
"$java" -Xms256m -Xmx512m -cp "$cp" dev.mcpwatch.bench.FleetServer "$n" >"$work/fleet.log" 2>&1 &
fleet_pid=$!
base=""
for _ in $(seq 1 150); do
  base=$(sed -n 's/^listening \([^ ]*\).*/\1/p' "$work/fleet.log")
  [ -n "$base" ] && break
  sleep 0.1
done
[ -n "$base" ] || { cat "$work/fleet.log" >&2; echo "locations-bench: FleetServer did not start" >&2; exit 1; }
fleet_port=$(echo "$base" | sed 's|http://127.0.0.1:\([0-9]*\)/.*|\1|')
stats_url="${base%/mcp/}/stats"
fleet_probes() { curl -sf --max-time 10 "$stats_url" | jq .probes; }

# A relay: a TCP forwarder to the fleet; stopping it leaves its port with nothing listening.
cat >"$work/relay.py" <<'EOF'
import asyncio, sys
listen, target = int(sys.argv[1]), int(sys.argv[2])
delay = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
async def pipe(r, w):
    try:
        while data := await r.read(65536):
            w.write(data); await w.drain()
    except Exception:
        pass
    finally:
        w.close()
async def handle(cr, cw):
    await asyncio.sleep(delay)
    try:
        sr, sw = await asyncio.open_connection('127.0.0.1', target)
    except Exception:
        cw.close(); return
    await asyncio.gather(pipe(cr, sw), pipe(sr, cw))
async def main():
    server = await asyncio.start_server(handle, '127.0.0.1', listen, reuse_address=True)
    print('relay', listen, flush=True)
    async with server:
        await asyncio.sleep(3600)  # bounded: a relay never outlives the run by more than an hour
asyncio.run(main())
EOF
relay_port=()
start_relay() { # i
  : >>"$work/relay-$1.log"
  python3 "$work/relay.py" "${relay_port[$1]}" "$fleet_port" >>"$work/relay-$1.log" 2>&1 &
  relay_pids[$1]=$!
  for _ in $(seq 1 50); do grep -q relay "$work/relay-$1.log" && return; sleep 0.1; done
  echo "locations-bench: relay $1 did not start" >&2; exit 1
}
for i in $(seq 0 $(( faults - 1 ))); do
  free_port "relay_port[$i]"
  start_relay "$i"
done
# Slow relays (each connection waits SLOW_DELAY s): their probes stay picked for seconds, so the node
# killed for the failover holds executions that another node has to take over.
slow="${SLOW:-8}"
free_port "slow_port"
if [ "$slow" -gt 0 ]; then
  python3 "$work/relay.py" "$slow_port" "$fleet_port" "${SLOW_DELAY:-2}" >"$work/relay-slow.log" 2>&1 &
  relay_pids[$faults]=$!
fi

# --- the config and the nodes -------------------------------------------------------------------------
"$java" -cp "$cp" dev.mcpwatch.bench.FleetConfig "$n" "$base" "$storage_url" "$work/fleet.yaml" --interval "${interval}s" \
  $( [ "$interval" -le 30 ] && echo --timeout "$(( interval / 2 ))s" ) --db-user mcpwatch >/dev/null
# Every fleet monitor is probed from both locations (listed, so the stagger does not depend on which
# locations are live); then the fault monitors: one-<i> from "a" alone, two-<i> from "a" and "b".
awk '{print} /^    url: / {print "    locations: [a, b]"}' "$work/fleet.yaml" >"$work/base.yaml"
for i in $(seq 0 $(( faults - 1 ))); do
  url="http://127.0.0.1:${relay_port[$i]}/mcp/$i"
  printf '  - id: one-%s\n    url: %s\n    locations: [a]\n  - id: two-%s\n    url: %s\n    locations: [a, b]\n' \
    "$i" "$url" "$i" "$url" >>"$work/base.yaml"
done
for i in $(seq 0 $(( slow - 1 ))); do
  printf '  - id: slow-%s\n    url: http://127.0.0.1:%s/mcp/%s\n    locations: [a]\n' "$i" "$slow_port" "$i" >>"$work/base.yaml"
done
names=(a1 a2 b1)
locs=(a a b)
ports=()
host=$(hostname)
for k in 0 1 2; do
  free_port "ports[$k]"
  mkdir -p "$work/${names[$k]}"
  sed "s/^  port: .*/  port: ${ports[$k]}/" "$work/base.yaml" >"$work/${names[$k]}/mcpwatch.yaml"
done
for k in 0 1 2; do
  # shellcheck disable=SC2086 # a list of JVM options
  (cd "$work/${names[$k]}" && exec "$java" $node_opts -jar "$jar" serve --config mcpwatch.yaml --location "${locs[$k]}") \
    >"$work/${names[$k]}.log" 2>&1 &
  node_pids[$k]=$!
  # Nodes start one after the other, so only one runs the migrations.
  for _ in $(seq 1 1200); do
    grep -q "API on http://127.0.0.1:${ports[$k]}/" "$work/${names[$k]}.log" && break
    kill -0 "${node_pids[$k]}" 2>/dev/null || { tail -n 40 "$work/${names[$k]}.log" >&2; echo "locations-bench: ${names[$k]} died" >&2; exit 1; }
    sleep 0.1
  done
  grep -q "API on http://127.0.0.1:${ports[$k]}/" "$work/${names[$k]}.log" || { echo "locations-bench: ${names[$k]} did not start in 120 s" >&2; exit 1; }
done

clk=$(getconf CLK_TCK)
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $12 + $13}' || echo 0; }
pg_ticks() {
  local pm c total
  pm=$(head -n 1 "$pg_data/postmaster.pid")
  total=$(sed 's/.*) //' "/proc/$pm/stat" | awk '{print $12 + $13 + $14 + $15}')
  for c in $(ps -o pid= --ppid "$pm"); do total=$(( total + $(cpu_ticks "$c" || echo 0) )); done
  echo "$total"
}
rss_kb() { awk '$1 == "VmRSS:" {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# Lateness per location, from the database: a location's latest probe of each fleet monitor that was
# healthy, newer than result id $2, and whose next execution waits; its next run is planned at its
# own planned time + interval, so lateness = started_at - (next execution_time - interval).
lateness() { # location min_result_id -> "count p50 p99 max"
  sql "SELECT pr.started_at - ((EXTRACT(EPOCH FROM st.execution_time) * 1000)::bigint - $(( interval * 1000 )))
         FROM location_state ls JOIN scheduled_tasks st ON st.task_instance = ls.monitor_id AND st.task_name = 'probe@' || ls.location
         JOIN probe_results pr ON pr.id = ls.last_result_id
        WHERE ls.location = '$1' AND ls.monitor_id LIKE 'fleet-%' AND NOT st.picked AND pr.healthy AND pr.id > $2" \
    | sort -n | awk '{a[NR] = ($1 < 0 ? 0 : $1)} END {if (NR == 0) {print "0 - - -"; exit}
        print NR, a[int(0.50 * (NR - 1)) + 1], a[int(0.99 * (NR - 1)) + 1], a[NR]}'
}
per_location() { # from_ms to_ms -> "location count" lines
  sql "SELECT s.location, COUNT(*) FROM probe_results pr JOIN probe_shapes s ON s.id = pr.shape_id
        WHERE pr.started_at >= $1 AND pr.started_at < $2 GROUP BY s.location ORDER BY s.location"
}
overdue() { # task -> executions more than 5 s overdue and not picked
  sql "SELECT COUNT(*) FROM scheduled_tasks WHERE task_name = '$1' AND NOT picked AND execution_time < now() - interval '5 seconds'"
}

echo "locations-bench: N=$n x 2 locations every ${interval}s; nodes a1 pid ${node_pids[0]} :${ports[0]}, a2 pid ${node_pids[1]} :${ports[1]}," \
  "b1 pid ${node_pids[2]} :${ports[2]}; PostgreSQL :$pg_port; $faults fault relays"
echo "locations-bench: $(nproc) cores, load $(cat /proc/loadavg); warm-up ${warmup}s, window ${duration}s"
warm_end=$(( $(date +%s) + warmup ))
while [ "$(date +%s)" -lt "$warm_end" ]; do sleep 5; done

# --- the window -----------------------------------------------------------------------------------------
load0=$(cat /proc/loadavg)
t0=$(now); t0_ms=$(now_ms)
id0=$(sql "SELECT COALESCE(MAX(id), 0) FROM probe_results")
f0=$(fleet_probes)
declare -A tick0 rss_max
for k in 0 1 2; do tick0[$k]=$(cpu_ticks "${node_pids[$k]}"); rss_max[$k]=0; done
ptick0=$(pg_ticks)
# Fault moments: uniform over the first interval of the window.
declare -A fault_at fault_ms page_one page_two
for i in $(seq 0 $(( faults - 1 ))); do fault_at[$i]=$(( RANDOM % (interval * 1000) )); done
killed_ms=""
dead_name="$host:${ports[1]}"
dead_picked=""
rerun_ms=""
overdue_after=""
late_before_a=""; late_before_b=""; id_before=""
tick_kill=""
printf '%6s %8s %8s %8s %8s %8s %10s %10s\n' t_s a1_MiB a2_MiB b1_MiB 'due_a' 'due_b' faults_out paged
next_sample=0
end_s=$(calc "$t0 + $duration")
while awk "BEGIN {exit !($(now) < $end_s)}"; do
  el_ms=$(( $(now_ms) - t0_ms ))
  # Faults: stop each relay at its moment; restart it once both its monitors are paged (or after 150 s).
  out=0
  for i in $(seq 0 $(( faults - 1 ))); do
    if [ -z "${fault_ms[$i]:-}" ] && [ "$el_ms" -ge "${fault_at[$i]}" ]; then
      kill -9 "${relay_pids[$i]}" 2>/dev/null || true
      wait "${relay_pids[$i]}" 2>/dev/null || true
      fault_ms[$i]=$(now_ms)
    fi
    if [ -n "${fault_ms[$i]:-}" ] && [ -n "${relay_pids[$i]:-}" ] && ! kill -0 "${relay_pids[$i]}" 2>/dev/null; then
      out=$(( out + 1 ))
    fi
  done
  if [ "$faults" -gt 0 ]; then
    while read -r m; do
      [ -n "$m" ] || continue
      i=${m#*-}
      case "$m" in
        one-*) [ -z "${page_one[$i]:-}" ] && page_one[$i]=$(now_ms) ;;
        two-*) [ -z "${page_two[$i]:-}" ] && page_two[$i]=$(now_ms) ;;
      esac
    done < <(sql "SELECT monitor_id FROM incidents WHERE COALESCE(current_severity, severity) = 'P1' AND resolved_at IS NULL AND (monitor_id LIKE 'one-%' OR monitor_id LIKE 'two-%')")
    for i in $(seq 0 $(( faults - 1 ))); do
      if [ -n "${fault_ms[$i]:-}" ] && ! kill -0 "${relay_pids[$i]}" 2>/dev/null && [ "${restarted[$i]:-}" != 1 ] \
          && { { [ -n "${page_one[$i]:-}" ] && [ -n "${page_two[$i]:-}" ]; } || [ $(( $(now_ms) - fault_ms[$i] )) -gt 150000 ]; }; then
        start_relay "$i"; restarted[$i]=1
      fi
    done
  fi
  # Failover: from KILL_AT on, kill a2 as soon as it holds a picked execution (at the latest 60 s
  # later); note what it had picked; watch for those monitors' next probe from "a".
  if [ "$kill_at" -gt 0 ] && [ -z "$killed_ms" ] && [ "$el_ms" -ge $(( kill_at * 1000 )) ]; then
    for _ in $(seq 1 300); do
      [ "$(sql "SELECT COUNT(*) FROM scheduled_tasks WHERE task_name = 'probe@a' AND picked AND picked_by = '$dead_name'")" -gt 0 ] && break
      [ $(( $(now_ms) - t0_ms )) -ge $(( (kill_at + 60) * 1000 )) ] && break
      sleep 0.2
    done
    id_before=$(sql "SELECT COALESCE(MAX(id), 0) FROM probe_results")
    late_before_a=$(lateness a "$id0"); late_before_b=$(lateness b "$id0")
    tick_kill=$(now)
    cpu_a2=$(calc "($(cpu_ticks "${node_pids[1]}") - ${tick0[1]}) / $clk / ($tick_kill - $t0) * 100")
    kill -9 "${node_pids[1]}" 2>/dev/null || true
    killed_ms=$(now_ms)
    wait "${node_pids[1]}" 2>/dev/null || true
    dead_picked=$(sql "SELECT task_instance FROM scheduled_tasks WHERE task_name = 'probe@a' AND picked AND picked_by = '$dead_name'" | tr '\n' ' ')
    echo "locations-bench: killed a2 ($dead_name) at $(( (killed_ms - t0_ms) / 1000 )) s; it had picked: ${dead_picked:-nothing}"
  fi
  if [ -n "$killed_ms" ] && [ -n "$dead_picked" ] && [ -z "$rerun_ms" ]; then
    list=$(for m in $dead_picked; do printf "'%s'," "$m"; done)
    first=$(sql "SELECT MIN(pr.started_at) FROM probe_results pr JOIN probe_shapes s ON s.id = pr.shape_id JOIN monitor_keys mk ON mk.monitor_key = s.monitor_key
      WHERE mk.monitor_id IN (${list%,}) AND s.location = 'a' AND pr.started_at > $killed_ms" 2>/dev/null || true)
    [ -n "$first" ] && rerun_ms=$first
  fi
  if [ "$el_ms" -ge "$next_sample" ]; then
    next_sample=$(( next_sample + 10000 ))
    for k in 0 1 2; do
      r=$(rss_kb "${node_pids[$k]}"); r=${r:-0}
      [ "$r" -gt "${rss_max[$k]}" ] && rss_max[$k]=$r
    done
    da=$(overdue 'probe@a'); db=$(overdue 'probe@b')
    [ -n "$killed_ms" ] && echo "$(( ($(now_ms) - killed_ms) / 1000 )) $da" >>"$work/overdue-after-kill.txt"
    paged=0
    for i in $(seq 0 $(( faults - 1 ))); do [ -n "${page_one[$i]:-}" ] && paged=$((paged + 1)); [ -n "${page_two[$i]:-}" ] && paged=$((paged + 1)); done
    printf '%6d %8.0f %8.0f %8.0f %8s %8s %10s %10s\n' $(( el_ms / 1000 )) "$(calc "$(rss_kb "${node_pids[0]}") / 1024")" \
      "$(calc "$(rss_kb "${node_pids[1]}" || echo 0) / 1024")" "$(calc "$(rss_kb "${node_pids[2]}") / 1024")" "$da" "$db" "$out" "$paged"
  fi
  sleep 1
done
t1=$(now); t1_ms=$(now_ms)
load1=$(cat /proc/loadavg)
window=$(calc "$t1 - $t0")
declare -A cpu
for k in 0 2; do cpu[$k]=$(calc "($(cpu_ticks "${node_pids[$k]}") - ${tick0[$k]}) / $clk / $window * 100"); done
# a2's CPU until it was killed (its /proc entry is gone afterwards): sampled at the kill.
pg_cpu=$(calc "($(pg_ticks) - $ptick0) / $clk / $window * 100")
f1=$(fleet_probes)
late_end_a=$(lateness a "${id_before:-$id0}"); late_end_b=$(lateness b "${id_before:-$id0}")

echo
echo "locations-bench report: N=$n x 2 locations, interval ${interval}s, window $(printf '%.0f' "$window") s after ${warmup} s warm-up"
echo "  load          start $load0; end $load1; $(nproc) cores"
before_end=${killed_ms:-$t1_ms}
while read -r loc cnt; do
  [ -n "$loc" ] && printf '  probes/s      %-8s %.1f (expected N/interval = %.1f), window start -> kill\n' "$loc" \
    "$(calc "$cnt / (($before_end - $t0_ms) / 1000)")" "$(calc "$n / $interval")"
done < <(per_location "$t0_ms" "$before_end")
printf '  fleet         %.1f probes/s seen by the fleet over the whole window\n' "$(calc "($f1 - $f0) / $window")"
echo "  lateness ms   (count p50 p99 max; latest probe of each fleet monitor per location)"
echo "                a before kill: ${late_before_a:-$(lateness a "$id0")}   b before kill: ${late_before_b:-$(lateness b "$id0")}"
echo "                a after kill:  $late_end_a   b after kill:  $late_end_b"
printf '  CPU %%         a1 %.1f  a2 %s (until killed)  b1 %.1f  PostgreSQL %.1f (of one core, whole window)\n' "${cpu[0]}" \
  "$(printf '%.1f' "${cpu_a2:-$(calc "($(cpu_ticks "${node_pids[1]}") - ${tick0[1]}) / $clk / $window * 100")}")" "${cpu[2]}" "$pg_cpu"
printf '  RSS max MiB   a1 %.0f  a2 %.0f  b1 %.0f\n' "$(calc "${rss_max[0]} / 1024")" "$(calc "${rss_max[1]} / 1024")" "$(calc "${rss_max[2]} / 1024")"
if [ -n "$killed_ms" ]; then
  echo "  failover      a2 killed $(( (killed_ms - t0_ms) / 1000 )) s into the window; executions it had picked: $(echo "$dead_picked" | wc -w)"
  if [ -n "$rerun_ms" ]; then
    echo "                first probe from a of a monitor a2 had picked: $(calc "($rerun_ms - $killed_ms) / 1000") s after the kill"
  else
    echo "                no probe from a of those monitors seen before the window ended"
  fi
  # Whatever a2 had in flight: for each monitor, the gap in location a's probes across the kill.
  read -r gap_n gap_long gap_max < <(sql "WITH p AS (SELECT mk.monitor_id AS m, pr.started_at AS t FROM probe_results pr
      JOIN probe_shapes s ON s.id = pr.shape_id JOIN monitor_keys mk ON mk.monitor_key = s.monitor_key
      WHERE s.location = 'a' AND pr.started_at > $killed_ms - $(( 2 * interval * 1000 ))),
    g AS (SELECT m, t, t - LAG(t) OVER (PARTITION BY m ORDER BY t) AS gap FROM p)
    SELECT COUNT(*), COUNT(*) FILTER (WHERE gap > $(( interval * 1000 + 5000 ))), COALESCE(MAX(gap), 0) FROM g WHERE t > $killed_ms AND t - gap < $killed_ms")
  echo "                gaps in a's probes across the kill: $gap_n monitors, $gap_long longer than interval + 5 s, longest $(calc "$gap_max / 1000") s (interval ${interval} s)"
  echo "                probe@a executions >5 s overdue, s after kill -> count: $(tr '\n' ';' <"$work/overdue-after-kill.txt")"
fi
if [ "$faults" -gt 0 ]; then
  one=(); two=()
  for i in $(seq 0 $(( faults - 1 ))); do
    [ -n "${fault_ms[$i]:-}" ] || continue
    [ -n "${page_one[$i]:-}" ] && one+=("$(( page_one[$i] - fault_ms[$i] ))")
    [ -n "${page_two[$i]:-}" ] && two+=("$(( page_two[$i] - fault_ms[$i] ))")
  done
  summarize() { [ "$#" -gt 0 ] || { echo "none paged"; return; }; printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1 / 1000; t += a[NR]} END {if (NR == 0) {print "none paged"; exit}
    s = ""; for (i = 1; i <= NR; i++) s = s sprintf("%.1f ", a[i]);
    printf "n=%d  p50 %.1f s  mean %.1f s  max %.1f s  [%s]", NR, (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2), t / NR, a[NR], s}'; }
  echo "  monitors      $n fleet x [a, b]; $faults one-<i> [a] and $faults two-<i> [a, b] on fault relays; $slow slow-<i> [a] (${SLOW_DELAY:-2} s per connection)"
  echo "  fault->P1     $faults faults (relay stopped), P1 seen in the incidents table (polled every 1 s):"
  echo "                1 location (a):       $(summarize "${one[@]}")"
  echo "                2 locations (a, b):   $(summarize "${two[@]}")"
fi
for k in 0 1 2; do
  w=$(grep -cE '\] (WARN|ERROR) ' "$work/${names[$k]}.log" || true)
  echo "  log ${names[$k]}        $w WARN/ERROR lines"
  [ "$w" -gt 0 ] && grep -E '\] (WARN|ERROR) ' "$work/${names[$k]}.log" | sed 's/^[^]]*\] //' | cut -c1-160 | sort | uniq -c | sort -rn | head -n 3 | sed 's/^/                /'
done
echo "  postgres      $("$pg_bin/postgres" --version), initdb defaults"
