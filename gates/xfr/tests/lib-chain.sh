# shellcheck shell=bash
# lib-chain.sh -- knotd configs of the gate tests' chain (sourced; needs $TMP with tsig/tsig.conf):
#   signer -> zonegate gate -> distribution primary (dist_conf) -> secondary (secondary_conf)

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

# dist_conf DIR PORT SEC_PORT: serves the file the gate installs, NOTIFYs the secondary
dist_conf() {
	knot_head "$1" "$2"
	cat <<CONF
acl:
  - id: xfr
    address: 127.0.0.1
    key: xfr-key
    action: transfer
remote:
  - id: secondary
    address: 127.0.0.1@$3
    key: xfr-key
zone:
  - domain: test.
    storage: "$1/zones"
    file: test.zone
    zonefile-sync: -1
    zonefile-load: difference
    journal-content: changes
    semantic-checks: off
    acl: xfr
    notify: secondary
CONF
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
