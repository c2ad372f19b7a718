#!/usr/bin/env bash
# Every test: the suite on SQLite and on PostgreSQL side by side (one core each; their output is shown whole when
# each ends), then the real-browser journeys alone. Arguments go to every pytest run; the exit status is 1 if any part
# failed. The journeys ran beside the other two for a while, but on two cores a journey then missed one of its
# 10-15 s waits in about half the runs, a different one each time; alone, none did. The other two have no such waits.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-artifacts

failed=0
# Each run names its own PostgreSQL databases (the SQLite suite's backup and drill tests use some too).
databases=${PARTNERSKAP_TEST_POSTGRES_DB:-partnerskap_test}
echo "== the suite on SQLite and on PostgreSQL, side by side"
PARTNERSKAP_TEST_POSTGRES_DB=${databases}_beside_sqlite .venv/bin/python -m pytest -m "not browser" "$@" > test-artifacts/sqlite-tests.log 2>&1 &
sqlite=$!
PARTNERSKAP_TEST_POSTGRES_DB=$databases PARTNERSKAP_TEST_DATABASE=postgres .venv/bin/python -m pytest -m "not browser" "$@" > test-artifacts/postgres-tests.log 2>&1 &
postgres=$!
wait "$sqlite" || failed=1
echo "== the suite on SQLite"
cat test-artifacts/sqlite-tests.log
wait "$postgres" || failed=1
echo "== the suite on PostgreSQL"
cat test-artifacts/postgres-tests.log
echo "== the browser journeys"
PARTNERSKAP_TEST_POSTGRES_DB=${databases}_journeys .venv/bin/python -m pytest -m browser "$@" 2>&1 | tee test-artifacts/browser-tests.log
[ "${PIPESTATUS[0]}" -eq 0 ] || failed=1
exit "$failed"
