#ifndef DEMO_FEATURES_H
#define DEMO_FEATURES_H
#include <stddef.h>

/* "yes (...)" when io_uring could be set up through liburing, "no (...)" otherwise. */
const char *demo_uring_status(void);
/* Writes the hex SHA-256 of data into out (65 bytes) using libcrypto; returns 0, or -1 when built without it. */
int demo_sha256_hex(const char *data, size_t len, char out[65]);

#endif
