#!/usr/bin/env bash
# Container health check without curl: GET http://127.0.0.1:PORT/PATH and expect a status code.
#   loyalty-healthcheck [PORT] [PATH] [EXPECTED]    defaults: see below, /api/healthcheck, 204
# PORT defaults to $PORT, else to the default port of the container's main process (gateway 8181,
# auth-service 8101, customers-service 8102, ledger-service 8103, campaigns-service 8104,
# reviews-service 8105). Exit 0 when the answer's status is EXPECTED, 1 otherwise; bash's /dev/tcp does
# the request, so the image needs no HTTP client.
set -uo pipefail

default_port() {
    local main=""
    [[ -r /proc/1/cmdline ]] && main="$(tr '\0' '\n' </proc/1/cmdline | head -n 1)"
    case "${main##*/}" in
        gateway) echo 8181 ;;
        auth-service) echo 8101 ;;
        customers-service) echo 8102 ;;
        ledger-service) echo 8103 ;;
        campaigns-service) echo 8104 ;;
        reviews-service) echo 8105 ;;
        *) echo 8080 ;;
    esac
}

port="${1:-${PORT:-$(default_port)}}"
path="${2:-/api/healthcheck}"
expected="${3:-204}"
timeout_seconds="${HEALTHCHECK_TIMEOUT:-3}"

probe() {
    exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
    printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nUser-Agent: loyalty-healthcheck\r\nConnection: close\r\n\r\n' \
        "$path" "$port" >&3 || return 1
    local status_line
    IFS= read -r -t "$timeout_seconds" status_line <&3 || return 1
    exec 3<&- 3>&-
    status_line="${status_line%$'\r'}"
    # "HTTP/1.1 204 No Content"
    local code="${status_line#* }"
    code="${code%% *}"
    if [[ "$code" == "$expected" ]]; then
        return 0
    fi
    echo "GET $path on port $port answered: $status_line (expected $expected)" >&2
    return 1
}

probe
