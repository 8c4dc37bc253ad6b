/* module_analysis.c - per-module checks and named findings from a module
 * table.  Device OS runs the checks itself and reports them as two bit
 * masks per module (vc = checked, vv = passed, protocols.md §5.4); this file
 * turns them into words, works out which dependency is missing, and decides
 * what matters most. */
#include "module_analysis.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *bd_inspect_check_name(enum bd_inspect_check c)
{
	switch (c) {
	case BD_INSPECT_PASS: return "pass";
	case BD_INSPECT_FAIL: return "fail";
	case BD_INSPECT_NOT_CHECKED: break;
	}
	return "not-checked";
}

/* One row per finding id: its name and its rank (lower = more of a root
 * cause, so more important at equal severity). */
static const struct {
	enum bd_inspect_finding_id id;
	const char *name;
	int rank;
} bd_finding_rows[] = {
	{BD_FINDING_NONE, "none", 8},
	{BD_FINDING_DEPENDENCY_FAILED, "dependency-failed", 5},
	{BD_FINDING_INTEGRITY_FAILED, "integrity-failed", 1},
	{BD_FINDING_PLATFORM_MISMATCH, "platform-mismatch", 2},
	{BD_FINDING_ADDRESS_RANGE_FAILED, "address-range-failed", 3},
	{BD_FINDING_NO_USER_PART, "no-user-part", 7},
	{BD_FINDING_USER_PART_INVALID, "user-part-invalid", 6},
	{BD_FINDING_SYSTEM_PART_MISSING, "system-part-missing", 4},
};

const char *bd_inspect_finding_name(enum bd_inspect_finding_id id)
{
	for (size_t i = 0; i < sizeof bd_finding_rows / sizeof bd_finding_rows[0]; i++)
		if (bd_finding_rows[i].id == id)
			return bd_finding_rows[i].name;
	return "none";
}

static int bd_finding_rank(enum bd_inspect_finding_id id)
{
	for (size_t i = 0; i < sizeof bd_finding_rows / sizeof bd_finding_rows[0]; i++)
		if (bd_finding_rows[i].id == id)
			return bd_finding_rows[i].rank;
	return 99;
}

const char *bd_inspect_severity_name(enum bd_inspect_severity s)
{
	switch (s) {
	case BD_SEVERITY_WARNING: return "warning";
	case BD_SEVERITY_ERROR: return "error";
	case BD_SEVERITY_INFO: break;
	}
	return "info";
}

const char *bd_inspect_function_name(int func)
{
	switch (func) {
	case BD_MODF_NONE: return "empty slot";
	case BD_MODF_RESOURCE: return "resource";
	case BD_MODF_BOOTLOADER: return "bootloader";
	case BD_MODF_MONO: return "monolithic firmware";
	case BD_MODF_SYSTEM: return "system part";
	case BD_MODF_USER: return "user part";
	case BD_MODF_SETTINGS: return "settings";
	case BD_MODF_NCP: return "network co-processor firmware";
	case BD_MODF_RADIO: return "radio stack";
	case BD_MODF_ASSET: return "asset";
	default: return "unknown module";
	}
}

const char *bd_inspect_location_name(int store)
{
	switch (store) {
	case BD_MODS_MAIN: return "main";
	case BD_MODS_BACKUP: return "backup";
	case BD_MODS_FACTORY: return "factory";
	case BD_MODS_SCRATCH: return "scratchpad";
	default: return "unknown";
	}
}

static enum bd_inspect_check bd_check(const struct bd_module *m, uint32_t bit)
{
	if (!(m->checked & bit))
		return BD_INSPECT_NOT_CHECKED;
	return (m->passed & bit) ? BD_INSPECT_PASS : BD_INSPECT_FAIL;
}

/* "system part 2", "bootloader", "radio stack", "user part". */
static void bd_module_name(char *buf, size_t size, int func, int index)
{
	const char *fn = bd_inspect_function_name(func);
	if (func == BD_MODF_SYSTEM || (index != 0 && func != BD_MODF_USER))
		snprintf(buf, size, "%s %d", fn, index);
	else
		snprintf(buf, size, "%s", fn);
}

