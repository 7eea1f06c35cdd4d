#!/usr/bin/env bash
# Runs the whole Ers test suite: installs (as root) the Debian packages the tests start for real, builds once,
# runs each test project in turn, names each failed test, and ends with one line "N passed, N failed, N skipped" summed from the TRX files.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

packages=(pcscd vsmartcard-vpcd opensc libpcsclite1 yubico-piv-tool pinentry-gtk2 xvfb xdotool imagemagick dunst dbus-daemon dbus-bin redis-server postgresql chromium prometheus libnss3-tools lintian)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "These Debian packages are needed by the tests: ${missing[*]}. Run this script as root to install them." >&2
    exit 2
  fi
  echo "Installing ${missing[*]} ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || {
    echo "apt-get could not install: ${missing[*]}" >&2
    exit 2
  }
fi
# apt may start services on some machines; the tests start their own on loopback.
pkill -x pcscd 2>/dev/null || true

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

echo "Building ..."
if ! dotnet build Ers.sln -c Release -nologo -v quiet; then
  echo "0 passed, 1 failed (the build failed)"
  exit 1
fi

status=0
crashed=()
for project in tests/*/*.csproj; do
  grep -q "Include=\"Microsoft.NET.Test.Sdk\"" "$project" || continue
  name=$(basename "$project" .csproj)
  echo "=== $name"
  # A test that hangs is stopped after 10 minutes (the slowest passes in under 3) and named in the log, instead of
  # holding the run until CI's limit.
  dotnet test "$project" -c Release --no-build -nologo \
    --blame-hang-timeout 10m --blame-hang-dump-type none \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$results" || { status=1; crashed+=("$name"); }
done

# The failures are printed last, so the tail of a CI log names them.
python3 - "$results" "$status" "${crashed[@]}" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    root = ET.parse(f).getroot()
    c = root.find("t:ResultSummary/t:Counters", ns)
    passed += int(c.get("passed", 0))
    failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    skipped += int(c.get("notExecuted", 0))
    for r in root.iterfind("t:Results/t:UnitTestResult", ns):
        if r.get("outcome") not in ("Passed", "NotExecuted"):
            m = r.find("t:Output/t:ErrorInfo/t:Message", ns)
            text = " ".join((m.text or "").split())[:400] if m is not None else ""
            print(f"FAILED {r.get('testName')} ({r.get('duration')}): {text}")
for name in sys.argv[3:]:
    print(f"exited non-zero: {name}")
if sys.argv[2] != "0" and failed == 0:
    failed = 1  # a test project crashed or did not run: never report that as green
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
