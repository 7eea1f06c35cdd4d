#!/usr/bin/env bash
# Ers performance harness: builds Release, starts the real processes on 127.0.0.1 (Ers.Web with its co-hosted silo or
# a measured silo, the Redis-session baseline with a real redis-server), runs the load generator, writes the report
# and the plot, and stops by PID everything it started.
#
#   scripts/bench.sh journeys [ers-load journeys options...]   full card journeys + Ers vs Redis page views
#   scripts/bench.sh scale    [ers-load scale options...]      10k -> 100k -> 1M held sessions, memory per session
#   scripts/bench.sh resilience [ers-load journeys options...] production shape (2 silos, Redis, PostgreSQL), 4 faults
#
# Environment: BENCH_DIR (work directory, default /tmp/ers-bench), BENCH_OUT (reports, default docs/performance/runs),
# BENCH_USERS (directory size, default 2000), BENCH_AUDIT_DIR (where the file audit trail goes, default BENCH_DIR),
# BENCH_SKIP_BUILD=1 (reuse the last Release build), BENCH_LABEL (report name), BENCH_ERS_PAGE (the Ers page
# viewed, default /home: the session check and a redirect to the homepage), BENCH_BF_PATH (the business function form, default /business-function),
# BENCH_SCALE_STORE (scale: redis, the default, or memory grain storage), BENCH_RATE/BENCH_DURATION/BENCH_HOLD/
# BENCH_FAULTS/BENCH_AUDIT_STORE/BENCH_LABEL_SUFFIX (resilience, reports resilience-FAULT[SUFFIX]; needs root).
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
  # The processes first (silo B must be gone before its namespace is deleted, or the namespace lingers), then what
  # the resilience runs start outside PIDS: the cluster's Redis (by its pidfile), PostgreSQL, the namespace.
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  [ -f "$W/credis/redis.pid" ] && kill "$(cat "$W/credis/redis.pid")" 2>/dev/null || true
  [ -f "$W/pg/data/postmaster.pid" ] && su postgres -c "pg_ctl -D $W/pg/data -m fast -w stop" >/dev/null 2>&1 || true
  # Only the namespace this run made: every bench.sh run has this trap, and deleting by a fixed name cut another
  # run's silo B off in the middle of its faults (the veth pair goes with either end).
  if [ "${NETNS_MADE:-0}" = 1 ]; then netns_down; fi
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
  for p in src/Ers.Web src/Ers.Silo src/Ers.Tools perf/Ers.Baseline perf/Ers.LoadTests; do
    dotnet build "$ROOT/$p" -c Release -v quiet -nologo >"$W/build.log" 2>&1 || { cat "$W/build.log"; exit 1; }
  done
fi
BIN() { echo "$ROOT/$1/bin/Release/net10.0"; }

echo "== machine"
{ echo "nproc: $(nproc)"; free -h; dotnet --info | head -12; uptime; } | tee "$W/machine.txt"

echo "== development PKI and directory ($USERS users)"
rm -rf "$W/pki"
dotnet "$(BIN src/Ers.Tools)/ers.dll" pki dev --out "$W/pki" >/dev/null
dotnet "$(BIN perf/Ers.LoadTests)/ers-load.dll" directory --out "$W/directory.json" --users "$USERS"