/* The subject of a sentence about module m: "System part 2 (version 7)",
 * "The app (user part, version 4)". */
static void bd_subject(char *buf, size_t size, const struct bd_inspect_module *m)
{
	if (m->func == BD_MODF_USER) {
		snprintf(buf, size, "The app (user part, version %d)", m->version);
		return;
	}
	char name[64];
	bd_module_name(name, sizeof name, m->func, m->index);
	if (name[0] >= 'a' && name[0] <= 'z')
		name[0] = (char)(name[0] - 'a' + 'A');
	snprintf(buf, size, "%s (version %d)", name, m->version);
}

/* platform.c lives in bd_transport, which this pure library does not link. */
static const struct bd_platform *bd_find_platform(const struct bd_platforms *p, int id)
{
	for (size_t i = 0; p && id >= 0 && i < p->n; i++)
		if (p->v[i].id == id)
			return &p->v[i];
	return NULL;
}

static void bd_platform_words(char *buf, size_t size, const struct bd_platforms *p, int id)
{
	const struct bd_platform *pl = bd_find_platform(p, id);
	if (pl && pl->name)
		snprintf(buf, size, "platform %d (%s)", id, pl->name);
	else
		snprintf(buf, size, "platform %d", id);
}

static const char bd_safe_mode_sentence[] =
	"The device therefore starts in safe mode (breathing magenta).";

struct bd_analysis {
	const struct bd_module_table *table;
	const struct bd_platforms *platforms;
	struct bd_inspect_report *r;
};

static struct bd_inspect_finding *bd_add(struct bd_analysis *a, enum bd_inspect_finding_id id,
					 enum bd_inspect_severity sev, bool safe_mode, int module,
					 const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static struct bd_inspect_finding *bd_add(struct bd_analysis *a, enum bd_inspect_finding_id id,
					 enum bd_inspect_severity sev, bool safe_mode, int module,
					 const char *fmt, ...)
{
	struct bd_inspect_report *r = a->r;
	if (r->nfindings == BD_INSPECT_FINDINGS_MAX) {
		r->findings_truncated = true;
		return NULL;
	}
	struct bd_inspect_finding *f = &r->findings[r->nfindings++];
	f->id = id;
	f->severity = sev;
	f->causes_safe_mode = safe_mode;
	f->module = module;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof f->message, fmt, ap);
	va_end(ap);
	return f;
}

/* The main-store module with this function and index, or NULL. */
static const struct bd_inspect_module *bd_installed(const struct bd_inspect_report *r, int func,
						    int index)
{
	for (size_t i = 0; i < r->nmodules; i++) {
		const struct bd_inspect_module *m = &r->modules[i];
		if (!m->empty && m->store == BD_MODS_MAIN && m->func == func && m->index == index)
			return m;
	}
	return NULL;
}

static bool bd_has_main(const struct bd_inspect_report *r, int func)
{
	for (size_t i = 0; i < r->nmodules; i++)
		if (!r->modules[i].empty && r->modules[i].store == BD_MODS_MAIN &&
		    r->modules[i].func == func)
			return true;
	return false;
}

/* Functions a dependency can name that Device OS checks. */
static bool bd_dep_checkable(int func)
{
	return func == BD_MODF_BOOTLOADER || func == BD_MODF_MONO || func == BD_MODF_SYSTEM ||
	       func == BD_MODF_USER || func == BD_MODF_NCP || func == BD_MODF_RADIO ||
	       func == BD_MODF_RESOURCE;
}

