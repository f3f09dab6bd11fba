#!/usr/bin/env bash
# Helpers shared by scripts/run, scripts/test and scripts/bench. Source it, or run one helper directly:
#   scripts/lib.sh start_private_postgres /tmp/pg 5499
#
#   ensure_packages [extra-package ...]   install the missing system packages (apt-get)
#   pg_bindir [major]                     the PostgreSQL server binaries directory
#   as_postgres cmd [args ...]            run a command as the `postgres` user when root
#   start_private_postgres DIR PORT       initdb once, then start a private cluster (idempotent)
#   stop_private_postgres DIR             stop it (idempotent)
#   private_postgres_running DIR          exit status 0 when the cluster in DIR is up
#   ensure_database NAME OWNER [PASSWORD] create the role and the database once (after start_private_postgres,
#                                         or with PG_HOST and PG_PORT pointing at a running cluster)
#   port_in_use PORT                      exit status 0 when something listens on 127.0.0.1:PORT
#
# Every function is idempotent: calling it again finds the work done and changes nothing.

if [[ -n "${_LOYALTY_LIB_SOURCED:-}" ]]; then
    return 0
fi
_LOYALTY_LIB_SOURCED=1

# Packages every script needs: libpq and OpenSSL headers for the build, a PostgreSQL server for the
# private cluster and the tests, openssl for the dev JWT keys, curl for health checks.
LOYALTY_BASE_PACKAGES=(libpq-dev libssl-dev postgresql postgresql-contrib pkg-config openssl curl)

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() {
    printf 'ERROR: %s\n' "$*" >&2
    exit 1
}

# Seconds since the epoch, with a fractional part when `date` offers one.
now_seconds() { date +%s.%N 2>/dev/null || date +%s; }

# elapsed_since START → "12.3s"
elapsed_since() {
    awk -v start="$1" -v end="$(now_seconds)" 'BEGIN { printf "%.1fs", end - start }'
}

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
    if [[ ${EUID:-$(id -u)} -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -- "$@"
    else
        die "'$*' needs root and sudo is not installed; run this script as root or install the packages by hand"
    fi
}

# package_installed NAME → 0 when dpkg says the package is installed (not merely known or half-removed).
package_installed() {
    [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == "installed" ]]
}

_LOYALTY_APT_UPDATED=""

# ensure_packages [extra ...]: installs whatever is missing of the base packages plus the extras.
# Non-interactive and quiet; `apt-get update` runs at most once per shell.
ensure_packages() {
    local wanted=("${LOYALTY_BASE_PACKAGES[@]}" "$@") missing=() pkg
    if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
        warn "no dpkg/apt-get here: make sure these are installed yourself: ${wanted[*]}"
        return 0
    fi
    for pkg in "${wanted[@]}"; do
        package_installed "$pkg" || missing+=("$pkg")
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        return 0
    fi
    log "installing missing packages: ${missing[*]}"
    local apt_log
    apt_log="$(mktemp "${TMPDIR:-/tmp}/loyalty-apt.XXXXXX")"
    if [[ -z "$_LOYALTY_APT_UPDATED" ]]; then
        if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$apt_log" 2>&1; then
            cat "$apt_log" >&2
            die "apt-get update failed"
        fi
        _LOYALTY_APT_UPDATED=1
    fi
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        -o Dpkg::Use-Pty=0 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        "${missing[@]}" >"$apt_log" 2>&1; then
        cat "$apt_log" >&2
        die "apt-get install ${missing[*]} failed"
    fi
    rm -f "$apt_log"
    for pkg in "${missing[@]}"; do
        package_installed "$pkg" || die "package $pkg is still not installed"
    done
}

# pg_bindir [major]: the directory holding initdb/pg_ctl. With a major version (e.g. the PG_VERSION of an
# existing cluster) that version's directory is required; without, the newest one wins; PATH is the fallback.
pg_bindir() {
    local major="${1:-}" dir best=""
    if [[ -n "$major" ]]; then
        if [[ -x "/usr/lib/postgresql/$major/bin/pg_ctl" ]]; then
            printf '%s\n' "/usr/lib/postgresql/$major/bin"
            return 0
        fi
    else
        best="$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/pg_ctl' 2>/dev/null |
            sed 's|/pg_ctl$||' | sort -V | tail -n 1)"
        if [[ -n "$best" ]]; then
            printf '%s\n' "$best"
            return 0
        fi
    fi
    if dir="$(command -v pg_ctl 2>/dev/null)" && [[ -n "$dir" ]]; then
        dir="$(dirname "$(readlink -f "$dir")")"
        if [[ -z "$major" ]] || "$dir/pg_ctl" --version | grep -q " $major\."; then
            printf '%s\n' "$dir"
            return 0
        fi
    fi
    if [[ -n "$major" ]]; then
        echo "PostgreSQL $major server binaries not found (the cluster was created by version $major)" >&2
    else
        echo "PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin or on PATH" >&2
    fi
    return 1
}

