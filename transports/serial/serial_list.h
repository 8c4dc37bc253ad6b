/* serial_list.h - which serial ports are Particle devices (protocols.md
 * §2.1).  Internal to transports/serial.  The matching is pure and takes
 * what libserialport reports as plain data, so it is tested without ports. */
#ifndef BD_SERIAL_LIST_H
#define BD_SERIAL_LIST_H

#include <stdbool.h>

#include "common/bd_error.h"
#include "platform.h"
#include "transport.h"

/* What libserialport says about one port.  Strings may be NULL. */
struct bd_serial_port_info {
	const char *name;         /* "/dev/ttyACM0" */
	bool usb;                 /* SP_TRANSPORT_USB */
	int vid, pid;             /* -1 when unknown */
	const char *manufacturer, *product, *serial;
	int bus, address;         /* -1 when unknown */
};

/* The platform whose normal-mode (CDC) USB IDs are vid:pid, or NULL. */
const struct bd_platform *bd_serial_platform_by_usb(const struct bd_platforms *p, int vid,
						    int pid);

/* The device ID carried in a USB serial-number string, into out (lowercase
 * hex, "" when none).  Platforms whose serial string is the device ID
 * (pl->serial_is_device_id, Gen 3 and later) must carry exactly 24 hex
 * digits; for Gen 2 and for unknown platforms the first run of 24 hex
 * digits anywhere in the string is taken (older Device OS put other text
 * around it); Gen 1 (the Core) never has it.  Returns true when found. */
bool bd_serial_device_id_from_usb_serial(const char *serial, const struct bd_platform *pl,
					 char out[BD_DEVICE_ID_LEN + 1]);

/* Whether the port is a Particle device: its USB IDs are a platform's
 * normal-mode IDs, or (fallback, as particle-cli does for the Core and old
 * drivers) its manufacturer string contains "Spark" or "Particle" - then
 * the platform is the one whose USB product string matches, else unknown
 * (-1); never for a platform's DFU-mode IDs (no console there).  Fills *dev (port, platform_id, mode NORMAL, vid/pid, usb_bus /
 * usb_address, usb_serial, product, device_id, routes = BD_ROUTE_SERIAL). */
bool bd_serial_classify(const struct bd_serial_port_info *info, const struct bd_platforms *p,
			struct bd_device *dev);

/* Appends every Particle device on a serial port to out.  Returns how many
 * were added (>= 0) or a negative BD_E_* with err set. */
int bd_serial_list_ports(const struct bd_platforms *p, struct bd_device_list *out,
			 struct bd_error *err);

#endif
