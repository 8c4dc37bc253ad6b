/* picker.h - what the LED picker offers for one device.
 *
 * A *look* is one distinct report a person could give (colour, pattern and,
 * where it matters, a count or a second colour), taken from the `match`
 * lists of the statuses this device can show (`shown_when`).  Statuses that
 * share a look are told apart later by the tree; the picker only asks what
 * the LED looks like.  All S-O-S codes collapse into one look whose count is
 * asked afterwards (nobody should scroll past fifteen red swatches).
 *
 * Each look comes with an animation to draw and words to say it: the first
 * status's own animation when it shows that colour and pattern, otherwise
 * one built from the report with the knowledge base's usual timings.
 * Pure: no curses, no clock.
 */
#ifndef BD_PICKER_H
#define BD_PICKER_H

#include <stdbool.h>
#include <stddef.h>

#include "common/bd_error.h"
#include "common/strbuf.h"
#include "kb.h"
#include "led.h"

/* An animation to draw.  a's strings are borrowed from the kb; a.steps
 * points either into a status (borrowed) or into own (freed by
 * picker_anim_free). */
struct picker_anim {
	struct kb_anim a;
	struct kb_anim_step *own;
};

struct picker_look {
	struct led_report report; /* strings borrowed from the kb; count -1: asked next */
	const struct kb_led *led; /* the first status with this look */
	size_t nstatuses;         /* statuses on this device that share the look */
	bool needs_count;         /* S-O-S: the count of blinks is asked next */
	struct picker_anim anim;
};

struct picker {
	struct picker_look *v;
	size_t n;
};

/* Fills p with the looks of dev in catalogue order.  Returns the number of
 * looks or BD_E_NOMEM.  Free with picker_free. */
int picker_build(const struct kb *kb, const struct kb_device *dev, struct picker *p);
void picker_free(struct picker *p);

/* An animation that shows report r.  status (may be NULL) lends its own
 * animation when it fits the report's pattern and colours.  Returns 0 or
 * BD_E_NOMEM. */
int picker_anim_for(const struct kb *kb, const struct led_report *r, const struct kb_led *status,
		    struct picker_anim *out);
void picker_anim_free(struct picker_anim *pa);

/* The look in plain words, appended to sb: "cyan (light blue), slowly fading
 * in and out"; "red, three short blinks ... (3 blinks)". */
void picker_words(const struct kb *kb, const struct led_report *r, struct strbuf *sb);

/* The look in a few words, for a list row: "cyan, breathing", "red, SOS
 * then 3 blinks", "cyan and red, alternating", "off (no light)". */
void picker_short_words(const struct kb *kb, const struct led_report *r, struct strbuf *sb);

/* Whether a pattern needs a count ("sos", "blink-code") or a second colour
 * ("alternating"). */
bool picker_pattern_counted(const char *pattern);
bool picker_pattern_two_colors(const char *pattern);

#endif