# True when the private cluster must be run by the `postgres` user (PostgreSQL refuses to run as root).
_pg_needs_postgres_user() { [[ ${EUID:-$(id -u)} -eq 0 ]]; }

# as_postgres cmd [args ...]: runs the command as `postgres` when we are root, else as ourselves.
as_postgres() {
    if ! _pg_needs_postgres_user; then
        "$@"
        return
    fi
    getent passwd postgres >/dev/null 2>&1 ||
        die "running as root, but there is no 'postgres' user to run PostgreSQL (install the postgresql package)"
    if command -v runuser >/dev/null 2>&1; then
        runuser -u postgres -- "$@"
    else
        local quoted
        printf -v quoted '%q ' "$@"
        su -s /bin/sh postgres -c "$quoted"
    fi
}

# _pg_chown PATH...: hands paths to the postgres user when we are root.
_pg_chown() {
    if _pg_needs_postgres_user; then
        chown postgres:postgres "$@"
    fi
}

# Makes every parent of DIR traversable by the postgres user (o+x), as PostgreSQL must reach its data
# directory. Only directories that block it are changed, and each change is reported.
_pg_make_reachable() {
    local dir="$1"
    _pg_needs_postgres_user || return 0
    as_postgres test -x "$dir" 2>/dev/null && return 0
    local parent="$dir" parents=()
    while [[ "$parent" != "/" && -n "$parent" ]]; do
        parent="$(dirname "$parent")"
        parents=("$parent" "${parents[@]}")
    done
    for parent in "${parents[@]}"; do
        if ! as_postgres test -x "$parent" 2>/dev/null; then
            log "making $parent traversable (o+x) so the postgres user can reach its data directory"
            chmod o+x "$parent"
        fi
    done
}

# Layout of a private cluster under DIR:
#   DIR/data           PGDATA (0700, owned by the user running the server)
#   DIR/run            unix socket directory
#   DIR/postgres.log   server log
# The socket path must stay under the 107-byte limit of sun_path; a deep checkout falls back to /tmp.
_pg_abs() { (mkdir -p "$1" && cd "$1" && pwd -P); }

_pg_socket_dir() {
    local dir="$1" candidate
    candidate="$dir/run"
    if (("${#candidate}" + 20 > 107)); then
        candidate="/tmp/loyalty-pg-$(printf '%s' "$dir" | cksum | cut -d' ' -f1)"
    fi
    printf '%s\n' "$candidate"
}

# private_postgres_running DIR → 0 when the cluster in DIR answers pg_ctl status.
private_postgres_running() {
    local dir data major bindir
    [[ -d "$1" ]] || return 1
    dir="$(cd "$1" && pwd -P)"
    data="$dir/data"
    [[ -f "$data/PG_VERSION" ]] || return 1
    major="$(cat "$data/PG_VERSION")"
    bindir="$(pg_bindir "$major" 2>/dev/null)" || return 1
    as_postgres "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1
}

# _pg_running_port DATA → the port of the running postmaster (line 4 of postmaster.pid), or nothing.
_pg_running_port() { sed -n '4p' "$1/postmaster.pid" 2>/dev/null || true; }

