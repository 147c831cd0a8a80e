#!/usr/bin/env bash
# Installs (if needed) and starts the whole system on the embedded SQLite default, seeding demo data on first run.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
if [ -f packages/web/vite.config.ts ]; then npm run build -w @onshi/web --silent; fi
exec node --max-semi-space-size=32 --import tsx packages/cli/src/main.ts serve "$@"
