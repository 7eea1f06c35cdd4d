#!/usr/bin/env bash
# Ers performance harness: builds Release, starts the real processes on 127.0.0.1 (Ers.Web with its co-hosted silo or
# a measured silo, the Redis-session baseline with a real redis-server), runs the load generator, writes the report
# and the plot, and stops by PID everything it started.
#
#   scripts/bench.sh journeys [ers-load journeys options...]   full card journeys + Ers vs Redis page views
#   scripts/bench.sh scale    [ers-load scale options...]      10k -> 100k -> 1M held sessions, memory per session
#
# Environment: BENCH_DIR (work directory, default /tmp/ers-bench), BENCH_OUT (reports, default docs/performance/runs),
# BENCH_USERS (directory size, default 2000), BENCH_AUDIT_DIR (where the file audit trail goes, default BENCH_DIR),
# BENCH_SKIP_BUILD=1 (reuse the last Release build), BENCH_LABEL (report name).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SCENARIO="${1:-journeys}"
shift || true
W="${BENCH_DIR:-/tmp/ers-bench}"
OUT="${BENCH_OUT:-$ROOT/docs/performance/runs}"
USERS="${BENCH_USERS:-2000}"
AUDIT_DIR="${BENCH_AUDIT_DIR:-$W}"
mkdir -p "$W" "$OUT"
PIDS=()

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

wait_http() { # url, what
  for _ in $(seq 1 240); do
    if curl -skf -o /dev/null "$1"; then return 0; fi
    sleep 0.5
  done
  echo "$2 did not become ready at $1" >&2
  return 1
}

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  echo "== build (Release)"
  for p in src/Ers.Web src/Ers.Silo src/Ers.Tools tests/Ers.Baseline tests/Ers.LoadTests; do
    dotnet build "$ROOT/$p" -c Release -v quiet -nologo >"$W/build.log" 2>&1 || { cat "$W/build.log"; exit 1; }
  done
fi
BIN() { echo "$ROOT/$1/bin/Release/net10.0"; }

echo "== machine"
{ echo "nproc: $(nproc)"; free -h; dotnet --info | head -12; uptime; } | tee "$W/machine.txt"

echo "== development PKI and directory ($USERS users)"
rm -rf "$W/pki"
dotnet "$(BIN src/Ers.Tools)/ers.dll" pki dev --out "$W/pki" >/dev/null
dotnet "$(BIN tests/Ers.LoadTests)/ers-load.dll" directory --out "$W/directory.json" --users "$USERS"

AGENT_PORT=$(free_port); BROWSER_PORT=$(free_port); SILO_PORT=$(free_port); GATEWAY_PORT=$(free_port)
ers_web_args() { # extra args appended
  local P="$W/pki"
  echo "--Logging:LogLevel:Default=Warning" \
    "--Kestrel:Endpoints:Browser:Url=http://127.0.0.1:$BROWSER_PORT" \
    "--Kestrel:Endpoints:Agent:Url=https://127.0.0.1:$AGENT_PORT" \
    "--Kestrel:Endpoints:Agent:Certificate:Path=$P/server.crt.pem" \
    "--Kestrel:Endpoints:Agent:Certificate:KeyPath=$P/server.key.pem" \
    "--Ers:CardAuthentication:TrustedRoots:0=$P/smartcard-root-ca.crt.pem" \
    "--Ers:CardAuthentication:IntermediateCertificates:0=$P/smartcard-issuing-ca.crt.pem" \
    "--Ers:CardAuthentication:CrlSources:0=$P/crl/smartcard-issuing-ca.crl" \
    "--Ers:Workstations:TrustedRoots:0=$P/workstation-ca.crt.pem" \
    "--Ers:Workstations:CrlSources:0=$P/crl/workstation-ca.crl" \
    "--Ers:Tokens:KeyFile=$P/token-signing.key" \
    "--Ers:AgentApi:BrowserBaseUrl=http://127.0.0.1:$BROWSER_PORT" \
    "--Ers:Cluster:SiloPort=$SILO_PORT" "--Ers:Cluster:GatewayPort=$GATEWAY_PORT"
}

start_redis() {
  REDIS_PORT=$(free_port)
  mkdir -p "$W/redis"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --dir "$W/redis" --pidfile "$W/redis/redis.pid" \
    --logfile "$W/redis/redis.log" --save '' --appendonly no
  for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  REDIS_PID=$(cat "$W/redis/redis.pid"); PIDS+=("$REDIS_PID")
}

