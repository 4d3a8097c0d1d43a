#!/bin/sh
# Creates and migrates Temporal's two databases (persistence and visibility) on PostgreSQL.
# Every step is idempotent: an existing database is kept, an up-to-date schema is left alone,
# an older one is migrated. Run by docker-compose.yml's temporal-schema job and by
# scripts/cluster.sh, so the script proves the compose file's steps.
#
# Environment: SQL_HOST, SQL_PORT, SQL_USER, SQL_PASSWORD (read by temporal-sql-tool itself),
# SCHEMA_DIR (the server's schema/postgresql/v12; default: where the admin-tools image has it),
# SQL_TOOL (default: temporal-sql-tool on PATH).
set -eu
: "${SQL_HOST:?}" "${SQL_USER:?}"
export SQL_PLUGIN="${SQL_PLUGIN:-postgres12}"
schema_dir="${SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"
tool="${SQL_TOOL:-temporal-sql-tool}"

for pair in temporal:temporal temporal_visibility:visibility; do
  database="${pair%%:*}"
  schema="${pair#*:}"
  "$tool" --db "$database" create-database
  "$tool" --db "$database" setup-schema -v 0.0
  "$tool" --db "$database" update-schema -d "$schema_dir/$schema/versioned"
done
