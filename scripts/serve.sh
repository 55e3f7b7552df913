#!/usr/bin/env bash
# Serve symbreak from several `streamlit run serve.py` replicas behind HAProxy, with sticky sessions. serve.py is the
# app with its live feed (ui/live.py): a playing page fetches its frames over HTTP, which costs a replica far less
# than a Streamlit rerun for each.
#
#   bash scripts/serve.sh --replicas 2 --port 8500     # then open http://127.0.0.1:8500
#   bash scripts/serve.sh --replicas 2 --print-config  # show the HAProxy config and start nothing
#
# Each replica runs on a free loopback port. HAProxy balances new visitors round-robin and pins each one to its
# replica with a cookie (SERVERID), so a visitor's websocket and downloads (/media/...) reach the process that holds
# its session. If a replica dies, its visitors' browsers reconnect through HAProxy to a live one; reloaded, a page
# shows the same run there at the same step (its URL carries the setup and the step; the run is replayed, or loaded
# from the moment a paused page kept, which replicas on one machine share).
# Every replica gets the same server.cookieSecret: STREAMLIT_SERVER_COOKIE_SECRET if set, else a new one per start.
#
# Output: one line per replica, `replica K pid PID port PORT`, then `serving on http://ADDRESS:PORT` once every
# replica is healthy and HAProxy answers. Progress and errors go to stderr. Ctrl-C or SIGTERM stops everything
# this script started (replicas, HAProxy, temporary files). HAProxy is installed with apt-get when missing.
set -euo pipefail

PY="${PYTHON:-python3}"
REPLICAS=2
PORT=8500
ADDRESS=127.0.0.1
LOG_DIR=""
PRINT_CONFIG=0
APP=""
START_TIMEOUT=90  # seconds for every replica to answer its health check (2 replicas: 4 s on 2 idle cores, 8 s busy)

usage() {
    cat <<'EOF'
Usage: bash scripts/serve.sh [--replicas N] [--port P] [--address ADDR] [--log-dir DIR] [--app FILE]
                            [--print-config]

  --replicas N     number of `streamlit run serve.py` processes (default 2; one per core is a good start)
  --port P         port HAProxy listens on (default 8500)
  --address ADDR   address HAProxy listens on (default 127.0.0.1; 0.0.0.0 serves the whole network)
  --log-dir DIR    keep the logs (replica-K.log, haproxy.log with one line per request) in DIR
                   (default: a temporary folder removed on exit)
  --app FILE       the script each replica runs (default serve.py, the app with its live feed; a benchmark
                   serves its baseline page this way)
  --print-config   print the HAProxy config for these settings and exit without starting anything
EOF
}

die() {
    echo "serve.sh: $*" >&2
    exit 1
}

while [ $# -gt 0 ]; do
    case "$1" in
        --replicas) REPLICAS="${2:-}"; shift 2 || die "--replicas needs a number" ;;
        --port) PORT="${2:-}"; shift 2 || die "--port needs a number" ;;
        --address) ADDRESS="${2:-}"; shift 2 || die "--address needs an address" ;;
        --log-dir) LOG_DIR="${2:-}"; shift 2 || die "--log-dir needs a folder" ;;
        --app) APP="${2:-}"; shift 2 || die "--app needs a file" ;;
        --print-config) PRINT_CONFIG=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done
[[ "$REPLICAS" =~ ^[1-9][0-9]?$ ]] || die "--replicas must be a whole number from 1 to 99, not '$REPLICAS'"
[[ "$PORT" =~ ^[1-9][0-9]{0,4}$ ]] && [ "$PORT" -le 65535 ] || die "--port must be a port number (1-65535), not '$PORT'"
if [ -n "$LOG_DIR" ]; then  # relative to where the script was called from
    mkdir -p "$LOG_DIR" && LOG_DIR="$(cd "$LOG_DIR" && pwd)" || die "cannot create the log folder $LOG_DIR"
fi
if [ -n "$APP" ]; then  # relative to where the script was called from
    [ -f "$APP" ] || die "--app: no such file: $APP"
    APP="$(cd "$(dirname "$APP")" && pwd)/$(basename "$APP")"
fi
cd "$(dirname "$0")/.."
APP="${APP:-serve.py}"

# ----------------------------------------------------------------------------------------------- helpers