static void bd_fill_modules(struct bd_analysis *a)
{
	struct bd_inspect_report *r = a->r;
	const struct bd_module_table *t = a->table;
	r->nmodules = t->n < BD_MODULES_MAX ? t->n : BD_MODULES_MAX;
	for (size_t i = 0; i < r->nmodules; i++) {
		const struct bd_module *src = &t->m[i];
		struct bd_inspect_module *m = &r->modules[i];
		m->func = src->func;
		m->index = src->index;
		m->version = src->version;
		m->store = src->store;
		m->function = bd_inspect_function_name(src->func);
		m->location = bd_inspect_location_name(src->store);
		m->size = src->size;
		m->max_size = src->max_size;
		m->empty = src->func == BD_MODF_NONE;
		memcpy(m->hash, src->hash, sizeof m->hash);
		m->hash[sizeof m->hash - 1] = '\0';
		if (!m->empty) {
			m->integrity = bd_check(src, BD_MODV_INTEGRITY);
			m->address_range = bd_check(src, BD_MODV_RANGE);
			m->platform = bd_check(src, BD_MODV_PLATFORM);
			m->dependencies = bd_check(src, BD_MODV_DEPENDENCIES);
		}
		m->ndeps = src->ndeps < 0 ? 0
					  : src->ndeps > BD_MODULE_DEPS_MAX ? BD_MODULE_DEPS_MAX
									    : src->ndeps;
		for (int d = 0; d < m->ndeps; d++) {
			m->deps[d].func = src->deps[d].func;
			m->deps[d].index = src->deps[d].index;
			m->deps[d].version = src->deps[d].version;
			m->deps[d].installed_version = -1;
		}
	}
	/* Second pass: dependencies against what is installed. */
	for (size_t i = 0; i < r->nmodules; i++) {
		struct bd_inspect_module *m = &r->modules[i];
		for (int d = 0; d < m->ndeps; d++) {
			struct bd_inspect_dep *dep = &m->deps[d];
			const struct bd_inspect_module *have = bd_installed(r, dep->func, dep->index);
			dep->installed_version = have ? have->version : -1;
			dep->satisfied = !bd_dep_checkable(dep->func) ||
					 (have && have->version >= dep->version);
		}
	}
}

/* Findings about one unsatisfied dependency of main module mi. */
static void bd_unsatisfied(struct bd_analysis *a, size_t mi, const struct bd_inspect_dep *dep,
			   bool device_says_failed)
{
	const struct bd_inspect_module *m = &a->r->modules[mi];
	char subject[96], needed[64];
	bd_subject(subject, sizeof subject, m);
	bd_module_name(needed, sizeof needed, dep->func, dep->index);
	const char *app_fix = m->func == BD_MODF_USER
				      ? " Updating Device OS over USB fixes this, or flash an app "
					"built for the installed Device OS."
				      : " Updating Device OS over USB fixes this.";
	if (dep->installed_version < 0 && dep->func == BD_MODF_SYSTEM) {
		bd_add(a, BD_FINDING_SYSTEM_PART_MISSING, BD_SEVERITY_ERROR, true, (int)mi,
		       "%s needs %s version %d, but no %s is installed. %s Updating Device OS "
		       "over USB installs every system part.",
		       subject, needed, dep->version, needed, bd_safe_mode_sentence);
		return;
	}
	char installed[96];
	if (dep->installed_version < 0)
		snprintf(installed, sizeof installed, "no %s is installed", needed);
	else
		snprintf(installed, sizeof installed, "version %d is installed",
			 dep->installed_version);
	if (device_says_failed)
		bd_add(a, BD_FINDING_DEPENDENCY_FAILED, BD_SEVERITY_ERROR, true, (int)mi,
		       "%s needs %s version %d, but %s. %s%s", subject, needed, dep->version,
		       installed, bd_safe_mode_sentence, app_fix);
	else
		bd_add(a, BD_FINDING_DEPENDENCY_FAILED, BD_SEVERITY_WARNING, false, (int)mi,
		       "%s needs %s version %d, but %s. The device did not check this itself; "
		       "if it is in safe mode (breathing magenta),%s",
		       subject, needed, dep->version, installed,
		       m->func == BD_MODF_USER ? " updating Device OS over USB fixes this, or "
						 "flash an app built for the installed Device OS."
					       : " updating Device OS over USB fixes this.");
}

