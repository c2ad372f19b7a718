#!/usr/bin/env bash
# What the tests need beyond Python packages: Chromium, ClamAV's clamd, Voikko, and PostgreSQL and Redis on loopback.
# Uses the servers already running on 127.0.0.1 when reachable; otherwise installs Debian's packages and starts them,
# and notes what it started in .test-services, so that scripts/test-teardown.sh stops exactly those afterwards.
set -euo pipefail

started="$(dirname "$0")/../.test-services"

apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

reachable() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! command -v chromium >/dev/null 2>&1; then
  echo "installing Chromium from Debian's packages"
  apt_install chromium
fi

if ! dpkg -s libvoikko1 voikko-fi >/dev/null 2>&1; then
  # Search finds Finnish words by their base forms and compound parts with Voikko; the tests expect it.
  echo "installing Voikko and its Finnish dictionary from Debian's packages"
  apt_install libvoikko1 voikko-fi
fi

if ! command -v clamd >/dev/null 2>&1; then
  # The scanner tests start their own clamd with a local signature; the package's services (clamd, freshclam) must not start.
  echo "installing ClamAV's daemon from Debian's packages"
  if [ -e /usr/sbin/policy-rc.d ]; then
    apt_install clamav-daemon
  else
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    apt_install clamav-daemon
    rm -f /usr/sbin/policy-rc.d
    trap - EXIT
  fi
fi

if ! reachable 5432; then
  if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    echo "installing PostgreSQL from Debian's packages"
    apt_install postgresql
  fi
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$version" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    pg_createcluster "$version" main >/dev/null
  fi
  conf="/etc/postgresql/$version/main"
  grep -q "partnerskap-tests" "$conf/pg_hba.conf" || sed -i '1i host all all 127.0.0.1/32 trust # partnerskap-tests' "$conf/pg_hba.conf"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  echo "postgresql $version" >>"$started"
  for _ in $(seq 1 30); do reachable 5432 && break; sleep 1; done
fi

if ! reachable 6379; then
  command -v redis-server >/dev/null 2>&1 || { echo "installing Redis from Debian's packages"; apt_install redis-server; }
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/tests.log
  echo "redis" >>"$started"
  for _ in $(seq 1 30); do reachable 6379 && break; sleep 1; done
fi
echo "test services: chromium $(chromium --version 2>/dev/null | awk '{print $2}'), clamd $(clamd --version | awk '{print $2}'), postgresql :5432, redis :6379"
