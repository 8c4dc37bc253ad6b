/* kb.h - the knowledge base: devices, facts, LED statuses, SOS codes and the
 * decision tree, loaded from knowledge/ (see knowledge/README.md).
 *
 * struct kb is opaque; the node, LED, device and fact records below are
 * read-only views that live as long as the kb.  kb_load() reports every
 * problem it meets into a struct diag with file:line:col; graph checks
 * (reachability, loops, per-device LED coverage) live in kb_lint.h.
 */
#ifndef BD_KB_H
#define BD_KB_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "expr.h"
#include "facts.h"
#include "platform.h"

struct kb;
struct kb_node;

enum kb_node_type { KB_QUESTION, KB_CHECK, KB_INSTRUCTION, KB_ACTION, KB_CONCLUSION };
enum kb_outcome { KB_OUTCOME_NONE, KB_OUTCOME_HEALTHY, KB_OUTCOME_PROBLEM, KB_OUTCOME_INFO };
enum kb_fact_source { KB_SRC_DEVICE, KB_SRC_LED, KB_SRC_PROBE, KB_SRC_ENGINE, KB_SRC_NODE };

/* "question", ...; "healthy", ...; never NULL. */
const char *kb_node_type_name(enum kb_node_type t);
const char *kb_outcome_name(enum kb_outcome o);

/* A text: the first variant whose condition holds is used. */
struct kb_variant {
	struct expr *when; /* NULL: always */
	char *when_src;
	char *text;
};
struct kb_text {
	struct kb_variant *v;
	size_t n;
};

struct kb_edge {
	struct expr *when; /* NULL: default */
	char *when_src;
	char *target_id;
	const struct kb_node *target; /* NULL if dangling (kb_load reported it) */
};
struct kb_next {
	struct kb_edge *e;
	size_t n;
};

struct kb_option {
	char *value;
	struct kb_text label, hint;
	struct expr *when; /* NULL: shown on every device */
	char *when_src;
	struct kb_next next;
};

enum kb_step_kind { KB_STEP_TEXT, KB_STEP_PROCEDURE };
struct kb_step {
	enum kb_step_kind kind;
	struct expr *when;
	char *when_src;
	struct kb_text text;          /* KB_STEP_TEXT */
	char *proc_id;                /* KB_STEP_PROCEDURE */
	const struct kb_node *proc;
};
struct kb_steps {
	struct kb_step *v;
	size_t n;
};

struct kb_node {
	char *id;
	enum kb_node_type type;
	int file, index;              /* where it was defined (kb_file_path, nodes[index]) */
	struct kb_text title, text;
	char *led;                    /* LED status id template, or NULL */
	char *fact;                   /* fact the answer sets, or NULL */
	int fact_id;                  /* -1 when fact is NULL */
	struct kb_option *opts;
	size_t nopts;
	bool has_input;               /* number input instead of options */
	double in_min, in_max;
	struct kb_steps steps;        /* instruction */
	char *procedure;              /* instruction: inline this node's steps first */
	const struct kb_node *proc;
	char *confirm;
	char *action;                 /* action */
	bool consent;
	struct kb_text expect;
	enum kb_outcome outcome;      /* conclusion */
	struct kb_text cause;
	struct kb_steps fix;
	struct kb_next next;
	char **see;
	const struct kb_node **see_nodes;
	size_t nsee;
	char **covers;
	size_t ncovers;
	bool root;
};

struct kb_color {
	char *id, *rgb, *words;
	unsigned char r, g, b;
	char **aliases;
	size_t naliases;
};
struct kb_pattern {
	char *id, *words;
};

struct kb_match {
	char *color, *pattern, *color2; /* color2 may be NULL */
	int count;                      /* -1 when not part of the report */
};

enum kb_anim_type { KB_ANIM_BREATHE, KB_ANIM_BLINK, KB_ANIM_SOLID, KB_ANIM_OFF, KB_ANIM_SOS,
		    KB_ANIM_ALTERNATE, KB_ANIM_SEQUENCE };
struct kb_anim_step {
	char *color; /* "off" allowed */
	int ms;
	double level;   /* 0..1 */
	bool breathe;   /* fade in and out over ms */
};
struct kb_anim {
	enum kb_anim_type type;
	char *color;              /* breathe, blink, solid */
	char *colors[2];          /* alternate */
	int period_ms, on_ms, off_ms, count;
	struct kb_anim_step *steps;
	size_t nsteps;
	bool repeat;
};