static void bd_dependency_findings(struct bd_analysis *a, size_t mi)
{
	const struct bd_inspect_module *m = &a->r->modules[mi];
	bool failed = m->dependencies == BD_INSPECT_FAIL;
	if (m->dependencies == BD_INSPECT_PASS)
		return; /* the device checked and is satisfied: trust it */
	bool named = false;
	for (int d = 0; d < m->ndeps; d++)
		if (!m->deps[d].satisfied) {
			bd_unsatisfied(a, mi, &m->deps[d], failed);
			named = true;
		}
	if (failed && !named) {
		char subject[96];
		bd_subject(subject, sizeof subject, m);
		bd_add(a, BD_FINDING_DEPENDENCY_FAILED, BD_SEVERITY_ERROR, true, (int)mi,
		       "%s failed the device's dependency check, but the module table does not "
		       "show which module it needs. %s Updating Device OS over USB usually fixes "
		       "this.",
		       subject, bd_safe_mode_sentence);
	}
}

static const char *bd_reinstall_advice(int func)
{
	switch (func) {
	case BD_MODF_SYSTEM:
	case BD_MODF_BOOTLOADER:
	case BD_MODF_RADIO:
	case BD_MODF_NCP:
		return "Updating Device OS over USB writes it again.";
	case BD_MODF_MONO:
		return "Flashing the firmware again over USB replaces it.";
	default:
		return "Flashing that module again over USB replaces it.";
	}
}

static void bd_user_part_findings(struct bd_analysis *a, size_t mi, const char *platform_words)
{
	const struct bd_inspect_module *m = &a->r->modules[mi];
	char subject[96];
	bd_subject(subject, sizeof subject, m);
	bool bad_integrity = m->integrity == BD_INSPECT_FAIL;
	bool bad_range = m->address_range == BD_INSPECT_FAIL;
	if (bad_integrity || bad_range)
		bd_add(a, BD_FINDING_USER_PART_INVALID, BD_SEVERITY_ERROR, true, (int)mi,
		       "%s failed its %s check, so the device does not run it. %s Flash the app "
		       "again over USB (or flash Tinker to test the device).",
		       subject,
		       bad_integrity && bad_range ? "integrity and address range"
		       : bad_integrity		  ? "integrity"
						  : "address range",
		       bd_safe_mode_sentence);
	if (m->platform == BD_INSPECT_FAIL)
		bd_add(a, BD_FINDING_PLATFORM_MISMATCH, BD_SEVERITY_ERROR, true, (int)mi,
		       "%s was built for a different kind of device, so the device does not run "
		       "it. %s Flash an app built for %s.",
		       subject, bd_safe_mode_sentence, platform_words);
}

static void bd_system_module_findings(struct bd_analysis *a, size_t mi, const char *platform_words)
{
	const struct bd_inspect_module *m = &a->r->modules[mi];
	char subject[96];
	bd_subject(subject, sizeof subject, m);
	if (m->integrity == BD_INSPECT_FAIL)
		bd_add(a, BD_FINDING_INTEGRITY_FAILED, BD_SEVERITY_ERROR, false, (int)mi,
		       "%s is damaged: it failed its integrity check, so the device cannot run "
		       "it. %s",
		       subject, bd_reinstall_advice(m->func));
	if (m->platform == BD_INSPECT_FAIL)
		bd_add(a, BD_FINDING_PLATFORM_MISMATCH, BD_SEVERITY_ERROR, false, (int)mi,
		       "%s was built for a different kind of device, so the device cannot run it. "
		       "Update Device OS for %s over USB.",
		       subject, platform_words);
	if (m->address_range == BD_INSPECT_FAIL)
		bd_add(a, BD_FINDING_ADDRESS_RANGE_FAILED, BD_SEVERITY_ERROR, false, (int)mi,
		       "%s is not where Device OS expects it (its address range check failed). "
		       "%s",
		       subject, bd_reinstall_advice(m->func));
}

/* Table-wide findings: the table's platform vs the device's, a missing
 * app, no Device OS at all. */
