/* devices_fixture.h - tests' view of knowledge/devices.json.
 *
 * Loads the real file (path compiled in as BD_TEST_DEVICES_JSON) into a
 * struct bd_platforms, the way the engine will, so that tests use the
 * real alt strings and user-part slots instead of copies.  Test code only.
 */
#ifndef BD_TEST_DEVICES_FIXTURE_H
#define BD_TEST_DEVICES_FIXTURE_H

#include "platform.h"

struct devices_fixture {
	struct bd_platforms platforms; /* borrows from the members below */
	struct bd_platform *v;
	void *json;                    /* cJSON tree the strings live in */
};

/* Returns 0, or -1 after printing why to stderr. */
int devices_fixture_load(struct devices_fixture *f);
void devices_fixture_free(struct devices_fixture *f);
/* The platform with this key ("boron"); aborts the test when absent. */
const struct bd_platform *devices_fixture_get(const struct devices_fixture *f, const char *key);

#endif
