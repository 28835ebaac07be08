#!/bin/sh
# docker-compose only: a worker replica waits for the devstack's ready line (in the shared devstack-run volume),
# exports the simulator URLs (https://devstack:PORT, see docker-compose.yml) for the ${ENTRA_URL}/${POWERBI_URL}
# placeholders of deploy/compose/worker.yaml, then starts the worker.
set -eu
ready=/run/devstack/ready.json
i=0
until [ -s "$ready" ]; do
  i=$((i + 1))
  if [ "$i" -gt 120 ]; then echo "devstack not ready after 120 s ($ready empty)" >&2; exit 1; fi
  sleep 1
done
ENTRA_URL=$(sed -n 's/.*"entraUrl":"\([^"]*\)".*/\1/p' "$ready")
POWERBI_URL=$(sed -n 's/.*"powerBiUrl":"\([^"]*\)".*/\1/p' "$ready")
export ENTRA_URL POWERBI_URL
exec /app/bin/export-worker "$@"
