#!/usr/bin/env bash
# tools/infra.sh — project-local PostgreSQL + Redis for AccountLink (local dev and CI).
#
# Usage:
#   tools/infra.sh up [db ...]            start (or reuse) Postgres + Redis and create each
#                                         named database if missing (default: accountlink)
#   tools/infra.sh down                   stop both servers (idempotent)
#   tools/infra.sh status                 one line per server; exit 0 if both run, 3 otherwise
#   tools/infra.sh env [--export] [db]    print DATABASE_URL / REDIS_URL shell assignments
#                                         e.g.  eval "$(tools/infra.sh env --export)"
#
# Environment (all optional):
#   ACCOUNTLINK_DATA_DIR     data folder; default <repo>/.data (relative paths: from the repo root)
#   ACCOUNTLINK_PG_PORT      Postgres port on 127.0.0.1 (default 55432)
#   ACCOUNTLINK_REDIS_PORT   Redis port on 127.0.0.1 (default 56379)
#   ACCOUNTLINK_PG_PASSWORD  password of the `accountlink` superuser (default accountlink;
#                            re-applied on `up` if it changed)
#
# Layout: <data>/postgres (cluster), <data>/redis (AOF + redis.conf), <data>/log (logs),
#         <data>/run (Postgres socket, redis.pid). Both servers listen on 127.0.0.1 only.
# As root, the Postgres server runs as the `postgres` OS user (initdb/postgres refuse root).
# Missing packages are installed with apt-get only when running as root on Debian/Ubuntu.
# Diagnostics go to stderr prefixed with [infra]; `env` and `status` write to stdout.
set -euo pipefail
umask 022

# ---------------------------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------------------------
REPO_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"
readonly REPO_DIR
readonly PG_USER=accountlink
readonly DEFAULT_DB=accountlink
readonly PG_MIN_MAJOR=14
PG_PASSWORD="${ACCOUNTLINK_PG_PASSWORD:-accountlink}"
PG_PORT="${ACCOUNTLINK_PG_PORT:-55432}"
REDIS_PORT="${ACCOUNTLINK_REDIS_PORT:-56379}"

log() { printf '[infra] %s\n' "$*" >&2; }
die() {
  printf '[infra] error: %s\n' "$*" >&2
  exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }
is_root() { [[ "$(id -u)" -eq 0 ]]; }

