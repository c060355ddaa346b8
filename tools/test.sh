#!/usr/bin/env bash
# README command 2: lint, typecheck, the Prisma migration check, and every test project, against
# a dedicated test database and Redis database (embedded unless TEST_DATABASE_URL/TEST_REDIS_URL).
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

install_deps
ensure_awscli
unset DATABASE_URL REDIS_URL
if [[ -n "${TEST_DATABASE_URL:-}" ]]; then export DATABASE_URL="$TEST_DATABASE_URL"; fi
if [[ -n "${TEST_REDIS_URL:-}" ]]; then export REDIS_URL="$TEST_REDIS_URL"; fi
embedded_infra accountlink_test
# Redis database 1 and its own prefix keep test queues and channels apart from the demo's.
if [[ -z "${TEST_REDIS_URL:-}" ]]; then export REDIS_URL="${REDIS_URL%/}/1"; fi

say "resetting the test database"
node tools/reset-test-db.mjs
node tools/prisma-migrate.mjs deploy
node tools/prisma-migrate.mjs check
npx tsc -p apps/api/tsconfig.app.json
npx tsc -p apps/worker/tsconfig.app.json
node -r ./tools/register-aliases.cjs dist/prisma/seed.js

export NODE_ENV=test LOG_LEVEL="${LOG_LEVEL:-warn}" REDIS_PREFIX=accountlink-test WORKER_METRICS_PORT=0
export OPERATOR_TOKEN="op_test_$(node -e "process.stdout.write(require('crypto').randomBytes(24).toString('hex'))")"

say "lint and typecheck"
npx nx run-many -t lint typecheck --parallel=2 --outputStyle=stream
say "tests"
log="$(mktemp)"
status=0
npx nx run-many -t test --parallel=1 --outputStyle=stream 2>&1 | tee "$log" || status=$?
# One closing line with the totals of every Jest project.
sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '
  /Tests:/ { for (i = 1; i < NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
  END { printf "%d passed, %d failed\n", p, f }'
rm -f "$log"
if [[ "$status" -ne 0 ]]; then
  say "tests failed"
  exit "$status"
fi
say "all checks passed"