start_baseline() {
  BASELINE_PORT=$(free_port)
  (cd "$(BIN tests/Ers.Baseline)" && exec dotnet Ers.Baseline.dll --urls "http://127.0.0.1:$BASELINE_PORT" \
      "--ConnectionStrings:Redis=127.0.0.1:$REDIS_PORT") >"$W/baseline.log" 2>&1 &
  BASELINE_PID=$!; PIDS+=("$BASELINE_PID")
  wait_http "http://127.0.0.1:$BASELINE_PORT/health" "Ers.Baseline"
}

plot() { /usr/bin/python3 "$ROOT/tests/Ers.LoadTests/plot.py" "$1" || echo "(plot skipped: $?)"; }

case "$SCENARIO" in
  journeys)
    start_redis
    start_baseline
    rm -f "$AUDIT_DIR/audit.jsonl"
    # Ers.Web as the local run hosts it: the silo co-hosted in the web process, in-memory grain state, file audit.
    # shellcheck disable=SC2046
    (cd "$(BIN src/Ers.Web)" && exec dotnet Ers.Web.dll $(ers_web_args) \
        "--Ers:Directory:SeedFile=$W/directory.json" "--Ers:Audit:FilePath=$AUDIT_DIR/audit.jsonl") >"$W/ers-web.log" 2>&1 &
    ERS_PID=$!; PIDS+=("$ERS_PID")
    wait_http "http://127.0.0.1:$BROWSER_PORT/health/ready" "Ers.Web"
    LABEL="${BENCH_LABEL:-journeys}"
    dotnet "$(BIN tests/Ers.LoadTests)/ers-load.dll" journeys --pki "$W/pki" \
      --agent-url "https://127.0.0.1:$AGENT_PORT" --ers-url "http://127.0.0.1:$BROWSER_PORT" \
      --baseline-url "http://127.0.0.1:$BASELINE_PORT" --users "$USERS" \
      --watch "ers-web=$ERS_PID,baseline=$BASELINE_PID,redis=$REDIS_PID" --out "$OUT" --label "$LABEL" "$@"
    cp "$W/machine.txt" "$OUT/$LABEL.machine.txt"
    echo "audit records written: $(wc -l <"$AUDIT_DIR/audit.jsonl")" | tee -a "$OUT/$LABEL.machine.txt"
    plot "$OUT/$LABEL.json"
    ;;
  scale)
    rm -f "$AUDIT_DIR/audit-silo.jsonl"
    # The measured silo (Ers.Cluster's AddErsSilo plus /perf/memory) and Ers.Web as its client. Held sessions must
    # outlive the run: no agent heartbeats them, so the heartbeat and idle timeouts are set longer than the run.
    SILO_HTTP=$(free_port)
    (cd "$(BIN tests/Ers.LoadTests)" && DOTNET_gcServer=1 exec dotnet ers-load.dll silo --urls "http://127.0.0.1:$SILO_HTTP" \
        --Logging:LogLevel:Default=Warning "--Ers:Cluster:SiloPort=$SILO_PORT" "--Ers:Cluster:GatewayPort=$GATEWAY_PORT" \
        "--Ers:Directory:SeedFile=$W/directory.json" "--Ers:Audit:FilePath=$AUDIT_DIR/audit-silo.jsonl" \
        --Ers:Sessions:HeartbeatTimeout=04:00:00 --Ers:Sessions:IdleTimeout=04:00:00 --Ers:Sessions:IdleWarning=00:02:00) \
        >"$W/silo.log" 2>&1 &
    SILO_PID=$!; PIDS+=("$SILO_PID")
    wait_http "http://127.0.0.1:$SILO_HTTP/health/ready" "measured silo"
    # shellcheck disable=SC2046
    (cd "$(BIN src/Ers.Web)" && exec dotnet Ers.Web.dll $(ers_web_args) --Ers:Web:CoHostSilo=false) >"$W/ers-web.log" 2>&1 &
    ERS_PID=$!; PIDS+=("$ERS_PID")
    wait_http "http://127.0.0.1:$BROWSER_PORT/health/live" "Ers.Web"
    LABEL="${BENCH_LABEL:-scale}"
    dotnet "$(BIN tests/Ers.LoadTests)/ers-load.dll" scale --pki "$W/pki" --agent-url "https://127.0.0.1:$AGENT_PORT" \
      --silo-url "http://127.0.0.1:$SILO_HTTP" --silo-pid "$SILO_PID" --gateway-port "$GATEWAY_PORT" --users "$USERS" \
      --out "$OUT" --label "$LABEL" "$@"
    cp "$W/machine.txt" "$OUT/$LABEL.machine.txt"
    ;;
  *)
    echo "usage: scripts/bench.sh journeys|scale [ers-load options]" >&2
    exit 2
    ;;
esac
