/* module_check.c - may this module file be written to this device over
 * DFU?  (protocols.md §5.3, §4.1, §4.5).  Pure: compares a parsed file with
 * device data from knowledge/devices.json and, when known, the device's
 * module table. */
#include "module/module_file.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dfu/dfuse_layout.h"

/* platform.c's lookups live in bd_transport, which links us; keep our own. */
static const struct bd_platform *bd_modfile_platform(const struct bd_platforms *pl, int id)
{
	for (size_t i = 0; pl && i < pl->n; i++)
		if (pl->v[i].id == id)
			return &pl->v[i];
	return NULL;
}

/* The platform's display name, falling back to its key (never NULL). */
static const char *bd_modfile_name(const struct bd_platform *p)
{
	return p->name ? p->name : p->key ? p->key : "device";
}

/* "a Photon", "an Argon", "an E-SoM-X": the article from the spelling, which
 * matches every "article" in knowledge/devices.json. */
static const char *bd_modfile_article(const char *name)
{
	return (name && strchr("AEIOUaeiou", name[0]) && name[0]) ? "an" : "a";
}

/* "Boron (13)" or "platform 99 (not in knowledge/devices.json)". */
static void bd_modfile_platform_text(const struct bd_platforms *pls, int id, bool article,
				     char *buf, size_t size)
{
	const struct bd_platform *p = bd_modfile_platform(pls, id);
	if (p)
		snprintf(buf, size, "%s%s%s (%d)", article ? bd_modfile_article(bd_modfile_name(p)) : "",
			 article ? " " : "", bd_modfile_name(p), id);
	else
		snprintf(buf, size, "platform %d (not in knowledge/devices.json)", id);
}

/* "user part", "system part 1", "bootloader": how people name a module
 * (only system parts are told apart by index). */
static void bd_modfile_module_text(int func, int index, char *buf, size_t size)
{
	if (func == BD_MODF_SYSTEM)
		snprintf(buf, size, "%s %d", bd_modfile_func_name(func), index);
	else
		snprintf(buf, size, "%s", bd_modfile_func_name(func));
}

static void bd_modfile_warn(struct bd_modfile_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void bd_modfile_warn(struct bd_modfile_report *r, const char *fmt, ...)
{
	if (!r || r->nwarn >= BD_MODFILE_WARN_MAX)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->warn[r->nwarn++], BD_MODFILE_WARN_LEN, fmt, ap);
	va_end(ap);
}

static void bd_modfile_fill_report(const struct bd_modfile *mf, const struct bd_platforms *pls,
				   struct bd_modfile_report *r)
{
	const struct bd_platform *p = bd_modfile_platform(pls, mf->platform_id);
	memset(r, 0, sizeof *r);
	r->platform_id = mf->platform_id;
	r->platform_name = p ? p->name : NULL;
	r->func = mf->func;
	r->func_name = bd_modfile_func_name(mf->func);
	r->index = mf->index;
	r->version = mf->version;
	r->start_addr = mf->start_addr;
	r->end_addr = mf->end_addr;
	r->size = mf->file_len;
	memcpy(r->deps, mf->deps, sizeof r->deps);
	r->ndeps = mf->ndeps;
	r->compressed = (mf->flags & BD_MODFILE_F_COMPRESSED) != 0;
	r->encrypted = (mf->flags & BD_MODFILE_F_ENCRYPTED) != 0;
	r->drop_module_info = (mf->flags & BD_MODFILE_F_DROP_MODULE_INFO) != 0;
	r->combined = (mf->flags & BD_MODFILE_F_COMBINED) != 0;
	r->has_product = mf->has_product;
	r->product_id = mf->product_id;
	r->product_version = mf->product_version;
	memcpy(r->sha256, mf->sha256_hex, sizeof r->sha256);
}

