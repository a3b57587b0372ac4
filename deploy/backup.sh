#!/usr/bin/env bash
# Back up Home Learning: the PostgreSQL database (pg_dump, custom format) and, for local media, the
# uploaded files. One timestamped folder per run, with checksums; old folders are pruned.
#
#   DATABASE_URL=postgres://... MEDIA_ROOT=/srv/homelearning/media BACKUP_DIR=/srv/backups deploy/backup.sh
#
# Variables: DATABASE_URL (required), BACKUP_DIR (required), MEDIA_ROOT (skip media if unset or
# MEDIA_STORAGE=s3: back the bucket up with the provider's versioning or `rclone sync`),
# BACKUP_KEEP_DAYS (default 14). Prints the new folder's path on success; exits non-zero on any error.
set -euo pipefail
umask 077

: "${DATABASE_URL:?DATABASE_URL must be set (postgres://user@host:5432/name)}"
: "${BACKUP_DIR:?BACKUP_DIR must be set (a folder on another disk or a mounted backup volume)}"
KEEP_DAYS="${BACKUP_KEEP_DAYS:-14}"
case "$KEEP_DAYS" in '' | *[!0-9]*) echo "BACKUP_KEEP_DAYS must be a whole number of days" >&2; exit 2 ;; esac

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target="$BACKUP_DIR/homelearning-$stamp"
partial="$target.partial"
mkdir -p "$partial"
trap 'rm -rf "$partial"' ERR

# Custom format: compressed, and pg_restore can restore it into a database of another name.
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$partial/db.dump"

if [ "${MEDIA_STORAGE:-local}" = "local" ] && [ -n "${MEDIA_ROOT:-}" ]; then
    if [ ! -d "$MEDIA_ROOT" ]; then
        echo "MEDIA_ROOT=$MEDIA_ROOT is not a folder" >&2
        exit 2
    fi
    tar --create --gzip --file="$partial/media.tar.gz" --directory="$MEDIA_ROOT" .
fi

{
    echo "created=$stamp"
    echo "host=$(hostname)"
    echo "pg_dump=$(pg_dump --version)"
} >"$partial/INFO"
(cd "$partial" && sha256sum -- * >SHA256SUMS)
mv "$partial" "$target"
trap - ERR

# Keep the last KEEP_DAYS days (never the run just made).
find "$BACKUP_DIR" -maxdepth 1 -type d -name 'homelearning-*' ! -name "homelearning-$stamp" \
    -mtime +"$KEEP_DAYS" -exec rm -rf {} +
echo "$target"
