# lib-hsm.sh -- harness of the hsm tests (sourced after tests/lib.sh): private SoftHSM2 tokens and
# a knotd signer with a PKCS#11 keystore, all in one temp dir, on 127.0.0.1, stopped by PID.
# Needs ZONEGATE and P11TOOL (meson sets them). Nothing global is touched: every process gets
# SOFTHSM2_CONF of its own token dir.
SOFTHSM_MODULE=${SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
HSM_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/zg-hsm.XXXXXX") || exit 2
T_LOG=$T_DIR/test.log
HSM_PIN="zgpin-$$-$RANDOM$RANDOM" # distinctive: tests grep every output for it
HSM_SO_PIN="zgso-$$-$RANDOM"
HSM_PIDFILES=()

hsm_cleanup() {
	local pf
	for pf in "${HSM_PIDFILES[@]}"; do
		stop_pidfile "$pf" &
	done
	wait
	if [ "$T_FAIL" -eq 0 ]; then
		rm -rf "$T_DIR"
	else
		echo "# kept $T_DIR; end of its test.log:"
		tail -n 40 "$T_LOG" | sed 's/^/#   /'
	fi
}
trap hsm_cleanup EXIT
trap 'exit 143' TERM INT # a timeout still stops knotd (it runs in its own session)

# require CMD|PATH...: a missing tool fails the test (never a silent skip) and ends the script.
require() {
	local t missing=()
	for t in "$@"; do
		if ! command -v "$t" >/dev/null 2>&1 && [ ! -e "$t" ]; then
			missing+=("$t")
		fi
	done
	ok "needed tools are installed: $*" test "${#missing[@]}" -eq 0
	if [ "${#missing[@]}" -gt 0 ]; then
		echo "# missing: ${missing[*]} (bash deploy/install-deps)"
		done_testing
		exit 1
	fi
}

# wait_until SECONDS CMD...: poll CMD every 50 ms, fail after SECONDS
wait_until() {
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.05
	done
}

# stop_pidfile FILE: TERM that PID, KILL after 10 s
stop_pidfile() {
	local pid
	pid=$(cat "$1" 2>/dev/null) || return 0
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	wait_until 10 bash -c "! kill -0 $pid" || kill -KILL "$pid" 2>/dev/null
	rm -f "$1"
}

# hsm_token DIR LABEL: a new token LABEL in DIR's own SoftHSM2 config (made on first use);
# the PIN is in DIR/pin (mode 600)
hsm_token() {
	local d=$1
	if [ ! -f "$d/softhsm2.conf" ]; then
		mkdir -p "$d/tokens" && chmod 700 "$d" "$d/tokens"
		(umask 077 && printf '%s\n' "$HSM_PIN" >"$d/pin")
		cat >"$d/softhsm2.conf" <<-EOF
			directories.tokendir = $d/tokens
			objectstore.backend = file
			log.level = ERROR
			slots.removable = false
			slots.mechanisms = ALL
			library.reset_on_fork = false
		EOF
	fi
	# softhsm2-util takes PINs only as arguments (visible in ps for a moment: test tokens only)
	SOFTHSM2_CONF="$d/softhsm2.conf" softhsm2-util --init-token --free --label "$2" \
		--pin "$HSM_PIN" --so-pin "$HSM_SO_PIN" >>"$T_LOG" 2>&1
}

# p11 DIR TOKEN CMD ARGS...: the test tool on a token; prints ID TAG ALG KEY_B64 per key
p11() {
	local d=$1 tok=$2
	shift 2
	SOFTHSM2_CONF="$d/softhsm2.conf" "$P11TOOL" "$SOFTHSM_MODULE" "$tok" "$d/pin" "$@"
}

# dnskey ORIGIN FLAGS "ID TAG ALG KEY": one DNSKEY line
dnskey() {
	local id tag alg key
	read -r id tag alg key <<<"$3"
	echo "$1 300 IN DNSKEY $2 3 $alg $key"
}

# uri LABEL: the token spec in Knot's keystore form (PIN from --pin-file)
uri() {
	echo "pkcs11:token=$1 $SOFTHSM_MODULE"
}

# zg DIR ARGS...: zonegate with DIR's SoftHSM2 config; stdout/stderr to DIR/out, DIR/err; rc.
# ASan build: SoftHSM's own leaks (lsan.supp) are suppressed by module name, which needs the slow
# unwinder (SoftHSM and libcrypto have no frame pointers); leaks of ours are still reported.
zg() {
	local d=$1
	shift
	SOFTHSM2_CONF="$d/softhsm2.conf" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0" \
		LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$HSM_TESTS/lsan.supp" \
		"$ZONEGATE" "$@" >"$d/out" 2>"$d/err"
	echo $? >"$d/rc"
	cat "$d/out" "$d/err" >>"$T_LOG"
}
rc_of() { cat "$1/rc"; }

# no_pin DIR: the PIN appears in no output of the last zg run
no_pin() {
	! grep -qF -- "$HSM_PIN" "$1/out" "$1/err"
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
