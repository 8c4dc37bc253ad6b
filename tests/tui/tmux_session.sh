#!/usr/bin/env bash
# tmux_session.sh - drives the real blinkdoc binary in a real terminal
# (tmux: send-keys in, capture-pane out) and checks what a person would see:
# three full walks (Boron, Photon, P2), back navigation, changing an earlier
# answer, help, resize, colour (direct, 256, 8, mono) and NO_COLOR, TERM=dumb (screens as text, keys
# as lines), the tap-along counter, mouse
# clicks, Ctrl-C, SIGTERM and crashes (SEGV, ABRT, QUIT) restoring the
# terminal, resuming a saved
# session; with virtual devices (tests/tui/vterm_run, built when
# tests/virtual's library is): the device list following plug and unplug,
# an action with live progress that q stops cleanly, and the flash action
# (file typed, checked, written with a progress bar, ETA and the LED to
# expect; q asks first).
#
# usage: tmux_session.sh BLINKDOC FIXTURE_KB SHIPPED_KB [VTERM_RUN SCENARIO_DIR [MKMODULE]]
# Every wait is bounded (WAIT_S); a failed check prints the screen it saw.
set -u
BIN=$1
FIXTURE=$2
SHIPPED=$3
VTERM=${4:-}
SCEN=${5:-}
MKMODULE=${6:-}
WAIT_S=${WAIT_S:-15}
HERE=$(cd "$(dirname "$0")" && pwd)

