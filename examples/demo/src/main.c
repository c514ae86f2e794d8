/* demo: a tiny in-memory cache driven by its arguments, e.g. `demo set a 1 get a del a count`. */
#include <stdio.h>
#include <string.h>
#include "cache.h"
#include "demo_features.h"
#include "gitinfo.h"

static int usage(void) {
    fprintf(stderr, "usage: demo [--version | --features] [set KEY VALUE | get KEY | del KEY | sha KEY | count]...\n");
    return 2;
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("demo %s (%s)\n", DEMO_VERSION, DEMO_GIT_COMMIT);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "--features") == 0) {
        char hex[65];
        printf("uring: %s\n", demo_uring_status());
        printf("openssl: %s\n", demo_sha256_hex("", 0, hex) == 0 ? "yes" : "no");
        return 0;
    }
    struct cache *c = cache_new(0);
    if (!c) return 1;
    int status = 0;
    for (int i = 1; i < argc && status == 0; i++) {
        if (strcmp(argv[i], "set") == 0 && i + 2 < argc) {
            if (cache_set(c, argv[i + 1], argv[i + 2]) != 0) status = 1;
            i += 2;
        } else if (strcmp(argv[i], "get") == 0 && i + 1 < argc) {
            const char *v = cache_get(c, argv[++i]);
            printf("%s\n", v ? v : "(nil)");
        } else if (strcmp(argv[i], "del") == 0 && i + 1 < argc) {
            printf("%d\n", cache_del(c, argv[++i]));
        } else if (strcmp(argv[i], "sha") == 0 && i + 1 < argc) {
            const char *v = cache_get(c, argv[++i]);
            char hex[65];
            if (v && demo_sha256_hex(v, strlen(v), hex) == 0) printf("%s\n", hex);
            else printf("(unavailable)\n");
        } else if (strcmp(argv[i], "count") == 0) {
            printf("%zu\n", cache_count(c));
        } else {
            status = usage();
        }
    }
    cache_free(c);
    return status;
}
