/* runcmd.h - test helper: run a program, capture stdout/stderr and exit. */
#ifndef BD_RUNCMD_H
#define BD_RUNCMD_H

struct run_result {
	int status;  /* exit code, or 128+signal */
	char *out;   /* stdout (NUL-terminated) */
	char *err;   /* stderr */
};

/* argv[0] is the program path; env entries "K=V" are added (NULL-terminated
 * list or NULL).  Kills the child after timeout_s seconds. */
int run_cmd(const char *const argv[], const char *const env[], int timeout_s, struct run_result *r);
void run_result_free(struct run_result *r);

#endif