T=$(mktemp -d /tmp/bdtmux.XXXXXX)
SOCK=$T/sock
KB=$T/kb
mkdir -p "$KB/tree"
cp "$SHIPPED/facts.json" "$SHIPPED/devices.json" "$FIXTURE/leds.json" "$FIXTURE/sos.json" "$KB/"
cp "$FIXTURE"/tree/*.json "$KB/tree/"
# The fixture with backup and flash actions (tests/tui/kb/recovery).
KBREC=$T/kb-recovery
mkdir -p "$KBREC/tree"
cp "$KB"/*.json "$KBREC/"
cp "$HERE"/kb/recovery/tree/*.json "$KBREC/tree/"
# Keys must reach blinkdoc as its terminfo spells them.
printf 'set -g default-terminal xterm-256color\n' > "$T/tmux.conf"
failures=0
current=""

cleanup() {
	tmux -S "$SOCK" kill-server 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

fail() {
	echo "FAIL [$current]: $*"
	failures=$((failures + 1))
}

# start NAME "ENV=... ..." "PREFIX COMMAND" "ARGS" [KB]: blinkdoc in a new
# 80x24 terminal; its exit status and the terminal settings afterwards are
# kept.
start() {
	local name=$1 envs=${2:-} prefix=${3:-} args=${4:-} kb=${5:-$KB}
	local state=$T/state-$name
	mkdir -p "$state"
	rm -f "$T/$name.exit" "$T/$name.stty"
	tmux -S "$SOCK" -f "$T/tmux.conf" new-session -d -s "$name" -x 80 -y 24 \
		"env -i PATH='$PATH' HOME='$state' XDG_STATE_HOME='$state' TERM=xterm-256color \
		 LC_ALL=C.UTF-8 BLINKDOC_UI_TRANSPORTS=off ASAN_OPTIONS='${ASAN_OPTIONS:-}' $envs \
		 $prefix '$BIN' $args --knowledge '$kb'; echo \$? > '$T/$name.exit'; \
		 stty -a > '$T/$name.stty' 2>&1; sleep 120"
}

screen() { tmux -S "$SOCK" capture-pane -p -t "$1"; }
screen_esc() { tmux -S "$SOCK" capture-pane -p -e -t "$1"; }
keys() { local n=$1; shift; tmux -S "$SOCK" send-keys -t "$n" "$@"; }

# wait_for NAME TEXT: until the screen shows TEXT (fixed string).
wait_for() {
	local name=$1 text=$2 i
	for ((i = 0; i < WAIT_S * 10; i++)); do
		if screen "$name" | grep -qF -- "$text"; then
			return 0
		fi
		sleep 0.1
	done
	fail "screen never showed \"$text\"; it shows:"
	screen "$name" | sed 's/^/    | /'
	return 1
}

# wait_re NAME REGEX: until a line of the screen matches REGEX (grep -E).
wait_re() {
	local name=$1 re=$2 i
	for ((i = 0; i < WAIT_S * 10; i++)); do
		if screen "$name" | grep -qE -- "$re"; then
			return 0
		fi
		sleep 0.1
	done
	fail "screen never matched /$re/; it shows:"
	screen "$name" | sed 's/^/    | /'
	return 1
}

# wait_exit NAME CODE: blinkdoc ended with CODE and left the terminal sane.
wait_exit() {
	local name=$1 want=$2 i
	for ((i = 0; i < WAIT_S * 10; i++)); do
		[ -s "$T/$name.stty" ] && break
		sleep 0.1
	done
	if [ ! -s "$T/$name.exit" ]; then
		fail "blinkdoc did not exit"
		screen "$name" | sed 's/^/    | /'
		return 1
	fi
	local got
	got=$(cat "$T/$name.exit")
	[ "$got" = "$want" ] || fail "exit status $got, expected $want"
	grep -qE '(^| )icanon( |$)' "$T/$name.stty" || fail "terminal left without icanon"
	grep -qE '(^| )echo( |$)' "$T/$name.stty" || fail "terminal left without echo"
	tmux -S "$SOCK" kill-session -t "$name" 2>/dev/null
}

device() { keys "$1" / "$2" Enter; wait_for "$1" "What does the status LED on your"; }

t_walk_boron() {
	current=walk-boron
	start wb
	wait_for wb "Which device needs help?" || return
	wait_for wb "blinkdoc cannot look for devices on this computer"
	device wb bor
	keys wb Down Enter
	wait_for wb "Does it stop after a while?" || return
	wait_for wb "Your Boron looks for its cellular network."
	keys wb Down Enter
	wait_for wb "Is the antenna attached?" || return
	keys wb Enter
	wait_for wb "[ ] 1.  Unplug the USB cable of your Boron." || return
	keys wb Space Down Enter
	wait_for wb "[x] 2.  Wait a minute."
	keys wb Enter
	wait_for wb "Did that help?" || return
	keys wb Down Down Enter
	wait_for wb "Ask support" || return
	keys wb Enter
	wait_for wb "The support bundle command is not available" || return
	keys wb Enter
	wait_for wb "blinkdoc-support-"
	keys wb q
	wait_exit wb 0
}

t_walk_photon_action() {
	current=walk-photon-action
	start wp
	wait_for wp "Which device needs help?" || return
	device wp photon
	keys wp Down Enter
	wait_for wp "Does it stop after a while?" || return
	keys wp Down Enter
	wait_for wp "Read the device ID" || return
	wait_for wp "Not possible here: device access is switched off"
	wait_for wp "Time limit: 0:25."
	wait_for wp "Your LED meanwhile: The LED keeps blinking."
	wait_for wp "Continue the manual way" || return
	keys wp Enter
	wait_for wp "Ask support"
	keys wp q
	wait_exit wp 0
}

t_walk_p2_sos() {
	current=walk-p2-sos
	start w2
	wait_for w2 "Which device needs help?" || return
	device w2 p2
	keys w2 Down Down Down Down Enter
	wait_for w2 "How many blinks come after the SOS?" || return
	keys w2 1 5
	wait_for w2 "red, an SOS then a count (15 blinks)"
	keys w2 Enter
	wait_for w2 "Secure fault" || return
	wait_for w2 "Code in the wrong memory area."
	keys w2 q
	wait_exit w2 0
}

t_back_and_change() {
	current=back-and-change
	start bc
	wait_for bc "Which device needs help?" || return
	device bc bor
	keys bc Down Enter
	wait_for bc "Does it stop after a while?" || return
	keys bc Down Enter
	wait_for bc "Is the antenna attached?" || return
	keys bc BSpace
	wait_for bc "Does it stop after a while?" || return
	keys bc Left
	wait_for bc "What does the status LED on your Boron look like?" || return
	keys bc BSpace
	wait_for bc "Which device needs help?" || return
	keys bc Enter
	wait_for bc "Does it stop after a while?" || return
	keys bc Down Enter
	keys bc Enter
	wait_for bc "Cold boot" || return
	keys bc w
	wait_for bc "Why am I here?" || return
	wait_for bc "Is the antenna attached?     Yes  (your answer)"
	keys bc End Enter
	wait_for bc "Change your answer: Is the antenna attached?" || return
	keys bc Down Enter
	wait_for bc "Changed. Answers that depended on the old one were dropped." || return
	wait_for bc "Attach the antenna."
	keys bc q
	wait_exit bc 0
}

t_help_resize() {
	current=help-resize
	start hr
	wait_for hr "Which device needs help?" || return
	keys hr ?
	wait_for hr "Help: keys" || return
	wait_for hr "Backspace, Del, C-h, Left"
	keys hr Escape
	wait_for hr "Which device needs help?" || return
	tmux -S "$SOCK" resize-window -t hr -x 50 -y 15
	wait_for hr "This terminal is 50x15." || return
	tmux -S "$SOCK" resize-window -t hr -x 100 -y 30
	wait_for hr "Which device needs help?" || return
	screen hr | grep -qF "Electron 2     platform 37" || fail "no reflow at 100x30"
	tmux -S "$SOCK" resize-window -t hr -x 80 -y 24
	wait_for hr "Which device needs help?"
	keys hr q
	wait_exit hr 0
}

t_colour_and_no_color() {
	current=colour
	start co
	wait_for co "Which device needs help?" || return
	device co bor
	sleep 0.3
	screen_esc co | grep -q $'\e\\[38;5;' || fail "no 256-colour swatch in a colour terminal"
	keys co q
	wait_exit co 0
	current=no-color
	start nc "NO_COLOR=1"
	wait_for nc "Which device needs help?" || return
	device nc bor
	wait_for nc "cyan (light blue), slowly fading in and out"
	wait_for nc "3.0 s:"
	keys nc Down Down
	wait_for nc "c=cyan r=red"
	if screen_esc nc | grep -qE $'\e\\[(38;5;[0-9]+|3[0-7]|9[0-7])(;[0-9]+)*m'; then
		fail "colour escape sequences with NO_COLOR set"
	fi
	keys nc q
	wait_exit nc 0
}

# colour_sgr NAME: the colour escapes on the screen, one per line.
colour_sgr() { screen_esc "$1" | grep -oE $'\e\\[[0-9;:]*m' | sort -u; }

# Colour degrades with the terminal: direct colour (terminfo RGB), 256, 8
# (a TERM=xterm terminal, or BLINKDOC_COLORS=8), monochrome; the swatches
# and the words stay in every case.
t_colour_depths() {
	local name sgr
	if command -v tic >/dev/null; then
		current=colour-direct
		mkdir -p "$T/terminfo"
		printf '%s\n' 'bd-direct|xterm-256color with direct colour (blinkdoc tests),' \
			'	RGB, colors#0x1000000, pairs#0x10000,' \
			'	setaf=\E[%?%p1%{8}%<%t3%p1%d%e38:2::%p1%{65536}%/%d:%p1%{256}%/%{255}%&%d:%p1%{255}%&%d%;m,' \
			'	setab=\E[%?%p1%{8}%<%t4%p1%d%e48:2::%p1%{65536}%/%d:%p1%{256}%/%{255}%&%d:%p1%{255}%&%d%;m,' \
			'	use=xterm-256color,' > "$T/terminfo/bd-direct.src"
		if tic -x -o "$T/terminfo" "$T/terminfo/bd-direct.src" 2>/dev/null; then
			start cd "TERM=bd-direct TERMINFO='$T/terminfo'"
			wait_for cd "Which device needs help?" || return
			device cd bor
			sleep 0.3
			# Breathing cyan of the knowledge base, exactly: #00e5ff.
			colour_sgr cd | grep -q $'\e\\[38;2;0;229;255m' ||
				fail "no direct-colour swatch with TERM=bd-direct"
			keys cd q
			wait_exit cd 0
		else
			echo "skip [$current]: tic cannot build a direct-colour entry"
		fi
	else
		echo "skip [colour-direct]: no tic"
	fi
	for name in 8:"BLINKDOC_COLORS=8" xterm:"TERM=xterm" mono:"BLINKDOC_COLORS=mono"; do
		current=colour-${name%%:*}
		start cd "${name#*:}"
		wait_for cd "Which device needs help?" || return
		device cd bor
		wait_for cd "cyan (light blue), slowly fading in and out"
		sleep 0.3
		sgr=$(colour_sgr cd)
		if echo "$sgr" | grep -qE $'\e\\[38;[25];'; then
			fail "256 or direct colours with ${name#*:}"
		fi
		if [ "${name%%:*}" = mono ]; then
			echo "$sgr" | grep -qE $'\e\\[(3[0-7]|9[0-7])m' && fail "colours with BLINKDOC_COLORS=mono"
		else
			echo "$sgr" | grep -q $'\e\\[36m' || fail "no 8-colour cyan swatch with ${name#*:}"
		fi
		screen cd | grep -qF '] cyan, breathing' || fail "no swatch"
		keys cd q
		wait_exit cd 0
	done
}

t_tap_along() {
	current=tap-along
	start ta
	wait_for ta "Which device needs help?" || return
	device ta bor
	keys ta t
	wait_for ta "Which colour is the light?" || return
	keys ta Down Enter
	wait_for ta "Tap along with the green light" || return
	for _ in 1 2 3 4 5 6; do
		keys ta Space
		sleep 0.6
	done
	wait_for ta ": blinking." || return
	keys ta c
	wait_for ta "0 taps" || return
	keys ta Space Space Space Space Space Space Space Space Space Space
	wait_for ta "fast blinking" || return
	keys ta c
	for _ in 1 2 3 4 5 6; do
		keys ta Space
		sleep 0.6
	done
	wait_for ta "Use this: blinking" || return
	keys ta Enter
	wait_for ta "Does it stop after a while?"
	keys ta q
	wait_exit ta 0
}

t_mouse() {
	current=mouse
	start mo
	wait_for mo "Which device needs help?" || return
	# An SGR mouse press and release on row 10, column 8 (1-based): Photon.
	tmux -S "$SOCK" send-keys -t mo -l $'\e[<0;8;10M\e[<0;8;10m'
	wait_for mo "What does the status LED on your Photon look like?"
	keys mo q
	wait_exit mo 0
}

t_ctrl_c_and_resume() {
	current=ctrl-c
	start cc
	wait_for cc "Which device needs help?" || return
	device cc bor
	keys cc Down Enter
	wait_for cc "Does it stop after a while?" || return
	keys cc Down Enter
	wait_for cc "Is the antenna attached?" || return
	keys cc C-c
	wait_exit cc 130
	[ -s "$T/state-cc/blinkdoc/session.json" ] || fail "no saved session after Ctrl-C"
	current=resume-offer
	start cc
	wait_for cc "Welcome back" || return
	wait_for cc "Boron, at \"Is"
	keys cc Enter
	wait_for cc "Is the antenna attached?"
	keys cc q
	wait_exit cc 0
	current=resume-option
	start cc "" "" "--resume"
	wait_for cc "Welcome back: continuing where you left off." || return
	keys cc q
	wait_exit cc 0
}

# A crash (SEGV, ABRT, QUIT) or a polite kill (TERM) in the middle of a
# walk: the terminal is restored either way; TERM also saves the session.
t_crash() {
	local sig code child
	for sig in SEGV:139 ABRT:134 QUIT:131 TERM:143; do
		code=${sig#*:}
		sig=${sig%:*}
		current=crash-$sig
		start cr
		wait_for cr "Which device needs help?" || return
		device cr bor
		keys cr Down Enter
		wait_for cr "Does it stop after a while?" || return
		child=$(pane_child cr)
		[ -n "$child" ] || { fail "no blinkdoc process under the pane"; return; }
		kill -"$sig" "$child"
		wait_exit cr "$code"
		if [ "$sig" = TERM ]; then
			[ -s "$T/state-cr/blinkdoc/session.json" ] || fail "no saved session after SIGTERM"
		fi
		rm -rf "$T/state-cr"
	done
}

line() { tmux -S "$SOCK" send-keys -t "$1" -l "$2"; tmux -S "$SOCK" send-keys -t "$1" Enter; }

t_dumb_terminal() {
	current=term-dumb
	start du "TERM=dumb"
	wait_for du "keys>" || return
	tmux -S "$SOCK" capture-pane -p -S -100 -t du | grep -qF "cannot move the cursor (TERM=dumb)" ||
		fail "no word on why the screens come as text"
	line du "/ bor Enter"
	wait_for du "What does the status LED on your Boron look like?" || return
	line du "Down"
	line du ""
	wait_for du "Does it stop after a while?" || return
	line du "Down Enter"
	wait_for du "Is the antenna attached?" || return
	if screen_esc du | grep -q $'\e\\['; then
		fail "escape sequences sent to a dumb terminal"
	fi
	line du "q"
	wait_exit du 0
}

# pid of the program tmux started in a session's pane (env, then exec).
pane_child() {
	local pane
	pane=$(tmux -S "$SOCK" display -p -t "$1" '#{pane_pid}')
	ps -o pid= --ppid "$pane" | tr -d ' '
}

t_device_list_live() {
	current=device-list-live
	if [ -z "$VTERM" ]; then
		echo "skip [$current]: no virtual devices (tests/virtual not built)"
		return
	fi
	start dl "BLINKDOC_UI_TRANSPORTS=on" "'$VTERM' --scenario '$SCEN/boron-plug.json' --"
	wait_for dl "Connected now" || return
	wait_for dl "Boron        " || return
	wait_for dl "e00fce68b2f4a1c3d5e6f708  /dev/ttyACM0" || return
	local helper
	helper=$(pane_child dl)
	kill -USR1 "$helper"
	wait_for dl "No Particle device found on USB or serial." || return
	kill -USR2 "$helper"
	wait_for dl "e00fce68b2f4a1c3d5e6f708" || return
	keys dl Enter
	wait_for dl "What does the status LED on your Boron look like?"
	wait_for dl "Boron (e00fce68"
	keys dl q
	wait_exit dl 0
}

t_action_progress() {
	current=action-progress
	if [ -z "$VTERM" ]; then
		echo "skip [$current]: no virtual devices (tests/virtual not built)"
		return
	fi
	start ap "BLINKDOC_UI_TRANSPORTS=on" "'$VTERM' --scenario '$SCEN/photon-slow.json' --"
	wait_for ap "Connected now" || return
	wait_for ap "3a0028000447343233323032"
	keys ap Enter
	wait_for ap "What does the status LED on your Photon look like?" || return
	keys ap Down Enter
	wait_for ap "Does it stop after a while?" || return
	keys ap Down Enter
	wait_for ap "Run it now" || return
	keys ap Enter
	wait_for ap "Working: read the device ID" || return
	wait_for ap "of at most 0:25"
	wait_for ap "Your LED meanwhile: The LED keeps blinking."
	wait_for ap "q stops it (asks first)."
	keys ap q
	wait_for ap "Stop \"Read the device ID\" and quit?" || return
	keys ap n
	# Let it finish: each console reply starts 1.8 s late.
	wait_for ap "Done: device 3a0028000447343233323032" || return
	keys ap r
	wait_for ap "Start over? Your answers so far are dropped." || return
	keys ap y
	wait_for ap "Connected now" || return
	keys ap Enter
	wait_for ap "What does the status LED on your Photon look like?" || return
	keys ap Down Enter
	wait_for ap "Does it stop after a while?" || return
	keys ap Down Enter
	wait_for ap "Run it now" || return
	keys ap Enter
	wait_for ap "Working: read the device ID" || return
	keys ap q
	wait_for ap "Stop \"Read the device ID\" and quit?" || return
	keys ap y
	wait_exit ap 0
	grep -q "stopped by the person" "$T/state-ap/blinkdoc/session.json" ||
		fail "the transcript does not say the action was stopped"
}

t_flash_progress() {
	current=flash-progress
	if [ -z "$VTERM" ] || [ -z "$MKMODULE" ]; then
		echo "skip [$current]: no virtual devices (tests/virtual not built)"
		return
	fi
	mkdir -p "$T/state-fp"
	"$MKMODULE" "$T/state-fp" tinker.bin 13 0xB4000 200000 || { fail "no module file"; return; }
	start fp "BLINKDOC_UI_TRANSPORTS=on" \
		"'$VTERM' --scenario '$SCEN/boron-flash-slow.json' --" "" "$KBREC"
	wait_for fp "e00fce68b2f4a1c3d5e6f708" || return
	keys fp Enter
	wait_for fp "What does the status LED on your Boron look like?" || return
	keys fp Down Down Down Down Enter
	wait_for fp "How many blinks come after the SOS?" || return
	keys fp 1 Enter
	wait_for fp "It did not help: go on" || return
	keys fp Enter
	wait_for fp "Fresh firmware over USB" || return
	keys fp Down Enter
	wait_for fp "Where the copy goes:" || return
	keys fp Enter
	wait_for fp "Done: the copy of the app is in" || return
	ls "$T/state-fp/blinkdoc/"backup-e00fce68b2f4a1c3d5e6f708-*.bin >/dev/null 2>&1 ||
		fail "no backup file in the state directory"
	wait_for fp "The firmware file to write (.bin):" || return
	tmux -S "$SOCK" send-keys -t fp -l "~/tink"
	keys fp Tab
	wait_for fp "[~/tinker.bin" || return
	keys fp Enter
	wait_for fp "Fits this Boron: user part 1, version 6, 200064 bytes" || return
	keys fp Enter
	wait_for fp "Working: write a firmware file to the device and check it" || return
	wait_for fp "Your LED meanwhile: It blinks yellow while the file is written"
	# The bar, its percentage, the phase in words and the time left.
	wait_re fp '^  \[.*\] +[0-9]+%  writing  about [0-9]+:[0-9]{2} left$' || return
	keys fp q
	wait_for fp "Stop \"Flash Tinker\" and quit?" || return
	keys fp n
	wait_for fp "Done: flashed and verified 200064 bytes at 0x000b4000" || return
	wait_for fp "Tinker is on it"
	keys fp q
	wait_exit fp 0
}

t_walk_boron
t_walk_photon_action
t_walk_p2_sos
t_back_and_change
t_help_resize
t_colour_and_no_color
t_colour_depths
t_dumb_terminal
t_tap_along
t_mouse
t_ctrl_c_and_resume
t_crash
t_device_list_live
t_action_progress
t_flash_progress

if [ "$failures" -ne 0 ]; then
	echo "$failures check(s) failed"
	exit 1
fi
echo "all terminal checks passed"
