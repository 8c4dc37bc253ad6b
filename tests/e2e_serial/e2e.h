/* e2e.h - helpers of the serial end-to-end tests: run the real blinkdoc
 * binary against virtual devices (bd-vrun), look at what it printed, and run
 * one named cmocka case per CTest test. */
#ifndef E2E_H
#define E2E_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

/* What one run printed.  *_flat are the same texts with every run of white
 * space (line breaks and wrap indentation included) turned into one space,
 * so that messages can be matched however the terminal width wrapped them. */
struct e2e_run {
	int status;
	char *out, *err;
	char *out_flat, *err_flat;
	double secs;     /* wall time of the whole run, bed set-up included */
};

/* The blinkdoc binary and the runner, as built. */
const char *e2e_blinkdoc(void);
const char *e2e_vrun(void);
/* The shipped knowledge directory (source tree). */
const char *e2e_knowledge(void);
/* A scenario argument for bd-vrun: a file of this directory's scenarios/
 * when NAME.json exists there, else NAME (bd-vrun looks it up in
 * tests/virtual/scenarios).  Borrowed static buffer. */
const char *e2e_scenario(const char *name);

/* Runs `bd-vrun --scenario S --timeout T -- blinkdoc ARGS...`; args ends
 * with NULL.  Fails the test if it cannot run. */
void e2e_blinkdoc_run(struct e2e_run *r, const char *scenario, int timeout_s,
		      const char *const args[]);
/* Runs `bd-vrun --scenario S --timeout T -- COMMAND...` (any program). */
void e2e_vrun_run(struct e2e_run *r, const char *scenario, int timeout_s,
		  const char *const command[]);
void e2e_run_free(struct e2e_run *r);

#define E2E_ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
/* blinkdoc against a scenario with the default timeout (60 s). */
#define E2E_BD(r, scenario, ...) e2e_blinkdoc_run((r), (scenario), 60, E2E_ARGS(__VA_ARGS__))

/* Parses stdout as JSON; fails the test (printing the run) if it is not. */
cJSON *e2e_json(const struct e2e_run *r);

/* Assertions that print the run when they fail. */
void e2e_expect_status(const struct e2e_run *r, int status, const char *file, int line);
void e2e_expect_has(const struct e2e_run *r, const char *flat, const char *needle,
		    const char *file, int line);
void e2e_expect_lacks(const struct e2e_run *r, const char *flat, const char *needle,
		      const char *file, int line);
#define expect_status(r, st) e2e_expect_status((r), (st), __FILE__, __LINE__)
/* In stdout / stderr, whitespace-normalised (needle is normalised too). */
#define expect_out(r, s) e2e_expect_has((r), (r)->out_flat, (s), __FILE__, __LINE__)
#define expect_err(r, s) e2e_expect_has((r), (r)->err_flat, (s), __FILE__, __LINE__)
#define expect_no_out(r, s) e2e_expect_lacks((r), (r)->out_flat, (s), __FILE__, __LINE__)
#define expect_no_err(r, s) e2e_expect_lacks((r), (r)->err_flat, (s), __FILE__, __LINE__)

/* JSON accessors that fail the test when the member is missing or of
 * another type. */
const cJSON *e2e_jget(const cJSON *o, const char *key);
const char *e2e_jstr(const cJSON *o, const char *key);
double e2e_jnum(const cJSON *o, const char *key);
bool e2e_jbool(const cJSON *o, const char *key);
void e2e_jnull(const cJSON *o, const char *key);
/* Fails unless o has exactly these members (a NULL-ended list), in any
 * order: the JSON field names are a contract. */
void e2e_jkeys(const cJSON *o, const char *const keys[]);
#define E2E_KEYS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Ends the process with status 77, which CTest reports as "skipped"
 * (SKIP_RETURN_CODE), after saying why: for a case this machine cannot run
 * (not root, a tool missing).  Use before anything needs cleaning up. */
void e2e_skip(const char *why) __attribute__((noreturn));
/* Whether an executable named name is on PATH. */
bool e2e_have_tool(const char *name);

/* Collapses white space runs into one space (new string, caller frees). */
char *e2e_flatten(const char *s);
double e2e_now(void);

/* main() of a test file: no argument runs every case; a case name runs
 * that case only (one CTest test per case); `--list` prints the names;
 * `--check-cases NAME...` fails unless NAMEs are exactly the file's cases
 * (so CMake's list cannot forget one). */
int e2e_main(char **argv, const char *group, const struct CMUnitTest *tests, size_t n);

#endif
