/* serial_backend.h - the serial backend's ops table (contract: backend.h).
 * The dispatcher (transport.c) registers it when BLINKDOC_HAVE_SERIAL is
 * defined; tests may call it directly. */
#ifndef BD_SERIAL_BACKEND_H
#define BD_SERIAL_BACKEND_H

#include "backend.h"

extern const struct bd_backend_ops bd_backend_serial;

#endif
