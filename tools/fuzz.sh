#!/usr/bin/env bash
# npm run fuzz -- [--runs N] [--seed S]: the property-based fuzzing of both edges
# (apps/api-e2e/src/fuzz.e2e.spec.ts), N runs per edge (default 2000), against the stack the
# end-to-end tests start, in the test environment of `npm test`. A failure prints its seed;
# `--seed S` replays it.
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

runs=2000
seed=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    *) say "unknown option $1 (use --runs N, --seed S)"; exit 2 ;;
  esac
done
prepare_test_env
export FUZZ_RUNS="$runs"
if [[ -n "$seed" ]]; then export FUZZ_SEED="$seed"; fi
say "fuzzing both edges: $runs runs each${seed:+, seed $seed}"
npx jest -c apps/api-e2e/jest.config.js --testTimeout=3600000 fuzz.e2e.spec.ts