AGENT_PORT=$(free_port); BROWSER_PORT=$(free_port); SILO_PORT=$(free_port); GATEWAY_PORT=$(free_port)
ers_web_args() {
  # Browser pages on HTTPS (their cookies are Secure) with the development server certificate as Kestrel's default;
  # the agents' mutual-TLS listener beside them (Ers:AgentApi:HttpsUrl).
  local P="$W/pki"
  echo "--Logging:LogLevel:Default=Warning" \
    "--urls=https://127.0.0.1:$BROWSER_PORT" \
    "--Kestrel:Certificates:Default:Path=$P/server.crt.pem" \
    "--Kestrel:Certificates:Default:KeyPath=$P/server.key.pem" \
    "--Ers:AgentApi:HttpsUrl=https://127.0.0.1:$AGENT_PORT" \
    "--Ers:AgentApi:ServerCertificatePath=$P/server.crt.pem" \
    "--Ers:AgentApi:ServerCertificateKeyPath=$P/server.key.pem" \
    "--Ers:CardAuthentication:TrustedRoots:0=$P/smartcard-root-ca.crt.pem" \
    "--Ers:CardAuthentication:IntermediateCertificates:0=$P/smartcard-issuing-ca.crt.pem" \
    "--Ers:CardAuthentication:CrlSources:0=$P/crl/smartcard-issuing-ca.crl" \
    "--Ers:Workstations:TrustedRoots:0=$P/workstation-ca.crt.pem" \
    "--Ers:Workstations:CrlSources:0=$P/crl/workstation-ca.crl" \
    "--Ers:Tokens:KeyFile=$P/token-signing.key" \
    "--Ers:AgentApi:BrowserBaseUrl=https://127.0.0.1:$BROWSER_PORT" \
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
  # HTTPS with the same server certificate as Ers, so both pay the same TLS cost per page view.
  (cd "$(BIN perf/Ers.Baseline)" && exec dotnet Ers.Baseline.dll "--Kestrel:Endpoints:Main:Url=https://127.0.0.1:$BASELINE_PORT" \
      "--Kestrel:Endpoints:Main:Certificate:Path=$W/pki/server.crt.pem" "--Kestrel:Endpoints:Main:Certificate:KeyPath=$W/pki/server.key.pem" \
      "--ConnectionStrings:Redis=127.0.0.1:$REDIS_PORT") >"$W/baseline.log" 2>&1 &
  BASELINE_PID=$!; PIDS+=("$BASELINE_PID")
  wait_http "https://127.0.0.1:$BASELINE_PORT/health" "Ers.Baseline"
}

# ---- resilience helpers -------------------------------------------------------------------------------------
# Names carry this script's PID (a veth name has at most 15 characters), so that no other bench.sh, nor an older one
# whose exit trap deleted `ersbench`/`ersbh0` by name, can take this run's namespace away.
NS=ersbench-$$; VH=ersh$$; VN=ersn$$; HOST_IP=10.231.77.1; NS_IP=10.231.77.2

netns_up() {
  netns_down
  # The subnet is fixed: a second resilience run at the same time would take it over, so refuse instead.
  if ip -br addr | grep -q "$HOST_IP/"; then
    echo "$HOST_IP is already in use (another resilience run? if it is a leftover: ip link del DEVICE): $(ip -br addr | grep "$HOST_IP/")" >&2
    exit 1
  fi
  NETNS_MADE=1
  ip netns add "$NS"
  ip link add "$VH" type veth peer name "$VN"
  ip link set "$VN" netns "$NS"
  ip addr add "$HOST_IP/30" dev "$VH"; ip link set "$VH" up
  ip netns exec "$NS" ip addr add "$NS_IP/30" dev "$VN"
  ip netns exec "$NS" ip link set "$VN" up
  ip netns exec "$NS" ip link set lo up
}
netns_down() { ip link del "$VH" 2>/dev/null || true; ip netns del "$NS" 2>/dev/null || true; }

start_cluster_redis() {
  CREDIS_PORT=$(free_port)
  rm -rf "$W/credis"; mkdir -p "$W/credis"
  # Reachable from the namespace through the veth; appendfsync always so a restart loses no acknowledged write.
  # Protected mode would refuse the namespace's silo (no password on this throwaway, host-local instance).
  redis-server --bind "127.0.0.1 $HOST_IP" --protected-mode no --port "$CREDIS_PORT" --daemonize yes --dir "$W/credis" \
    --pidfile "$W/credis/redis.pid" --logfile "$W/credis/redis.log" --appendonly yes --appendfsync always --save ''
  for _ in $(seq 1 50); do redis-cli -p "$CREDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
}

start_postgres() {
  PG_PORT=$(free_port)
  PGDIR="$W/pg"
  # A fresh database per fault: the audit rows counted afterwards must be this run's only (an earlier run's
  # SessionCreated rows would hide lost records).
  [ -f "$PGDIR/data/postmaster.pid" ] && stop_postgres
  rm -rf "$PGDIR"; mkdir -p "$PGDIR"; chown postgres "$PGDIR"
  su postgres -c "initdb -D $PGDIR/data --auth=trust -U postgres" >"$W/pg-init.log"
  # Silo B connects from the namespace (10.231.77.2), so its address needs a pg_hba line and a listen address.
  echo "host all all $HOST_IP/30 trust" >>"$PGDIR/data/pg_hba.conf"
  su postgres -c "pg_ctl -D $PGDIR/data -o \"-p $PG_PORT -k $PGDIR -c listen_addresses='127.0.0.1,$HOST_IP'\" -l $PGDIR/pg.log -w start" >/dev/null
}
stop_postgres() { su postgres -c "pg_ctl -D $W/pg/data -m fast -w stop" >/dev/null 2>&1 || true; }

