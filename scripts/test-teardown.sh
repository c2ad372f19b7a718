#!/usr/bin/env bash
# Stops the PostgreSQL and Redis servers that scripts/test-setup.sh started (listed in .test-services); servers
# that were already running before the tests are left alone.
set -uo pipefail

started="$(dirname "$0")/../.test-services"
[ -f "$started" ] || exit 0
while read -r service version; do
  case "$service" in
    postgresql) pg_ctlcluster --skip-systemctl-redirect "$version" main stop && echo "stopped PostgreSQL $version" ;;
    redis) redis-cli -h 127.0.0.1 -p 6379 shutdown nosave >/dev/null && echo "stopped Redis" ;;
  esac
done <"$started"
rm -f "$started"
