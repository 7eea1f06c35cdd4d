#!/usr/bin/env bash
# Ers performance harness: builds Release once, then hands over to the C# harness, `ers-load bench` in
# perf/Ers.LoadTests/Bench, which starts the real processes on 127.0.0.1 with the runners of tests/Ers.Testing
# (Ers.Web, silos, the Redis-session baseline, redis-server, PostgreSQL), runs the load generator, writes the report
# and the plot, and stops everything it started (also on failure or Ctrl-C).
#
#   scripts/bench.sh journeys   [ers-load journeys options...]   full card journeys + Ers vs Redis page views
#   scripts/bench.sh scale      [ers-load scale options...]      10k -> 100k -> 1M held sessions, memory per session
#   scripts/bench.sh resilience [ers-load journeys options...]   production shape (2 silos, Redis, PostgreSQL), 4 faults; root
#   scripts/bench.sh flood      [ers-load flood options...]      login latency, quiet and during a flood of unauthenticated requests
#
# Environment (read by the harness; docs/performance/README.md describes each): BENCH_DIR, BENCH_OUT, BENCH_USERS,
# BENCH_AUDIT_DIR, BENCH_LABEL, BENCH_ERS_PAGE, BENCH_BF_PATH, BENCH_SCALE_STORE, BENCH_RATE, BENCH_DURATION,
# BENCH_HOLD, BENCH_FAULTS, BENCH_AUDIT_STORE, BENCH_LABEL_SUFFIX, BENCH_RUNS, BENCH_WEB_SETTINGS; and here BENCH_SKIP_BUILD=1 (reuse
# the last Release build).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  echo "== build (Release)"
  # One project: it references Ers.Web, Ers.Silo, Ers.Baseline and tests/Ers.Testing, so all of them are built.
  LOG="$(mktemp)"
  dotnet build "$ROOT/perf/Ers.LoadTests" -c Release -v quiet -nologo >"$LOG" 2>&1 || { cat "$LOG"; rm -f "$LOG"; exit 1; }
  rm -f "$LOG"
fi
exec dotnet "$ROOT/perf/Ers.LoadTests/bin/Release/net10.0/ers-load.dll" bench "$@"
