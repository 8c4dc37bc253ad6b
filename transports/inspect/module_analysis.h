/* module_analysis.h - what a device's module table means, in words.
 *
 * Pure: takes a struct bd_module_table (from the console `s` reply or a USB
 * control request), the platforms table and optionally the device's
 * platform, and produces per-module results and named findings for
 * `blinkdoc inspect` and the knowledge base (fact inspect.finding routes on
 * the finding ids).  No I/O, no allocation; the report is a plain struct the
 * caller owns.  The JSON printer lives in tui/; everything it prints comes
 * from here:
 *   modules[]:  function, index, version, location, size, max_size,
 *               checks {integrity, address_range, platform, dependencies}
 *               as "pass" / "fail" / "not-checked"
 *   findings[]: id, severity, message
 *
 * Finding ids (exactly these; knowledge/facts.json lists them):
 *   none                  nothing wrong (always the only finding then)
 *   dependency-failed     a main module needs a newer version of a module
 *                         that is installed (or the device says its
 *                         dependency check failed)               -> safe mode
 *   integrity-failed      a main module other than the user part is damaged
 *   platform-mismatch     a main module (user part included) was built for
 *                         another platform, or the table's platform is not
 *                         the device's                           -> safe mode
 *                                                                   if user part
 *   address-range-failed  a main module other than the user part does not
 *                         sit where its platform expects it
 *   no-user-part          a modular device has no app            -> safe mode
 *   user-part-invalid     the app fails its integrity or address-range
 *                         check                                  -> safe mode
 *   system-part-missing   no system part at all, or a dependency names a
 *                         system part that is not installed      -> safe mode
 * Only main-store modules produce findings: backup, factory and scratchpad
 * slots are reported but are not what runs.  Empty slots (no function,
 * e.g. an empty factory slot with vc=30, vv=0) are normal: their checks are
 * "not-checked" and they produce no finding.
 */
#ifndef BD_MODULE_ANALYSIS_H
#define BD_MODULE_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform.h"
#include "transport.h"

enum bd_inspect_check {
	BD_INSPECT_NOT_CHECKED = 0,
	BD_INSPECT_PASS,
	BD_INSPECT_FAIL,
};
/* "pass", "fail", "not-checked"; never NULL. */
const char *bd_inspect_check_name(enum bd_inspect_check c);

enum bd_inspect_finding_id {
	BD_FINDING_NONE = 0,
	BD_FINDING_DEPENDENCY_FAILED,
	BD_FINDING_INTEGRITY_FAILED,
	BD_FINDING_PLATFORM_MISMATCH,
	BD_FINDING_ADDRESS_RANGE_FAILED,
	BD_FINDING_NO_USER_PART,
	BD_FINDING_USER_PART_INVALID,
	BD_FINDING_SYSTEM_PART_MISSING,
};
/* The id as the knowledge base spells it ("dependency-failed"); never NULL. */
const char *bd_inspect_finding_name(enum bd_inspect_finding_id id);

enum bd_inspect_severity {
	BD_SEVERITY_INFO = 0,
	BD_SEVERITY_WARNING,
	BD_SEVERITY_ERROR,
};
/* "info", "warning", "error"; never NULL. */
const char *bd_inspect_severity_name(enum bd_inspect_severity s);

/* Function and location in words: "bootloader", "system part", "user part",
 * "monolithic firmware", "radio stack", "network co-processor firmware",
 * "asset", "resource", "settings", "empty slot", "unknown module";
 * "main", "backup", "factory", "scratchpad", "unknown".  Never NULL. */
const char *bd_inspect_function_name(int func);
const char *bd_inspect_location_name(int store);

struct bd_inspect_dep {
	int func, index, version;  /* what the module needs */
	int installed_version;     /* that module's version in the main store, -1 if absent */
	bool satisfied;            /* installed_version >= version */
};

struct bd_inspect_module {
	const char *function;      /* bd_inspect_function_name(), static */
	const char *location;      /* bd_inspect_location_name(), static */
	int func, index, version, store;
	uint32_t size, max_size;   /* size 0 = not reported */
	bool empty;                /* an empty slot: no module in it */
	enum bd_inspect_check integrity, address_range, platform, dependencies;
	struct bd_inspect_dep deps[BD_MODULE_DEPS_MAX];
	int ndeps;
	char hash[65];             /* user part SHA-256 ("" otherwise) */
};

#define BD_INSPECT_MESSAGE_MAX 400
struct bd_inspect_finding {
	enum bd_inspect_finding_id id;
	enum bd_inspect_severity severity;
	bool causes_safe_mode;     /* this alone makes Device OS start in safe mode */
	int module;                /* index into report.modules, -1 if about the table */
	char message[BD_INSPECT_MESSAGE_MAX]; /* plain words: what, why it matters, what fixes it */
};

#define BD_INSPECT_FINDINGS_MAX 40
struct bd_inspect_report {
	int platform_id;           /* the table's, else the device's, else -1 */
	size_t nmodules;
	struct bd_inspect_module modules[BD_MODULES_MAX];
	size_t nfindings;          /* >= 1: "none" when nothing is wrong */
	struct bd_inspect_finding findings[BD_INSPECT_FINDINGS_MAX];
	bool findings_truncated;   /* more than BD_INSPECT_FINDINGS_MAX */
	size_t most_important;     /* index into findings */
	bool healthy;              /* the most important finding is "none" */
	bool explains_safe_mode;   /* some finding causes safe mode */
};

/* Analyses table into *out (fully overwritten).  platforms may be NULL
 * (platform names are then numbers); device_platform_id is the platform
 * the device says it is (from USB or identify), -1 if unknown.  Returns 0,
 * or BD_E_INVALID when table or out is NULL. */
int bd_inspect_analyse(const struct bd_module_table *table, const struct bd_platforms *platforms,
		       int device_platform_id, struct bd_inspect_report *out);

/* The most important finding (never NULL for a report filled by
 * bd_inspect_analyse).  Order: severity, then cause before consequence:
 * integrity-failed, platform-mismatch, address-range-failed,
 * system-part-missing, dependency-failed, user-part-invalid, no-user-part,
 * none; the first such finding in table order wins a tie. */
const struct bd_inspect_finding *bd_inspect_most_important(const struct bd_inspect_report *r);

#endif
