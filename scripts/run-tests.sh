#!/usr/bin/env bash
# Every test: the suite on SQLite, then on PostgreSQL, then the real-browser journeys. Arguments go to every pytest
# run; the exit status is 1 if any part failed. The journeys ran beside the other two for a while (about 18 minutes
# in all instead of 22 here, 40 in CI), but on two cores a journey then missed one of its 10-15 s waits in about
# half the runs, a different one each time; one after another, none did.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-artifacts

failed=0
echo "== the suite on SQLite"
.venv/bin/python -m pytest -m "not browser" "$@" || failed=1
echo "== the suite on PostgreSQL"
PARTNERSKAP_TEST_DATABASE=postgres .venv/bin/python -m pytest -m "not browser" "$@" || failed=1
echo "== the browser journeys"
PARTNERSKAP_TEST_POSTGRES_DB=partnerskap_journeys .venv/bin/python -m pytest -m browser "$@" 2>&1 | tee test-artifacts/browser-tests.log
[ "${PIPESTATUS[0]}" -eq 0 ] || failed=1
exit "$failed"
