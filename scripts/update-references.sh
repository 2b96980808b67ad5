#!/bin/sh
# Regenerates the stored reference outputs (testdata/references/*.json) of
# the tests that compare voxsiam with Python references (testenv.Reference):
# each such test runs its reference script in the venv and writes the
# output next to it. Needs the venv (make setup). Arguments go to go test,
# e.g. scripts/update-references.sh ./eval/ -run TestLinkageMatchesScipy
set -eu
cd "$(dirname "$0")/.."
eval "$(make -s env)"
[ $# -gt 0 ] || set -- ./eval/... ./train/
VOXSIAM_UPDATE_REFERENCES=1 go test -count=1 -run 'MatchesScipy|MatchReferences|MatchesNumpy|MetricsReference|MatchesSklearn' "$@"
git status --short -- '*/testdata/references/*'
