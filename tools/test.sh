#!/usr/bin/env bash
# README command 2: lint, typecheck, the Prisma migration check, and every test project, against
# a dedicated test database and Redis database (embedded unless TEST_DATABASE_URL/TEST_REDIS_URL).
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

prepare_test_env
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
