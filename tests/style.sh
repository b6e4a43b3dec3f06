#!/usr/bin/env bash
# style.sh -- what clang-format cannot check (../shared/STYLE.md 24): braces on every if/for/while
# body, banned calls, no upward or internal includes across modules, files under 600 lines.
set -u
. "$(dirname "$0")/lib.sh"
SRC=${SOURCE_ROOT:?}
cd "$SRC" || exit 1
mapfile -t FILES < <(git ls-files '*.c' '*.h' 2>/dev/null || find verifier gates -name '*.[ch]')
ok "there are C files" test "${#FILES[@]}" -gt 0

banned() { grep -nE '(^|[^a-z_])(v?sprintf|strcpy|strcat|atoi|strtok|gets|alloca|rand)\(' "$@"; }
ok "no banned calls (sprintf strcpy strcat atoi strtok gets alloca rand)" bash -c "$(declare -f banned); ! banned ${FILES[*]}"
vfiles=$(printf '%s\n' "${FILES[@]}" | grep '^verifier/' | grep -v '/tests/' | tr '\n' ' ')
ok "no clock reads (time()) inside verifier/" bash -c "! grep -nE '(^|[^a-z_.>])time\(' $vfiles"
ok "verifier/ includes nothing from gates, hsm or alerting" \
	bash -c "! grep -nE '#include \"(gates|hsm|alerting)/' $vfiles"
ok "internal/ headers are included only inside their module" \
	bash -c "! grep -nE '#include \"[a-z]+/internal/' $(printf '%s\n' "${FILES[@]}" | grep -v '^verifier/' | tr '\n' ' ') /dev/null"
ok "project includes are module-qualified" \
	bash -c "! grep -nE '#include \"[a-z_0-9]+\.h\"' ${FILES[*]}"
long=$(for f in "${FILES[@]}"; do n=$(wc -l <"$f"); [ "$n" -gt 600 ] && echo "$f:$n"; done)
ok "no file over 600 lines ${long}" test -z "$long"

# braces: after the condition of if/for/while closes, the line must end with "{" (or ";" for the
# while of a do-while)
braces() {
	awk '
	function count(s, c,   n) { n = gsub(c, "", s); return n }
	FNR == 1 { depth = 0; open = 0 }
	{
		line = $0
		sub(/\/\/.*$/, "", line)
		if (!open && line ~ /^[ \t]*(\} )?(else )?(if|for|while) \(/) { open = 1; depth = 0; start = FNR }
		else if (!open && line ~ /^[ \t]*(\} )?else[ \t]*$/) { print FILENAME ":" FNR ": else without brace"; bad = 1 }
		if (open) {
			depth += count(line, "\\(") - count(line, "\\)")
			if (depth <= 0) {
				open = 0
				if (line !~ /\{[ \t]*(\/\*.*\*\/)?[ \t]*$/ && line !~ /;[ \t]*$/ ) {
					print FILENAME ":" start ": body without braces"; bad = 1
				} else if (line ~ /\)[ \t]*[a-z_].*;[ \t]*$/ && line !~ /^[ \t]*\} while/) {
					print FILENAME ":" start ": body on the same line without braces"; bad = 1
				}
			}
		}
	}
	END { exit bad }' "$@"
}
ok "every if/for/while body has braces" braces $(printf '%s\n' "${FILES[@]}" | grep '\.c$')
done_testing
