# Shared by tools/start.sh and tools/test.sh.
ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"
say() { printf '\033[1m[accountlink]\033[0m %s\n' "$*" >&2; }

# Installs dependencies when node_modules is missing or older than the lockfile (npm ci refuses
# lockfiles written on this platform; npm install honours them).
install_deps() {
  if [[ ! -d "$ROOT/node_modules" || "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]]; then
    say "installing dependencies"
    (cd "$ROOT" && npm install --no-audit --no-fund --loglevel=error)
  fi
  say "generating the Prisma client"
  node "$ROOT/tools/prisma-generate.mjs" >/dev/null
}

# Points DATABASE_URL / REDIS_URL at the embedded servers unless they are set already.
embedded_infra() {
  local db="$1"
  if [[ -z "${DATABASE_URL:-}" || -z "${REDIS_URL:-}" ]]; then
    say "starting embedded Postgres and Redis (data in ${ACCOUNTLINK_DATA_DIR:-$ROOT/.data})"
    bash "$ROOT/tools/infra.sh" up "$db"
    local line
    while IFS= read -r line; do
      case "$line" in
        DATABASE_URL=*) [[ -n "${DATABASE_URL:-}" ]] || export DATABASE_URL="${line#DATABASE_URL=}" ;;
        REDIS_URL=*) [[ -n "${REDIS_URL:-}" ]] || export REDIS_URL="${line#REDIS_URL=}" ;;
      esac
    done < <(bash "$ROOT/tools/infra.sh" env "$db")
  fi
}

# The CLI end-to-end test runs Debian's AWS CLI v2 (/usr/bin/aws); as root on Debian/Ubuntu it is
# installed with apt when missing, otherwise say what to install.
ensure_awscli() {
  if [[ -x /usr/bin/aws ]] || command -v aws >/dev/null 2>&1 && aws --version 2>&1 | grep -q '^aws-cli/2'; then
    return
  fi
  if [[ "$(id -u)" -eq 0 && -f /etc/debian_version ]] && command -v apt-get >/dev/null 2>&1; then
    say "installing the AWS CLI v2 (Debian package awscli) for the CLI tests"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli >/dev/null; }
  else
    say "the CLI tests need the AWS CLI v2: install it (Debian: sudo apt-get install awscli)"
  fi
}

# The portal's browser tests drive Debian's chromium (/usr/bin/chromium) with playwright-core; as
# root on Debian/Ubuntu it is installed with apt when missing, otherwise say what to install.
ensure_chromium() {
  if [[ -x /usr/bin/chromium ]]; then
    return
  fi
  if [[ "$(id -u)" -eq 0 && -f /etc/debian_version ]] && command -v apt-get >/dev/null 2>&1; then
    say "installing Chromium (Debian package chromium) for the portal's browser tests"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
  else
    say "the portal's browser tests need Chromium at /usr/bin/chromium (Debian: sudo apt-get install chromium)"
  fi
}

# The test environment of `npm test` and `npm run fuzz`: dependencies, the embedded servers (or
# TEST_DATABASE_URL / TEST_REDIS_URL), a fresh migrated test database, the apps built, the seed,
# and the variables the tests run with.
prepare_test_env() {
  install_deps
  ensure_awscli
  ensure_chromium
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
  npx vite build --config apps/portal/vite.config.mts
  npx tsc -p apps/loadtest/tsconfig.app.json
  node -r ./tools/register-aliases.cjs dist/prisma/seed.js

  export NODE_ENV=test LOG_LEVEL="${LOG_LEVEL:-warn}" REDIS_PREFIX=accountlink-test WORKER_METRICS_PORT=0
  OPERATOR_TOKEN="op_test_$(node -e "process.stdout.write(require('crypto').randomBytes(24).toString('hex'))")"
  export OPERATOR_TOKEN
}

