#!/usr/bin/env bash
# Runs the Python grpcio contract test (test_contract.py) against a running
# registry that was seeded with the built-in jurisdictions only.
#
#   JUDICIAL_REGISTRY_ADDR=127.0.0.1:50051 bash tests/python/run.sh [pytest args...]
#
# The virtualenv lives in ${CARGO_TARGET_DIR:-<repo>/target}/python-venv and is
# rebuilt only when requirements.txt (or the Python version) changes; the stubs
# are generated from proto/judicial/v1/*.proto on every run into its
# generated/ directory. Nothing is written into the source tree.
# Environment: PYTHON (default python3), CARGO_TARGET_DIR.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

die() {
  echo "run.sh: $*" >&2
  exit 2
}

[[ -n "${JUDICIAL_REGISTRY_ADDR:-}" ]] ||
  die "JUDICIAL_REGISTRY_ADDR is not set: set it to the host:port of a registry started with --seed none (e.g. 127.0.0.1:50051)"

python="${PYTHON:-python3}"
command -v "$python" >/dev/null 2>&1 ||
  die "'$python' is not on PATH: install Python 3.9 or newer (3.11 is known to work) with its venv module"
"$python" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 9) else 1)' ||
  die "'$python' must be Python 3.9 or newer with the venv module ($("$python" --version 2>&1))"

# A relative CARGO_TARGET_DIR is relative to the working directory, as for cargo.
target="${CARGO_TARGET_DIR:-$repo/target}"
mkdir -p "$target"
target="$(cd "$target" && pwd)"
venv="$target/python-venv"
requirements="$here/requirements.txt"

# One run at a time per target dir: runs share the virtualenv and stubs.
exec 9>"$target/python-venv.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
fi

# The stamp names what the virtualenv was built from; it is written last, so
# an interrupted install is redone.
want="$("$python" - "$requirements" <<'PY'
import hashlib, sys
with open(sys.argv[1], "rb") as f:
    digest = hashlib.sha256(f.read()).hexdigest()
print(f"{digest} python{sys.version_info[0]}.{sys.version_info[1]}.{sys.version_info[2]}")
PY
)"
stamp="$venv/.requirements.stamp"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "run.sh: reusing virtualenv $venv"
else
  echo "run.sh: creating virtualenv $venv and installing $requirements"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/python" -m pip install --quiet --no-input -r "$requirements"
  printf '%s\n' "$want" >"$stamp"
fi

gen="$venv/generated"
rm -rf "$gen"
mkdir -p "$gen"
"$venv/bin/python" -m grpc_tools.protoc -I "$repo/proto" \
  --python_out="$gen" --grpc_python_out="$gen" \
  "$repo"/proto/judicial/v1/*.proto

echo "run.sh: running pytest against $JUDICIAL_REGISTRY_ADDR"
status=0
(
  cd "$here"
  PYTHONPATH="$gen${PYTHONPATH:+:$PYTHONPATH}" PYTHONDONTWRITEBYTECODE=1 \
    "$venv/bin/python" -m pytest -c "$here/pytest.ini" --rootdir "$here" -v "$@" "$here/test_contract.py"
) || status=$?

if [[ $status -eq 5 ]]; then
  echo "run.sh: pytest collected no tests (exit 5); counting that as a failure" >&2
  exit 1
fi
exit "$status"
