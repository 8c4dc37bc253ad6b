#include "platform.h"

#include <strings.h>

const struct bd_platform *bd_platform_by_id(const struct bd_platforms *p, int id)
{
	for (size_t i = 0; p && i < p->n; i++)
		if (p->v[i].id == id)
			return &p->v[i];
	return NULL;
}

const struct bd_platform *bd_platform_by_key(const struct bd_platforms *p, const char *key)
{
	for (size_t i = 0; p && key && i < p->n; i++)
		if (strcasecmp(p->v[i].key, key) == 0)
			return &p->v[i];
	return NULL;
}

const struct bd_platform *bd_platform_by_usb(const struct bd_platforms *p, uint16_t vid,
					     uint16_t pid, bool *dfu)
{
	for (size_t i = 0; p && i < p->n; i++) {
		const struct bd_platform *pl = &p->v[i];
		if (pl->vid == vid && pl->pid == pid && (pl->vid || pl->pid)) {
			if (dfu)
				*dfu = false;
			return pl;
		}
		if (pl->dfu_vid == vid && pl->dfu_pid == pid && (pl->dfu_vid || pl->dfu_pid)) {
			if (dfu)
				*dfu = true;
			return pl;
		}
	}
	return NULL;
}

const char *bd_platform_mode_button(const struct bd_platform *pl)
{
	return pl && pl->mode_button ? pl->mode_button : "MODE/SETUP";
}

const char *bd_platform_reset_button(const struct bd_platform *pl)
{
	return pl && pl->reset_button ? pl->reset_button : "RESET";
}