# The PostgreSQL audit trail is used when this build has it (Ers:Audit:Store); otherwise each silo keeps its file.
if grep -rqs "Ers:Audit:Store" "$ROOT/src/Ers.Cluster"; then AUDIT_STORE=${BENCH_AUDIT_STORE:-postgres}; else AUDIT_STORE=file; fi

cluster_args() { # advertised address, redis host, silo name -> CARGS (an array: the audit connection string has ';')
  CARGS=("--Logging:LogLevel:Default=Warning" "--Ers:Cluster:Provider=Redis" "--Ers:Cluster:AdvertisedAddress=$1"
    "--ConnectionStrings:Redis=$2:$CREDIS_PORT" "--Ers:Cluster:ClusterId=bench-$RUN")
  if [ "$AUDIT_STORE" = postgres ]; then
    CARGS+=("--Ers:Audit:Store=Postgres" "--ConnectionStrings:Audit=Host=$2;Port=$PG_PORT;Username=postgres;Database=postgres")
  else
    CARGS+=("--Ers:Audit:FilePath=$W/audit-$RUN-$3.jsonl")
  fi
}

start_prod_cluster() {
  RUN="$1"
  netns_up
  start_cluster_redis
  if [ "$AUDIT_STORE" = postgres ]; then
    start_postgres
    ConnectionStrings__Audit="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres" \
      dotnet "$(BIN src/Ers.Tools)/ers.dll" audit migrate >/dev/null
  fi
  SILO_A_HTTP=$(free_port); SILO_B_HTTP=$(free_port); A_SILO=$(free_port); A_GW=$(free_port); B_SILO=$(free_port); B_GW=$(free_port)
  cluster_args "$HOST_IP" 127.0.0.1 a
  (cd "$(BIN src/Ers.Silo)" && exec dotnet Ers.Silo.dll "${CARGS[@]}" --urls "http://127.0.0.1:$SILO_A_HTTP" \
      "--Ers:Cluster:SiloPort=$A_SILO" "--Ers:Cluster:GatewayPort=$A_GW" --Ers:Cluster:SiloName=silo-a \
      "--Ers:Directory:SeedFile=$W/directory.json") >"$W/silo-a-$RUN.log" 2>&1 &
  SILO_A_PID=$!; PIDS+=("$SILO_A_PID")
  wait_http "http://127.0.0.1:$SILO_A_HTTP/health/ready" "silo A"
  # Silo B: `ip netns exec` execs dotnet in place (same PID, same environment and working directory), and the
  # arguments stay an array. (Through an `sh -c` string, the ';' of the audit connection string ended the command:
  # silo B started without its ports or --urls, on the default 11111/30000 and http://localhost:5000, and its
  # audit store pointed at PostgreSQL's default port, so it never became ready.)
  cluster_args "$NS_IP" "$HOST_IP" b
  (cd "$(BIN src/Ers.Silo)" && exec ip netns exec "$NS" dotnet Ers.Silo.dll "${CARGS[@]}" --urls "http://$NS_IP:$SILO_B_HTTP" \
      "--Ers:Cluster:SiloPort=$B_SILO" "--Ers:Cluster:GatewayPort=$B_GW" --Ers:Cluster:SiloName=silo-b) >"$W/silo-b-$RUN.log" 2>&1 &
  SILO_B_PID=$!; PIDS+=("$SILO_B_PID")
  wait_http "http://$NS_IP:$SILO_B_HTTP/health/ready" "silo B"
  cluster_args "$HOST_IP" 127.0.0.1 web
  # shellcheck disable=SC2046
  (cd "$(BIN src/Ers.Web)" && exec dotnet Ers.Web.dll $(ers_web_args) "${CARGS[@]}" --Ers:Web:CoHostSilo=false) \
      >"$W/ers-web-$RUN.log" 2>&1 &
  ERS_PID=$!; PIDS+=("$ERS_PID")
  wait_http "https://127.0.0.1:$BROWSER_PORT/health/ready" "Ers.Web"
}

