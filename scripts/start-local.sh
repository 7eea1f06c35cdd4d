#!/usr/bin/env bash
# Starts Ers on its embedded default: one process (the web front end co-hosting a silo), in-memory grain state,
# a file audit trail in .ers/, and the sample staff directory.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p .ers
# First run: the development PKI (CAs, server and workstation certificates, a card per sample user, CRLs, token
# key) in .ers/pki; later runs change nothing (CRLs are re-signed when half their week has passed).
dotnet run --project src/Ers.Tools -c Release -- pki dev --out .ers/pki --directory samples/directory.json
exec dotnet run --project src/Ers.Web -c Release
