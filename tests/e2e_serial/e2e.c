/* e2e.c - helpers of the serial end-to-end tests (e2e.h). */
#define _GNU_SOURCE
#include "e2e.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runcmd.h"

#ifndef E2E_BLINKDOC
#error "E2E_BLINKDOC (the blinkdoc binary) must be defined"
#endif
#ifndef E2E_VRUN
#error "E2E_VRUN (the bd-vrun binary) must be defined"
#endif
#ifndef E2E_SCENARIO_DIR
#error "E2E_SCENARIO_DIR must be defined"
#endif

/* Room for bd-vrun itself (bed set-up, SIGTERM grace) beyond COMMAND's own
 * timeout, before run_cmd kills the runner. */
#define E2E_RUNNER_SLACK_S 15

const char *e2e_blinkdoc(void)
{
	return E2E_BLINKDOC;
}

const char *e2e_knowledge(void)
{
	return E2E_KNOWLEDGE;
}

const char *e2e_vrun(void)
{
	return E2E_VRUN;
}

double e2e_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *e2e_scenario(const char *name)
{
	static char path[1024];
	if (strchr(name, '/'))
		return name;
	snprintf(path, sizeof path, "%s/%s.json", E2E_SCENARIO_DIR, name);
	return access(path, R_OK) == 0 ? path : name;
}

void e2e_skip(const char *why)
{
	fprintf(stderr, "SKIPPED: %s\n", why);
	fflush(NULL);
	_exit(77);
}

bool e2e_have_tool(const char *name)
{
	const char *path = getenv("PATH");
	char dir[1024];
	while (path && *path) {
		size_t n = strcspn(path, ":");
		snprintf(dir, sizeof dir, "%.*s/%s", (int)n, path, name);
		if (access(dir, X_OK) == 0)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

char *e2e_flatten(const char *s)
{
	size_t n = strlen(s);
	char *o = malloc(n + 1), *w = o;
	assert_non_null(o);
	bool space = false;
	for (const char *p = s; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			space = true;
			continue;
		}
		if (space && w != o)
			*w++ = ' ';
		space = false;
		*w++ = *p;
	}
	*w = '\0';
	return o;
}

static void print_run(const struct e2e_run *r)
{
	print_error("---- exit status %d after %.1f s\n---- stdout:\n%s\n---- stderr:\n%s\n----\n",
		    r->status, r->secs, r->out ? r->out : "", r->err ? r->err : "");
}

void e2e_vrun_run(struct e2e_run *r, const char *scenario, int timeout_s,
		  const char *const command[])
{
	const char *argv[64];
	char tbuf[16];
	size_t n = 0;
	snprintf(tbuf, sizeof tbuf, "%d", timeout_s);
	argv[n++] = E2E_VRUN;
	argv[n++] = "--scenario";
	argv[n++] = e2e_scenario(scenario);
	argv[n++] = "--timeout";
	argv[n++] = tbuf;
	argv[n++] = "--";
	for (size_t i = 0; command[i] && n < 63; i++)
		argv[n++] = command[i];
	argv[n] = NULL;

	struct run_result rr;
	memset(r, 0, sizeof *r);
	double t0 = e2e_now();
	if (run_cmd(argv, NULL, timeout_s + E2E_RUNNER_SLACK_S, &rr) != 0)
		fail_msg("cannot run %s", E2E_VRUN);
	r->secs = e2e_now() - t0;
	r->status = rr.status;
	r->out = rr.out ? rr.out : strdup("");
	r->err = rr.err ? rr.err : strdup("");
	r->out_flat = e2e_flatten(r->out);
	r->err_flat = e2e_flatten(r->err);
	/* A sanitizer report in the child is a failure whatever its exit code
	 * (ASan exits 1, which is also "problem found"). */
	if (strstr(r->err, "Sanitizer") || strstr(r->err, "runtime error:")) {
		print_run(r);
		fail_msg("the program under test reported a sanitizer error");
	}
	/* bd-vrun's own failures (125) and its timeout (124) are never what a
	 * test means to check. */
	if (r->status == 124 || r->status == 125) {
		print_run(r);
		fail_msg("bd-vrun %s (status %d)", r->status == 124 ? "timed out" : "failed",
			 r->status);
	}
}

void e2e_blinkdoc_run(struct e2e_run *r, const char *scenario, int timeout_s,
		      const char *const args[])
{
	const char *cmd[48];
	size_t n = 0;
	cmd[n++] = E2E_BLINKDOC;
	for (size_t i = 0; args[i] && n < 47; i++)
		cmd[n++] = args[i];
	cmd[n] = NULL;
	e2e_vrun_run(r, scenario, timeout_s, cmd);
}

void e2e_run_free(struct e2e_run *r)
{
	free(r->out);
	free(r->err);
	free(r->out_flat);
	free(r->err_flat);
	memset(r, 0, sizeof *r);
}

cJSON *e2e_json(const struct e2e_run *r)
{
	cJSON *j = cJSON_Parse(r->out);
	if (!j) {
		print_run(r);
		fail_msg("stdout is not JSON");
	}
	return j;
}

void e2e_expect_status(const struct e2e_run *r, int status, const char *file, int line)
{
	if (r->status != status) {
		print_run(r);
		fail_msg("%s:%d: exit status %d, expected %d", file, line, r->status, status);
	}
}

void e2e_expect_has(const struct e2e_run *r, const char *flat, const char *needle,
		    const char *file, int line)
{
	char *n = e2e_flatten(needle);
	bool ok = strstr(flat, n) != NULL;
	if (!ok) {
		print_run(r);
		print_error("%s:%d: expected to find: %s\n", file, line, n);
	}
	free(n);
	if (!ok)
		fail_msg("%s:%d: text not found (see above)", file, line);
}

void e2e_expect_lacks(const struct e2e_run *r, const char *flat, const char *needle,
		      const char *file, int line)
{
	char *n = e2e_flatten(needle);
	bool bad = strstr(flat, n) != NULL;
	if (bad) {
		print_run(r);
		print_error("%s:%d: expected NOT to find: %s\n", file, line, n);
	}
	free(n);
	if (bad)
		fail_msg("%s:%d: unexpected text found (see above)", file, line);
}

const cJSON *e2e_jget(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v) {
		char *s = cJSON_Print(o);
		print_error("%s\n", s ? s : "(unprintable)");
		free(s);
		fail_msg("JSON member \"%s\" is missing", key);
	}
	return v;
}