/* The installed module with this function and index (main store first). */
static const struct bd_module *bd_modfile_installed(const struct bd_module_table *t, int func,
						    int index)
{
	const struct bd_module *other = NULL;
	for (size_t i = 0; t && i < t->n && i < BD_MODULES_MAX; i++) {
		if (t->m[i].func != func || t->m[i].index != index)
			continue;
		if (t->m[i].store == BD_MODS_MAIN)
			return &t->m[i];
		if (!other)
			other = &t->m[i];
	}
	return other;
}

/* Warnings that do not stop a flash but predict what happens after it. */
static void bd_modfile_dependency_warnings(const struct bd_modfile *mf,
					   const struct bd_module_table *installed,
					   struct bd_modfile_report *r)
{
	char self[48], dep[48];
	bd_modfile_module_text(mf->func, mf->index, self, sizeof self);
	if (mf->ndeps > 0 && !installed)
		bd_modfile_warn(r, "the device's modules are unknown, so the %s's dependencies "
				   "were not checked",
				self);
	for (int i = 0; installed && i < mf->ndeps; i++) {
		const struct bd_module_dep *d = &mf->deps[i];
		const struct bd_module *m = bd_modfile_installed(installed, d->func, d->index);
		bd_modfile_module_text(d->func, d->index, dep, sizeof dep);
		if (!m)
			bd_modfile_warn(r, "the %s needs %s version %d or newer, but the device "
					   "reports no %s: it would start in safe mode (breathing "
					   "magenta); install Device OS first",
					self, dep, d->version, dep);
		else if (m->version < d->version)
			bd_modfile_warn(r, "the %s needs %s version %d or newer, but the device "
					   "has %d: it would start in safe mode (breathing "
					   "magenta); update Device OS first (for example "
					   "`particle update`)",
					self, dep, d->version, m->version);
	}
	if (mf->func == BD_MODF_USER && installed && mf->sha256_hex[0]) {
		const struct bd_module *m = bd_modfile_installed(installed, mf->func, mf->index);
		if (m && strcmp(m->hash, mf->sha256_hex) == 0)
			bd_modfile_warn(r, "the device already runs this exact application "
					   "(same SHA-256)");
	}
	if (mf->deps_dropped)
		bd_modfile_warn(r, "the file lists %d more dependencies than blinkdoc checks",
				mf->deps_dropped);
}

static void bd_modfile_file_warnings(const struct bd_modfile *mf, struct bd_modfile_report *r)
{
	if (mf->flags & BD_MODFILE_F_COMBINED)
		bd_modfile_warn(r, "the file is flagged COMBINED (several modules in one); only "
				   "the first module's header was checked");
	if (mf->trailing)
		bd_modfile_warn(r, "the file has %zu bytes after the module's CRC; they are "
				   "written too",
				mf->trailing);
	if (!mf->suffix_ok)
		bd_modfile_warn(r, "the module suffix is missing or malformed (size field %u); "
				   "no SHA-256 or product data could be read",
				mf->suffix_size);
	else if (mf->suffix_ext_bad)
		bd_modfile_warn(r, "some module suffix extensions could not be read");
	if (mf->flags & ~BD_MODFILE_F_KNOWN)
		bd_modfile_warn(r, "the module has flags 0x%02x that blinkdoc does not know",
				mf->flags & ~BD_MODFILE_F_KNOWN);
}

/* Refuses modules that DFU must not write: Device OS installs them. */
static int bd_modfile_check_route(const struct bd_modfile *mf, const char *self,
				  struct bd_error *err)
{
	const char *why = NULL;
	if (mf->func == BD_MODF_BOOTLOADER || mf->func == BD_MODF_NCP ||
	    mf->func == BD_MODF_ASSET)
		why = "Device OS installs it itself; it is not written over DFU";
	else if (mf->flags & BD_MODFILE_F_COMPRESSED)
		why = "it is compressed, and only Device OS can unpack it";
	else if (mf->flags & BD_MODFILE_F_ENCRYPTED)
		why = "it is encrypted, and only Device OS can install it";
	if (!why)
		return 0;
	bd_error_set(err, BD_E_NOT_SUPPORTED, "this %s cannot be flashed in DFU mode: %s", self,
		     why);
	bd_error_hint(err, "Flash it while the device runs Device OS, over USB with "
			   "`particle flash --usb <file>`, or update everything with "
			   "`particle update`.");
	return BD_E_NOT_SUPPORTED;
}

