# Pieces the benchmark scripts share; sourced, not run. Each script sets `bench` (its name, for
# messages) before sourcing this file.

# A JDK >= 25, found the way ./mcpwatch finds it: JAVA_HOME, then the usual places, newest first.
# Sets `jdk` and `java`, or stops the script saying what is missing.
java_major() {
  local v=""
  [ -x "$1/bin/java" ] || { echo 0; return; }
  [ -f "$1/release" ] && v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$1/release")
  [ -z "$v" ] && v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)
  v=${v#1.}
  echo "${v%%[.+-]*}" | grep -E '^[0-9]+$' || echo 0
}
find_jdk() {
  local best=0 c v
  jdk=""
  if [ -n "${JAVA_HOME:-}" ] && [ "$(java_major "$JAVA_HOME")" -ge 25 ]; then
    jdk="$JAVA_HOME"
  else
    for c in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/java/* /usr/java/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
      [ -d "$c" ] || continue
      v=$(java_major "$c")
      if [ "$v" -ge 25 ] && [ "$v" -gt "$best" ]; then jdk="$c"; best="$v"; fi
    done
  fi
  [ -n "$jdk" ] || { echo "$bench: no JDK 25 or newer found (set JAVA_HOME)" >&2; exit 1; }
  java="$jdk/bin/java"
}

stop_pid() { # pid: TERM, up to 10 s, then KILL
  local pid="$1"
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

calc() { awk "BEGIN {printf \"%.6f\", $1}"; } # arithmetic on decimals, always with a leading digit (valid JSON)
now() { date +%s.%N; }

# free_port NAME: sets the variable NAME (an array element too: "ports[2]") to a loopback port nothing
# listens on and that this script has not handed out before. It sets a variable instead of printing,
# because a port printed into $(...) would be remembered only in that subshell, and two calls could
# hand out the same port.
used_ports=" "
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$(( 20000 + RANDOM % 20000 ))
    case "$used_ports" in *" $p "*) continue ;; esac
    if [ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ]; then used_ports="$used_ports$p "; printf -v "$1" '%s' "$p"; return; fi
  done
  echo "$bench: no free port found" >&2; exit 1
}
