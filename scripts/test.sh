#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the tests need and a fresh machine lacks,
# then runs format check, lint, type-check and every test suite (unit, int, e2e). Skips nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
echo "== format"; npx prettier --check . --log-level warn
echo "== lint"; npx eslint --max-warnings 0 .
echo "== typecheck"; npx tsc -p tsconfig.json --noEmit
if [ -f packages/web/vite.config.ts ]; then echo "== build web"; npm run build -w @onshi/web --silent; fi
echo "== tests"; npx vitest run "$@"
