/* platform.h - device specifics as data.
 *
 * The engine fills a struct bd_platforms from knowledge/devices.json and hands
 * it to the transports; transports never hard-code a platform.  All strings
 * are borrowed from the owner of the table and live as long as it.
 */
#ifndef BD_PLATFORM_H
#define BD_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Connectivity bits. */
#define BD_CONN_WIFI 0x01u
#define BD_CONN_CELLULAR 0x02u
#define BD_CONN_MESH 0x04u
#define BD_CONN_BLE 0x08u
#define BD_CONN_ETHERNET 0x10u

/* USB / DFU quirks (knowledge/devices.json "quirks"). */
#define BD_QUIRK_OUT_NEEDS_DATA 0x01u    /* rtl872x: OUT control transfers need a data stage */
#define BD_QUIRK_NO_CONTROL 0x02u        /* no Particle control requests at all */
#define BD_QUIRK_MANIFEST_AS_IDLE 0x04u  /* Gen 2 DFU reports dfuDNLOAD_IDLE instead of dfuMANIFEST on leave */
#define BD_QUIRK_MANIFEST_RESETS 0x08u   /* Gen 3+ DFU resets itself after MANIFEST */

#define BD_PLATFORM_MAX_ALTS 4

struct bd_platform {
	int id;              /* platform id, e.g. 13 */
	const char *key;     /* "boron" */
	const char *name;    /* display name, "Boron" */
	int gen;             /* 1, 2, 3, 4 */
	uint16_t vid, pid;   /* normal mode (CDC + control interface) */
	uint16_t dfu_vid, dfu_pid;
	unsigned conn;       /* BD_CONN_* */
	unsigned quirks;     /* BD_QUIRK_* */
	const char *mcu;     /* "stm32f2xx", "nrf52840", "rtl872x", ... */
	const char *usb_manufacturer; /* string descriptors the device reports */
	const char *usb_product;
	const char *usb_dfu_product;
	bool serial_is_device_id;     /* USB serial string is the 24-hex device ID */
	unsigned magic_baud_dfu;      /* 14400, or 0 when the device has none */
	unsigned magic_baud_listen;   /* 28800, or 0 */
	int magic_baud_listen_below_major; /* listening baud works on Device OS < this major (6) */
	/* DFU: DfuSe alt-setting strings ("@Internal Flash /0x.../..."), by alt number. */
	const char *dfu_alt[BD_PLATFORM_MAX_ALTS];
	size_t ndfu_alt;
	uint16_t dfu_transfer_size;
	uint32_t user_part_addr;  /* where a user part normally starts */
	uint32_t user_part_max;   /* its maximum size in bytes */
	const char *mode_button;  /* the device's own button names ("MODE", "SETUP") */
	const char *reset_button; /* ("RST", "RESET"); NULL when devices.json has none */
};

struct bd_platforms {
	const struct bd_platform *v;
	size_t n;
};

/* Lookups; NULL when unknown. */
const struct bd_platform *bd_platform_by_id(const struct bd_platforms *p, int id);
const struct bd_platform *bd_platform_by_key(const struct bd_platforms *p, const char *key);
/* The device's MODE and RESET buttons by their own names, for hints;
 * "MODE/SETUP" and "RESET" when pl is NULL or devices.json does not say. */
const char *bd_platform_mode_button(const struct bd_platform *pl);
const char *bd_platform_reset_button(const struct bd_platform *pl);
/* Matches vid:pid against the normal and DFU ids; *dfu says which matched. */
const struct bd_platform *bd_platform_by_usb(const struct bd_platforms *p, uint16_t vid,
					     uint16_t pid, bool *dfu);

#endif
