#!/usr/bin/env bash
# Runs the fault tests N times (default 5) and reports each run's pass/fail counts, to tell a flaky fault test from
# a fixed one: the cluster tests (silo SIGKILL and SIGTERM, Redis and PostgreSQL outages), the declared-hosts tests
# (real silos and web nodes from the manifests' environment) and the pcscd restart tests (agent and end to end).
# Usage: scripts/soak-tests.sh [N] [SELECTION]. SELECTION is 'all' (default: the suites above) or 'multinode' (only
# the multi-node test: two web nodes, three silos, Chromium; tests/Ers.Cluster.Tests/MultiNode/MultiNodeTests.cs).
# Needs what scripts/test.sh installs (redis-server, postgresql, pcscd, vpcd, chromium).
# The pcscd tests run under flock /tmp/ers-pcscd.lock: only one pcscd can run on a machine.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
selection=${2:-all}
if ! [[ $runs =~ ^[1-9][0-9]*$ ]] || ! [[ $selection =~ ^(all|multinode)$ ]]; then
  echo "usage: $0 [N] [all|multinode]   (N runs, a positive number; default 5 of all)" >&2
  exit 2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results=artifacts/soak-results
rm -rf "$results"
mkdir -p "$results"

# project|test filter ('' = every test)|needs the pcscd lock
suites=(
  "tests/Ers.Cluster.Tests/Ers.Cluster.Tests.csproj||"
  "tests/Ers.Deploy.Hosts.Tests/Ers.Deploy.Hosts.Tests.csproj||"
  "tests/Ers.Agent.Tests/Ers.Agent.Tests.csproj|FullyQualifiedName~pcscd_restarts|lock"
  "tests/Ers.EndToEnd.Tests/Ers.EndToEnd.Tests.csproj|FullyQualifiedName~pcscd_restarts|lock"
)
if [[ $selection == multinode ]]; then
  suites=("tests/Ers.Cluster.Tests/Ers.Cluster.Tests.csproj|FullyQualifiedName~Ers.Cluster.Tests.MultiNode|")
fi

echo "Building ..."
for suite in "${suites[@]}"; do
  project=${suite%%|*}
  if ! dotnet build "$project" -c Release -nologo -v quiet; then
    echo "0 passed, 1 failed (the build of $project failed)"
    exit 1
  fi
done

counts() { # TRX file -> "passed failed"
  python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
try:
    c = ET.parse(sys.argv[1]).getroot().find("t:ResultSummary/t:Counters", ns)
    passed = int(c.get("passed", 0))
    failed = sum(int(c.get(k, 0)) for k in ("failed", "error", "timeout", "aborted"))
    print(passed, failed if passed + failed > 0 else 1)
except (OSError, ET.ParseError, AttributeError):
    print(0, 1)  # no result file: the run crashed, which is a failure
PY
}

total_passed=0 total_failed=0 green=0
for run in $(seq "$runs"); do
  line="run $run:"
  run_failed=0
  for suite in "${suites[@]}"; do
    IFS='|' read -r project filter lock <<<"$suite"
    name=$(basename "$project" .csproj)
    trx="$name-$run.trx"
    args=(test "$project" -c Release --no-build -nologo --logger "trx;LogFileName=$trx" --results-directory "$results")
    [[ -n $filter ]] && args+=(--filter "$filter")
    started=$SECONDS
    if [[ -n $lock ]]; then
      flock /tmp/ers-pcscd.lock dotnet "${args[@]}" >"$results/$name-$run.log" 2>&1
    else
      dotnet "${args[@]}" >"$results/$name-$run.log" 2>&1
    fi
    read -r passed failed < <(counts "$results/$trx")
    line+=" $name $passed passed $failed failed in $((SECONDS - started)) s;"
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
    run_failed=$((run_failed + failed))
  done
  ((run_failed == 0)) && green=$((green + 1))
  echo "$line"
done

echo "runs without a failure: $green of $runs (logs and TRX files in $results)"
echo "$total_passed passed, $total_failed failed"
((total_failed == 0))