stop_prod_cluster() {
  for pid in "$ERS_PID" "$SILO_A_PID" "$SILO_B_PID"; do kill "$pid" 2>/dev/null || true; done
  for pid in "$ERS_PID" "$SILO_A_PID" "$SILO_B_PID"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done; kill -9 "$pid" 2>/dev/null || true
  done
  redis-cli -p "$CREDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$W/credis"
  if [ "$AUDIT_STORE" = postgres ]; then stop_postgres; fi
  netns_down
  # Forget the stopped PIDs so the exit trap never signals a reused PID.
  local keep=() pid
  for pid in "${PIDS[@]}"; do case " $ERS_PID $SILO_A_PID $SILO_B_PID " in *" $pid "*) ;; *) keep+=("$pid") ;; esac; done
  PIDS=("${keep[@]}")
}

audit_rows() { # event: rows in PostgreSQL, or lines in the silos' audit files
  if [ "$AUDIT_STORE" = postgres ]; then
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc "select count(*) from ers_audit.audit_record where event = '$1'"
  else
    cat "$W"/audit-"$RUN"-*.jsonl 2>/dev/null | grep -c "\"event\":\"$1\"" || true
  fi
}

run_resilience() {
  local load=(--rate "${BENCH_RATE:-100}" --ramp 3 --duration "${BENCH_DURATION:-50}" --hold "${BENCH_HOLD:-500}" --page-views 1 --heartbeats 1 --pv-slices 0)
  local faults=${BENCH_FAULTS:-kill-silo redis-restart postgres-restart network-cut}
  for fault in $faults; do
    if [ "$fault" = postgres-restart ] && [ "$AUDIT_STORE" != postgres ]; then
      echo "== $fault: skipped, this build has no PostgreSQL audit trail (Ers:Audit:Store)" | tee "$OUT/resilience-$fault${BENCH_LABEL_SUFFIX:-}.md"
      continue
    fi
    echo "== resilience: $fault"
    start_prod_cluster "$fault"
    local label="resilience-$fault${BENCH_LABEL_SUFFIX:-}"
    # The fault and its recovery are small scripts, so the generator runs them by name at their time.
    case "$fault" in
      kill-silo)
        printf '#!/bin/sh\nkill -9 %s\n' "$SILO_B_PID" >"$W/fault.sh"; : >"$W/recover.sh" ;;
      redis-restart)
        printf '#!/bin/sh\nredis-cli -p %s shutdown\n' "$CREDIS_PORT" >"$W/fault.sh"
        printf '#!/bin/sh\nredis-server --bind "127.0.0.1 %s" --protected-mode no --port %s --daemonize yes --dir %s --pidfile %s --logfile %s --appendonly yes --appendfsync always --save ""\n' \
          "$HOST_IP" "$CREDIS_PORT" "$W/credis" "$W/credis/redis.pid" "$W/credis/redis.log" >"$W/recover.sh" ;;
      postgres-restart)
        printf '#!/bin/sh\nsu postgres -c "pg_ctl -D %s -m fast -w stop"\n' "$W/pg/data" >"$W/fault.sh"
        printf '#!/bin/sh\nsu postgres -c "pg_ctl -D %s -o \\"-p %s -k %s -c listen_addresses=127.0.0.1,%s\\" -l %s -w start"\n' \
          "$W/pg/data" "$PG_PORT" "$W/pg" "$HOST_IP" "$W/pg/pg.log" >"$W/recover.sh" ;;
      network-cut)
        printf '#!/bin/sh\nip link set %s down\n' "$VH" >"$W/fault.sh"
        printf '#!/bin/sh\nip link set %s up\n' "$VH" >"$W/recover.sh" ;;
    esac
    chmod +x "$W/fault.sh" "$W/recover.sh"
    local args=(journeys --pki "$W/pki" --agent-url "https://127.0.0.1:$AGENT_PORT" --ers-url "https://127.0.0.1:$BROWSER_PORT"
      --users "$USERS" --watch "ers-web=$ERS_PID,silo-a=$SILO_A_PID,silo-b=$SILO_B_PID" --out "$OUT" --label "$label"
      "${load[@]}" --fault-at 15 --fault "$(tail -1 "$W/fault.sh")" "${NO_PAGES[@]}")
    # Stores come back after 5 s; the network after 15 s, long enough for the cluster to declare silo B dead.
    local back=20; [ "$fault" = network-cut ] && back=30
    [ -s "$W/recover.sh" ] && args+=(--recover-at "$back" --recover "$(tail -1 "$W/recover.sh")")
    dotnet "$(BIN perf/Ers.LoadTests)/ers-load.dll" "${args[@]}" "$@" || echo "run $fault failed: $?"
    local created orphans=""; created=$(audit_rows SessionCreated || echo "?")
    if [ "$AUDIT_STORE" = postgres ]; then
      # By session, not only by count (a count can be made up by sessions whose login failed after their creation
      # was audited): sessions that chose a role, and those of them with no SessionCreated record.
      orphans=$(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tA -F ' ' -c "select count(distinct r.session_id),
        count(distinct r.session_id) filter (where not exists (select 1 from ers_audit.audit_record c
          where c.session_id = r.session_id and c.event = 'SessionCreated'))
        from ers_audit.audit_record r where r.event = 'RoleChosen'" || echo "? ?")
    fi
    /usr/bin/python3 - "$OUT/$label.json" "$created" "$orphans" >>"$OUT/$label.md" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); rows = sys.argv[2].strip()
