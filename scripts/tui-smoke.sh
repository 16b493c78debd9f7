#!/usr/bin/env bash
# Drive the real counter app in tmux, as a clerk would on a fresh machine:
# first run → create the administrator (+ demo community) → log in → dashboard → help → lock →
# unlock → search the ledger → register a household → log a visit → receive a request (first
# without a category: refused) → print its receipt → quit.
# Usage: scripts/tui-smoke.sh [station-binary]   (exit 0 = every step showed what it should)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATION=${1:-$ROOT/.venv/bin/station}
WORK=$(mktemp -d)
SESSION="station-smoke-$$"
PASSWORD="Smoke-Test-2026"
export LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_STATE_HOME="$WORK/state" TERM=xterm-256color

cleanup() {
    tmux kill-session -t "$SESSION" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

cat >"$WORK/station.toml" <<EOF
[station]
name = "烟雾测试服务站"
community = "测试社区"
community_code = "SMOKE"

[database]
url = "sqlite:///$WORK/station.db"
EOF

screen_text() { tmux capture-pane -p -t "$SESSION"; }

# Wait until the pane shows $1 (a fixed string), or fail after $2 seconds (default 20).
wait_for() {
    local deadline=$((SECONDS + ${2:-20}))
    until screen_text | grep -qF -- "$1"; do
        if ((SECONDS > deadline)); then
            echo "FAIL: did not see '$1'. The screen was:" >&2
            screen_text >&2
            exit 1
        fi
        sleep 0.2
    done
    echo "ok: $1"
}

# Wait until the pane no longer shows $1 (a fixed string), or fail after 20 seconds.
wait_gone() {
    local deadline=$((SECONDS + 20))
    while screen_text | grep -qF -- "$1"; do
        if ((SECONDS > deadline)); then
            echo "FAIL: '$1' is still on the screen" >&2
            exit 1
        fi
        sleep 0.2
    done
    echo "ok: gone $1"
}

# Keys go in as a fast typist or an ID-card reader sends them: each step's whole sequence in one
# send-keys call, no pause between keys (the app holds typed-ahead keys until the screen they
# belong to is ready: screens/typeahead.py). Only the checks wait, for what the screen shows.
# The one exception is Esc, which must end its burst (see the help step below).
keys() { tmux send-keys -t "$SESSION" "$@"; }

# A tmux server that already runs gives new sessions its own environment, not this script's:
# hand over what the app must see (PYTHONPATH: the checkout under test).
tmux new-session -d -s "$SESSION" -x 100 -y 32 -e LANG="$LANG" -e LC_ALL="$LC_ALL" \
    -e XDG_STATE_HOME="$XDG_STATE_HOME" -e PYTHONPATH="${PYTHONPATH:-}" \
    "cd '$WORK' && '$STATION' --config '$WORK/station.toml' run; echo STATION-EXITED-\$?; sleep 30"

wait_for "首次使用:创建系统管理员"
keys admin Enter 王管理 Enter "$PASSWORD" Enter "${PASSWORD}x" Enter
wait_for "两次输入的密码不一致"
# The second field was cleared for another try; the station is encrypted (ticked already) and
# the demo community is loaded too. The recovery key is shown once before the login.
keys "$PASSWORD" Tab Tab Space C-s
wait_for "恢复密钥:只显示这一次" 30
keys Enter
wait_for "─ 登录 ─" 90
keys wrong-password Enter
wait_for "用户名或密码错误"
keys "$PASSWORD" Enter
wait_for "在住户数"
wait_for "王管理(系统管理员)"
screen_text >"${SMOKE_DASHBOARD_DUMP:-/dev/null}"
keys F1
wait_for "重新读取首页数据"
# Esc ends a burst: Esc and the next key at once is how a terminal sends Alt+key.
keys Escape
wait_gone "重新读取首页数据"
keys C-l
wait_for "已锁屏"
if screen_text | grep -qF "在住户数"; then
    echo "FAIL: the dashboard shows through the lock screen" >&2
    exit 1
fi
keys "$PASSWORD" Enter
wait_for "在住户数"

# The ledger: the whole list first, then a search that follows the keys.
keys F2
wait_for "全部在住 "
keys 王
wait_for "找到"
# Register a two-person household (valid GB 11643 numbers); the new household's file opens.
keys C-n 101 Tab 幸福路8号 Enter \
    张烟测 Tab 11010519800501863X Tab Tab 13812345678 Enter \
    李烟测 Tab 11010519820709864X Tab 妻 C-s
wait_for "已登记 H"
wait_for "138****5678"

# A visit to the new household, found by name: Enter right after the name picks the one hit.
keys F4 C-n 张烟测 Enter
wait_for "走访对象:张烟测"
keys C-s
wait_for "请填写走访内容"
keys 了解家庭情况,已登记入户 C-s
wait_for "已登记走访:张烟测"

# A request at the counter: refused without a category, then received and its receipt printed.
keys F5 C-n
wait_for "受理居民诉求"
keys C-s
wait_for "请选择诉求类别"
keys Enter Down Enter C-f 张烟测 Enter Tab Tab Tab Tab 楼道灯坏了,请尽快修理 C-s  # the first category
wait_for "现在打印受理回执"
keys Enter
wait_for "文件已生成"
if ! ls "$WORK"/data/reports/receipt-*.pdf >/dev/null 2>&1; then
    echo "FAIL: no receipt PDF under data/reports" >&2
    exit 1
fi
keys C-q
wait_for "STATION-EXITED-0"
if grep -rqE '[0-9]{17}[0-9Xx]|1[3-9][0-9]{9}' "$WORK/state" 2>/dev/null; then
    echo "FAIL: the log holds an ID or phone number" >&2
    exit 1
fi

# The terminal goes away under an app that outlives its hang-up (as under `make run`, SIGHUP
# ignored here): it sees standard input gone within seconds and leaves, instead of spinning on
# it at a whole core with the database open (screens/session/terminal.py).
tmux kill-session -t "$SESSION"
tmux new-session -d -s "$SESSION" -x 100 -y 32 -e LANG="$LANG" -e LC_ALL="$LC_ALL" \
    -e XDG_STATE_HOME="$XDG_STATE_HOME" -e PYTHONPATH="${PYTHONPATH:-}" \
    "cd '$WORK' && trap '' HUP && exec '$STATION' --config '$WORK/station.toml' run"
wait_for "用户名"
APP_PID=$(tmux display-message -p -t "$SESSION" '#{pane_pid}')
tmux kill-session -t "$SESSION"
for _ in $(seq 1 40); do
    kill -0 "$APP_PID" 2>/dev/null || break
    sleep 0.25
done
if kill -0 "$APP_PID" 2>/dev/null; then
    echo "FAIL: the app went on running 10 s after its terminal went away" >&2
    kill -9 "$APP_PID" 2>/dev/null || true
    exit 1
fi
echo "ok: 终端断开后退出"
echo "tui-smoke: all steps passed"
