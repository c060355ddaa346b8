#!/usr/bin/env bash
# README command 1: install, start Postgres and Redis (embedded unless DATABASE_URL/REDIS_URL are
# set), migrate, seed the demo tenant, and run the API and the worker until Ctrl-C.
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

install_deps
say "building api, worker and the partner portal"
npx tsc -p apps/api/tsconfig.app.json
npx tsc -p apps/worker/tsconfig.app.json
npx vite build --config apps/portal/vite.config.mts
embedded_infra accountlink
say "applying migrations"
node tools/prisma-migrate.mjs deploy
say "seeding the demo tenant"
node -r ./tools/register-aliases.cjs dist/prisma/seed.js --demo

pids=()
stop() {
  trap - INT TERM EXIT
  say "stopping api and worker"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  say "stopped (Postgres and Redis keep running: npm run infra -- down)"
}
trap stop INT TERM EXIT
# The worker runs under a supervisor that starts it again (with backoff) if it crashes: the API
# keeps serving meanwhile, and the outbox keeps what the worker has not relayed yet.
node tools/supervise.mjs worker -- node -r ./tools/register-aliases.cjs dist/apps/worker/src/main.js &
pids+=($!)
node -r ./tools/register-aliases.cjs dist/apps/api/src/main.js &
pids+=($!)
say "API and worker running; Ctrl-C stops both"
# The API exiting ends the run (and the trap stops the worker's supervisor).
wait -n "${pids[@]}"