const char *e2e_jstr(const cJSON *o, const char *key)
{
	const cJSON *v = e2e_jget(o, key);
	if (!cJSON_IsString(v))
		fail_msg("JSON member \"%s\" is not a string", key);
	return v->valuestring;
}

double e2e_jnum(const cJSON *o, const char *key)
{
	const cJSON *v = e2e_jget(o, key);
	if (!cJSON_IsNumber(v))
		fail_msg("JSON member \"%s\" is not a number", key);
	return v->valuedouble;
}

bool e2e_jbool(const cJSON *o, const char *key)
{
	const cJSON *v = e2e_jget(o, key);
	if (!cJSON_IsBool(v))
		fail_msg("JSON member \"%s\" is not true/false", key);
	return cJSON_IsTrue(v);
}

void e2e_jnull(const cJSON *o, const char *key)
{
	if (!cJSON_IsNull(e2e_jget(o, key)))
		fail_msg("JSON member \"%s\" is not null", key);
}

void e2e_jkeys(const cJSON *o, const char *const keys[])
{
	size_t want = 0;
	for (; keys[want]; want++)
		e2e_jget(o, keys[want]);
	size_t have = (size_t)cJSON_GetArraySize(o);
	if (have != want) {
		const cJSON *it;
		cJSON_ArrayForEach(it, o) {
			bool known = false;
			for (size_t i = 0; keys[i]; i++)
				known |= strcmp(keys[i], it->string) == 0;
			if (!known)
				print_error("unexpected JSON member \"%s\"\n", it->string);
		}
		fail_msg("JSON object has %zu members, expected %zu", have, want);
	}
}

static int check_cases(char **names, const struct CMUnitTest *tests, size_t n)
{
	int bad = 0;
	for (size_t i = 0; i < n; i++) {
		bool listed = false;
		for (char **p = names; *p; p++)
			listed |= strcmp(*p, tests[i].name) == 0;
		if (!listed) {
			fprintf(stderr, "case %s is not registered with CTest (CMakeLists.txt)\n",
				tests[i].name);
			bad = 1;
		}
	}
	for (char **p = names; *p; p++) {
		bool exists = false;
		for (size_t i = 0; i < n; i++)
			exists |= strcmp(*p, tests[i].name) == 0;
		if (!exists) {
			fprintf(stderr, "CTest lists case %s, which this file does not have\n", *p);
			bad = 1;
		}
	}
	return bad;
}

int e2e_main(char **argv, const char *group, const struct CMUnitTest *tests, size_t n)
{
	if (!argv[1])
		return _cmocka_run_group_tests(group, tests, n, NULL, NULL);
	if (!strcmp(argv[1], "--list")) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", tests[i].name);
		return 0;
	}
	if (!strcmp(argv[1], "--check-cases"))
		return check_cases(argv + 2, tests, n);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(tests[i].name, argv[1]))
			return _cmocka_run_group_tests(group, &tests[i], 1, NULL, NULL);
	fprintf(stderr, "%s: no case named %s (--list shows them)\n", argv[0], argv[1]);
	return 2;
}
