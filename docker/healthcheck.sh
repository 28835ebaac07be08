#!/bin/bash
# Docker HEALTHCHECK without curl in the image: GET the admin port's /health/live over bash's /dev/tcp.
# Usage: healthcheck.sh [port] [path]   (defaults: PBIEXPORT_ADMIN_PORT or 8080, /health/live)
set -eu
port="${1:-${PBIEXPORT_ADMIN_PORT:-8080}}"
path="${2:-/health/live}"
exec 3<>"/dev/tcp/127.0.0.1/${port}"
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "$path" >&3
IFS= read -r -t 5 status <&3
case "$status" in
  "HTTP/1."?" 200"*) exit 0 ;;
  *) echo "unhealthy: ${status:-no answer}" >&2; exit 1 ;;
esac
