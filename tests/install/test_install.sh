#!/usr/bin/env bash
# The .deb as a user gets it: built with CPack, unpacked into an empty root (dpkg -x; the closest
# container-free equivalent of `apt install`: nothing below is read from the build tree), validated, and
# run from there: gpo --version, gpo demo, the studio offscreen, and the example plugin built out of tree
# against the installed SDK, loaded through GPO_PLUGIN_PATH, importing and verifying data.
# Usage: test_install.sh BUILD_DIR
set -euo pipefail
build="$(cd "$1" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
unset GPO_SHARE_DIR GPO_PLUGIN_PATH
export GPO_JOBS_DIR="$work/jobs"

echo "== packaging"
(cd "$build" && cpack -G DEB -B "$work/pkg" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
deb="$(ls "$work"/pkg/gpo-studio_*.deb)"
depends="$(dpkg-deb -f "$deb" Depends)"
echo "Depends: $depends"
for lib in libtorch libqt6widgets6 libsqlite3 libopenblas0-openmp; do
  grep -q "$lib" <<<"$depends" || { echo "the package does not depend on $lib"; exit 1; }
done
root="$work/root"
dpkg -x "$deb" "$root"
usr="$root/usr"

echo "== desktop integration"
desktop-file-validate "$usr/share/applications/gpo-studio.desktop"
appstreamcli validate --no-net "$usr/share/metainfo/io.github.gpostudio.GpoStudio.metainfo.xml"
grep -q 'glob pattern="\*.gpo"' "$usr/share/mime/packages/gpo-studio.xml"
grep -q '^MimeType=application/x-gpo-project;' "$usr/share/applications/gpo-studio.desktop"
for size in 16 32 48 128 256; do test -s "$usr/share/icons/hicolor/${size}x${size}/apps/gpo-studio.png"; done
test -s "$usr/share/icons/hicolor/scalable/apps/gpo-studio.svg"

echo "== gpo from the installed files"
cd "$work"
"$usr/bin/gpo" --version | tee version.txt
grep -q '^gpo 0\.1\.0 (commit .*), LibTorch 1\.13\.., CUDA ' version.txt
"$usr/bin/gpo" demo -p demo.gpo --train 0 --test 4 --eval-problems 4 --analysis-rollouts 0 --json >demo.json
grep -q '"ok":true' demo.json
grep -q "$usr/share/gpo/demo-policy" < <("$usr/bin/gpo" doctor --json)

echo "== the studio, offscreen"
QT_QPA_PLATFORM=offscreen "$usr/bin/gpo-studio" demo.gpo --screenshot studio.png --screenshot-after 3000
test -s studio.png

echo "== the example plugin, out of tree"
cp -r "$usr/share/doc/gpo-studio/examples/think_traces" plugin-src
cmake -S plugin-src -B plugin-build -DCMAKE_PREFIX_PATH="$usr" -DCMAKE_BUILD_TYPE=Release >plugin.log 2>&1 \
  || { cat plugin.log; exit 1; }
cmake --build plugin-build >>plugin.log 2>&1 || { cat plugin.log; exit 1; }
export GPO_PLUGIN_PATH="$work/plugin-build"
"$usr/bin/gpo" plugins --json >plugins.json
grep -q '"name":"think-traces"' plugins.json
grep -q '"failures":\[\]' plugins.json
cat >traces.jsonl <<'EOF'
{"problem": "What is 6 * 7?", "answer": "42", "model": "r1-like", "verifier": "answer-tag", "response": "<think>\nSix sevens.\n\n6 * 7 = 42.\n</think>\n<answer>42</answer>"}
{"problem": "What is 2 + 2?", "answer": "4", "model": "r1-like", "verifier": "answer-tag", "response": "<think>\nTwo and two.\n\nThat makes 5.\n</think>\n<answer>5</answer>"}
{"problem": "What is 1,000 + 234?", "answer": "1234", "model": "r1-like", "verifier": "answer-tag", "response": "<think>\nAdd them.\n</think>\n<answer>1,234</answer>"}
EOF
"$usr/bin/gpo" import -p traces.gpo -f jsonl --segmenter think-blocks --json traces.jsonl >import.json
grep -q '"trajectories_added":3' import.json
"$usr/bin/gpo" verify -p traces.gpo --json >verify.json
cat verify.json
grep -q '"correct":2' verify.json
"$usr/bin/gpo" show -p traces.gpo 1 --json >show.json
python3 - show.json <<'EOF'
import json, sys
shown = json.load(open(sys.argv[1]))
steps = [s["text"] for s in shown["steps"]]
assert steps == ["Six sevens.", "6 * 7 = 42.", "<answer>42</answer>"], steps
assert shown["verifier"] == "answer-tag" and shown["final_answer"] == "42" and shown["correct"], shown
EOF
echo "installed package works"
