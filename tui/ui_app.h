/* ui_app.h - what the guided session's files share: the application state,
 * the screens' ops table, the flags key handlers return.  Only tui/ui_*.c
 * include it; it does not include <curses.h> (ui_term.c alone talks to the
 * terminal; screens draw into a ui_canvas).
 *
 * Rules the screens follow (docs/style, tig and htop):
 *  - each screen is an ops row: draw() repaints everything from the state
 *    (never a copy of engine state), key() handles one command and returns
 *    UI_* flags; only the loop redraws, saves and quits;
 *  - the engine owns the walk: screens call session_* and read it back.
 */
#ifndef BD_UI_APP_H
#define BD_UI_APP_H

#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "actions.h"
#include "kb.h"
#include "led.h"
#include "picker.h"
#include "session.h"
#include "tap.h"
#include "transport.h"
#include "ui_canvas.h"
#include "ui_keys.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* Flags a key handler returns. */
enum {
	UI_REDRAW = 1,  /* the screen changed */
	UI_QUIT = 2,    /* leave the session */
	UI_SAVE = 4,    /* the walk changed: write the transcript */
};

/* Smallest terminal the layouts are made for. */
#define UI_MIN_W 60
#define UI_MIN_H 20
/* Frame rate of animations (swatches, spinner, progress). */
#define UI_TICK_MS 100
/* How often the device screen asks the transports what is connected. */
#define UI_DEVICE_POLL_MS 1000
/* How long Ctrl-C or q waits for a cancelled action before leaving anyway. */
#define UI_CANCEL_WAIT_MS 5000

enum ui_screen_id {
	SCR_RESUME,   /* "continue where you left off?" */
	SCR_DEVICE,   /* connected devices, or choose the type */
	SCR_LED,      /* LED picker */
	SCR_COLOR,    /* something else: the colour */
	SCR_PATTERN,  /* something else: the pattern */
	SCR_COUNT,    /* something else / S-O-S: how many blinks */
	SCR_COLOR2,   /* alternating: the second colour */
	SCR_NOMATCH,  /* no status looks like that: the closest ones */
	SCR_TAP,      /* tap-along counter */
	SCR_NODE,     /* the walk: question, check, instruction, action, conclusion */
	SCR_WHY,      /* why am I here */
	SCR_CHANGE,   /* change one earlier answer */
	SCR_SUPPORT,  /* support bundle offer and ticket checklist */
	SCR_HELP,
	SCR_COUNT_
};

struct ui_app;

struct ui_screen_ops {
	const char *name;
	void (*draw)(struct ui_app *a, struct ui_canvas *cv);
	int (*key)(struct ui_app *a, enum ui_cmd cmd, int key);
	const enum ui_cmd *footer; /* commands the footer names, CMD_NONE-terminated */
	bool text_entry;           /* letters are text (search) while this is shown */
};

/* A list's focus and scroll position. */
struct ui_list {
	int focus, top;
};

/* The action worker: one action at a time on its own thread so that the
 * screen keeps repainting (ui_progress.c). */
#define UI_LOG_KEEP 64
struct ui_worker {
	pthread_t th;
	pthread_mutex_t mu;
	bool running;           /* a thread was started and not joined */
	bool done;              /* the thread finished (under mu) */
	const struct kb_node *node;
	char action[32];
	struct action_outcome out;
	char log[UI_LOG_KEEP][200];
	size_t nlog;            /* lines received (the last UI_LOG_KEEP are kept) */
	char phase[32];
	uint64_t pdone, ptotal;
	int64_t started_ms;     /* bd_now_ms() */
	int64_t progress_ms;    /* when the current phase's first report arrived */
	int64_t deadline_ms;    /* the action's limit */
	volatile sig_atomic_t cancel;
	bool cancelled;         /* the person stopped it */
};

enum ui_action_state { ACT_OFFER, ACT_RUNNING, ACT_RESULT };

/* What the person asked for while a yes/no question is shown. */
enum ui_confirm {
	CONFIRM_NONE,
	CONFIRM_QUIT_ACTION,   /* q during an action */
	CONFIRM_BACK_ACTION,   /* Backspace during an action */
	CONFIRM_RESTART,
};

/* A conclusion left with "It did not help: go on": the walk as it stood
 * (a transcript), so that Backspace at the first node of the walk that
 * follows, or its row in "why am I here", returns to the conclusion. */
#define UI_CONT_MAX 4
struct ui_cont {
	char *saved;                    /* transcript JSON of the walk at the conclusion */
	const struct kb_node *conclusion;
	char title[160];                /* its title as it read then */
	size_t nanswers;                /* answers the new walk started with */
	size_t nevents;                 /* events of the session when it was left */
};

/* The file an action node needs ("flash": the firmware to write; "backup":
 * where the copy goes), chosen on the action's screen (ui_file.c). */
struct ui_file {
	const struct kb_node *node;     /* the node it is for; NULL: none needed */
	char text[PATH_MAX];            /* as typed */
	char path[PATH_MAX];            /* ~ expanded: what the action gets */
	bool editing;                   /* letters go into the field */
	bool checked, ok;               /* checked since the last edit; it passed */
	char note[1800];                /* what the check found */
	int note_style;
};

