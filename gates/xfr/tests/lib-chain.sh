# shellcheck shell=bash
# lib-chain.sh -- what the gate tests share (sourced; needs $TMP with tsig/tsig.conf and tsig/kdig):
#   signer -> zonegate gate -> distribution primary (dist_conf) -> secondary (secondary_conf),
#   free ports, waiting, serials of zone test. by TSIG-signed SOA queries, knotd start.

free_ports() { # free_ports N: N ports free for both TCP and UDP on 127.0.0.1, chosen by the kernel
	python3 - "$1" <<'PY'
import socket, sys
ports, socks = [], []
while len(ports) < int(sys.argv[1]):
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p))
    except OSError:
        t.close(); continue
    socks += [t, u]; ports.append(p)
print(*ports)
PY
}
wait_for() { # wait_for SECONDS CMD...: until CMD succeeds, or fail after SECONDS
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep "${WAIT_STEP:-0.05}" # a test may poll faster
	done
}
serial_at() { # serial_at PORT: SOA serial of test. there (TSIG), empty if no answer
	kdig @127.0.0.1 -p "$1" test. SOA +tcp +short +time=1 +retry=0 -k "$TMP/tsig/kdig" 2>/dev/null |
		awk 'NF>=7 { print $3; exit }'
}
serial_is() { [ "$(serial_at "$1")" = "$2" ]; }
serial_above() { local s; s=$(serial_at "$1"); [ -n "$s" ] && [ "$s" -gt "$2" ]; }
stop_pids() { # stop_pids: SIGTERM to every PID in PIDS, SIGKILL to what still runs 5 s later
	local p
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${PIDS[@]}"; do
		for _ in $(seq 1 100); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.05
		done
		kill -KILL "$p" 2>/dev/null
	done
}
start_knotd() { # start_knotd DIR: knotd -c DIR/knot.conf in its own session, PID in PIDS
	setsid knotd -c "$1/knot.conf" >>"$1/knotd.log" 2>&1 </dev/null &
	PIDS+=($!)
}

knot_head() { # knot_head DIR PORT: server, log, database, control, TSIG key include
	cat <<CONF
server:
    rundir: "$1"
    listen: 127.0.0.1@$2
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
log:
  - target: stderr
    any: info
database:
    storage: "$1/db"
control:
    listen: "$1/knot.sock"
include: "$TMP/tsig/tsig.conf"
CONF
}

# primary_tail REMOTE PORT DIR ZONE-OPTION...: the end of a primary's knot.conf (after knot_head
# and its own sections): only 127.0.0.1 with TSIG xfr-key may transfer, REMOTE (127.0.0.1@PORT)
# gets the NOTIFYs, zone test. from DIR/zones/test.zone with the given options ("key: value")
primary_tail() {
	cat <<CONF
acl:
  - id: xfr
    address: 127.0.0.1
    key: xfr-key
    action: transfer
remote:
  - id: $1
    address: 127.0.0.1@$2
    key: xfr-key
zone:
  - domain: test.
    storage: "$3/zones"
    file: test.zone
    zonefile-sync: -1
CONF
	local r=$1
	shift 3
	printf '    %s\n' "$@" "acl: xfr" "notify: $r"
}

# signer_tail ZONE-OPTION...: a signer ($TMP/signer) whose only transfer peer is the gate
signer_tail() { primary_tail gate "$P_GATE" "$TMP/signer" "$@"; }

# dist_conf DIR PORT SEC_PORT: serves the file the gate installs, NOTIFYs the secondary
dist_conf() {
	knot_head "$1" "$2"
	primary_tail secondary "$3" "$1" "zonefile-load: difference" "journal-content: changes" \
		"semantic-checks: off"
}

# secondary_conf DIR PORT DIST_PORT: follows the distribution primary; tests may AXFR it
secondary_conf() {
	knot_head "$1" "$2"
	cat <<CONF
remote:
  - id: primary
    address: 127.0.0.1@$3
    key: xfr-key
acl:
  - id: notify
    address: 127.0.0.1
    key: xfr-key
    action: notify
  - id: xfr
    address: 127.0.0.1
    key: xfr-key
    action: transfer
zone:
  - domain: test.
    master: primary
    acl: [ notify, xfr ]
    storage: "$1/zones"
    file: test.zone
    zonefile-sync: -1
    journal-content: changes
CONF
}