static void bd_table_findings(struct bd_analysis *a, int device_platform_id, bool monolithic)
{
	struct bd_inspect_report *r = a->r;
	int table_platform = a->table->platform_id;
	if (table_platform >= 0 && device_platform_id >= 0 && table_platform != device_platform_id) {
		char said[64], is[64];
		bd_platform_words(said, sizeof said, a->platforms, table_platform);
		bd_platform_words(is, sizeof is, a->platforms, device_platform_id);
		bd_add(a, BD_FINDING_PLATFORM_MISMATCH, BD_SEVERITY_ERROR, false, -1,
		       "The device reports modules for %s, but it identifies itself as %s. Check "
		       "that the right device is connected, then update Device OS for %s over USB.",
		       said, is, is);
	}
	bool any_module = false;
	for (size_t i = 0; i < r->nmodules; i++)
		any_module = any_module || !r->modules[i].empty;
	if (!any_module || monolithic)
		return;
	if (!bd_has_main(r, BD_MODF_SYSTEM))
		bd_add(a, BD_FINDING_SYSTEM_PART_MISSING, BD_SEVERITY_ERROR, false, -1,
		       "No system part (Device OS) is installed, so the device cannot start "
		       "Device OS. Put it in DFU mode (blinking yellow) and update Device OS over "
		       "USB.");
	if (!bd_has_main(r, BD_MODF_USER))
		bd_add(a, BD_FINDING_NO_USER_PART, BD_SEVERITY_WARNING, true, -1,
		       "No app (user part) is installed. Without an app the device starts in safe "
		       "mode (breathing magenta). Flash an app over USB, for example Tinker.");
}

static size_t bd_pick_most_important(const struct bd_inspect_report *r)
{
	size_t best = 0;
	for (size_t i = 1; i < r->nfindings; i++) {
		const struct bd_inspect_finding *f = &r->findings[i], *b = &r->findings[best];
		if (f->severity > b->severity ||
		    (f->severity == b->severity && bd_finding_rank(f->id) < bd_finding_rank(b->id)))
			best = i;
	}
	return best;
}

int bd_inspect_analyse(const struct bd_module_table *table, const struct bd_platforms *platforms,
		       int device_platform_id, struct bd_inspect_report *out)
{
	if (!table || !out)
		return BD_E_INVALID;
	memset(out, 0, sizeof *out);
	struct bd_analysis a = {table, platforms, out};
	out->platform_id = table->platform_id >= 0 ? table->platform_id : device_platform_id;
	bd_fill_modules(&a);

	const struct bd_platform *pl = bd_find_platform(platforms, out->platform_id);
	char platform_words[64];
	snprintf(platform_words, sizeof platform_words, "%s",
		 pl && pl->name ? pl->name : "this device");
	bool monolithic = bd_has_main(out, BD_MODF_MONO) || (pl && pl->gen == 1);

	bd_table_findings(&a, device_platform_id, monolithic);
	for (size_t i = 0; i < out->nmodules; i++) {
		const struct bd_inspect_module *m = &out->modules[i];
		if (m->empty || m->store != BD_MODS_MAIN)
			continue;
		if (m->func == BD_MODF_USER)
			bd_user_part_findings(&a, i, platform_words);
		else
			bd_system_module_findings(&a, i, platform_words);
		bd_dependency_findings(&a, i);
	}

	if (out->nfindings == 0) {
		size_t used = 0;
		for (size_t i = 0; i < out->nmodules; i++)
			used += !out->modules[i].empty;
		if (used == 0)
			bd_add(&a, BD_FINDING_NONE, BD_SEVERITY_INFO, false, -1,
			       "The device reported no modules, so there is nothing to check.");
		else if (used == 1)
			bd_add(&a, BD_FINDING_NONE, BD_SEVERITY_INFO, false, -1,
			       "The one installed module passed every check the device ran.");
		else
			bd_add(&a, BD_FINDING_NONE, BD_SEVERITY_INFO, false, -1,
			       "All %zu installed modules passed every check the device ran.", used);
	}
	out->most_important = bd_pick_most_important(out);
	out->healthy = out->findings[out->most_important].id == BD_FINDING_NONE;
	for (size_t i = 0; i < out->nfindings; i++)
		out->explains_safe_mode = out->explains_safe_mode || out->findings[i].causes_safe_mode;
	return 0;
}

const struct bd_inspect_finding *bd_inspect_most_important(const struct bd_inspect_report *r)
{
	if (!r || r->nfindings == 0)
		return NULL;
	return &r->findings[r->most_important < r->nfindings ? r->most_important : 0];
}
