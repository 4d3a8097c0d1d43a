#!/bin/sh
# Creates the namespace and registers the project's search attributes on a running Temporal
# server. Idempotent: an existing namespace or attribute is kept. Run by docker-compose.yml's
# temporal-setup job and by scripts/cluster.sh.
#
# Environment: TEMPORAL_ADDRESS, NAMESPACE (default "default"), RETENTION (default 30d),
# SEARCH_ATTRIBUTES ("Name=Type ...", those of src/temporal/searchAttributes.ts),
# TEMPORAL_CLI (default: temporal on PATH).
set -eu
: "${TEMPORAL_ADDRESS:?}" "${SEARCH_ATTRIBUTES:?}"
namespace="${NAMESPACE:-default}"
cli="${TEMPORAL_CLI:-temporal}"

tries=0
until "$cli" operator cluster health --address "$TEMPORAL_ADDRESS" 2>/dev/null | grep -q SERVING; do
  tries=$((tries + 1))
  [ "$tries" -le 90 ] || { echo "register: Temporal at $TEMPORAL_ADDRESS not serving after 90 s" >&2; exit 1; }
  sleep 1
done

"$cli" operator namespace describe --address "$TEMPORAL_ADDRESS" --namespace "$namespace" >/dev/null 2>&1 ||
  "$cli" operator namespace create --address "$TEMPORAL_ADDRESS" --namespace "$namespace" --retention "${RETENTION:-30d}"

# A new namespace reaches every frontend's cache within ~10 s; wait until it answers.
tries=0
until "$cli" workflow count --address "$TEMPORAL_ADDRESS" --namespace "$namespace" >/dev/null 2>&1; do
  tries=$((tries + 1))
  [ "$tries" -le 60 ] || { echo "register: namespace $namespace not usable after 60 s" >&2; exit 1; }
  sleep 1
done

existing="$("$cli" operator search-attribute list --address "$TEMPORAL_ADDRESS" --namespace "$namespace")"
for attribute in $SEARCH_ATTRIBUTES; do
  name="${attribute%%=*}"
  type="${attribute#*=}"
  printf '%s\n' "$existing" | grep -qw "$name" ||
    "$cli" operator search-attribute create --address "$TEMPORAL_ADDRESS" --namespace "$namespace" --name "$name" --type "$type"
done
