# lib.sh -- tiny TAP helpers for the integration scripts (sourced).
T_N=0
T_FAIL=0
# ok DESCRIPTION COMMAND...: one TAP line; output of the command goes to $T_LOG.
T_LOG=${T_LOG:-/dev/null}
ok() {
	local desc=$1
	shift
	T_N=$((T_N + 1))
	if "$@" >>"$T_LOG" 2>&1; then
		echo "ok $T_N - $desc"
	else
		echo "not ok $T_N - $desc"
		T_FAIL=$((T_FAIL + 1))
	fi
}
skip() {
	T_N=$((T_N + 1))
	echo "ok $T_N - $1 # SKIP $2"
}
done_testing() {
	echo "1..$T_N"
	[ "$T_FAIL" -eq 0 ]
}
# eq A B: succeed if equal, say what differed otherwise (into the log)
eq() {
	[ "$1" = "$2" ] || { echo "expected '$2', got '$1'" >&2; return 1; }
}
# jqe ARGS... FILE: jq -e that fails on an empty or missing FILE (plain jq -e passes on no input)
jqe() {
	local f=${*: -1}
	[ -s "$f" ] || { echo "empty or missing: $f" >&2; return 1; }
	jq -e "$@"
}
