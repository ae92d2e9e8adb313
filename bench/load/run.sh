#!/usr/bin/env bash
# The load test: a province's working morning against gunicorn + PostgreSQL on loopback (make load).
#
#   bash bench/load/run.sh                                # seed, serve, 250 users for 5 minutes
#   USERS=45 RUN_TIME=60s SEED=0 bash bench/load/run.sh   # a calibration step on the seeded database
#
# Environment: USERS, SPAWN_RATE, RUN_TIME (Locust), WORKERS (gunicorn), PEOPLE (province size),
# SEED=0 to keep the database and accounts of the last run, PORT, LOAD_DATABASE_URL, LOAD_NICE.
# Results: bench/out/load/ (locust_stats.csv, locust_stats_history.csv, locust_failures.csv,
# report.html, samples.csv, summary.json, waits.json, gunicorn, worker and rollups logs). Everything started
# here stops on exit; the run fails on any error or an overall p95 of 500 ms or more.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
BIN="$ROOT/.venv/bin"
OUT="$ROOT/bench/out/load"

USERS="${USERS:-250}"
SPAWN_RATE="${SPAWN_RATE:-10}"
RUN_TIME="${RUN_TIME:-5m}"
WORKERS="${WORKERS:-5}"          # 2 × cores + 1 on this 2-core machine (docs/deploy.md, section 7)
PEOPLE="${PEOPLE:-200000}"
SEED="${SEED:-1}"
PORT="${PORT:-8471}"
LOAD_DATABASE_URL="${LOAD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/langso_load}"
# On a machine shared with other work, LOAD_NICE=-10 (as root) runs the whole stack — gunicorn, the
# worker, Locust and this database's PostgreSQL backends — ahead of it, so the other work only takes
# the CPU the stack leaves idle: close to a machine of its own. Empty (the default): no change.
LOAD_NICE="${LOAD_NICE:-}"
RUN=()
if [ -n "$LOAD_NICE" ]; then
    RUN=(nice -n "$LOAD_NICE")
fi

mkdir -p "$OUT/var" "$OUT/static"

# Production settings (DEBUG off, secure cookies, HTTPS redirect, HSTS, hashed static files). Only
# nginx is missing: Locust sends X-Forwarded-Proto: https on every request as nginx does
# (SECURE_PROXY_SSL_HEADER trusts it), so nothing is redirected and the Secure cookies are used.
export DJANGO_SETTINGS_MODULE=langso.settings
export LANGSO_ENV=production
DJANGO_SECRET_KEY="load-$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export DJANGO_SECRET_KEY
export DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost"
export DJANGO_CSRF_TRUSTED_ORIGINS="https://127.0.0.1:$PORT"
export DATABASE_URL="$LOAD_DATABASE_URL"
export LANGSO_VAR_DIR="$OUT/var"
export DJANGO_STATIC_ROOT="$OUT/static"
export LANGSO_LOG_LEVEL=WARNING

PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT INT TERM

if [ "$SEED" != "0" ] || [ ! -s "$OUT/accounts.json" ]; then
    echo "== Seeding $LOAD_DATABASE_URL: $PEOPLE people in province 19 and the load accounts"
    "$BIN/python" bench/load/seed.py --database-url "$LOAD_DATABASE_URL" --people "$PEOPLE" \
        --out "$OUT/accounts.json"
else
    echo "== Re-using $LOAD_DATABASE_URL and $OUT/accounts.json (SEED=0)"
    "$BIN/python" manage.py migrate --noinput -v 0
fi
"$BIN/python" manage.py collectstatic --noinput -v 0

: >"$OUT/gunicorn-access.log"
: >"$OUT/gunicorn-error.log"
echo "== gunicorn ($WORKERS sync workers) on 127.0.0.1:$PORT, background worker, rollups every minute"
"${RUN[@]}" "$BIN/gunicorn" langso.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
    --timeout 120 --graceful-timeout 30 --max-requests 2000 --max-requests-jitter 200 \
    --forwarded-allow-ips 127.0.0.1 --access-logfile "$OUT/gunicorn-access.log" \
    --error-logfile "$OUT/gunicorn-error.log" 2>>"$OUT/gunicorn-error.log" &
