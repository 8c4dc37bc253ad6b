/* printers.h - the text and JSON implementations of the engine's report
 * sink (engine/report.h), used by `diagnose` (and the support bundle). */
#ifndef BD_PRINTERS_H
#define BD_PRINTERS_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "report.h"

struct text_printer {
	FILE *f;
	int width;
	int nsteps;
	const struct kb_device *dev;
	bool transcript; /* also print the transcript (-v) */
	char *explanation; /* printed once; a question repeating it skips it */
	bool headed;       /* something was printed (blank lines go between parts) */
};
void text_printer_init(struct text_printer *p, FILE *f, bool transcript);
struct report_sink text_printer_sink(struct text_printer *p);

struct json_printer {
	cJSON *root;
	cJSON *steps, *transcript;
};
/* The JSON object under construction; add fields to root freely. */
void json_printer_init(struct json_printer *p);
struct report_sink json_printer_sink(struct json_printer *p);
/* Prints the object (pretty) to f and frees it. */
void json_printer_finish(struct json_printer *p, FILE *f);

#endif
