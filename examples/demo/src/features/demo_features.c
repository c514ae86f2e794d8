/* Optional features: liburing and OpenSSL's libcrypto when the build found them (NOURING / NOOPENSSL if not). */
#include <stdio.h>
#include "demo_features.h"

#ifndef NOURING
#include <liburing.h>
#endif
#ifndef NOOPENSSL
#include <openssl/evp.h>
#endif

const char *demo_uring_status(void) {
#ifdef NOURING
    return "no (built without liburing)";
#else
    struct io_uring ring;
    int rc = io_uring_queue_init(4, &ring, 0);
    if (rc < 0) return "linked, but the kernel refused io_uring";
    io_uring_queue_exit(&ring);
    return "yes";
#endif
}

int demo_sha256_hex(const char *data, size_t len, char out[65]) {
#ifdef NOOPENSSL
    (void)data;
    (void)len;
    out[0] = '\0';
    return -1;
#else
    unsigned char md[32];
    unsigned int n = 0;
    if (!EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) || n != 32) return -1;
    for (unsigned int i = 0; i < n; i++) snprintf(out + 2 * i, 3, "%02x", md[i]);
    return 0;
#endif
}
