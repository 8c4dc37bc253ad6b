/* tap.c - the tap-along classifier (see tap.h for the rules). */
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tap_reset(struct tap_log *l, int64_t now_ms)
{
	memset(l, 0, sizeof *l);
	l->start_ms = now_ms;
}

void tap_press(struct tap_log *l, int64_t now_ms)
{
	if (l->n && now_ms < l->t[l->n - 1])
		now_ms = l->t[l->n - 1];
	if (l->n == TAP_MAX) {
		memmove(l->t, l->t + 1, (TAP_MAX - 1) * sizeof l->t[0]);
		l->n--;
	}
	l->t[l->n++] = now_ms;
}

const char *tap_verdict_name(enum tap_verdict v)
{
	switch (v) {
	case TAP_WAITING: return "waiting";
	case TAP_SOLID: return "solid";
	case TAP_BREATHING: return "breathing";
	case TAP_BLINKING: return "blinking";
	case TAP_FAST: return "fast blinking";
	case TAP_SOS: return "SOS";
	case TAP_CODE: return "blink code";
	}
	return "waiting";
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Median of v[0..n) (n > 0); sorts a copy. */
static int64_t median(const int64_t *v, size_t n)
{
	int64_t tmp[TAP_MAX];
	memcpy(tmp, v, n * sizeof *v);
	qsort(tmp, n, sizeof *tmp, cmp_i64);
	return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

struct group {
	size_t first, size; /* presses t[first .. first+size) */
	int64_t pace;       /* median interval inside, 0 for one press */
};

/* The most frequent value of v[0..n); ties go to the latest. */
static int mode_of(const int *v, size_t n, int *times)
{
	int best = -1, best_n = 0;
	for (size_t i = 0; i < n; i++) {
		int k = 0;
		for (size_t j = 0; j < n; j++)
			k += v[j] == v[i];
		if (k >= best_n) {
			best = v[i];
			best_n = k;
		}
	}
	*times = best_n;
	return best;
}

static void set(struct tap_result *r, enum tap_verdict v, const char *pattern)
{
	r->verdict = v;
	r->pattern = pattern;
}

/* Pace of presses that are not separated by a pause. */
static void classify_pace(const int64_t *d, size_t nd, int64_t gap, struct tap_result *r)
{
	int64_t in[TAP_MAX];
	size_t k = 0;
	for (size_t i = 0; i < nd; i++)
		if (d[i] <= gap)
			in[k++] = d[i];
	if (k == 0) {
		/* Only pauses: each press is its own slow flash. */
		memcpy(in, d, nd * sizeof *d);
		k = nd;
	}
	int64_t m = median(in, k);
	r->period_ms = (int)m;
	size_t regular = 0;
	for (size_t i = 0; i < k; i++)
		regular += in[i] * 2 >= m && in[i] <= m * 2;
	r->sure = k >= TAP_SURE_INTERVALS && regular * 4 >= k * 3;
	if (m < TAP_FAST_MS) {
		set(r, TAP_FAST, "fast-blinking");
		snprintf(r->words, sizeof r->words,
			 "Faster than you can follow (about %.0f a second): fast blinking.",
			 m > 0 ? 1000.0 / (double)m : 10.0);
	} else if (m >= TAP_BREATHE_MS) {
		set(r, TAP_BREATHING, "breathing");
		snprintf(r->words, sizeof r->words,
			 "One slow flash about every %.1f seconds: breathing.", (double)m / 1000.0);
	} else {
		set(r, TAP_BLINKING, "blinking");
		snprintf(r->words, sizeof r->words, "About %.1f flashes a second: blinking.",
			 1000.0 / (double)m);
	}
	if (!r->sure)
		snprintf(r->words + strlen(r->words), sizeof r->words - strlen(r->words),
			 " Keep tapping to be sure.");
}

void tap_classify(const struct tap_log *l, int64_t now_ms, struct tap_result *r)
{
	memset(r, 0, sizeof *r);
	r->count = -1;
	set(r, TAP_WAITING, NULL);
	if (l->n == 0) {
		if (now_ms - l->start_ms >= TAP_STEADY_MS) {
			set(r, TAP_SOLID, "solid");
			r->sure = true;
			snprintf(r->words, sizeof r->words,
				 "No flashes for %d seconds: the light looks steady (solid).",
				 TAP_STEADY_MS / 1000);
		} else {
			snprintf(r->words, sizeof r->words,
				 "Press Space each time the light comes on.");
		}
		return;
	}
	if (l->n < 3) {
		snprintf(r->words, sizeof r->words, "Keep going: %zu tap%s so far.", l->n,
			 l->n == 1 ? "" : "s");
		return;
	}
	size_t nd = l->n - 1;
	int64_t d[TAP_MAX];
	for (size_t i = 0; i < nd; i++)
		d[i] = l->t[i + 1] - l->t[i];
	int64_t m = median(d, nd);
	int64_t gap = m * 3 / 2;
	/* Blinks and pauses as two clusters of intervals (at least 2x apart):
	 * when pauses are half of them or more (a code of 2, tapped on into
	 * the next group) the median lands between the clusters; the pause
	 * threshold then goes halfway between them instead. */
	int64_t s[TAP_MAX];
	memcpy(s, d, nd * sizeof *d);
	qsort(s, nd, sizeof *s, cmp_i64);
	size_t jump = 0;
	while (jump + 1 < nd && s[jump] == 0)
		jump++;
	for (size_t i = jump; i + 1 < nd; i++)
		if (s[i] > 0 && s[i + 1] * s[jump] > s[jump + 1] * s[i])
			jump = i;
	if (nd >= 2 && s[jump] > 0 && s[jump + 1] >= 2 * s[jump]) {
		int64_t mid = (s[jump] + s[jump + 1]) / 2;
		if (mid < gap)
			gap = mid;
	}
	if (gap < TAP_GAP_MIN_MS)
		gap = TAP_GAP_MIN_MS;

	/* Groups of presses between pauses. */
	struct group g[TAP_MAX];
	size_t ng = 0;
	g[0].first = 0;
	for (size_t i = 0; i < nd; i++)
		if (d[i] > gap) {
			g[ng].size = i + 1 - g[ng].first;
			ng++;
			g[ng].first = i + 1;
		}
	g[ng].size = l->n - g[ng].first;
	ng++;
	for (size_t i = 0; i < ng; i++)
		g[i].pace = g[i].size > 1 ? median(d + g[i].first, g[i].size - 1) : 0;
	bool paused = now_ms - l->t[l->n - 1] > gap;
	/* Complete groups: not the first (maybe cut), the last only after its pause. */
	size_t last_complete = paused ? ng - 1 : ng - 2;

	if (ng >= 2) {
		int counts[TAP_MAX];
		size_t nc = 0;
		for (size_t i = 0; i + 1 < ng; i++) {
			bool sos = g[i].size >= TAP_SOS_MIN_TAPS && g[i].pace < TAP_SOS_QUICK_MS;
			size_t c = i + 1;
			if (!sos || c > last_complete)
				continue;
			bool c_sos = g[c].size >= TAP_SOS_MIN_TAPS && g[c].pace < TAP_SOS_QUICK_MS;
			if (!c_sos)
				counts[nc++] = (int)g[c].size;
		}
		/* One S-O-S-like group and no count yet: wait for the count.  Two
		 * or more with nothing between them is just quick blinking. */
		size_t sos_groups = 0;
		for (size_t i = 0; i < ng; i++)
			sos_groups += g[i].size >= TAP_SOS_MIN_TAPS && g[i].pace < TAP_SOS_QUICK_MS;
		if (!nc && sos_groups == 1) {
			snprintf(r->words, sizeof r->words,
				 "That looks like an SOS. Now tap each slower blink after it, "
				 "then wait.");
			return;
		}
		if (nc) {
			int times;
			r->count = mode_of(counts, nc, &times);
			r->seen = times;
			r->sure = true;
			set(r, TAP_SOS, "sos");
			snprintf(r->words, sizeof r->words, "SOS, then %d blink%s (seen %d time%s).",
				 r->count, r->count == 1 ? "" : "s", times, times == 1 ? "" : "s");
			return;
		}
		int sizes[TAP_MAX];
		size_t ns = 0;
		bool short_groups = true;
		for (size_t i = 1; i <= last_complete && i < ng; i++) {
			sizes[ns++] = (int)g[i].size;
			short_groups &= g[i].size <= TAP_CODE_MAX_TAPS;
		}
		if (ns >= 2 && short_groups) {
			int times;
			int size = mode_of(sizes, ns, &times);
			if (times >= 2) {
				r->count = size;
				r->seen = times;
				r->sure = true;
				set(r, TAP_CODE, "blink-code");
				snprintf(r->words, sizeof r->words,
					 "%d blink%s, then a pause (seen %d times).", size,
					 size == 1 ? "" : "s", times);
				return;
			}
		}
		bool all_short = true;
		for (size_t i = 0; i < ng; i++)
			all_short &= g[i].size <= TAP_CODE_MAX_TAPS;
		if (all_short && ns < 2) {
			snprintf(r->words, sizeof r->words,
				 "I see pauses between blinks; keep tapping so I can count them.");
			return;
		}
	}
	classify_pace(d, nd, gap, r);
}
