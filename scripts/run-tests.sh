#!/usr/bin/env bash
# Every test: the real-browser journeys run in the background while the rest of the suite runs on SQLite and then
# on PostgreSQL; the journeys' output follows when they end. One after another the three parts took 40 minutes in
# CI, side by side about half. Arguments go to every pytest run; the exit status is 1 if any part failed.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-artifacts
journeys_log=test-artifacts/browser-tests.log
PARTNERSKAP_TEST_POSTGRES_DB=partnerskap_journeys .venv/bin/python -m pytest -m browser "$@" >"$journeys_log" 2>&1 &
journeys=$!
trap 'kill "$journeys" 2>/dev/null' EXIT

failed=0
# The journeys wait on a live server and a browser; the rest times nothing, so it yields the CPU to them (on two
# cores, a journey's 10-15 s waits were sometimes missed while both suites ran at full speed).
echo "== the suite on SQLite"
nice -n 10 .venv/bin/python -m pytest -m "not browser" "$@" || failed=1
echo "== the suite on PostgreSQL"
PARTNERSKAP_TEST_DATABASE=postgres nice -n 10 .venv/bin/python -m pytest -m "not browser" "$@" || failed=1
echo "== the browser journeys (run alongside; their output is in $journeys_log)"
wait "$journeys" || failed=1
cat "$journeys_log"
exit "$failed"
