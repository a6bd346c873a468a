#!/usr/bin/env bash
# A local, single-node Elasticsearch for tests, the demo and benchmarks.
#
#   scripts/es.sh up       fetch (once, cached), unpack (once), start, wait for health; no-op if running
#   scripts/es.sh down     stop it and wait; no-op if not running
#   scripts/es.sh status   exit 0 and print the version when it answers, exit 1 otherwise
#   scripts/es.sh cluster-up [N]    N nodes (default 2) of one cluster on ES_PORT..ES_PORT+N-1, each
#                                   its own run dir; waits until all N joined and the cluster answers
#   scripts/es.sh cluster-down [N]  stop those nodes
#
# Settings (environment): ES_VERSION (pinned in the Makefile), ES_PORT (9200), LEXWATCH_CACHE
# (~/.cache/lexwatch; the zip and the unpacked server live in $LEXWATCH_CACHE/es), LEXWATCH_ES_RUN
# (config, data, logs and pid file; /tmp/lexwatch-es-$ES_PORT), ES_HEAP (512m), JAVA_HOME (>= 21).
# Cluster mode (what cluster-up sets per node; a single `up` uses it too when ES_SEED_HOSTS is set):
# ES_CLUSTER_NAME (lexwatch-local), ES_SEED_HOSTS (host:transport-port,... of the nodes),
# ES_INITIAL_MASTERS (node names that bootstrap the cluster), ES_NO_WAIT=1 (start, do not wait for
# health: a node alone cannot form a multi-node cluster). A node's transport port is ES_PORT + 100
# and its name lexwatch-<ES_PORT>; cluster-up puts node runs in $LEXWATCH_ES_CLUSTER_RUN-<port>
# (/tmp/lexwatch-es-cluster-<port>).
#
# The server is the integ-test-zip distribution from Maven Central: the real server with only the
# transport, security and x-pack-core modules. It has no analysis-common module (so no built-in
# `english`/`russian` analyzers or stemmers), no reindex module and no painless; index/es_mapping.json
# only uses what the core server provides. ES refuses to run as root: as root we run it as a system
# user (lexwatch-es) that owns the run directory.
set -euo pipefail

ES_VERSION="${ES_VERSION:-9.3.2}"
ES_PORT="${ES_PORT:-9200}"
ES_HEAP="${ES_HEAP:-512m}"
CACHE="${LEXWATCH_CACHE:-$HOME/.cache/lexwatch}/es"
RUN_DIR="${LEXWATCH_ES_RUN:-/tmp/lexwatch-es-$ES_PORT}"
PID_FILE="$RUN_DIR/es.pid"
ES_USER="${LEXWATCH_ES_USER:-lexwatch-es}"
URL="http://127.0.0.1:$ES_PORT"
ZIP="$CACHE/elasticsearch-$ES_VERSION.zip"
ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip"
START_TIMEOUT="${ES_START_TIMEOUT:-120}"
CLUSTER_NAME="${ES_CLUSTER_NAME:-lexwatch-local}"
SEED_HOSTS="${ES_SEED_HOSTS:-}"
INITIAL_MASTERS="${ES_INITIAL_MASTERS:-}"

say() { echo "es.sh: $*" >&2; }
die() { echo "es.sh: error: $*" >&2; exit 1; }

# --- HTTP --------------------------------------------------------------------------------------
http_get() {  # prints the body; fails when nothing answers or the status is not 2xx
    curl -fsS --max-time "${2:-5}" "$URL$1" 2>/dev/null
}

version() {  # this distribution has no rest-root module, so no `GET /`: ask the node instead
    http_get "/_nodes/_local?filter_path=nodes.*.version" | sed -n 's/.*"version" *: *"\([^"]*\)".*/\1/p' | head -1
}

healthy() {  # yellow or green within a few seconds
    local body
    body=$(http_get "/_cluster/health?wait_for_status=yellow&timeout=2s" 6) || return 1
    [[ $body == *'"status":"green"'* || $body == *'"status":"yellow"'* ]]
}