logins = r["loginsCompleted"]
lost = max(0, logins - int(rows)) if rows.isdigit() else "unknown"
print(f"\nSuccessful logins reported by the generator (held + load): {logins}; SessionCreated audit records in the store: {rows}; audit records lost: {lost}")
if sys.argv[3].strip():
    chosen, orphans = sys.argv[3].split()
    print(f"Sessions with a RoleChosen record: {chosen} (>= the logins above unless RoleChosen records were lost); of them without a SessionCreated record: {orphans}")
# From the 1 s samples: the first completed login after the fault and after the recovery command, and the last
# second with errors (the generator's recovery is the first clean 3 s, which a later burst of errors, such as calls
# left waiting for the response timeout on a killed silo, does not undo).
res = r.get("resilience") or {}
def first_login_after(t):
    s = None if t is None else next((p["second"] for p in r["series"] if p["second"] > t and p["logins"] > 0), None)
    return "none" if s is None else f"within {s - t:.1f} s"
f = res.get("faultAt")
errs = [p["second"] for p in r["series"] if f is not None and p["second"] > f and p["errors"] > 0]
print(f"First completed login after the fault: {first_login_after(f)}; after the recovery command: "
      f"{first_login_after(res.get('recoverAt')) if res.get('recoverAt') is not None else 'no recovery command'}; "
      f"last error: {'none after the fault' if not errs else f'in the second ending {errs[-1] - f:.1f} s after the fault'} (1 s samples)")
PY
    tail -3 "$OUT/$label.md"
    plot "$OUT/$label.json"
    stop_prod_cluster
  done
}

# The browser pages (node-local session check) take part when this build has them.
if [ -f "$ROOT/src/Ers.Web/Pages/Login.cshtml" ]; then NO_PAGES=(); else NO_PAGES=(--ers-url ""); echo "(no browser pages in this build: page views go to the baseline only)"; fi

