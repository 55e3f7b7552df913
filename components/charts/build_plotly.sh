#!/usr/bin/env bash
# Rebuild static/plotly-symbreak.min.js: plotly.js's core (scatter, cartesian axes, legend, hover, colour bars,
# shapes, annotations) plus the bar, histogram, heatmap, contour and table traces, which is all the chart grid draws.
# It compiles in about a third of the time of plotly.js's cartesian bundle (see components/charts/README.md).
# Needs node and npm (network access to the npm registry); nothing is installed outside a temporary folder.
set -euo pipefail
VERSION="${1:-4.1.1}"  # the plotly.js the installed plotly package targets: plotly.offline.get_plotlyjs_version()
ESBUILD="0.25"
OUT="$(cd "$(dirname "$0")/../.." && pwd)/static/plotly-symbreak.min.js"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack "plotly.js@$VERSION" --silent >/dev/null
tar xzf "plotly.js-$VERSION.tgz"
(cd package && npm install --omit=dev --ignore-scripts --no-audit --no-fund --silent)
npm install "esbuild@$ESBUILD" --no-audit --no-fund --silent
cat > package/lib/index-symbreak.js <<'JS'
'use strict';
var Plotly = require('./core');
Plotly.register([require('./bar'), require('./histogram'), require('./heatmap'), require('./contour'),
                 require('./table')]);
module.exports = Plotly;
JS
# the options of plotly.js's own esbuild-config.js, minus the plugins only its map and WebGL traces need
(cd package && ../node_modules/.bin/esbuild lib/index-symbreak.js --bundle --format=iife --global-name=Plotly \
    --minify --target=es2016 --define:global=window --define:define.amd=false \
    --define:process.env.NODE_DEBUG=false --alias:stream=stream-browserify --log-level=warning \
    --outfile="$WORK/bundle.js")
{
    printf '/**\n* plotly.js (symbreak: core, bar, histogram, heatmap, contour, table - minified) v%s\n' "$VERSION"
    printf '* Built by components/charts/build_plotly.sh with esbuild %s from the npm package plotly.js@%s.\n' \
        "$(node_modules/.bin/esbuild --version)" "$VERSION"
    printf '* Copyright 2012-2026, Plotly, Inc. All rights reserved. Licensed under the MIT license.\n*/\n'
    cat "$WORK/bundle.js"
} > "$OUT"
echo "wrote $OUT ($(wc -c < "$OUT") bytes)"
