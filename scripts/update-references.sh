#!/bin/sh
# Regenerates the stored reference outputs (testdata/references/*.json) of
# the tests that compare voxsiam with Python references (testenv.Reference):
# each such test runs its reference script in the venv and writes the
# output next to it. The tests are found in the sources: every Test
# function whose body calls testenv.Reference (directly or through a helper
# named in HELPERS below). Needs the venv (make setup). Arguments restrict
# the packages, e.g. scripts/update-references.sh ./eval/
set -eu
cd "$(dirname "$0")/.."
eval "$(make -s env)"
# Helpers that call testenv.Reference for the test that calls them.
HELPERS='readBackRef'
[ $# -gt 0 ] || set -- .
grep -rl --include='*_test.go' -e 'testenv\.Reference(' -e "$HELPERS(" "$@" |
	sed 's|^\./||' | grep -v '^\.venv/' | xargs -n1 dirname | sort -u | while read -r dir; do
	tests=$(awk -v helpers="$HELPERS" '
		/^func Test[A-Za-z0-9_]*\(/ { name = $2; sub(/\(.*/, "", name) }
		/^}/ { name = "" }
		name != "" && (/testenv\.Reference\(/ || $0 ~ helpers "\\(") { print name; name = "" }
	' "$dir"/*_test.go | sort -u | paste -sd'|' -)
	[ -n "$tests" ] || continue
	echo "== ./$dir: $tests"
	VOXSIAM_UPDATE_REFERENCES=1 go test -count=1 -run "^($tests)\$" "./$dir"
done
git status --short -- '*/testdata/references/*'
