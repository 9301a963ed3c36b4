#!/usr/bin/env bash
# Installs (Debian packages) and starts on loopback the real servers the tests talk to:
# PostgreSQL, Postfix (smtp-source/smtp-sink too), SpamAssassin's spamd, python3-dkim,
# swaks, rbldnsd. Prints the environment the tests need as `export` lines on stdout.
set -euo pipefail
log() { echo "ci-services: $*" >&2; }

PKGS="postgresql postfix swaks python3-dkim spamassassin spamc rbldnsd"
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  log "installing:$missing"
  for i in 1 2 3 4 5 6; do
    if DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >&2; then break; fi
    log "apt-get install failed (try $i); updating lists and retrying"
    apt-get update -q >&2 || true
    sleep 5
  done
fi

# PostgreSQL: the Debian cluster, a superuser for the tests.
ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q online; then
  pg_lsclusters -h | grep -q . || pg_createcluster "$ver" main >&2
  pg_ctlcluster "$ver" main start >&2
fi
for i in $(seq 1 30); do su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && break; sleep 1; done
su postgres -c "psql -qAtc \"select 1 from pg_roles where rolname='relais'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"create role relais login superuser password 'relais'\"" >&2
su postgres -c "psql -qAtc \"select 1 from pg_database where datname='relais_test'\"" | grep -q 1 ||
  su postgres -c "createdb -O relais relais_test" >&2
echo "export RELAIS_TEST_PG_URL=postgres://relais:relais@127.0.0.1:5432/relais_test"

# Postfix is installed for its binaries and for the relay benchmark; the tests start
# their own instances with private config dirs, so the system one stays stopped.
if command -v postfix >/dev/null; then postfix stop >/dev/null 2>&1 || true; fi
log "services ready"
