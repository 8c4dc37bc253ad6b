/* kbfix.h - test helper: a throw-away copy of a knowledge directory that a
 * test may break on purpose. */
#ifndef BD_KBFIX_H
#define BD_KBFIX_H

#include <stdbool.h>

/* Copies facts.json and devices.json from shipped/ and every other file
 * (leds.json, sos.json, the tree files) from fixture/ (or from shipped/ when
 * fixture is NULL) into a new temporary directory; returns its path (free()
 * it after kbfix_remove). */
char *kbfix_make(const char *fixture, const char *shipped);
/* Replaces the first occurrence of old with new in dir/rel; false if absent. */
bool kbfix_replace(const char *dir, const char *rel, const char *old, const char *new_text);
/* Writes text to dir/rel (creating or overwriting). */
bool kbfix_write(const char *dir, const char *rel, const char *text);
/* 1-based line of the first occurrence of needle in dir/rel, or 0. */
int kbfix_line_of(const char *dir, const char *rel, const char *needle);
void kbfix_remove(const char *dir);

#endif
