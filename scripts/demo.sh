#!/usr/bin/env bash
# `make demo`: the fictional Balfour Infant School at http://127.0.0.1:8000, with the email worker running.
# Demo mode only: a local SQLite file, emails kept in the outbox page instead of being sent.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBUG=true
export DEMO_MODE=true
export EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend
export DATABASE_URL="sqlite:///$PWD/var/demo.sqlite3"
# Links in the emails the demo "sends" point at the demo itself, whatever SITE_URL the shell had.
export SITE_URL=http://127.0.0.1:8000
PY=.venv/bin/python
mkdir -p var

"$PY" manage.py migrate --noinput
"$PY" manage.py seed_demo
"$PY" manage.py seed_learning_demo
"$PY" manage.py seed_live_demo
"$PY" manage.py seed_safeguarding_demo
"$PY" manage.py seed_engagement_demo
# Today's alerts and digests, as cron would queue them each morning.
"$PY" manage.py enqueue_daily

# The worker sends the queued emails (sign-in codes land in the outbox). No autoreloader:
# its child process would outlive the kill below.
"$PY" manage.py db_worker --no-reload &
worker_pid=$!

stop_worker() {
  if kill -0 "$worker_pid" 2>/dev/null; then
    kill -TERM "$worker_pid" 2>/dev/null || true
    wait "$worker_pid" 2>/dev/null || true
  fi
}
# Stop the worker however the demo ends: the server exiting, Ctrl-C, or a TERM.
trap stop_worker EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo
echo "Demo outbox: http://127.0.0.1:8000/dev/outbox/"
"$PY" manage.py seed_demo --logins
echo
echo "Home Learning demo: http://127.0.0.1:8000/  (Ctrl-C to stop)"
echo

# Not exec: the shell must stay to run the trap when the server stops.
"$PY" manage.py runserver 127.0.0.1:8000 --noreload
