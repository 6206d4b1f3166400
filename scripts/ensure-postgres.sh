#!/bin/sh
# The store, services and command-line tests run on a real PostgreSQL server too: the test
# fixtures (tests/postgres.py) start one of their own in a temporary folder, with Debian's
# initdb and pg_ctl, as the `postgres` user when the tests run as root. Install the server
# with apt if it is missing; say nothing when it is there. It is never started here, and
# the cluster Debian's package creates is stopped at once and never used by the tests.
#
# Debian 12's `postgresql` (PostgreSQL 15) pulls in postgresql-15 (the server and the contrib
# extensions such as unaccent, which the catalog's full-text search uses; 52 MiB installed),
# postgresql-client-15, postgresql-common (the `postgres` user) and ssl-cert; the largest
# libraries it needs are libllvm14 (105 MiB, for JIT) and libicu72 (35 MiB), so about 200 MiB
# on an image that has none of them.
set -e
bindir=""
for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && bindir="$d"
done
unaccent_found() {
    ls /usr/share/postgresql/*/extension/unaccent.control >/dev/null 2>&1
}
if [ -n "$bindir" ] && unaccent_found && id postgres >/dev/null 2>&1; then
    exit 0
fi
packages="postgresql"
echo "Installing the PostgreSQL server the store tests run against: $packages"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
install() { $SUDO apt-get install -y -qq --no-install-recommends $packages >"$log" 2>&1; }
# Read the package lists first only when apt does not know the packages (a fresh image has no
# lists); lists that are there but stale show as a failed download: read them and try again.
if ! apt-cache show $packages >/dev/null 2>&1; then
    $SUDO apt-get update -qq
fi
if ! install; then
    $SUDO apt-get update -qq
    install || { cat "$log" >&2; exit 1; }
fi
# The package starts a cluster of its own on port 5432 where services run (not in a
# container without init): the tests never use it, so it is stopped, not left listening.
if command -v pg_ctlcluster >/dev/null 2>&1; then
    for cluster in $(pg_lsclusters -h 2>/dev/null | awk '$4 == "online" {print $1 "/" $2}'); do
        $SUDO pg_ctlcluster "${cluster%/*}" "${cluster#*/}" stop || true
    done
fi