# start_private_postgres DIR PORT
# Creates the cluster once (trust auth, superuser `postgres`, UTF8, C locale), writes the settings the suite
# needs, and starts it on 127.0.0.1:PORT. Already running on PORT: nothing to do. Running on another port:
# restarted on PORT. Sets PG_DIR, PG_DATA, PG_SOCKET_DIR, PG_PORT, PG_LOG, PG_BINDIR for the caller.
# PG_FSYNC (default on) may be set to off for throw-away clusters.
start_private_postgres() {
    local dir port data sockdir logfile bindir major conf
    [[ $# -eq 2 ]] || die "usage: start_private_postgres DATA_DIR PORT"
    port="$2"
    [[ "$port" =~ ^[0-9]+$ ]] || die "start_private_postgres: port '$port' is not a number"
    dir="$(_pg_abs "$1")" || die "cannot create $1"
    data="$dir/data"
    logfile="$dir/postgres.log"
    sockdir="$(_pg_socket_dir "$dir")"

    _pg_make_reachable "$dir"
    _pg_chown "$dir"
    mkdir -p "$sockdir"
    _pg_chown "$sockdir"
    touch "$logfile"
    _pg_chown "$logfile"

    if [[ -f "$data/PG_VERSION" ]]; then
        major="$(cat "$data/PG_VERSION")"
        bindir="$(pg_bindir "$major")" || die "cannot start the cluster in $data"
    else
        bindir="$(pg_bindir)" || die "install the postgresql package (ensure_packages does)"
        if [[ -e "$data" ]] && [[ -n "$(ls -A "$data" 2>/dev/null)" ]]; then
            die "$data exists, is not empty and is not a PostgreSQL cluster; move it away"
        fi
        log "creating a private PostgreSQL cluster in $data"
        mkdir -p "$data"
        chmod 700 "$data"
        _pg_chown "$data"
        as_postgres "$bindir/initdb" -D "$data" --auth=trust -U postgres --encoding=UTF8 --locale=C \
            >"$dir/initdb.log" 2>&1 || {
            cat "$dir/initdb.log" >&2
            die "initdb failed (log: $dir/initdb.log)"
        }
    fi

    # Our settings live in their own file, rewritten on every start so a new port or socket dir takes effect.
    conf="$data/loyalty.conf"
    cat >"$conf" <<EOF
# Written by scripts/lib.sh (start_private_postgres) on every start: edit the script, not this file.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sockdir'
max_connections = 300
shared_buffers = 256MB
fsync = ${PG_FSYNC:-on}
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
log_min_duration_statement = ${PG_LOG_MIN_DURATION:--1}
EOF
    _pg_chown "$conf"
    if ! grep -q "^include_if_exists = 'loyalty.conf'" "$data/postgresql.conf"; then
        printf "\n# Settings of the loyalty suite's scripts\ninclude_if_exists = 'loyalty.conf'\n" >>"$data/postgresql.conf"
    fi

    PG_DIR="$dir" PG_DATA="$data" PG_SOCKET_DIR="$sockdir" PG_PORT="$port" PG_LOG="$logfile" PG_BINDIR="$bindir"
    export PG_DIR PG_DATA PG_SOCKET_DIR PG_PORT PG_LOG PG_BINDIR

    if as_postgres "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        if [[ "$(_pg_running_port "$data")" == "$port" ]]; then
            log "private PostgreSQL already running on 127.0.0.1:$port ($data)"
            return 0
        fi
        log "private PostgreSQL is running on port $(_pg_running_port "$data"); restarting it on $port"
        as_postgres "$bindir/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null ||
            die "could not stop the cluster in $data"
    fi
    if port_in_use "$port"; then
        die "port $port is already in use by another program: pick another with PG_PORT=..."
    fi
    log "starting private PostgreSQL on 127.0.0.1:$port (log: $logfile)"
    if ! as_postgres "$bindir/pg_ctl" -D "$data" -l "$logfile" -w -t 60 start >/dev/null; then
        tail -n 30 "$logfile" >&2 || true
        die "PostgreSQL did not start (log: $logfile)"
    fi
}

# stop_private_postgres DIR: fast shutdown (rolls back open transactions, disconnects clients).
stop_private_postgres() {
    local dir data major bindir
    [[ $# -eq 1 ]] || die "usage: stop_private_postgres DATA_DIR"
    if [[ ! -f "$1/data/PG_VERSION" ]]; then
        return 0
    fi
    dir="$(cd "$1" && pwd -P)"
    data="$dir/data"
    major="$(cat "$data/PG_VERSION")"
    bindir="$(pg_bindir "$major")" || return 1
    if as_postgres "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        log "stopping private PostgreSQL ($data)"
        as_postgres "$bindir/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null ||
            warn "pg_ctl stop failed for $data"
    fi
}

# pg_superuser_psql [psql args ...]: psql as the `postgres` superuser of the private cluster, over its
# socket (PG_SOCKET_DIR, set by start_private_postgres) or over PG_HOST when that is set (e.g. 127.0.0.1).
pg_superuser_psql() {
    local host="${PG_HOST:-${PG_SOCKET_DIR:-}}"
    [[ -n "$host" && -n "${PG_PORT:-}" ]] || die "start_private_postgres first (or set PG_HOST and PG_PORT)"
    PGCONNECT_TIMEOUT=10 psql -X -q -v ON_ERROR_STOP=1 -h "$host" -p "$PG_PORT" -U postgres "$@"
}

# ensure_database NAME OWNER [PASSWORD]: creates the login role OWNER (password PASSWORD, default OWNER)
# and the database NAME owned by it, once. Names are plain lower-case identifiers.
ensure_database() {
    local name="$1" owner="$2" password="${3:-$2}"
    [[ $# -ge 2 ]] || die "usage: ensure_database NAME OWNER [PASSWORD]"
    [[ "$name" =~ ^[a-z_][a-z0-9_]*$ ]] || die "ensure_database: '$name' is not a plain identifier"
    [[ "$owner" =~ ^[a-z_][a-z0-9_]*$ ]] || die "ensure_database: '$owner' is not a plain identifier"
    pg_superuser_psql -d postgres -v name="$name" -v owner="$owner" -v password="$password" <<'SQL' ||
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'owner', :'password')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'name', :'owner', 'UTF8')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'name') \gexec
SQL
        die "could not create role $owner / database $name"
}

# port_in_use PORT → 0 when a TCP connection to 127.0.0.1:PORT succeeds.
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Executed rather than sourced: run the helper named by the arguments.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    if [[ $# -eq 0 ]] || ! declare -F "$1" >/dev/null; then
        sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2
        exit 2
    fi
    "$@"
fi
