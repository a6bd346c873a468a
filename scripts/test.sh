#!/usr/bin/env bash
# `make test`: every test against a real Elasticsearch, which is stopped afterwards whatever happens.
#
# Starts ES with scripts/es.sh (fetched once via Maven and cached), exports LEXWATCH_ES_URL and
# LEXWATCH_REQUIRE_ES=1 so ES tests fail rather than skip, installs Debian's chromium for the
# browser tests and redis-server for the crawl frontier tests when missing (as root), and runs
# pytest. Extra arguments go to pytest.
# Exit status: pytest's, except that "no tests collected" (5) is a failure too.
set -euo pipefail
cd "$(dirname "$0")/.."

export ES_PORT="${ES_PORT:-9200}"
PYTHON="${PYTHON_BIN:-.venv/bin/python}"

if [[ ! -x /usr/bin/chromium ]]; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        echo "test.sh: installing Debian's chromium for the browser tests" >&2
        export DEBIAN_FRONTEND=noninteractive
        if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null; }; then
            echo "test.sh: warning: could not install chromium; browser tests will fail" >&2
        fi
    else
        echo "test.sh: warning: /usr/bin/chromium missing and not root; browser tests will fail" >&2
    fi
fi

# Redis for the shared crawl frontier tests (tests/test_scale_frontier.py start their own server).
if ! command -v redis-server >/dev/null && [[ ! -x /usr/bin/redis-server ]]; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        echo "test.sh: installing Debian's redis-server for the crawl frontier tests" >&2
        export DEBIAN_FRONTEND=noninteractive
        if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends redis-server >/dev/null; }; then
            echo "test.sh: warning: could not install redis-server; frontier tests will fail" >&2
        fi
    else
        echo "test.sh: warning: redis-server missing and not root; frontier tests will fail" >&2
    fi
fi

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