/* Where the tap-along result goes. */
enum ui_tap_purpose { TAP_FOR_PATTERN, TAP_FOR_COUNT };

struct ui_app {
	/* engine */
	struct kb *kb;
	struct session *s;
	bool started;                   /* session_start was called */
	const struct kb_device *dev;    /* device type */
	struct bd_transports *t;        /* NULL: no way to reach devices */
	char no_transports[BD_ERROR_MSG_MAX]; /* why t is NULL or has no backend */
	struct action_env env;

	/* terminal / headless */
	bool headless;
	int64_t vclock;                 /* headless: the fixed clock */
	int64_t clock0;                 /* terminal: when the session started */
	struct ui_canvas cv;
	bool ascii;
	bool still;                     /* no motion: swatches show their first frame */
	volatile sig_atomic_t *interrupted;

	/* navigation */
	enum ui_screen_id screen;
	enum ui_screen_id stack[8];
	int depth;
	struct ui_list list[SCR_COUNT_];
	char msg[300];
	int msg_style;
	enum ui_confirm confirm;
	bool quit_after_cancel, back_after_cancel;

	/* start */
	char state_dir[PATH_MAX];
	char session_path[PATH_MAX + 32];
	struct session *resume;         /* a saved unfinished session on offer */
	char resume_saved[40];
	bool want_resume;               /* --resume */
	const char *want_device;        /* --device */
	struct bd_device_list devs;
	int devs_rc;                    /* last list result (< 0: error) */
	char devs_why[BD_ERROR_MSG_MAX];
	int64_t devs_at;                /* when the list was last read */
	char filter[48];
	bool searching;

	/* LED */
	struct picker picker;
	const struct kb_device *picker_dev;
	struct led_report draft;        /* something else: being put together */
	bool draft_tap;                 /* the colour is asked for the tap-along */
	char number[8];                 /* the number being typed */

	/* tap-along */
	struct tap_log tap;
	enum ui_tap_purpose tap_purpose;
	int64_t tap_flash_at;

	/* walk */
	const struct kb_node *ticks_node;
	bool ticks[64];
	const struct kb_node *change_node;
	enum ui_action_state act;
	const struct kb_node *act_node; /* the node act refers to */
	struct ui_worker w;
	char support_saved[PATH_MAX + 160];
	struct ui_cont cont[UI_CONT_MAX];
	int ncont;
	struct ui_file file;
};