struct kb_led {
	char *id, *title, *name;
	struct expr *shown_when;
	char *shown_src;
	struct kb_match *match;
	size_t nmatch;
	struct kb_anim anim;
	struct kb_text describe, meaning;
	int sos_code;             /* > 0 for generated sos-N statuses */
	int file, index;          /* -1 file for generated statuses */
};

struct kb_sos_timing {
	int short_on_ms, short_off_ms, long_on_ms, long_off_ms, gap_ms, count_on_ms,
		count_off_ms, pause_ms;
};
struct kb_sos {
	int code;
	char *name;
	struct expr *shown_when;
	char *shown_src;
	struct kb_text meaning;
	struct kb_steps causes, fix;
	int file, index;
};

struct kb_fact {
	char *name;
	enum fv_type type;
	enum kb_fact_source source;
	char **values;            /* possible string values, or NULL */
	size_t nvalues;
	char *values_ref;         /* "@led", "@device", "@color", "@pattern" or NULL */
	char *from, *contains;    /* device facts */
	struct fact_value def;    /* FV_NONE when no default */
	char *doc;
	int file, index;          /* facts.json entry, or the node that declared it */
};

struct kb_device {
	char *id, *name;
	int platform_id;
	char **aliases;
	size_t naliases;
	struct fact_store facts;  /* every device.* fact for this device */
	const struct bd_platform *platform;
	int file, index;
};

struct kb_not_covered {
	char *name, *why;
};

/* Loads every file of the knowledge directory.  Problems go to d (which the
 * caller owns and frees); returns the kb even when there were problems so
 * that kb-lint can report them all, or NULL when nothing could be loaded.
 * Use kb_usable(kb, d) before walking. */
struct kb *kb_load(const char *dir, struct diag *d);
void kb_free(struct kb *kb);
bool kb_usable(const struct kb *kb, const struct diag *d);

const char *kb_dir(const struct kb *kb);
/* Path of the i-th loaded file; its text (for locating problems). */
const char *kb_file_path(const struct kb *kb, int file);
const char *kb_file_text(const struct kb *kb, int file, size_t *len);
size_t kb_file_count(const struct kb *kb);

size_t kb_node_count(const struct kb *kb);
const struct kb_node *kb_node_at(const struct kb *kb, size_t i);
const struct kb_node *kb_node_find(const struct kb *kb, const char *id);
/* The node id most similar to id (for "did you mean"), or NULL. */
const char *kb_node_suggest(const struct kb *kb, const char *id);

size_t kb_led_count(const struct kb *kb);
const struct kb_led *kb_led_at(const struct kb *kb, size_t i);
const struct kb_led *kb_led_find(const struct kb *kb, const char *id);

size_t kb_color_count(const struct kb *kb);
const struct kb_color *kb_color_at(const struct kb *kb, size_t i);
/* Finds a colour by id or alias, case-insensitively ("lime" -> green). */
const struct kb_color *kb_color_find(const struct kb *kb, const char *name);
size_t kb_pattern_count(const struct kb *kb);
const struct kb_pattern *kb_pattern_at(const struct kb *kb, size_t i);
const struct kb_pattern *kb_pattern_find(const struct kb *kb, const char *name);

const struct kb_sos *kb_sos_find(const struct kb *kb, int code);
size_t kb_sos_count(const struct kb *kb);
const struct kb_sos *kb_sos_at(const struct kb *kb, size_t i);
const struct kb_sos_timing *kb_sos_timing(const struct kb *kb);

size_t kb_fact_count(const struct kb *kb);
const struct kb_fact *kb_fact_at(const struct kb *kb, int id);
int kb_fact_id(const struct kb *kb, const char *name);
/* Whether value is a possible value of fact id (true when unconstrained). */
bool kb_fact_value_ok(const struct kb *kb, int id, const char *value);

size_t kb_device_count(const struct kb *kb);
const struct kb_device *kb_device_at(const struct kb *kb, size_t i);
/* By id, name, alias or platform id ("13"), case-insensitively. */
const struct kb_device *kb_device_find(const struct kb *kb, const char *name);
const struct kb_device *kb_device_by_platform(const struct kb *kb, int platform_id);
/* A name blinkdoc recognises but cannot diagnose (Tachyon), or NULL. */
const struct kb_not_covered *kb_not_covered_find(const struct kb *kb, const char *name);
/* The platform table for the transports (lives as long as kb). */
const struct bd_platforms *kb_platforms(const struct kb *kb);

#endif
