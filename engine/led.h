/* led.h - LED reports and animations.
 *
 * A *report* is what a person tells about their LED: colour, pattern, and a
 * count (SOS, red blink codes) or a second colour (alternating).  led_match()
 * finds the statuses of the catalogue that fit a report on a device;
 * led_closest() ranks the others when nothing fits.  led_anim_sample() says
 * what an animation shows at a moment, for drawing swatches.  All pure.
 */
#ifndef BD_LED_H
#define BD_LED_H

#include <stddef.h>
#include <stdint.h>

#include "kb.h"

struct led_report {
	const char *color;   /* canonical colour id */
	const char *pattern; /* pattern id */
	int count;           /* -1 when not given */
	const char *color2;  /* NULL when not given */
};

/* Whether status l can appear on device dev (shown_when). */
bool led_shown_on(const struct kb_led *l, const struct kb_device *dev);
/* Whether one of l's reports equals r. */
bool led_report_matches(const struct kb_led *l, const struct led_report *r);

/* Statuses shown on dev that match r; returns how many (fills out[0..max)). */
size_t led_match(const struct kb *kb, const struct kb_device *dev, const struct led_report *r,
		 const struct kb_led **out, size_t max);
/* The statuses shown on dev ordered by how close they are to r (most similar
 * first); returns how many were written. */
size_t led_closest(const struct kb *kb, const struct kb_device *dev, const struct led_report *r,
		   const struct kb_led **out, size_t max);

/* What an animation shows at time t_ms (from its start). */
struct led_sample {
	const char *color; /* colour id, or "off" */
	double level;      /* brightness 0..1 */
};
void led_anim_sample(const struct kb *kb, const struct kb_anim *a, int64_t t_ms,
		     struct led_sample *out);
/* Length of one cycle in ms (0 for steady animations). */
int64_t led_anim_cycle_ms(const struct kb *kb, const struct kb_anim *a);

#endif
