#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into an EMPTY database (and, if the backup has them, the
# media files into an empty MEDIA_ROOT). Stop the web and worker services first.
#
#   createdb -h db.internal -U postgres homelearning_restored
#   DATABASE_URL=postgres://.../homelearning_restored MEDIA_ROOT=/srv/homelearning/media \
#       deploy/restore.sh /srv/backups/homelearning-20270112T021500Z
#
# It checks the checksums before touching anything and refuses a database that already has tables,
# so a mistyped URL cannot overwrite the live one.
set -euo pipefail

backup="${1:?usage: restore.sh BACKUP_FOLDER}"
: "${DATABASE_URL:?DATABASE_URL must be set to the (empty) database to restore into}"

if [ ! -f "$backup/db.dump" ] || [ ! -f "$backup/SHA256SUMS" ]; then
    echo "$backup is not a Home Learning backup (no db.dump or SHA256SUMS)" >&2
    exit 2
fi
if ! (cd "$backup" && sha256sum --check --quiet SHA256SUMS); then
    echo "The backup in $backup is damaged (checksums do not match): nothing was restored." >&2
    exit 3
fi

tables="$(psql --no-psqlrc --tuples-only --no-align --dbname="$DATABASE_URL" \
    -c "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")"
if [ "$tables" != "0" ]; then
    echo "The database in DATABASE_URL already has $tables tables: restore into a new, empty database." >&2
    exit 4
fi

if [ -f "$backup/media.tar.gz" ]; then
    : "${MEDIA_ROOT:?this backup holds media files: set MEDIA_ROOT to the (empty) folder to restore them into}"
    mkdir -p "$MEDIA_ROOT"
    if [ -n "$(ls -A "$MEDIA_ROOT")" ]; then
        echo "MEDIA_ROOT=$MEDIA_ROOT is not empty: restore into an empty folder." >&2
        exit 4
    fi
fi

# One transaction: a failure part-way leaves the database empty, not half-restored.
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
    --dbname="$DATABASE_URL" "$backup/db.dump"

if [ -f "$backup/media.tar.gz" ]; then
    tar --extract --gzip --file="$backup/media.tar.gz" --directory="$MEDIA_ROOT"
fi
echo "Restored $backup"
