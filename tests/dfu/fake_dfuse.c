/* fake_dfuse.c - see fake_dfuse.h. */
#include "fake_dfuse.h"

#include <stdlib.h>
#include <string.h>

int fake_dfuse_init(struct fake_dfuse *f, const char *desc, uint16_t transfer_size)
{
	memset(f, 0, sizeof *f);
	struct bd_error e = {0};
	if (bd_dfuse_parse(desc, strlen(desc), &f->layout, &e) < 0 || !f->layout.n)
		return -1;
	f->base = f->layout.seg[0].start;
	f->size = f->layout.seg[f->layout.n - 1].end - f->base;
	f->mem = malloc(f->size);
	if (!f->mem)
		return -1;
	memset(f->mem, 0xFF, f->size);
	f->transfer_size = transfer_size;
	f->state = 2; /* dfuIDLE */
	f->stall_cmd = -1;
	return 0;
}

void fake_dfuse_free(struct fake_dfuse *f)
{
	free(f->mem);
	f->mem = NULL;
}

uint8_t *fake_dfuse_at(struct fake_dfuse *f, uint32_t addr)
{
	if (addr < f->base || addr >= f->base + f->size)
		return NULL;
	return f->mem + (addr - f->base);
}

static int fake_fail(struct fake_dfuse *f, uint8_t status)
{
	f->state = 10;
	f->status = status;
	return 0;
}

static void fake_do_command(struct fake_dfuse *f)
{
	uint32_t a = f->cmd_len >= 5 ? (uint32_t)f->cmd[1] | (uint32_t)f->cmd[2] << 8 |
					       (uint32_t)f->cmd[3] << 16 | (uint32_t)f->cmd[4] << 24
				     : 0;
	f->state = 5;
	switch (f->cmd[0]) {
	case 0x21:
		f->ptr = a;
		break;
	case 0x41: {
		const struct bd_dfuse_segment *s = bd_dfuse_segment_at(&f->layout, a);
		if (!s || !s->erasable || (f->err_erase && a <= f->err_erase_addr &&
					   f->err_erase_addr < a + s->sector_size)) {
			fake_fail(f, s ? 4 : 8);
			return;
		}
		uint64_t start = s->start + (a - s->start) / s->sector_size * s->sector_size;
		memset(f->mem + (start - f->base), 0xFF, s->sector_size);
		f->erases++;
		break;
	}
	case 0xFA:
		f->safe_mode = true;
		f->state = 7;
		break;
	default:
		fake_fail(f, 15);
	}
}

static void fake_do_data(struct fake_dfuse *f)
{
	uint64_t a = (uint64_t)(f->block - 2) * f->transfer_size + f->ptr;
	for (size_t i = 0; i < f->data_len; i++) {
		const struct bd_dfuse_segment *s = bd_dfuse_segment_at(&f->layout, a + i);
		if (!s || !s->writable) {
			fake_fail(f, 8);
			return;
		}
		if (f->err_write && a + i == f->err_write_addr) {
			fake_fail(f, 3);
			return;
		}
	}
	for (size_t i = 0; i < f->data_len; i++)
		f->mem[a + i - f->base] &= f->data[i]; /* NOR: only clears bits */
	f->writes++;
	f->state = 5;
}

static int fake_control(void *ctx, const struct bd_ctrl_setup *s, uint8_t *data,
			unsigned timeout_ms)
{
	struct fake_dfuse *f = ctx;
	(void)timeout_ms;
	if (f->gone)
		return BD_E_DISCONNECTED;
	f->requests++;
	if (f->state == 10 && s->bRequest != 3 && s->bRequest != 4 && s->bRequest != 5) {
		f->stalls++;
		return BD_E_STALL;
	}
	switch (s->bRequest) {
	case 1: /* DNLOAD */
		if (s->wValue == 0) {
			if (s->wLength < 1 || s->wLength > 5)
				return fake_fail(f, 15), BD_E_STALL;
			if (f->stall_cmd == data[0] && f->stall_times) {
				f->stall_times--;
				f->stalls++;
				fake_fail(f, 15);
				return BD_E_STALL;
			}
			memcpy(f->cmd, data, s->wLength);
			f->cmd_len = s->wLength;
			f->pending = 1;
		} else if (s->wLength == 0) {
			f->pending = 3;
		} else {
			if (f->unplug_after_blocks && f->writes >= f->unplug_after_blocks) {
				f->gone = true;
				return BD_E_DISCONNECTED;
			}
			f->block = s->wValue;
			memcpy(f->data, data, s->wLength);
			f->data_len = s->wLength;
			f->pending = 2;
		}
		f->state = 3;
		f->busy_polls = 1;
		return s->wLength;
	case 2: { /* UPLOAD */
		if (s->wValue == 0) {
			static const uint8_t cmds[] = {0x00, 0x21, 0x41, 0xFA, 0xFB};
			size_t n = s->wLength < sizeof cmds ? s->wLength : sizeof cmds;
			memcpy(data, cmds, n);
			return (int)n;
		}
		uint64_t a = (uint64_t)(s->wValue - 2) * f->transfer_size + f->ptr;
		if (a < f->base || a + s->wLength > f->base + f->size)
			return fake_fail(f, 8), BD_E_STALL;
		memcpy(data, f->mem + (a - f->base), s->wLength);
		f->uploads++;
		f->state = 9;
		return s->wLength;
	}
	case 3: /* GETSTATUS */
		if (s->wLength < 6)
			return BD_E_STALL;
		if (f->pending && (f->busy_polls > 0 || f->forever_busy)) {
			f->busy_polls--;
			f->state = 4;
		} else if (f->pending == 1) {
			f->pending = 0;
			fake_do_command(f);
		} else if (f->pending == 2) {
			f->pending = 0;
			fake_do_data(f);
		} else if (f->pending == 3) {
			f->pending = 0;
			f->left = true;
			f->state = f->gen2 ? 5 : 7;
		}
		data[0] = f->status;
		data[1] = (uint8_t)f->poll_ms;
		data[2] = (uint8_t)(f->poll_ms >> 8);
		data[3] = (uint8_t)(f->poll_ms >> 16);
		data[4] = f->state;
		data[5] = 0;
		return 6;
	case 4: /* CLRSTATUS */
		f->state = 2;
		f->status = 0;
		f->pending = 0;
		return 0;
	case 5: /* GETSTATE */
		data[0] = f->state;
		return 1;
	case 6: /* ABORT */
		f->state = 2;
		f->pending = 0;
		return 0;
	default:
		return BD_E_STALL;
	}
}

struct bd_usb_xfer fake_dfuse_xfer(struct fake_dfuse *f)
{
	struct bd_usb_xfer x = {fake_control, NULL, f};
	return x;
}