/* Every byte to write must be inside writable segments of alt 0. */
static int bd_modfile_check_map(const struct bd_platform *dev, const char *self, uint32_t addr,
				size_t len, struct bd_error *err)
{
	struct bd_dfuse_layout map;
	struct bd_error local = {0};
	char where[48];
	int rc;

	const char *name = bd_modfile_name(dev);
	snprintf(where, sizeof where, "%s %s", bd_modfile_article(name), name);
	if (dev->ndfu_alt == 0 || !dev->dfu_alt[0]) {
		bd_error_set(err, BD_E_NOT_SUPPORTED,
			     "%s has no DFU memory map in knowledge/devices.json, so blinkdoc "
			     "cannot flash it in DFU mode",
			     where);
		return BD_E_NOT_SUPPORTED;
	}
	rc = bd_dfuse_parse(dev->dfu_alt[0], strlen(dev->dfu_alt[0]), &map, &local);
	if (rc < 0) {
		bd_error_set(err, BD_E_KNOWLEDGE, "knowledge/devices.json, %s, dfu.alts[0]: %s",
			     name, local.msg);
		bd_error_hint(err, "Fix the memory descriptor in knowledge/devices.json.");
		return BD_E_KNOWLEDGE;
	}
	uint64_t bad_start = 0, bad_end = 0;
	rc = bd_dfuse_check_writable(&map, addr, len, &bad_start, &bad_end, &local);
	if (rc == 0)
		return 0;
	bd_error_set(err, rc,
		     "this %s would be written to 0x%08" PRIx32 "-0x%08" PRIx64 ", but on %s %s",
		     self, addr, (uint64_t)addr + len - 1, where, local.msg);
	if (rc == BD_E_RANGE)
		bd_error_hint(err, "The file was built for a different flash layout; build or "
				   "download it for this device and Device OS version.");
	else
		bd_error_hint(err, "%s", local.hint);
	return rc;
}

/* The user part must fit its slot; any module must fit the slot the device
 * reports for it. */
static int bd_modfile_check_size(const struct bd_modfile *mf, const struct bd_platform *dev,
				 const struct bd_module_table *installed, const char *self,
				 uint32_t addr, size_t len, struct bd_error *err)
{
	const char *name = bd_modfile_name(dev);
	if (mf->func == BD_MODF_USER && dev->user_part_max > 0) {
		uint64_t lo = dev->user_part_addr, hi = lo + dev->user_part_max;
		uint64_t end = (uint64_t)addr + len;
		if (len > dev->user_part_max) {
			bd_error_set(err, BD_E_TOO_LARGE,
				     "this user part is %zu bytes; %s %s holds at most %" PRIu32
				     " bytes (%" PRIu32 " KB)",
				     len, bd_modfile_article(name), name, dev->user_part_max,
				     dev->user_part_max / 1024);
			bd_error_hint(err, "Make the application smaller (fewer libraries, less "
					   "static data) and build it again.");
			return BD_E_TOO_LARGE;
		}
		if (addr < lo || end > hi) {
			bd_error_set(err, BD_E_RANGE,
				     "this user part spans 0x%08" PRIx32 "-0x%08" PRIx64
				     ", outside the %s's user-part area 0x%08" PRIx64 "-0x%08" PRIx64,
				     addr, end - 1, name, lo, hi - 1);
			bd_error_hint(err, "The file was built for a different Device OS flash "
					   "layout; build it again for this device.");
			return BD_E_RANGE;
		}
	}
	const struct bd_module *m = bd_modfile_installed(installed, mf->func, mf->index);
	if (m && m->max_size > 0 && len > m->max_size) {
		bd_error_set(err, BD_E_TOO_LARGE,
			     "this %s is %zu bytes, but the device says its %s slot holds at "
			     "most %" PRIu32 " bytes",
			     self, len, self, m->max_size);
		bd_error_hint(err, "Use a build of this module made for the Device OS version "
				   "on the device.");
		return BD_E_TOO_LARGE;
	}
	return 0;
}

