/* crc32.h - the CRC-32 that Particle module binaries carry (protocols.md §5.2).
 *
 * It is the common IEEE 802.3 / zlib CRC: reflected polynomial 0xEDB88320,
 * initial value and final XOR 0xFFFFFFFF.  Pure, table-driven, no state.
 */
#ifndef BD_CRC32_H
#define BD_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Returns the CRC-32 of buf[0..len) continued from crc: pass 0 to start,
 * or the result of a previous call to continue over more data, so that
 * bd_crc32(bd_crc32(0, a, n), b, m) == CRC of a followed by b.
 * buf may be NULL when len is 0.  bd_crc32(0, "123456789", 9) == 0xCBF43926. */
uint32_t bd_crc32(uint32_t crc, const uint8_t *buf, size_t len);

#endif
