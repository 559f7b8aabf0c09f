#!/usr/bin/env bash
# The worked example (examples/pipeline) as a project of its own: a fresh uv venv holding the
# example, imednet-live from this checkout and one SDK build, then the example's tests, which
# reach the sandbox through the imednet_sandbox pytest plugin alone.
#   scripts/example_pipeline.sh pinned    # imednet 0.5.0, the harness's pin
#   scripts/example_pipeline.sh main      # the SDK's main branch from ../shared/sdk (skipped without it)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-}
case "$build" in
    pinned)
        sdk=("imednet==0.5.0")
        ;;
    main)
        wheels="$root/../shared/sdk/main-84b2fd36"
        if [ ! -d "$wheels" ]; then
            echo "example pipeline, SDK main: $wheels not found; skipped"
            exit 0
        fi
        sdk=("$wheels"/imednet-0.8.0+main.84b2fd36-py3-none-any.whl)
        # main's wheel carries no API contract; its models are built from this collection.
        export IMEDNET_POSTMAN_PATH="$wheels/imednet.postman_collection.json"
        ;;
    *)
        echo "Usage: scripts/example_pipeline.sh pinned|main" >&2
        exit 2
        ;;
esac
venv="$root/.nox/example-pipeline-$build"
uv venv -q --allow-existing "$venv"
uv pip install -q --python "$venv/bin/python" --reinstall-package imednet-live \
    --reinstall-package form-etl-example "${sdk[@]}" "$root" "$root/examples/pipeline[test]"
echo "example pipeline, SDK $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("imednet"))')"
cd "$root/examples/pipeline"
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "${@:2}"