PIDS+=($!)
"${RUN[@]}" "$BIN/python" manage.py db_worker --queue-name '*' --interval 2 --no-reload >"$OUT/worker.log" 2>&1 &
PIDS+=($!)
# What cron does every minute in production (docs/deploy.md, section 8).
"${RUN[@]}" "$BIN/python" manage.py refresh_rollups --province 19 --every 60 >"$OUT/rollups.log" 2>&1 &
PIDS+=($!)

if [ -n "$LOAD_NICE" ]; then
    # PostgreSQL forks a backend per connection: give this database's backends the same priority.
    while true; do
        for pid in $(pgrep -f "postgres: .*langso_load" || true); do
            renice -n "$LOAD_NICE" -p "$pid" >/dev/null 2>&1 || true
        done
        sleep 2
    done &
    PIDS+=($!)
fi

for _ in $(seq 1 60); do
    if curl -fsS -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then
        break
    fi
    sleep 1
done
curl -fsS -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$PORT/healthz" >/dev/null

# RUN_TIME is the time at full load: Locust runs for the ramp-up plus RUN_TIME, and its statistics
# (and the samples the summary reads) start once every user is running (--reset-stats).
RAMP=$("$BIN/python" -c "import math; print(math.ceil($USERS / $SPAWN_RATE))")
SETTLE=30   # the last users' sign-in and first page, after the last one is spawned
HOLD=$("$BIN/python" -c "
import re, sys
m = re.fullmatch(r'(\d+)([smh]?)', '$RUN_TIME')
print(int(m[1]) * {'': 1, 's': 1, 'm': 60, 'h': 3600}[m[2]]) if m else sys.exit('RUN_TIME: 90s, 5m or 300')")
echo "== Locust: $USERS users, $SPAWN_RATE/s (${RAMP} s ramp-up, ${SETTLE} s to settle), then $RUN_TIME at full load"
# CPU seconds of the gunicorn master and workers when full load starts and when it ends: the app's
# cost per request. (PostgreSQL's backends come and go with DB_CONN_MAX_AGE, so they are not counted.)
cpu_snapshot() {
    ps -eo times=,args= | awk -v port="$PORT" '
        /gunicorn langso.wsgi/ && index($0, port) {app += $1}
        END {printf "{\"gunicorn\": %d}\n", app}'
}
rm -f "$OUT/cpu-start.json" "$OUT/cpu-end.json" "$OUT/locust-cpu.json"
(sleep "$((RAMP + SETTLE))"; cpu_snapshot >"$OUT/cpu-start.json") &
SNAP=$!
# What the database's sessions wait on at full load (wait events, busiest statements): waits.json.
rm -f "$OUT/waits.json"
(sleep "$((RAMP + SETTLE))"; "$BIN/python" bench/load/waits.py --database-url "$LOAD_DATABASE_URL" \
    --seconds "$HOLD" --out "$OUT" >"$OUT/waits.log" 2>&1) &
WAITS=$!
status=0
LOAD_SETTLE_SECONDS="$SETTLE" LOAD_SAMPLES="$OUT/samples.csv" LOAD_ACCOUNTS="$OUT/accounts.json" \
    "${RUN[@]}" "$BIN/locust" \
    -f bench/load/locustfile.py --headless --host "http://127.0.0.1:$PORT" \
    --users "$USERS" --spawn-rate "$SPAWN_RATE" --run-time "$((RAMP + SETTLE + HOLD))s" --reset-stats \
    --stop-timeout 30 --csv "$OUT/locust" --html "$OUT/report.html" --only-summary \
    >"$OUT/locust.log" 2>&1 || status=$?
cpu_snapshot >"$OUT/cpu-end.json"
wait "$SNAP" 2>/dev/null || true
wait "$WAITS" 2>/dev/null || true
tail -n 40 "$OUT/locust.log"
cat "$OUT/waits.log" 2>/dev/null || true

"$BIN/python" bench/load/summarize.py "$OUT" --users "$USERS" --run-time "$RUN_TIME" --workers "$WORKERS" \
    || status=$((status ? status : 1))
exit "$status"
