/* transcript.h - saving a session as JSON and loading it again.
 *
 * The file holds the inputs (device, base facts, answers with the facts
 * each action set) and the event log; loading replays the inputs, so a
 * resumed session stands exactly where the saved one stood.  Secrets never
 * reach a session, so they never reach a transcript.
 */
#ifndef BD_TRANSCRIPT_H
#define BD_TRANSCRIPT_H

#include <cjson/cJSON.h>

#include "common/bd_error.h"
#include "session.h"

/* The session as a JSON object (caller deletes). NULL on OOM. */
cJSON *transcript_to_json(const struct session *s);
/* One event as a JSON object (caller deletes). */
cJSON *transcript_event_json(const struct session_event *ev);

/* Writes the transcript to path atomically (temp file + rename). */
int transcript_save(const struct session *s, const char *path, struct bd_error *err);

/* Builds a session from transcript text (pure: no files).  Problems name
 * what is wrong (unknown device, a node that no longer exists, ...). */
struct session *transcript_parse(const struct kb *kb, const char *text, size_t len,
				 struct bd_error *err);
/* Reads and parses a transcript file. */
struct session *transcript_load(const struct kb *kb, const char *path, struct bd_error *err);

#endif