# --- process -----------------------------------------------------------------------------------
pid_alive() {
    [[ -s $PID_FILE ]] || return 1
    local pid
    pid=$(cat "$PID_FILE" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
    # a stale pid file whose number now belongs to another process does not count
    [[ ! -r /proc/$pid/cmdline ]] || tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'org\.elasticsearch'
}

# --- install -----------------------------------------------------------------------------------
fetch_zip() {
    [[ -s $ZIP ]] && return 0
    command -v mvn >/dev/null || die "mvn not found: install Maven (apt-get install maven) to fetch Elasticsearch"
    mkdir -p "$CACHE"
    local tmp
    tmp=$(mktemp -d "$CACHE/fetch.XXXXXX")
    say "fetching $ARTIFACT with Maven into $CACHE"
    # Maven itself needs any Java; the server's >= 21 requirement is checked separately.
    if ! mvn -q -U dependency:copy -Dartifact="$ARTIFACT" -DoutputDirectory="$tmp" >"$tmp/mvn.log" 2>&1; then
        say "default dependency plugin failed; retrying with maven-dependency-plugin 3.8.1"
        if ! mvn -q -U org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
                -Dartifact="$ARTIFACT" -DoutputDirectory="$tmp" >>"$tmp/mvn.log" 2>&1; then
            tail -n 30 "$tmp/mvn.log" >&2
            rm -rf "$tmp"
            die "could not fetch $ARTIFACT from Maven Central"
        fi
    fi
    [[ -s $tmp/elasticsearch-$ES_VERSION.zip ]] || { rm -rf "$tmp"; die "Maven did not produce elasticsearch-$ES_VERSION.zip"; }
    mv -f "$tmp/elasticsearch-$ES_VERSION.zip" "$ZIP"
    rm -rf "$tmp"
}

# Where the unpacked server lives. As root the server runs as $ES_USER, which must be able to read
# it; a cache under /root (mode 700) is not readable, so then it is unpacked under /var/lib instead.
es_home_dir() {
    mkdir -p "$CACHE"
    if [[ $(id -u) -eq 0 ]] && ! runuser -u "$ES_USER" -- test -x "$CACHE" 2>/dev/null; then
        echo "/var/lib/lexwatch-es/elasticsearch-$ES_VERSION"
    else
        echo "$CACHE/elasticsearch-$ES_VERSION"
    fi
}

unpack() {
    local home=$1
    [[ -x $home/bin/elasticsearch && -f $home/.lexwatch-unpacked ]] && return 0
    fetch_zip
    local parent tmp
    parent=$(dirname "$home")
    mkdir -p "$parent"
    tmp=$(mktemp -d "$parent/unpack.XXXXXX")
    say "unpacking $ZIP into $home"
    if command -v unzip >/dev/null; then
        unzip -q "$ZIP" -d "$tmp" || { rm -rf "$tmp"; die "cannot unzip $ZIP (corrupt? delete it to refetch)"; }
    else
        python3 -m zipfile -e "$ZIP" "$tmp" || { rm -rf "$tmp"; die "cannot unzip $ZIP"; }
        chmod -R a+x "$tmp/elasticsearch-$ES_VERSION/bin"
    fi
    [[ -x $tmp/elasticsearch-$ES_VERSION/bin/elasticsearch ]] || { rm -rf "$tmp"; die "$ZIP has no bin/elasticsearch"; }
    mkdir -p "$tmp/elasticsearch-$ES_VERSION/plugins"
    chmod -R a+rX "$tmp/elasticsearch-$ES_VERSION"
    touch "$tmp/elasticsearch-$ES_VERSION/.lexwatch-unpacked"
    rm -rf "$home"
    mv "$tmp/elasticsearch-$ES_VERSION" "$home"
    rm -rf "$tmp"
}

java_major() {  # major version of $1/bin/java, or 0
    local out
    out=$("$1/bin/java" -version 2>&1 | head -1) || { echo 0; return; }
    out=$(sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' <<<"$out")
    echo "${out:-0}"
}

pick_java() {
    local cand
    for cand in "${ES_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 \
                /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64; do
        [[ -n $cand && -x $cand/bin/java ]] || continue
        if (( $(java_major "$cand") >= 21 )); then echo "$cand"; return 0; fi
    done
    die "Elasticsearch $ES_VERSION needs Java >= 21: set JAVA_HOME to one (found ${JAVA_HOME:-none}, $(java -version 2>&1 | head -1))"
}

ensure_user() {
    id -u "$ES_USER" >/dev/null 2>&1 && return 0
    say "creating system user $ES_USER (Elasticsearch refuses to run as root)"
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$ES_USER" 2>/dev/null \
        || id -u "$ES_USER" >/dev/null 2>&1 || die "cannot create user $ES_USER"
}

# --- commands ----------------------------------------------------------------------------------
cmd_status() {
    if healthy; then
        echo "Elasticsearch $(version) at $URL (pid $(cat "$PID_FILE" 2>/dev/null || echo '?'))"
        return 0
    fi
    echo "Elasticsearch is not running at $URL"
    return 1
}

cmd_up() {
    if healthy; then
        if pid_alive; then
            echo "Elasticsearch $(version) already running at $URL (pid $(cat "$PID_FILE"))"
        else
            echo "Elasticsearch $(version) already answering at $URL (not started by es.sh; 'down' will not stop it)"
        fi
        return 0
    fi
    if pid_alive; then  # started earlier and still booting: just wait for it below
        say "Elasticsearch (pid $(cat "$PID_FILE")) is starting; waiting"
    else
        if curl -s --max-time 3 -o /dev/null "$URL/" 2>/dev/null; then
            die "port $ES_PORT is taken by something that is not a healthy Elasticsearch; set ES_PORT"
        fi
        local java es_home as_user=()
        java=$(pick_java)
        if [[ $(id -u) -eq 0 ]]; then
            ensure_user
            as_user=(runuser -u "$ES_USER" --)
        fi
        es_home=$(es_home_dir)
        unpack "$es_home"

        # A private config dir (ES writes its keystore there), data and logs, all owned by the runner.
        mkdir -p "$RUN_DIR/data" "$RUN_DIR/logs" "$RUN_DIR/tmp"
        rm -rf "$RUN_DIR/config"
        cp -r "$es_home/config" "$RUN_DIR/config"
        mkdir -p "$RUN_DIR/config/jvm.options.d"
        printf -- '-Xms%s\n-Xmx%s\n' "$ES_HEAP" "$ES_HEAP" >"$RUN_DIR/config/jvm.options.d/lexwatch-heap.options"
        local discovery="discovery.type: single-node"
        if [[ -n $SEED_HOSTS ]]; then
            discovery="discovery.seed_hosts: [${SEED_HOSTS}]
cluster.initial_master_nodes: [${INITIAL_MASTERS}]"
        fi
        cat >"$RUN_DIR/config/elasticsearch.yml" <<EOF
# written by scripts/es.sh; edit there
cluster.name: $CLUSTER_NAME
node.name: lexwatch-$ES_PORT
path.data: $RUN_DIR/data
path.logs: $RUN_DIR/logs
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $((ES_PORT + 100))
$discovery
xpack.security.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
EOF
        rm -f "$PID_FILE"
        [[ $(id -u) -eq 0 ]] && chown -R "$ES_USER:" "$RUN_DIR"
        say "starting Elasticsearch $ES_VERSION on $URL (java $java, heap $ES_HEAP, run dir $RUN_DIR)"
        # gc.log and hs_err files are written relative to the working directory.
        if ! (cd "$RUN_DIR/logs" && "${as_user[@]}" env ES_JAVA_HOME="$java" ES_PATH_CONF="$RUN_DIR/config" \
                ES_TMPDIR="$RUN_DIR/tmp" ES_JAVA_OPTS="${ES_JAVA_OPTS:-}" \
                "$es_home/bin/elasticsearch" -d -p "$PID_FILE" >"$RUN_DIR/logs/startup.out" 2>&1 9>&-); then
            cat "$RUN_DIR/logs/startup.out" >&2 || true
            tail -n 40 "$RUN_DIR/logs/$CLUSTER_NAME.log" 2>/dev/null >&2 || true
            die "Elasticsearch failed to start"
        fi
    fi
    if [[ ${ES_NO_WAIT:-} == 1 ]]; then
        echo "Elasticsearch node lexwatch-$ES_PORT started (pid $(cat "$PID_FILE" 2>/dev/null || echo '?'); not waiting)"
        return 0
    fi

    local waited=0
    until healthy; do
        if ! pid_alive && (( waited > 5 )); then
            tail -n 40 "$RUN_DIR/logs/$CLUSTER_NAME.log" 2>/dev/null >&2 || cat "$RUN_DIR/logs/startup.out" >&2 || true
            die "Elasticsearch exited during startup (log: $RUN_DIR/logs)"
        fi
        if (( waited >= START_TIMEOUT )); then
            tail -n 40 "$RUN_DIR/logs/$CLUSTER_NAME.log" 2>/dev/null >&2 || true
            die "Elasticsearch did not become healthy within ${START_TIMEOUT}s (log: $RUN_DIR/logs)"
        fi
        sleep 2
        waited=$((waited + 2))
    done
    echo "Elasticsearch $(version) up at $URL (pid $(cat "$PID_FILE" 2>/dev/null || echo '?'), ${waited}s)"
}

cmd_down() {
    if ! pid_alive; then
        rm -f "$PID_FILE"
        echo "Elasticsearch is not running (no live pid in $PID_FILE)"
        return 0
    fi
    local pid waited=0
    pid=$(cat "$PID_FILE")
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do
        if (( waited >= 60 )); then
            say "pid $pid ignored SIGTERM for 60s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 1
            break
        fi
        sleep 1
        waited=$((waited + 1))
    done
    rm -f "$PID_FILE"
    echo "Elasticsearch stopped (pid $pid)"
}

# One `up` or `down` at a time per port: two test runs starting together must not both launch a
# node on the same data path. The lock fd is closed for the server itself (9>&- below).
lock() {
    command -v flock >/dev/null || return 0
    exec 9>"/tmp/lexwatch-es-$ES_PORT.lock"
    flock -w 300 9 || die "another es.sh holds /tmp/lexwatch-es-$ES_PORT.lock"
}

# --- a cluster of N nodes on one machine (tests of the yearly layout and of losing a node) -------
cluster_ports() {  # one port per node
    local i
    for ((i = 0; i < $1; i++)); do echo $((ES_PORT + i)); done
}

cmd_cluster_up() {
    local n=$1 port body seeds=() names=() started=$SECONDS
    local name="${ES_CLUSTER_NAME:-lexwatch-cluster-$ES_PORT}"
    [[ $n =~ ^[0-9]+$ ]] && (( n >= 2 )) || die "cluster-up wants a node count >= 2, not '$n'"
    for port in $(cluster_ports "$n"); do
        seeds+=("127.0.0.1:$((port + 100))")
        names+=("lexwatch-$port")
    done
    for port in $(cluster_ports "$n"); do
        ES_PORT=$port LEXWATCH_ES_RUN="${LEXWATCH_ES_CLUSTER_RUN:-/tmp/lexwatch-es-cluster}-$port" \
            ES_CLUSTER_NAME="$name" \
            ES_SEED_HOSTS="$(IFS=,; echo "${seeds[*]}")" ES_INITIAL_MASTERS="$(IFS=,; echo "${names[*]}")" \
            ES_NO_WAIT=1 "$0" up
    done
    until body=$(http_get "/_cluster/health?wait_for_nodes=$n&timeout=5s" 10) \
            && [[ $body == *"\"number_of_nodes\":$n,"* ]]; do
        if (( SECONDS - started >= START_TIMEOUT )); then
            die "the $n nodes did not form one cluster within ${START_TIMEOUT}s (logs: ${LEXWATCH_ES_CLUSTER_RUN:-/tmp/lexwatch-es-cluster}-*/logs)"
        fi
        sleep 1
    done
    echo "Elasticsearch cluster $name of $n nodes up at $(cluster_ports "$n" | sed 's|^|http://127.0.0.1:|' | paste -sd,) ($((SECONDS - started))s)"
}

cmd_cluster_down() {
    local port
    for port in $(cluster_ports "$1"); do
        ES_PORT=$port LEXWATCH_ES_RUN="${LEXWATCH_ES_CLUSTER_RUN:-/tmp/lexwatch-es-cluster}-$port" "$0" down
    done
}

case "${1:-}" in
    up) lock; cmd_up ;;
    down) lock; cmd_down ;;
    status) cmd_status ;;
    cluster-up) cmd_cluster_up "${2:-2}" ;;
    cluster-down) cmd_cluster_down "${2:-2}" ;;
    *) echo "usage: $0 up|down|status|cluster-up [N]|cluster-down [N]" >&2; exit 2 ;;
esac
