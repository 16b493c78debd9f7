#!/usr/bin/env bash
# Text captures of the main screens for the README (docs/screens/*.txt), taken from the real app
# in tmux over a fresh demo community. Usage: scripts/capture-screens.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATION=$ROOT/.venv/bin/station
WORK=$(mktemp -d)
SESSION="station-capture-$$"
OUT=$ROOT/docs/screens
PASSWORD="Capture-2026"
export LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_STATE_HOME="$WORK/state" TERM=xterm-256color
trap 'tmux kill-session -t "$SESSION" 2>/dev/null || true; rm -rf "$WORK"' EXIT

cat >"$WORK/station.toml" <<TOML
[station]
name = "幸福里社区服务站"
community = "幸福里社区"
community_code = "XFL"

[database]
url = "sqlite:///$WORK/station.db"
TOML
"$STATION" --config "$WORK/station.toml" demo --households 300 --seed 7 >/dev/null 2>&1
printf '%s\n' "$PASSWORD" | "$STATION" --config "$WORK/station.toml" user add zhanzhang --name 周站长 \
    --role director --password-stdin >/dev/null

keys() { tmux send-keys -t "$SESSION" "$@"; sleep 1; }
capture() { sleep 1.5; tmux capture-pane -p -t "$SESSION" | sed 's/[[:space:]]*$//' >"$OUT/$1.txt"; }

mkdir -p "$OUT"
tmux new-session -d -s "$SESSION" -x 100 -y 32 "cd '$WORK' && '$STATION' --config '$WORK/station.toml' run"
sleep 3
tmux send-keys -t "$SESSION" -l "zhanzhang"; keys Tab
tmux send-keys -t "$SESSION" -l "$PASSWORD"; keys Enter
capture dashboard
keys F2; capture ledger
tmux send-keys -t "$SESSION" -l "王"; sleep 1; keys Enter; keys Enter; capture household
keys Escape; keys F3; capture registers
keys F4; keys C-w; capture visits-due
keys F5; capture requests
keys C-q
echo "captures in $OUT"
