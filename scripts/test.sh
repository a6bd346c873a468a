#!/usr/bin/env bash
# `make test`: every test against a real Elasticsearch, which is stopped afterwards whatever happens.
#
# Starts ES with scripts/es.sh (fetched once via Maven and cached), exports LEXWATCH_ES_URL and
# LEXWATCH_REQUIRE_ES=1 so ES tests fail rather than skip, installs Debian's chromium for the
# browser tests, redis-server for the crawl frontier tests and nginx + openssl for the secured
# Elasticsearch tests when missing (as root), and runs
# pytest. Extra arguments go to pytest.
# Exit status: pytest's, except that "no tests collected" (5) is a failure too.
set -euo pipefail
cd "$(dirname "$0")/.."

export ES_PORT="${ES_PORT:-9200}"
PYTHON="${PYTHON_BIN:-.venv/bin/python}"

# ensure_debian_package PACKAGE BINARY PURPOSE: install from Debian when BINARY is missing (as root).
ensure_debian_package() {
    local package=$1 binary=$2 purpose=$3
    command -v "$binary" >/dev/null && return 0
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        echo "test.sh: installing Debian's $package for $purpose" >&2
        export DEBIAN_FRONTEND=noninteractive
        if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "$package" >/dev/null; }; then
            echo "test.sh: warning: could not install $package; $purpose will fail" >&2
        fi
    else
        echo "test.sh: warning: $binary missing and not root; $purpose will fail" >&2
    fi
}

ensure_debian_package chromium chromium "the browser tests"
# Redis for the shared crawl frontier tests (tests/test_scale_frontier.py start their own server).
ensure_debian_package redis-server redis-server "the crawl frontier tests"
# nginx: the TLS + authentication proxy in front of ES for the secured-store tests (tests/conftest_tls.py);
# openssl makes their CA and certificates.
ensure_debian_package nginx nginx "the secured Elasticsearch tests"
ensure_debian_package openssl openssl "the secured Elasticsearch tests"

cleanup() {
    local status=$?
    scripts/es.sh down || true
    exit "$status"
}
trap cleanup EXIT INT TERM

scripts/es.sh up

export LEXWATCH_ES_URL="http://127.0.0.1:$ES_PORT"
export LEXWATCH_REQUIRE_ES=1

set +e
"$PYTHON" -m pytest -ra "$@"
status=$?
set -e
if [[ $status -eq 5 ]]; then
    echo "test.sh: pytest collected no tests: failing" >&2
    status=1
fi
exit "$status"