int bd_modfile_check(const struct bd_modfile *mf, const struct bd_platforms *platforms,
		     int device_platform, const struct bd_module_table *installed,
		     struct bd_modfile_report *report, struct bd_error *err)
{
	struct bd_modfile_report scratch;
	struct bd_modfile_report *r = report ? report : &scratch;
	char self[48], file_pl[96], dev_pl[96];
	int rc;

	if (!mf)
		return bd_error_set(err, BD_E_INVALID, "no module file to check");
	bd_modfile_fill_report(mf, platforms, r);
	bd_modfile_module_text(mf->func, mf->index, self, sizeof self);
	const struct bd_platform *dev = bd_modfile_platform(platforms, device_platform);
	if (!dev)
		return bd_error_set(err, BD_E_INVALID,
				    "the device's platform %d is not in knowledge/devices.json",
				    device_platform);

	if (mf->truncated) {
		bd_error_set(err, BD_E_PARSE,
			     "the file is truncated: it has %zu bytes, but its module prefix (at "
			     "offset 0x%zx) says the %s spans 0x%08" PRIx32 "-0x%08" PRIx32
			     ", which takes %zu bytes",
			     mf->file_len, mf->prefix_offset, self, mf->start_addr, mf->end_addr - 1,
			     mf->expected_len);
		bd_error_hint(err, "The download or copy was cut short; get the file again.");
		return BD_E_PARSE;
	}
	if (!mf->crc_ok) {
		bd_error_set(err, BD_E_VERIFY,
			     "the file is damaged: CRC-32 is %08" PRIX32 ", the file says %08" PRIX32,
			     mf->crc_computed, mf->crc_stored);
		bd_error_hint(err, "Build or download the file again; never flash a damaged file.");
		return BD_E_VERIFY;
	}
	if (mf->func != BD_MODF_ASSET && mf->platform_id != device_platform) {
		bd_modfile_platform_text(platforms, mf->platform_id, false, file_pl, sizeof file_pl);
		bd_modfile_platform_text(platforms, device_platform, true, dev_pl, sizeof dev_pl);
		bd_error_set(err, BD_E_MISMATCH, "this file is for %s; the device is %s", file_pl,
			     dev_pl);
		bd_error_hint(err, "Build or download this firmware for the %s (for example "
				   "`particle compile %s`).",
			      bd_modfile_name(dev), dev->key ? dev->key : bd_modfile_name(dev));
		return BD_E_MISMATCH;
	}
	if (mf->func == BD_MODF_NONE || mf->func > BD_MODF_ASSET) {
		bd_error_set(err, BD_E_PARSE,
			     "the file's module function %d is unknown (known: 1 resource to 9 "
			     "asset)",
			     mf->func);
		bd_error_hint(err, "It may be newer than blinkdoc or not a Device OS module; "
				   "flash it with the Particle CLI instead.");
		return BD_E_PARSE;
	}
	if ((rc = bd_modfile_check_route(mf, self, err)) < 0)
		return rc;

	/* The same bytes bd_modfile_payload() hands out. */
	size_t len = mf->file_len;
	if (mf->flags & BD_MODFILE_F_DROP_MODULE_INFO)
		len -= mf->prefix_offset + mf->prefix_size;
	r->write_addr = mf->start_addr;
	r->write_len = len;
	if ((rc = bd_modfile_check_map(dev, self, r->write_addr, len, err)) < 0)
		return rc;
	if ((rc = bd_modfile_check_size(mf, dev, installed, self, r->write_addr, len, err)) < 0)
		return rc;

	bd_modfile_file_warnings(mf, r);
	bd_modfile_dependency_warnings(mf, installed, r);
	return 0;
}