/* ui_main.c */
int64_t ui_now(const struct ui_app *a);
/* The time animations are drawn at (0 when they hold still). */
int64_t ui_anim_now(const struct ui_app *a);
void ui_push(struct ui_app *a, enum ui_screen_id s);
void ui_pop(struct ui_app *a);
void ui_goto(struct ui_app *a, enum ui_screen_id s);
void ui_message(struct ui_app *a, int style, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const struct ui_screen_ops *ui_screen(enum ui_screen_id id);
/* Handles one key (or UI_KEY_CLICK with the click's cell); returns flags. */
int ui_dispatch(struct ui_app *a, int key, int click_y, int click_x);
/* Paints the current screen into a->cv. */
void ui_paint(struct ui_app *a);
/* Regular work between keys: device polling, action progress. */
int ui_tick(struct ui_app *a);

/* ui_draw.c: the frame every screen shares */
struct ui_area {
	int y, x, h, w;
};
/* Header, footer, message line; returns the content area. */
struct ui_area ui_frame(struct ui_app *a, struct ui_canvas *cv, const char *title);
/* Draws a one-line list row: focus marker, text, hit region, cursor. */
void ui_row(struct ui_app *a, struct ui_canvas *cv, int y, int x, int w, bool focus, int id,
	    const char *text, int style);
/* Keeps focus within n items and visible in rows rows. */
void ui_list_fix(struct ui_list *l, int n, int rows);
/* Up/Down/Page/Home/End on a list of n; returns UI_REDRAW if it moved. */
int ui_list_key(struct ui_list *l, enum ui_cmd cmd, int n, int page);
/* Renders a knowledge text for the session (caller frees). */
char *ui_render(struct ui_app *a, const struct kb_text *t);
/* Draws the yes/no question over the screen. */
void ui_draw_confirm(struct ui_app *a, struct ui_canvas *cv);
/* Words for how a node on the path was passed. */
const char *ui_how_words(enum session_how how);

/* ui_session.c: the walk's glue */
int ui_session_save(struct ui_app *a);
void ui_session_forget(struct ui_app *a);
/* Sets the device (a new session when it changes) and opens the LED picker. */
int ui_choose_device(struct ui_app *a, const struct kb_device *dev);
/* Sets the LED report and walks (first time: starts the walk). */
int ui_led_commit(struct ui_app *a, const struct led_report *r);
/* Starts the walk without an LED report (the tree asks). */
int ui_led_skip(struct ui_app *a);
/* Drops answers the walk no longer uses (after a fact changed). */
void ui_session_prune(struct ui_app *a);
/* Back from the walk: undo an answer, or leave to the LED picker. */
int ui_session_back(struct ui_app *a);
int ui_session_restart(struct ui_app *a);
/* "It did not help: go on": from the conclusion the walk is at to next (the
 * conclusion's next as the facts decide it). */
int ui_session_go_on(struct ui_app *a, const struct kb_node *next);
/* Back to the conclusion left last (Backspace at the first node after it). */
int ui_session_return(struct ui_app *a);
/* Forgets the conclusions left behind. */
void ui_session_cont_clear(struct ui_app *a);
/* Offers/loads a saved session. */
void ui_session_check_saved(struct ui_app *a);
int ui_session_resume(struct ui_app *a);

/* ui_swatch.c: LED drawing */
uint32_t ui_color_rgb(const struct kb *kb, const char *color);
/* Draws the animation at time t_ms as a w-cell swatch. */
void ui_swatch(struct ui_app *a, struct ui_canvas *cv, int y, int x, int w,
	       const struct kb_anim *anim, int64_t t_ms);
/* Draws one cycle as a text timeline (shade strip, wrapped over up to
 * max_rows rows for long cycles, or one strip plus a colour-letter strip and
 * a legend when more than one colour shows); returns rows used. */
int ui_timeline(struct ui_app *a, struct ui_canvas *cv, int y, int x, int w,
		const struct kb_anim *anim, int max_rows);
/* Fills buf with the timeline strip of width w (pure; for tests too). */
void ui_timeline_text(const struct kb *kb, const struct kb_anim *anim, int w, bool ascii,
		      char *shade, char *colors, size_t size, int64_t *cycle_ms);

/* ui_progress.c: the action worker and progress drawing */
int ui_worker_start(struct ui_app *a, const struct kb_node *n);
/* True once the worker finished (then ui_worker_finish records it). */
bool ui_worker_done(struct ui_app *a);
/* Joins the worker and records the result into the session (unless it was
 * cancelled); returns flags. */
int ui_worker_finish(struct ui_app *a);
/* Waits (bounded by ms) for the worker to finish. */
bool ui_worker_wait(struct ui_app *a, int64_t ms);
/* "[#####.....]  45%" etc. into buf (pure). */
void ui_progress_bar(char *buf, size_t size, int width, uint64_t done, uint64_t total,
		     bool ascii);
/* "0:42" */
void ui_fmt_duration(char *buf, size_t size, int64_t ms);
/* Estimated ms left from progress so far, or -1. */
int64_t ui_eta_ms(uint64_t done, uint64_t total, int64_t elapsed_ms);

/* ui_screen_*.c */
extern const struct ui_screen_ops ui_resume_ops, ui_device_ops, ui_led_ops, ui_color_ops,
	ui_pattern_ops, ui_count_ops, ui_color2_ops, ui_nomatch_ops, ui_tap_ops, ui_node_ops,
	ui_why_ops, ui_change_ops, ui_support_ops, ui_help_ops;
/* ui_screen_device.c */
void ui_devices_poll(struct ui_app *a, bool force);
/* --device: a connected device's ID or a device type; returns 0 or an exit
 * code (after printing why). */
int ui_device_arg(struct ui_app *a, const char *name);
/* ui_screen_led.c */
void ui_led_open(struct ui_app *a);
/* ui_screen_report.c: commits a->draft, or shows the closest statuses when
 * nothing on this device looks like it. */
int ui_draft_commit(struct ui_app *a);
/* ui_screen_tap.c */
void ui_tap_open(struct ui_app *a, enum ui_tap_purpose purpose);
/* ui_screen_action.c (called by the node screen for action nodes) */
void ui_action_draw(struct ui_app *a, struct ui_canvas *cv, struct ui_area r);
int ui_action_key(struct ui_app *a, enum ui_cmd cmd, int key);
/* ui_file.c: the file field of "flash" and "backup" action nodes */
bool ui_file_wanted(const struct kb_node *n);
/* Resets the field when the action node changes (a backup gets a default
 * path in the state directory). */
void ui_file_sync(struct ui_app *a, const struct kb_node *n);
/* Checks the typed file now (never touches the device). */
void ui_file_check(struct ui_app *a);
/* Rows the field and the line under it take at width w. */
int ui_file_rows(struct ui_app *a, int w);
/* Draws the field (row id 0) and what the check found (at most note_max
 * rows of it); returns rows used. */
int ui_file_draw(struct ui_app *a, struct ui_canvas *cv, int y, struct ui_area r, bool focus,
		 int note_max);
/* A key while the field is focused: flags, or -1 when the key is not the
 * field's (the list handles it). */
int ui_file_key(struct ui_app *a, enum ui_cmd cmd, int key);
/* ui_screen_end.c (conclusions) */
void ui_end_draw(struct ui_app *a, struct ui_canvas *cv, struct ui_area r);
int ui_end_key(struct ui_app *a, enum ui_cmd cmd);

#endif
