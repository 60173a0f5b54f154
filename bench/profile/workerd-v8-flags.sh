#!/bin/bash
# Stands in for workerd (MINIFLARE_WORKERD_PATH) to start it with extra V8 flags: the config that
# miniflare writes on stdin passes through workerd-v8-flags.cjs, then this shell becomes workerd
# (exec: same pid, so miniflare's signals reach it).
here="$(cd "$(dirname "$0")" && pwd)"
real="$(node -e 'console.log(require("workerd").default ?? require("workerd"))' 2>/dev/null)"
exec "$real" "$@" < <(node "$here/workerd-v8-flags.cjs")
