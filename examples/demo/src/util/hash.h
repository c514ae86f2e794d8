#ifndef DEMO_UTIL_HASH_H
#define DEMO_UTIL_HASH_H
#include <stddef.h>
#include <stdint.h>

/* FNV-1a, 64-bit: small, fast enough for a demo cache. */
uint64_t demo_hash(const char *data, size_t len);

#endif
