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