plot() { /usr/bin/python3 "$ROOT/perf/Ers.LoadTests/plot.py" "$1" || echo "(plot skipped: $?)"; }

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
    wait_http "https://127.0.0.1:$BROWSER_PORT/health/ready" "Ers.Web"
    LABEL="${BENCH_LABEL:-journeys}"
    dotnet "$(BIN perf/Ers.LoadTests)/ers-load.dll" journeys --pki "$W/pki" \
      --agent-url "https://127.0.0.1:$AGENT_PORT" --ers-url "https://127.0.0.1:$BROWSER_PORT" \
      --baseline-url "https://127.0.0.1:$BASELINE_PORT" --users "$USERS" \
      --ers-page "${BENCH_ERS_PAGE:-/home}" --business-function-path "${BENCH_BF_PATH:-/business-function}" \
      --watch "ers-web=$ERS_PID,baseline=$BASELINE_PID,redis=$REDIS_PID" --out "$OUT" --label "$LABEL" "${NO_PAGES[@]}" "$@"
    cp "$W/machine.txt" "$OUT/$LABEL.machine.txt"
    echo "audit records written: $(wc -l <"$AUDIT_DIR/audit.jsonl")" | tee -a "$OUT/$LABEL.machine.txt"
    plot "$OUT/$LABEL.json"
    ;;
  scale)
    rm -f "$AUDIT_DIR/audit-silo.jsonl"
    # Grain state as production keeps it: in Redis (BENCH_SCALE_STORE=redis, the default), so the silo's heap holds
    # the live grains only; with `memory` the silo's in-memory storage also keeps a serialized copy of every state.
    SCALE_STORE=${BENCH_SCALE_STORE:-redis}
    STORE_ARGS=(); LOAD_STORE_ARGS=()
    case "$SCALE_STORE" in
      redis)
        start_redis
        STORE_ARGS=(--Ers:Cluster:Provider=Redis "--ConnectionStrings:Redis=127.0.0.1:$REDIS_PORT" --Ers:Cluster:ClusterId=bench-scale)
        # The generator's own Orleans client, like Ers.Web, finds the silo through Redis membership.
        LOAD_STORE_ARGS=(--redis "127.0.0.1:$REDIS_PORT" --cluster-id bench-scale) ;;
      memory) ;;
      *) echo "BENCH_SCALE_STORE must be redis or memory" >&2; exit 2 ;;
    esac
    # The measured silo (Ers.Cluster's AddErsSilo plus /perf/memory) and Ers.Web as its client. Held sessions must
    # outlive the run: no agent heartbeats them, so the heartbeat and idle timeouts are set longer than the run.
    SILO_HTTP=$(free_port)
    (cd "$(BIN perf/Ers.LoadTests)" && DOTNET_gcServer=1 exec dotnet ers-load.dll silo --urls "http://127.0.0.1:$SILO_HTTP" \
        --Logging:LogLevel:Default=Warning "--Ers:Cluster:SiloPort=$SILO_PORT" "--Ers:Cluster:GatewayPort=$GATEWAY_PORT" "${STORE_ARGS[@]}" \
        "--Ers:Directory:SeedFile=$W/directory.json" "--Ers:Audit:FilePath=$AUDIT_DIR/audit-silo.jsonl" \
        --Ers:Sessions:HeartbeatTimeout=04:00:00 --Ers:Sessions:IdleTimeout=04:00:00 --Ers:Sessions:IdleWarning=00:02:00) \
        >"$W/silo.log" 2>&1 &
    SILO_PID=$!; PIDS+=("$SILO_PID")
    wait_http "http://127.0.0.1:$SILO_HTTP/health/ready" "measured silo"
    # shellcheck disable=SC2046
    (cd "$(BIN src/Ers.Web)" && exec dotnet Ers.Web.dll $(ers_web_args) "${STORE_ARGS[@]}" --Ers:Web:CoHostSilo=false) >"$W/ers-web.log" 2>&1 &
    ERS_PID=$!; PIDS+=("$ERS_PID")
    wait_http "https://127.0.0.1:$BROWSER_PORT/health/live" "Ers.Web"
    LABEL="${BENCH_LABEL:-scale}"
    redis_memory() { redis-cli -p "$REDIS_PORT" info memory | grep -E '^(used_memory|used_memory_dataset):'; redis-cli -p "$REDIS_PORT" info keyspace | grep '^db' || echo "db0: no keys"; }
    # Before any held session (the imported directory's users are already there): the baseline to subtract.
    [ "$SCALE_STORE" = redis ] && REDIS_BEFORE=$(redis_memory | tr -d '\r')
    dotnet "$(BIN perf/Ers.LoadTests)/ers-load.dll" scale --pki "$W/pki" --agent-url "https://127.0.0.1:$AGENT_PORT" \
      --silo-url "http://127.0.0.1:$SILO_HTTP" --silo-pid "$SILO_PID" --gateway-port "$GATEWAY_PORT" --users "$USERS" \
      --out "$OUT" --label "$LABEL" "${LOAD_STORE_ARGS[@]}" "$@"
    cp "$W/machine.txt" "$OUT/$LABEL.machine.txt"
    echo "grain storage: $SCALE_STORE" | tee -a "$OUT/$LABEL.machine.txt"
    if [ "$SCALE_STORE" = redis ]; then
      # Redis's share of the held sessions (the grain states), apart from the silo's heap measured above.
      { echo "redis (grain state) before the first level:"; echo "$REDIS_BEFORE"
        echo "redis (grain state) after the last level:"; redis_memory; } | tr -d '\r' | tee -a "$OUT/$LABEL.machine.txt"
    fi
    ;;
  resilience)
    # The production shape on one machine: Redis (membership + grain state, AOF on), PostgreSQL (audit), silo A on the
    # host, silo B inside a network namespace behind a veth pair (so its network can be cut), Ers.Web as a client.
    # Four runs, each on a fresh cluster: SIGKILL silo B, restart Redis, restart PostgreSQL, cut silo B's network.
    run_resilience "$@"
    ;;
  *)
    echo "usage: scripts/bench.sh journeys|scale|resilience [ers-load options]" >&2
    exit 2
    ;;
esac
