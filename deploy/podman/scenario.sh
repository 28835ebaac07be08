# shellcheck shell=bash
# Sourced by images-test.sh and compose-test.sh (after podman-env.sh): the requests both stages send and the
# outcomes they expect. The caller defines NAME (container name prefix), WORK (a scratch directory), the array
# CONTAINERS (names its cleanup removes) and WORKER_IMAGE.
#
# run_scenario NETWORK BOOTSTRAP WORKER_CONTAINER FILES_DIR ID_PREFIX: four requests sent by the worker image's
# `submit` (in a container on NETWORK, broker BOOTSTRAP), their outcomes read back by an independent consumer
# (Outcomes.java on the JDK base with the Kafka client jars of WORKER_CONTAINER): a PDF and a paginated CSV
# completed, each file in FILES_DIR (the host side of the sink volume) with the event's size and SHA-256; a
# workspace the app is not a member of fails with PBI_NOT_WORKSPACE_MEMBER, a Premium Per User one with
# PBI_PPU_NOT_SUPPORTED; nothing dead-lettered, nothing else.
run_scenario() {
  local network=$1 kafka=$2 worker=$3 files=$4 id=$5
  local ws=3d5e0000-0000-4000-a000-000000000001 r rid rws report format script=""
  local requests=(
    "$id-pdf      $ws                                  7e000000-0000-4000-a000-000000000001 PDF"
    "$id-csv      $ws                                  7e000000-0000-4000-a000-000000000002 CSV"
    "$id-member   3d5e0000-0000-4000-a000-000000000002 7e000000-0000-4000-a000-000000000006 PDF"
    "$id-ppu      3d5e0000-0000-4000-a000-000000000004 7e000000-0000-4000-a000-000000000008 PDF"
  )
  # the submits run side by side in one container; each must exit 0
  for r in "${requests[@]}"; do
    read -r rid rws report format <<<"$r"
    script+="/app/bin/export-worker submit --bootstrap-servers $kafka --tenant contoso --workspace $rws"
    script+=" --report $report --format $format --request-id $rid & pids=\"\$pids \$!\"; "
  done
  # shellcheck disable=SC2016 # expanded by the container's shell
  script+='for p in $pids; do wait $p || exit 1; done'
  CONTAINERS+=("$NAME-submit")
  pm_run 180 --name "$NAME-submit" --network="$network" --no-healthcheck \
    --entrypoint /bin/sh "$WORKER_IMAGE" -c "$script" >"$WORK/submit.txt" 2>&1 \
    || { cat "$WORK/submit.txt" >&2; die "submit failed"; }
  log "ok: ${#requests[@]} requests submitted"

  # the consumer runs on the JDK base (source launcher) with the Kafka client jars the worker image carries,
  rm -rf "${WORK:?}/lib"
  pm cp "$worker:/app/lib" "$WORK/lib"
  # and the worker jar for its logback.xml (logs to stderr): /app/lib alone would log to stdout, into the outcomes
  pm cp "$worker:/app/export-worker.jar" "$WORK/lib/export-worker.jar"
  CONTAINERS+=("$NAME-outcomes")
  pm_run 240 --name "$NAME-outcomes" --network="$network" --no-healthcheck \
    -v "$WORK/lib:/outcomes/lib:ro" -v "$PWD/deploy/podman/Outcomes.java:/outcomes/Outcomes.java:ro" \
    "$JDK_BASE_IMAGE" java -cp '/outcomes/lib/*' /outcomes/Outcomes.java "$kafka" pbi.export.results \
    pbi.export.deadletter "${#requests[@]}" 180 >"$WORK/outcomes.tsv" 2>"$WORK/outcomes.err" \
    || { cat "$WORK/outcomes.tsv" "$WORK/outcomes.err" >&2; die "not every request got its outcome"; }

  expect_file "$id-pdf" "$files"
  expect_file "$id-csv" "$files"
  expect_failure "$id-member" PBI_NOT_WORKSPACE_MEMBER
  expect_failure "$id-ppu" PBI_PPU_NOT_SUPPORTED
  ! grep -q DeadLetter "$WORK/outcomes.tsv" || die "a request was dead-lettered: $(cat "$WORK/outcomes.tsv")"
  [ "$(wc -l <"$WORK/outcomes.tsv")" -eq "${#requests[@]}" ] || die "unexpected outcomes: $(cat "$WORK/outcomes.tsv")"
}

outcome() { awk -F'\t' -v id="$1" '$1 == id' "$WORK/outcomes.tsv"; }
# expect_file ID FILES_DIR
expect_file() {
  local line type uri size sha path files=$2
  line=$(outcome "$1"); [ -n "$line" ] || die "$1: no outcome"
  IFS=$'\t' read -r _ type uri size sha <<<"$line"
  [[ "$type" == *export.completed* ]] || die "$1: expected ExportCompleted, got: $line"
  path="${uri#file://}"; path="${path#/var/lib/pbi-export/files/}"
  path=$(printf '%b' "${path//%/\\x}")   # the URI is percent-encoded
  [ -f "$files/$path" ] || die "$1: $uri not in the mounted volume ($files/$path)"
  [ "$(stat -c %s "$files/$path")" = "$size" ] || die "$1: size differs from the event's $size"
  [ "$(sha256sum "$files/$path" | cut -d' ' -f1)" = "$sha" ] || die "$1: SHA-256 differs from the event's"
  log "ok: $1 -> files/$path ($size bytes, SHA-256 matches)"
}
expect_failure() {
  local line
  line=$(outcome "$1"); [ -n "$line" ] || die "$1: no outcome"
  [[ "$line" == *export.failed*$'\t'"$2"$'\t'* ]] || die "$1: expected ExportFailed $2, got: $line"
  log "ok: $1 -> ExportFailed $2"
}