valid_port() { [[ "$1" =~ ^[0-9]{1,5}$ ]] && ((10#$1 >= 1 && 10#$1 <= 65535)); }
valid_port "$PG_PORT" || die "ACCOUNTLINK_PG_PORT must be a TCP port number, got '$PG_PORT'"
valid_port "$REDIS_PORT" || die "ACCOUNTLINK_REDIS_PORT must be a TCP port number, got '$REDIS_PORT'"
[[ "$PG_PORT" != "$REDIS_PORT" ]] || die "ACCOUNTLINK_PG_PORT and ACCOUNTLINK_REDIS_PORT must differ"

# Ambient libpq/server variables (PGHOST, PGSSLMODE, PGDATA, PGPORT, ...) must not leak into the
# commands below; everything is passed explicitly.
while IFS= read -r _var; do
  [[ "$_var" == PG* ]] && unset "$_var"
done < <(compgen -e)
unset _var

_data_raw="${ACCOUNTLINK_DATA_DIR:-$REPO_DIR/.data}"
[[ "$_data_raw" == /* ]] || _data_raw="$REPO_DIR/$_data_raw"
DATA_DIR="$(realpath -m -- "$_data_raw")"
readonly DATA_DIR
unset _data_raw
readonly REDIS_DIR="$DATA_DIR/redis"
readonly LOG_DIR="$DATA_DIR/log"
readonly RUN_DIR="$DATA_DIR/run"
readonly REDIS_CONF="$REDIS_DIR/redis.conf"
readonly REDIS_PIDFILE="$RUN_DIR/redis.pid"
readonly REDIS_LOG="$LOG_DIR/redis.log"
readonly PG_LINK="$DATA_DIR/postgres"
DATA_HASH="$(printf '%s' "$DATA_DIR" | sha256sum | cut -c1-8)"
readonly DATA_HASH
# Used when (as root) the postgres OS user cannot traverse to the project folder.
readonly PG_EXTERNAL_BASE="/var/tmp/accountlink-$DATA_HASH"
# Used when the socket path would be too long for a unix socket (sun_path is 108 bytes).
readonly PG_SHORT_SOCK_DIR="/tmp/accountlink-$DATA_HASH"

CLEANUP_FILES=()
cleanup() { ((${#CLEANUP_FILES[@]} == 0)) || rm -f -- "${CLEANUP_FILES[@]}"; }
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------
# Paths of the Postgres cluster (may live outside DATA_DIR, see resolve_pg_paths)
# ---------------------------------------------------------------------------------------------
PG_DATA="" PG_BASE="" PG_LOG="" PG_SOCK_DIR="" PG_SOCK_SHORTENED=0 PG_OS_USER=""

resolve_pg_paths() {
  if [[ -L "$PG_LINK" ]]; then
    PG_DATA="$(realpath -m -- "$PG_LINK")"
    PG_BASE="$(dirname -- "$PG_DATA")"
  else
    PG_DATA="$PG_LINK"
    PG_BASE="$DATA_DIR"
  fi
  PG_LOG="$PG_BASE/log/postgres.log"
  PG_SOCK_DIR="$PG_BASE/run"
  PG_SOCK_SHORTENED=0
  local sock="$PG_SOCK_DIR/.s.PGSQL.$PG_PORT"
  if ((${#sock} > 100)); then
    PG_SOCK_DIR="$PG_SHORT_SOCK_DIR"
    PG_SOCK_SHORTENED=1
  fi
  PG_OS_USER=""
  if is_root; then
    PG_OS_USER=postgres
    # A cluster created by an ordinary user keeps running as that user.
    if [[ -e "$PG_DATA/PG_VERSION" ]]; then
      local owner
      owner="$(stat -c %U -- "$PG_DATA")"
      [[ "$owner" == root || "$owner" == UNKNOWN ]] || PG_OS_USER="$owner"
    fi
  fi
}

RUNUSER=""
# Run a Postgres server-side command (initdb, pg_ctl) as the cluster owner.
as_pg() {
  if [[ -n "$PG_OS_USER" ]]; then
    (cd / && "$RUNUSER" -u "$PG_OS_USER" -- "$@")
  else
    (cd / && "$@")
  fi
}

# ---------------------------------------------------------------------------------------------
# Binaries
# ---------------------------------------------------------------------------------------------
PG_BINDIR="" PG_CTL="" INITDB="" PSQL="" PG_ISREADY="" REDIS_SERVER="" REDIS_CLI=""

pg_bindir_ok() { [[ -n "$1" && -x "$1/pg_ctl" && -x "$1/initdb" && -x "$1/postgres" ]]; }

find_pg_bindir() {
  local d
  if have pg_config; then
    d="$(pg_config --bindir 2>/dev/null || true)"
    if pg_bindir_ok "$d"; then printf '%s\n' "$d" && return 0; fi
  fi
  local cands=() c
  shopt -s nullglob
  cands=(/usr/lib/postgresql/*/bin)
  shopt -u nullglob
  if ((${#cands[@]})); then
    while IFS= read -r c; do
      if pg_bindir_ok "$c"; then printf '%s\n' "$c" && return 0; fi
    done < <(printf '%s\n' "${cands[@]}" | sort -rV)
  fi
  if have pg_ctl; then
    d="$(dirname -- "$(realpath -- "$(command -v pg_ctl)")")"
    if pg_bindir_ok "$d"; then printf '%s\n' "$d" && return 0; fi
  fi
  return 1
}

find_tool() { # name [preferred dir...]
  local name="$1" d
  shift
  for d in "$@"; do
    if [[ -n "$d" && -x "$d/$name" ]]; then printf '%s\n' "$d/$name" && return 0; fi
  done
  if have "$name"; then command -v "$name" && return 0; fi
  return 1
}

locate_binaries() {
  PG_BINDIR="$(find_pg_bindir || true)"
  PG_CTL="" INITDB=""
  if [[ -n "$PG_BINDIR" ]]; then
    PG_CTL="$PG_BINDIR/pg_ctl"
    INITDB="$PG_BINDIR/initdb"
  fi
  PSQL="$(find_tool psql "$PG_BINDIR" || true)"
  PG_ISREADY="$(find_tool pg_isready "$PG_BINDIR" || true)"
  # Non-root PATHs often lack the sbin folders.
  REDIS_SERVER="$(find_tool redis-server "" || find_tool redis-server /usr/bin /usr/sbin /usr/local/bin || true)"
  REDIS_CLI=""
  if [[ -n "$REDIS_SERVER" ]]; then
    REDIS_CLI="$(find_tool redis-cli "$(dirname -- "$REDIS_SERVER")" || true)"
  fi
  if is_root; then
    RUNUSER="$(find_tool runuser "" || find_tool runuser /usr/sbin /sbin /usr/bin || true)"
  fi
}

readonly PG_INSTALL_HINT="install PostgreSQL >= $PG_MIN_MAJOR server binaries (Debian/Ubuntu: sudo apt-get install postgresql)"
readonly REDIS_INSTALL_HINT="install redis-server >= 6.2: sudo apt-get install redis-server"

can_apt_install() { is_root && [[ -f /etc/debian_version ]] && have apt-get; }

ensure_binaries() {
  locate_binaries
  local pkgs=()
  [[ -n "$PG_BINDIR" && -n "$PSQL" && -n "$PG_ISREADY" ]] || pkgs+=(postgresql)
  [[ -n "$REDIS_SERVER" ]] || pkgs+=(redis-server)
  if ((${#pkgs[@]})); then
    if ! can_apt_install; then
      [[ -n "$PG_BINDIR" ]] || log "PostgreSQL server binaries (pg_ctl, initdb, postgres) not found"
      [[ -n "$PSQL" && -n "$PG_ISREADY" ]] || log "PostgreSQL client binaries (psql, pg_isready) not found"
      [[ -n "$REDIS_SERVER" ]] || log "redis-server not found"
      [[ " ${pkgs[*]} " != *" postgresql "* ]] || log "$PG_INSTALL_HINT"
      [[ " ${pkgs[*]} " != *" redis-server "* ]] || log "$REDIS_INSTALL_HINT"
      die "missing prerequisites: ${pkgs[*]}"
    fi
    log "installing ${pkgs[*]} with apt-get (root on Debian/Ubuntu)"
    apt-get update -qq </dev/null >&2 || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" </dev/null >&2 ||
      die "apt-get install ${pkgs[*]} failed"
    if [[ " ${pkgs[*]} " == *" redis-server "* ]]; then
      # The package's own service (port 6379) is not used; do not let it waste memory.
      service redis-server stop >/dev/null 2>&1 || true
    fi
    if [[ " ${pkgs[*]} " == *" postgresql "* ]]; then
      log "note: the Debian package may have created its own cluster on port 5432; it is not used"
    fi
    locate_binaries
  fi
  [[ -n "$PG_BINDIR" ]] || die "PostgreSQL server binaries not found; $PG_INSTALL_HINT"
  [[ -n "$PSQL" && -n "$PG_ISREADY" ]] || die "psql/pg_isready not found; $PG_INSTALL_HINT"
  [[ -n "$REDIS_SERVER" ]] || die "redis-server not found; $REDIS_INSTALL_HINT"
  if is_root; then [[ -n "$RUNUSER" ]] || die "runuser (util-linux) is required when running as root"; fi

  local v major
  v="$("$PG_CTL" --version | awk '{print $3}')"
  major="${v%%[!0-9]*}"
  if [[ -z "$major" ]] || ((major < PG_MIN_MAJOR)); then
    die "PostgreSQL ${v:-?} at $PG_BINDIR is too old; $PG_INSTALL_HINT"
  fi
  PG_MAJOR="$major"

  v="$("$REDIS_SERVER" --version | sed -n 's/.* v=\([0-9][0-9.]*\).*/\1/p')"
  local rmaj="${v%%.*}" rmin="${v#*.}"
  rmin="${rmin%%.*}"
  [[ "$rmaj" =~ ^[0-9]+$ && "$rmin" =~ ^[0-9]+$ ]] || die "cannot parse '$REDIS_SERVER --version'"
  ((rmaj > 6 || (rmaj == 6 && rmin >= 2))) || die "redis-server $v is too old; $REDIS_INSTALL_HINT"
}
PG_MAJOR=""

# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------
# shellcheck disable=SC2016 # $1 expands in the inner bash
port_in_use() { timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" >/dev/null 2>&1; }

port_owner() { # best effort description of who listens on a port
  have ss || return 0
  local line
  line="$(ss -ltnpH "sport = :$1" 2>/dev/null | awk 'NR==1 {print $4, $6}')" || true
  [[ -z "$line" ]] || printf ' (%s)' "$line"
}

urlencode() {
  local LC_ALL=C s="$1" out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c="${s:i:1}"
    case "$c" in
      [a-zA-Z0-9._~-]) out+="$c" ;;
      *) printf -v c '%%%02X' "'$c" && out+="$c" ;;
    esac
  done
  printf '%s' "$out"
}

valid_db_name() { [[ "$1" =~ ^[A-Za-z_][A-Za-z0-9_-]{0,62}$ ]]; }

# Make a private directory (mode 0700) that must be owned by $1 (a user name).
private_dir() { # dir owner
  local dir="$1" owner="$2"
  if [[ -L "$dir" || (-e "$dir" && ! -d "$dir") ]]; then die "$dir exists and is not a plain directory"; fi
  mkdir -p -- "$dir"
  if is_root; then chown -- "$owner:" "$dir"; fi
  [[ "$(stat -c %U -- "$dir")" == "$owner" ]] || die "$dir is owned by $(stat -c %U -- "$dir"), expected $owner"
  chmod 700 -- "$dir"
}

LOCK_HELD=0
take_lock() { # serialise concurrent up/down runs on the same data dir
  ((LOCK_HELD == 0)) || return 0
  have flock || return 0
  mkdir -p -- "$DATA_DIR"
  exec 9>>"$DATA_DIR/.infra.lock"
  flock -w 300 9 || die "another tools/infra.sh is still running on $DATA_DIR (lock .infra.lock)"
  LOCK_HELD=1
}

# ---------------------------------------------------------------------------------------------
# Postgres
# ---------------------------------------------------------------------------------------------
pg_initialized() { [[ -s "$PG_DATA/PG_VERSION" ]]; }

pg_running() {
  pg_initialized || return 1
  if [[ -n "$PG_CTL" ]] && { ! is_root || [[ -n "$RUNUSER" ]]; }; then
    as_pg "$PG_CTL" status -D "$PG_DATA" >/dev/null 2>&1
  else # no pg_ctl on this machine: fall back to the pid file
    local pid
    pid="$(sed -n 1p "$PG_DATA/postmaster.pid" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null
  fi
}

pg_running_port() { sed -n 4p "$PG_DATA/postmaster.pid" 2>/dev/null | tr -d '[:space:]' || true; }
pg_running_sockdir() { sed -n 5p "$PG_DATA/postmaster.pid" 2>/dev/null || true; }

pg_prepare_dirs() {
  resolve_pg_paths
  if is_root; then
    if ! id -u postgres >/dev/null 2>&1; then
      log "creating system user 'postgres' (initdb/postgres refuse to run as root)"
      useradd --system --user-group --no-create-home --home-dir /var/lib/postgresql \
        --shell /bin/sh postgres || die "could not create the 'postgres' OS user"
    fi
    if [[ "$PG_BASE" == "$DATA_DIR" ]] && ! "$RUNUSER" -u "$PG_OS_USER" -- test -x "$LOG_DIR" 2>/dev/null; then
      # The postgres OS user cannot reach the project folder (e.g. repo under /root).
      if [[ -e "$PG_LINK" ]]; then
        if [[ -d "$PG_LINK" && -z "$(ls -A -- "$PG_LINK")" ]]; then
          rmdir -- "$PG_LINK"
        else
          die "user '$PG_OS_USER' cannot traverse to $DATA_DIR, and $PG_LINK already holds data; make the path traversable (chmod o+x on its parents) or move the cluster"
        fi
      fi
      if [[ -L "$PG_EXTERNAL_BASE" || (-e "$PG_EXTERNAL_BASE" && "$(stat -c %u -- "$PG_EXTERNAL_BASE")" != 0) ]]; then
        die "$PG_EXTERNAL_BASE exists but is not a root-owned directory; remove it"
      fi
      mkdir -p -- "$PG_EXTERNAL_BASE/postgres" "$PG_EXTERNAL_BASE/log"
      chmod 755 -- "$PG_EXTERNAL_BASE" "$PG_EXTERNAL_BASE/log"
      ln -s -- "$PG_EXTERNAL_BASE/postgres" "$PG_LINK"
      log "note: user '$PG_OS_USER' cannot traverse to $DATA_DIR; the Postgres cluster lives in $PG_EXTERNAL_BASE/postgres (symlinked from $PG_LINK)"
      resolve_pg_paths
    fi
    if pg_initialized && [[ "$(stat -c %U -- "$PG_DATA")" == root ]]; then
      log "fixing ownership of $PG_DATA (root-owned cluster) for user '$PG_OS_USER'"
      chown -R -- "$PG_OS_USER:" "$PG_DATA"
    fi
  elif [[ -e "$PG_DATA" && ! -O "$PG_DATA" ]]; then
    die "$PG_DATA is owned by $(stat -c %U -- "$PG_DATA"); run as that user, or use another ACCOUNTLINK_DATA_DIR"
  fi
  local owner="${PG_OS_USER:-$(id -un)}"
  private_dir "$PG_DATA" "$owner"
  private_dir "$PG_SOCK_DIR" "$owner"
  mkdir -p -- "$(dirname -- "$PG_LOG")"
  touch -- "$PG_LOG"
  if is_root; then chown -- "$owner:" "$PG_LOG"; fi
  if [[ "$PG_BASE" != "$DATA_DIR" ]]; then
    ln -sfn -- "$PG_LOG" "$LOG_DIR/postgres.log"
  fi
  if ((PG_SOCK_SHORTENED)); then
    log "note: $PG_BASE/run is too long for a unix socket path; using $PG_SOCK_DIR for the Postgres socket"
  fi
}

pg_init() {
  local pwfile locales locale=C
  pwfile="$(mktemp)"
  CLEANUP_FILES+=("$pwfile")
  printf '%s\n' "$PG_PASSWORD" >"$pwfile"
  if is_root; then chown -- "$PG_OS_USER" "$pwfile"; fi
  locales="$(locale -a 2>/dev/null || true)"
  if grep -qiE '^c\.utf-?8$' <<<"$locales"; then locale=C.UTF-8; fi
  log "initialising Postgres cluster in $PG_DATA (superuser $PG_USER, locale $locale)"
  local out
  if ! out="$(as_pg "$INITDB" -D "$PG_DATA" -U "$PG_USER" --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale="$locale" 2>&1)"; then
    printf '%s\n' "$out" >&2
    die "initdb failed"
  fi
  rm -f -- "$pwfile"
}

pg_conf_quote() { local s="${1//\'/\'\'}"; printf "'%s'" "$s"; }

pg_write_conf() {
  local conf="$PG_DATA/accountlink.conf" sockdir="$PG_SOCK_DIR"
  # Directory lists are comma separated; double quotes protect commas/spaces in the path.
  [[ "$sockdir" != *[,\ \"]* ]] || sockdir="\"${sockdir//\"/\"\"}\""
  cat >"$conf" <<EOF
# Managed by tools/infra.sh: regenerated on every \`up\`, edits are overwritten.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = $(pg_conf_quote "$sockdir")
unix_socket_permissions = 0700
max_connections = 200
shared_buffers = 128MB
effective_cache_size = 512MB
work_mem = 4MB
maintenance_work_mem = 64MB
max_worker_processes = 4
max_parallel_workers = 2
max_parallel_workers_per_gather = 1
max_parallel_maintenance_workers = 1
max_wal_size = 512MB
min_wal_size = 64MB
synchronous_commit = off
password_encryption = 'scram-sha-256'
timezone = 'UTC'
log_timezone = 'UTC'
log_line_prefix = '%m [%p] %q%u@%d '
EOF
  if is_root; then chown -- "$PG_OS_USER:" "$conf"; fi
  if ! grep -qxF "include_if_exists = 'accountlink.conf'" "$PG_DATA/postgresql.conf"; then
    printf '\n# AccountLink dev settings (tools/infra.sh)\ninclude_if_exists = %s\n' "'accountlink.conf'" \
      >>"$PG_DATA/postgresql.conf"
  fi
}

pg_up() {
  if ! pg_initialized; then
    pg_init
  else
    local data_major
    data_major="$(tr -d '[:space:]' <"$PG_DATA/PG_VERSION")"
    [[ "$data_major" == "$PG_MAJOR" ]] ||
      die "the cluster in $PG_DATA was created by PostgreSQL $data_major but the binaries in $PG_BINDIR are $PG_MAJOR; install PostgreSQL $data_major or remove $PG_DATA (its data is lost)"
  fi
  pg_write_conf
  if pg_running; then
    local port
    port="$(pg_running_port)"
    [[ "$port" == "$PG_PORT" ]] ||
      die "Postgres for $PG_DATA is already running on port ${port:-?}, not $PG_PORT; run 'tools/infra.sh down' first (or set ACCOUNTLINK_PG_PORT=$port)"
    log "postgres: already running on 127.0.0.1:$PG_PORT, reusing it"
    return 0
  fi
  if port_in_use "$PG_PORT"; then
    die "port 127.0.0.1:$PG_PORT is in use by another process$(port_owner "$PG_PORT"), not this project's Postgres; stop it or set ACCOUNTLINK_PG_PORT"
  fi
  log "postgres: starting on 127.0.0.1:$PG_PORT (log: $PG_LOG)"
  if ! as_pg "$PG_CTL" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start >&2 9>&-; then
    tail -n 30 -- "$PG_LOG" >&2 || true
    die "Postgres failed to start (see $PG_LOG)"
  fi
}

pg_wait_ready() {
  local i
  for ((i = 0; i < 60; i++)); do
    if "$PG_ISREADY" -q -h 127.0.0.1 -p "$PG_PORT" -t 2 >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  tail -n 30 -- "$PG_LOG" >&2 || true
  die "Postgres does not accept connections on 127.0.0.1:$PG_PORT"
}

psql_tcp() { # extra psql args...; SQL on stdin or -c
  PGPASSWORD="$PG_PASSWORD" PGCONNECT_TIMEOUT=5 "$PSQL" -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" "$@"
}

pg_ensure_password() {
  if psql_tcp -d postgres -tA -c 'SELECT 1' </dev/null >/dev/null 2>&1; then return 0; fi
  local sockdir
  sockdir="$(pg_running_sockdir)"
  sockdir="${sockdir:-$PG_SOCK_DIR}"
  log "postgres: password login as $PG_USER failed; setting the password from ACCOUNTLINK_PG_PASSWORD via the local socket"
  "$PSQL" -X -q -v ON_ERROR_STOP=1 -h "$sockdir" -p "$PG_PORT" -U "$PG_USER" -d postgres \
    -v pw="$PG_PASSWORD" >/dev/null <<'SQL' || die "could not set the password of role accountlink"
ALTER ROLE CURRENT_USER PASSWORD :'pw';
SQL
  psql_tcp -d postgres -tA -c 'SELECT 1' </dev/null >/dev/null ||
    die "cannot log in to Postgres on 127.0.0.1:$PG_PORT as $PG_USER with the configured password"
}

pg_ensure_dbs() {
  local db exists
  for db in "$@"; do
    exists="$(psql_tcp -d postgres -tA -v db="$db" <<'SQL'
SELECT 1 FROM pg_database WHERE datname = :'db';
SQL
)" || die "could not query pg_database"
    if [[ -z "$exists" ]]; then
      psql_tcp -d postgres -v db="$db" >/dev/null <<'SQL' || die "could not create database $db"
CREATE DATABASE :"db";
SQL
      log "postgres: created database $db"
    else
      log "postgres: database $db exists"
    fi
  done
}

pg_down() {
  resolve_pg_paths
  pg_initialized || { log "postgres: no cluster in $PG_DATA"; return 0; }
  if ! pg_running; then
    log "postgres: not running"
    return 0
  fi
  log "postgres: stopping ($PG_DATA)"
  if [[ -n "$PG_CTL" ]] && { ! is_root || [[ -n "$RUNUSER" ]]; }; then
    as_pg "$PG_CTL" -D "$PG_DATA" -m fast -w -t 60 stop >&2 || die "pg_ctl stop failed (see $PG_LOG)"
  else
    local pid i
    pid="$(sed -n 1p "$PG_DATA/postmaster.pid")"
    kill -INT "$pid" # fast shutdown
    for ((i = 0; i < 120; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
    die "Postgres (pid $pid) did not stop"
  fi
}

# ---------------------------------------------------------------------------------------------
# Redis
# ---------------------------------------------------------------------------------------------
# redis_cmd PORT WORD...: print the reply (one value per line); non-zero on error/no answer.
redis_cmd() {
  local port="$1"
  shift
  if [[ -n "$REDIS_CLI" ]]; then
    local out
    out="$(timeout 5 "$REDIS_CLI" -h 127.0.0.1 -p "$port" --raw "$@" </dev/null 2>/dev/null)" || return 1
    [[ "$out" != ERR* && "$out" != NOAUTH* && "$out" != WRONGPASS* && "$out" != DENIED* ]] || return 1
    printf '%s\n' "$out"
    return 0
  fi
  redis_resp "$port" "$@"
}

# Minimal RESP client over bash's /dev/tcp (inline commands, simple replies) for machines
# without redis-cli.
redis_resp() (
  port="$1"
  shift
  exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
  printf '%s\r\n' "$*" >&3
  IFS= read -r -t 5 line <&3 || exit 1
  line="${line%$'\r'}"
  case "$line" in
    +*) printf '%s\n' "${line#+}" ;;
    :*) printf '%s\n' "${line#:}" ;;
    '$-1') ;;
    '$'*)
      IFS= read -r -t 5 v <&3 || exit 1
      printf '%s\n' "${v%$'\r'}"
      ;;
    '*'*)
      n="${line#'*'}"
      [[ "$n" =~ ^[0-9]+$ ]] || exit 1
      for ((k = 0; k < n; k++)); do
        IFS= read -r -t 5 _ <&3 || exit 1
        IFS= read -r -t 5 v <&3 || exit 1
        printf '%s\n' "${v%$'\r'}"
      done
      ;;
    *) exit 1 ;;
  esac
) 2>/dev/null

redis_ping() { [[ "$(redis_cmd "$1" PING || true)" == PONG ]]; }

redis_is_ours() { # PORT: the Redis answering there uses our data dir
  local reply
  reply="$(redis_cmd "$1" CONFIG GET dir)" || return 1
  [[ "$(sed -n 2p <<<"$reply")" == "$(realpath -m -- "$REDIS_DIR")" ]]
}

redis_pid() { # pid of our redis-server from the pidfile, if alive
  local pid
  pid="$(cat -- "$REDIS_PIDFILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/comm" ]]; then
    [[ "$(cat "/proc/$pid/comm")" == redis-serv* ]] || return 1
  fi
  printf '%s\n' "$pid"
}

redis_conf_quote() { local s="${1//\\/\\\\}"; s="${s//\"/\\\"}"; printf '"%s"' "$s"; }

redis_write_conf() {
  cat >"$REDIS_CONF" <<EOF
# Managed by tools/infra.sh: regenerated on every \`up\`, edits are overwritten.
bind 127.0.0.1
protected-mode yes
port $REDIS_PORT
daemonize yes
supervised no
pidfile $(redis_conf_quote "$REDIS_PIDFILE")
logfile $(redis_conf_quote "$REDIS_LOG")
loglevel notice
dir $(redis_conf_quote "$REDIS_DIR")
appendonly yes
appendfsync everysec
save ""
maxmemory-policy noeviction
EOF
}

# Fail early (before anything is started) when the Redis port is taken by something else.
# Returns 0 when this project's Redis already answers on the port, 1 when it must be started.
redis_preflight() {
  if redis_ping "$REDIS_PORT"; then
    redis_is_ours "$REDIS_PORT" ||
      die "port 127.0.0.1:$REDIS_PORT is used by a Redis that is not this project's$(port_owner "$REDIS_PORT"); stop it or set ACCOUNTLINK_REDIS_PORT"
    return 0
  fi
  if port_in_use "$REDIS_PORT"; then
    die "port 127.0.0.1:$REDIS_PORT is in use by another process$(port_owner "$REDIS_PORT"); stop it or set ACCOUNTLINK_REDIS_PORT"
  fi
  local pid
  if pid="$(redis_pid)"; then
    die "this project's Redis (pid $pid) is running but does not answer on port $REDIS_PORT; run 'tools/infra.sh down' first"
  fi
  return 1
}

redis_up() {
  mkdir -p -- "$REDIS_DIR" "$LOG_DIR" "$RUN_DIR"
  chmod 700 -- "$REDIS_DIR"
  redis_write_conf
  if redis_preflight; then
    log "redis: already running on 127.0.0.1:$REDIS_PORT, reusing it"
    local policy
    policy="$(redis_cmd "$REDIS_PORT" CONFIG GET maxmemory-policy | sed -n 2p)" || true
    if [[ "$policy" != noeviction ]]; then
      log "redis: setting maxmemory-policy noeviction (was '${policy:-?}')"
      redis_cmd "$REDIS_PORT" CONFIG SET maxmemory-policy noeviction >/dev/null ||
        die "could not set maxmemory-policy on the running Redis"
    fi
    return 0
  fi
  rm -f -- "$REDIS_PIDFILE"
  log "redis: starting on 127.0.0.1:$REDIS_PORT (log: $REDIS_LOG)"
  (cd -- "$REDIS_DIR" && "$REDIS_SERVER" "$REDIS_CONF" </dev/null >&2 9>&-) || {
    tail -n 30 -- "$REDIS_LOG" >&2 2>/dev/null || true
    die "redis-server failed to start (see $REDIS_LOG)"
  }
  local i
  for ((i = 0; i < 60; i++)); do
    redis_ping "$REDIS_PORT" && return 0
    sleep 0.5
  done
  tail -n 30 -- "$REDIS_LOG" >&2 2>/dev/null || true
  die "Redis does not answer PING on 127.0.0.1:$REDIS_PORT (see $REDIS_LOG)"
}

redis_down() {
  local pid i
  if pid="$(redis_pid)"; then
    log "redis: stopping (pid $pid)"
    kill -TERM "$pid" # graceful: flushes the AOF, then exits
    for ((i = 0; i < 60; i++)); do
      kill -0 "$pid" 2>/dev/null || { rm -f -- "$REDIS_PIDFILE"; return 0; }
      sleep 0.5
    done
    die "Redis (pid $pid) did not stop within 30s"
  fi
  if redis_ping "$REDIS_PORT" && redis_is_ours "$REDIS_PORT"; then
    log "redis: stopping (port $REDIS_PORT)"
    redis_cmd "$REDIS_PORT" SHUTDOWN >/dev/null 2>&1 || true
    for ((i = 0; i < 60; i++)); do
      port_in_use "$REDIS_PORT" || return 0
      sleep 0.5
    done
    die "Redis on port $REDIS_PORT did not stop within 30s"
  fi
  log "redis: not running"
}

# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------
usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

cmd_up() {
  local dbs=("$@") db
  ((${#dbs[@]})) || dbs=("$DEFAULT_DB")
  for db in "${dbs[@]}"; do
    valid_db_name "$db" || die "invalid database name '$db' (letters, digits, _ and -; max 63)"
  done
  ensure_binaries
  mkdir -p -- "$DATA_DIR" 2>/dev/null || die "cannot create $DATA_DIR as $(id -un); set ACCOUNTLINK_DATA_DIR"
  [[ -w "$DATA_DIR" ]] || die "$DATA_DIR is not writable by $(id -un) (created by another user?); set ACCOUNTLINK_DATA_DIR"
  mkdir -p -- "$LOG_DIR" "$RUN_DIR" "$REDIS_DIR"
  take_lock
  pg_prepare_dirs
  redis_preflight || true
  pg_up
  redis_up
  pg_wait_ready
  pg_ensure_password
  pg_ensure_dbs "${dbs[@]}"
  log "ready: postgres 127.0.0.1:$PG_PORT, redis 127.0.0.1:$REDIS_PORT (data: $DATA_DIR)"
  log "connection URLs: tools/infra.sh env [db]"
}

cmd_down() {
  [[ $# -eq 0 ]] || die "usage: tools/infra.sh down"
  locate_binaries
  if [[ ! -d "$DATA_DIR" ]]; then
    log "nothing to stop: $DATA_DIR does not exist"
    return 0
  fi
  take_lock
  redis_down
  pg_down
}

cmd_status() {
  [[ $# -eq 0 ]] || die "usage: tools/infra.sh status"
  locate_binaries
  resolve_pg_paths
  local ok=0 state port
  if pg_running; then
    port="$(pg_running_port)"
    if [[ "$port" != "$PG_PORT" ]]; then
      state="running on port ${port:-?} (expected $PG_PORT)"
      ok=1
    elif [[ -n "$PG_ISREADY" ]] && ! "$PG_ISREADY" -q -h 127.0.0.1 -p "$PG_PORT" -t 2 >/dev/null 2>&1; then
      state="running, not accepting connections"
      ok=1
    else
      state=running
    fi
  else
    state=stopped
    ok=1
  fi
  printf 'postgres: %-8s 127.0.0.1:%s  data=%s\n' "$state" "$PG_PORT" "$PG_DATA"
  if redis_ping "$REDIS_PORT" && redis_is_ours "$REDIS_PORT"; then
    state=running
  elif redis_pid >/dev/null; then
    state="running (pid $(redis_pid)), not answering on port $REDIS_PORT"
    ok=1
  else
    state=stopped
    ok=1
  fi
  printf 'redis:    %-8s 127.0.0.1:%s  data=%s\n' "$state" "$REDIS_PORT" "$REDIS_DIR"
  return $((ok ? 3 : 0))
}

cmd_env() {
  local prefix="" db="$DEFAULT_DB" arg seen_db=0
  for arg in "$@"; do
    case "$arg" in
      --export) prefix="export " ;;
      -*) die "usage: tools/infra.sh env [--export] [db]" ;;
      *)
        ((seen_db == 0)) || die "usage: tools/infra.sh env [--export] [db]"
        valid_db_name "$arg" || die "invalid database name '$arg'"
        db="$arg" seen_db=1
        ;;
    esac
  done
  printf '%sDATABASE_URL=%q\n' "$prefix" \
    "postgresql://$(urlencode "$PG_USER"):$(urlencode "$PG_PASSWORD")@127.0.0.1:$PG_PORT/$(urlencode "$db")"
  printf '%sREDIS_URL=%q\n' "$prefix" "redis://127.0.0.1:$REDIS_PORT"
}

main() {
  local cmd="${1:-}"
  [[ $# -eq 0 ]] || shift
  case "$cmd" in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    env) cmd_env "$@" ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
