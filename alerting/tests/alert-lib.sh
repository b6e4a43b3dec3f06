# alert-lib.sh -- helpers of the alerting integration tests (sourced after tests/lib.sh).
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
RECEIVER_PY=${SOURCE_ROOT:?}/alerting/tests/receiver.py

# wait_until SECONDS CMD...: poll every 50 ms, bounded
wait_until() {
	local end=$((SECONDS + $1 + 1))
	shift
	while [ "$SECONDS" -lt "$end" ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}

# free_port: a port nothing listens on (bound, then closed)
free_port() {
	"$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start_receiver DIR: RPORT, RPID, RLOG set; stopped by PID in stop_receiver
start_receiver() {
	RLOG=$1/requests.jsonl
	: >"$RLOG"
	"$PY" "$RECEIVER_PY" "$1/port" "$RLOG" 2>"$1/receiver.err" &
	RPID=$!
	wait_until 10 test -s "$1/port" || { echo "receiver did not start" >&2; return 1; }
	RPORT=$(cat "$1/port")
}
stop_receiver() {
	[ -n "${RPID:-}" ] && kill "$RPID" 2>/dev/null && wait "$RPID" 2>/dev/null
	RPID=
}

# http METHOD URL [BODY]: body of a 2xx answer on stdout, else fail (stdlib, no curl binary needed)
http() {
	"$PY" - "$@" <<'PY'
import sys, urllib.request
m, url = sys.argv[1], sys.argv[2]
data = sys.argv[3].encode() if len(sys.argv) > 3 else None
req = urllib.request.Request(url, data=data, method=m, headers={"Content-Type": "application/json"})
try:
    with urllib.request.urlopen(req, timeout=5) as r:
        sys.stdout.write(r.read().decode())
except Exception:
    sys.exit(1)
PY
}

# script PATH ACTION...: the next answers for requests under PATH
script() {
	local path=$1
	shift
	local list
	list=$(printf '"%s",' "$@")
	http POST "http://127.0.0.1:$RPORT/_script?path=$path" "[${list%,}]" >/dev/null
}

# reqs PATH-REGEX: the logged requests whose path matches, one JSON per line
reqs() { jq -c --arg p "$1" 'select(.path | test($p))' "$RLOG"; }
nreqs() { reqs "$1" | wc -l; }
