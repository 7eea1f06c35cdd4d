#!/usr/bin/env bash
# Starts Ers on its embedded default: one process (the web front end co-hosting a silo), in-memory grain state,
# a file audit trail in .ers/, and the sample staff directory. Pages on https://127.0.0.1:5080, the agents' API on
# https://127.0.0.1:5443 (mutual TLS), both with the development server certificate from .ers/pki.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
mkdir -p .ers

# Built first, with MSBuild's minimal output (one line per project, npm's own output), so a first run that restores
# NuGet packages and installs nhsuk-frontend shows what it is doing; 'dotnet run --no-build' then starts at once.
step "1/3 Building the ers tool and Ers.Web (Release). The first build restores NuGet packages and runs npm ci: a few minutes."
for project in src/Ers.Tools src/Ers.Web; do
  dotnet build "$project" -c Release -v minimal -nologo
done

# First run: the development PKI (CAs, server CA and server certificate, workstation certificate, a card per sample
# user, CRLs, token key) in .ers/pki; later runs change nothing (CRLs are re-signed when half their week has passed;
# a PKI from an older Ers gains its server CA and a server certificate signed by it).
step "2/3 Development PKI in .ers/pki (ers pki dev)"
dotnet run --no-build --project src/Ers.Tools -c Release -- pki dev --out .ers/pki --directory samples/directory.json

step "3/3 Starting Ers.Web: pages on https://127.0.0.1:5080, agents' API on https://127.0.0.1:5443 (Ctrl+C stops it)"
echo "    Browsers trust the pages once .ers/pki/server-ca.crt.pem is imported (README.md, Quickstart)."
# The sample relying party (samples/Ers.SampleRp, README there) is registered here, on its loopback address, as a public
# client (PKCE, no secret) with its back-channel logout URI, which the silo posts to over TLS signed by the development
# server CA; a deployment registers its applications in its own configuration or with 'ers oidc add'.
exec dotnet run --no-build --project src/Ers.Web -c Release -- \
  --Ers:Oidc:Clients:0:ClientId=ers-sample-rp \
  --Ers:Oidc:Clients:0:DisplayName="Ers sample application" \
  --Ers:Oidc:Clients:0:RedirectUris:0=https://127.0.0.1:5090/signin-oidc \
  --Ers:Oidc:Clients:0:BackChannelLogoutUri=https://127.0.0.1:5090/backchannel-logout \
  --Ers:Oidc:BackChannelLogout:TrustedCaFiles:0=../../.ers/pki/server-ca.crt.pem \
  --Ers:Oidc:Clients:0:Scopes:0=profile \
  --Ers:Oidc:Clients:0:Scopes:1=selectedrole \
  --Ers:Oidc:Clients:0:Scopes:2=nationalrbacaccess