# N ports that are free on the loopback address right now (all held open together, so they differ).
free_ports() {
    "$PY" - "$1" <<'EOF'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

# Succeeds when ADDRESS:PORT can be listened on (SO_REUSEADDR, as servers bind: closed connections do not count).
port_is_free() {
    "$PY" - "$1" "$2" <<'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind((sys.argv[1], int(sys.argv[2])))
except OSError:
    sys.exit(1)
EOF
}

# Succeeds when URL answers 200 with the body "ok" (Streamlit's health endpoint).
answers_ok() {
    "$PY" - "$1" <<'EOF' 2>/dev/null
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
    sys.exit(0 if r.status == 200 and r.read().strip() == b"ok" else 1)
EOF
}

# The HAProxy config for the replica ports given as arguments.
haproxy_config() {
    cat <<EOF
# HAProxy in front of symbreak's Streamlit replicas (written by scripts/serve.sh).
global
    # one line per request on HAProxy's standard output (serve.sh keeps it in haproxy.log)
    log stdout format raw local0 info
    # fail loudly if another program already listens on the port, instead of sharing it
    noreuseport

defaults
    mode http
    log global
    option httplog
    # log a request when its response starts: a websocket is then logged when it opens, not an hour later
    option logasap
    # a replica that refuses a connection: retry on another one (up to 2 times)
    retries 2
    option redispatch 1
    timeout connect 5s
    timeout client 30s
    timeout server 60s
    timeout http-request 10s
    timeout http-keep-alive 10s
    # a browser tab keeps its websocket open for a whole lesson, mostly idle
    timeout tunnel 1h
    timeout client-fin 30s

frontend symbreak
    bind ${ADDRESS}:${PORT}
    # the log shows each request's SERVERID cookie (sent, then set) and the browser that sent it
    capture cookie SERVERID len 32
    capture request header User-Agent len 120
    default_backend replicas

backend replicas
    # new visitors take turns; the cookie then pins every request of a visitor (page, websocket, /media downloads)
    # to the replica holding its session, and moves it when that replica is down
    balance roundrobin
    cookie SERVERID insert indirect nocache
    option httpchk GET /_stcore/health
    http-check expect status 200
    default-server check inter 2s fall 2 rise 2
EOF
    local k=0 port
    for port in "$@"; do
        k=$((k + 1))
        echo "    server replica${k} 127.0.0.1:${port} cookie replica${k}"
    done
}

# Installs Debian's haproxy when it is missing; sets HAPROXY to its path.
ensure_haproxy() {
    HAPROXY="$(command -v haproxy || true)"
    if [ -z "$HAPROXY" ] && [ -x /usr/sbin/haproxy ]; then HAPROXY=/usr/sbin/haproxy; fi
    if [ -n "$HAPROXY" ]; then return; fi
    command -v apt-get >/dev/null 2>&1 ||
        die "HAProxy is missing and apt-get is not available: install HAProxy 2.4 or newer"
    local sudo=""
    if [ "$(id -u)" != "0" ]; then sudo="sudo"; fi
    echo "serve.sh: installing HAProxy with apt-get" >&2
    # refresh the package lists only when they do not know haproxy yet
    if ! apt-cache policy haproxy 2>/dev/null | grep -q 'Candidate: [0-9]'; then
        $sudo apt-get update >&2
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends haproxy >&2
    HAPROXY="$(command -v haproxy || echo /usr/sbin/haproxy)"
    [ -x "$HAPROXY" ] || die "apt-get did not install haproxy"
}

if [ "$PRINT_CONFIG" = 1 ]; then
    read -r -a ports <<<"$(free_ports "$REPLICAS")"
    haproxy_config "${ports[@]}"
    exit 0
fi

# ----------------------------------------------------------------------------------------------- start

port_is_free "$ADDRESS" "$PORT" ||
    die "port $PORT on $ADDRESS is already in use; stop what listens there or choose another with --port"
ensure_haproxy

WORK="$(mktemp -d -t symbreak-serve.XXXXXX)"
if [ -z "$LOG_DIR" ]; then LOG_DIR="$WORK"; fi
REPLICA_PIDS=()   # pid of replica K at index K-1
REPLICA_PORTS=()
ALIVE=()          # the processes this script started and has not seen exit: what cleanup stops
HAPROXY_PID=""

forget() {  # drop an exited process from ALIVE (its pid may be reused by another program later)
    local pid kept=()
    for pid in "${ALIVE[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done
    ALIVE=("${kept[@]}")
}

cleanup() {
    trap '' HUP INT TERM  # a second Ctrl-C must not cut the cleanup short
    local pid
    if [ ${#ALIVE[@]} -gt 0 ]; then
        kill -TERM "${ALIVE[@]}" 2>/dev/null || true
        for _ in $(seq 50); do  # up to 10 s for a graceful stop, then kill
            kill -0 "${ALIVE[@]}" 2>/dev/null || break
            sleep 0.2
        done
        for pid in "${ALIVE[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
        wait "${ALIVE[@]}" 2>/dev/null || true
        echo "serve.sh: stopped everything it started" >&2
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 129' HUP  # the terminal closed
trap 'exit 130' INT  # Ctrl-C
trap 'exit 143' TERM

# Shows the end of a log on stderr (the logs may live in the temporary folder, removed on exit).
show_log() {
    echo "---- last lines of $1" >&2
    tail -n 30 "$1" >&2 || true
}

# in the environment, not on the command line, so other users cannot read it in the process list
if [ -z "${STREAMLIT_SERVER_COOKIE_SECRET:-}" ]; then
    STREAMLIT_SERVER_COOKIE_SECRET="$("$PY" -c 'import secrets; print(secrets.token_hex(32))')"
fi
export STREAMLIT_SERVER_COOKIE_SECRET
export OPENBLAS_NUM_THREADS=1  # one BLAS thread per replica: the replicas share the cores
read -r -a ports <<<"$(free_ports "$REPLICAS")"
for k in $(seq "$REPLICAS"); do
    port="${ports[$((k - 1))]}"
    "$PY" -m streamlit run "$APP" --server.address 127.0.0.1 --server.port "$port" --server.headless true \
        </dev/null >"$LOG_DIR/replica-$k.log" 2>&1 &
    REPLICA_PIDS+=("$!")
    REPLICA_PORTS+=("$port")
    ALIVE+=("$!")
    echo "replica $k pid $! port $port"
done

if [ "$REPLICAS" = 1 ]; then noun="replica"; else noun="replicas"; fi
echo "serve.sh: waiting for $REPLICAS $noun to answer /_stcore/health" >&2
deadline=$((SECONDS + START_TIMEOUT))
for k in $(seq "$REPLICAS"); do
    pid="${REPLICA_PIDS[$((k - 1))]}" port="${REPLICA_PORTS[$((k - 1))]}"
    until answers_ok "http://127.0.0.1:$port/_stcore/health"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            forget "$pid"
            show_log "$LOG_DIR/replica-$k.log"
            die "replica $k (port $port) exited before it was ready; its log is above"
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            show_log "$LOG_DIR/replica-$k.log"
            die "replica $k (port $port) did not answer within $START_TIMEOUT s; its log is above"
        fi
        sleep 0.2
    done
done

haproxy_config "${REPLICA_PORTS[@]}" >"$WORK/haproxy.cfg"
"$HAPROXY" -c -q -f "$WORK/haproxy.cfg" >&2 || die "HAProxy rejected its config ($WORK/haproxy.cfg)"
"$HAPROXY" -db -f "$WORK/haproxy.cfg" </dev/null >"$LOG_DIR/haproxy.log" 2>&1 &
HAPROXY_PID=$!
ALIVE+=("$HAPROXY_PID")
URL="http://$ADDRESS:$PORT"
if [ "$ADDRESS" = "0.0.0.0" ]; then probe="http://127.0.0.1:$PORT"; else probe="$URL"; fi
deadline=$((SECONDS + 15))
until answers_ok "$probe/_stcore/health"; do
    if ! kill -0 "$HAPROXY_PID" 2>/dev/null; then
        forget "$HAPROXY_PID"
        show_log "$LOG_DIR/haproxy.log"
        die "HAProxy exited at start (is port $PORT already in use?); its log is above"
    fi
    [ "$SECONDS" -lt "$deadline" ] || die "HAProxy did not answer on $URL within 15 s"
    sleep 0.2
done
echo "serving on $URL"

# Stay up until Ctrl-C / SIGTERM. A replica that dies is reported (HAProxy already sends its visitors
# elsewhere); if HAProxy or every replica is gone, stop with an error.
while :; do
    ended="" status=0
    wait -n -p ended "${ALIVE[@]}" 2>/dev/null || status=$?  # (bash's own "Killed" notice is not needed)
    [ -n "$ended" ] || continue
    forget "$ended"
    if [ "$ended" = "$HAPROXY_PID" ]; then
        show_log "$LOG_DIR/haproxy.log"
        die "HAProxy exited with code $status; its log is above"
    fi
    for k in $(seq "$REPLICAS"); do
        if [ "${REPLICA_PIDS[$((k - 1))]}" = "$ended" ]; then
            [ ${#ALIVE[@]} -gt 1 ] || die "replica $k (pid $ended) exited with code $status; no replica is left"
            echo "serve.sh: replica $k (pid $ended) exited with code $status;" \
                "HAProxy moves its visitors to the others" >&2
        fi
    done
done
