/* vdev_flash.c - DfuSe memory maps and sparse NOR flash content; see
 * vdev_flash.h. */
#include "vdev_flash.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096u

/* ---- alt string parser --------------------------------------------------------- */

static const char *skip_spaces(const char *s)
{
	while (*s == ' ')
		s++;
	return s;
}

/* One "N*SIZE[unit]p" item at *s; advances *s. */
static int parse_item(const char **s, uint64_t *start, struct vdev_flash_layout *out, char *err,
		      size_t errlen)
{
	const char *p = skip_spaces(*s);
	char *end;
	unsigned long count, size;
	uint64_t mult = 1;
	struct vdev_flash_seg *seg;

	count = strtoul(p, &end, 10);
	if (end == p || *end != '*' || count == 0) {
		snprintf(err, errlen, "bad sector count at \"%.16s\"", p);
		return -EINVAL;
	}
	p = end + 1;
	size = strtoul(p, &end, 10);
	if (end == p || size == 0) {
		snprintf(err, errlen, "bad sector size at \"%.16s\"", p);
		return -EINVAL;
	}
	p = skip_spaces(end);
	if (*p == 'K') {
		mult = 1024;
		p++;
	} else if (*p == 'M') {
		mult = 1024 * 1024;
		p++;
	} else if (*p == 'B') {
		p++;
	}
	if (*p < 'a' || *p > 'g') {
		snprintf(err, errlen, "bad sector type at \"%.16s\" (want a..g)", p);
		return -EINVAL;
	}
	if (out->nseg >= VDEV_FLASH_MAX_SEGS) {
		snprintf(err, errlen, "more than %d segments", VDEV_FLASH_MAX_SEGS);
		return -EINVAL;
	}
	seg = &out->seg[out->nseg++];
	seg->sector_size = (uint32_t)(size * mult);
	seg->props = (unsigned)(*p - 'a' + 1);
	seg->start = *start;
	seg->end = *start + (uint64_t)count * seg->sector_size;
	*start = seg->end;
	*s = p + 1;
	return 0;
}

int vdev_flash_parse(const char *alt, struct vdev_flash_layout *out, char *err, size_t errlen)
{
	const char *s = alt, *slash;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (!alt || alt[0] != '@') {
		snprintf(err, errlen, "an alt string starts with '@'");
		return -EINVAL;
	}
	slash = strchr(alt, '/');
	if (!slash) {
		snprintf(err, errlen, "no '/' after the name");
		return -EINVAL;
	}
	n = (size_t)(slash - alt - 1);
	while (n && alt[n] == ' ')
		n--;
	snprintf(out->name, sizeof(out->name), "%.*s", (int)n, alt + 1);
	s = slash;
	while (*s == '/') {
		uint64_t start;
		char *end;
		int rc;

		s++;
		start = strtoull(s, &end, 0);
		if (end == s || *end != '/') {
			snprintf(err, errlen, "bad start address at \"%.16s\"", s);
			return -EINVAL;
		}
		s = end + 1;
		for (;;) {
			if ((rc = parse_item(&s, &start, out, err, errlen)) < 0)
				return rc;
			s = skip_spaces(s);
			if (*s != ',')
				break;
			s++;
		}
	}
	if (*s) {
		snprintf(err, errlen, "unexpected \"%.16s\"", s);
		return -EINVAL;
	}
	return 0;
}

/* ---- content ------------------------------------------------------------------- */

void vdev_flash_init(struct vdev_flash *f, const char *alt)
{
	char err[128];

	memset(f, 0, sizeof(*f));
	if (vdev_flash_parse(alt, &f->layout, err, sizeof(err)) < 0)
		memset(&f->layout, 0, sizeof(f->layout));
	f->pages = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
}

void vdev_flash_done(struct vdev_flash *f)
{
	if (f->pages)
		g_hash_table_destroy(f->pages);
	f->pages = NULL;
}

const struct vdev_flash_seg *vdev_flash_find(const struct vdev_flash *f, uint64_t addr)
{
	for (size_t i = 0; i < f->layout.nseg; i++) {
		if (addr >= f->layout.seg[i].start && addr < f->layout.seg[i].end)
			return &f->layout.seg[i];
	}
	return NULL;
}

bool vdev_flash_range_has(const struct vdev_flash *f, uint64_t addr, size_t len, unsigned props)
{
	uint64_t a = addr, end = addr + (len ? len : 1);

	while (a < end) {
		const struct vdev_flash_seg *s = vdev_flash_find(f, a);

		if (!s || (s->props & props) != props)
			return false;
		a = s->end; /* a segment's sectors all have the same properties */
	}
	return true;
}

static uint8_t *page(const struct vdev_flash *f, uint64_t addr, bool create)
{
	gpointer key = GSIZE_TO_POINTER((gsize)(addr / PAGE));
	uint8_t *p = g_hash_table_lookup(f->pages, key);

	if (!p && create) {
		p = g_malloc(PAGE);
		memset(p, 0xff, PAGE);
		g_hash_table_insert(f->pages, key, p);
	}
	return p;
}

static bool in_map(const struct vdev_flash *f, uint64_t addr, size_t len)
{
	return vdev_flash_range_has(f, addr, len, 0);
}

int vdev_flash_read(const struct vdev_flash *f, uint64_t addr, void *buf, size_t len)
{
	uint8_t *out = buf;

	if (!in_map(f, addr, len))
		return -ERANGE;
	while (len) {
		size_t off = (size_t)(addr % PAGE), n = PAGE - off;
		const uint8_t *p = page(f, addr, false);

		if (n > len)
			n = len;
		if (p)
			memcpy(out, p + off, n);
		else
			memset(out, 0xff, n);
		out += n;
		addr += n;
		len -= n;
	}
	return 0;
}

int vdev_flash_store(struct vdev_flash *f, uint64_t addr, const void *buf, size_t len, bool nor,
		     size_t *lost)
{
	const uint8_t *in = buf;

	if (lost)
		*lost = 0;
	if (!in_map(f, addr, len))
		return -ERANGE;
	while (len) {
		size_t off = (size_t)(addr % PAGE), n = PAGE - off;
		uint8_t *p = page(f, addr, true);

		if (n > len)
			n = len;
		for (size_t i = 0; i < n; i++) {
			if (!nor) {
				p[off + i] = in[i];
				continue;
			}
			if ((in[i] & ~p[off + i]) && lost)
				(*lost)++;
			p[off + i] &= in[i];
		}
		in += n;
		addr += n;
		len -= n;
	}
	return 0;
}

int vdev_flash_erase_sector(struct vdev_flash *f, uint64_t addr)
{
	const struct vdev_flash_seg *s = vdev_flash_find(f, addr);
	uint64_t start, end;

	if (!s)
		return -ERANGE;
	start = s->start + (addr - s->start) / s->sector_size * s->sector_size;
	end = start + s->sector_size;
	for (uint64_t a = start; a < end;) {
		uint64_t next = (a / PAGE + 1) * PAGE;
		uint8_t *p = page(f, a, false);

		if (next > end)
			next = end;
		if (p) {
			if (a % PAGE == 0 && next - a == PAGE)
				g_hash_table_remove(f->pages, GSIZE_TO_POINTER((gsize)(a / PAGE)));
			else
				memset(p + a % PAGE, 0xff, (size_t)(next - a));
		}
		a = next;
	}
	return 0;
}

void vdev_flash_erase_all(struct vdev_flash *f)
{
	g_hash_table_remove_all(f->pages);
}
