#include <stdlib.h>
#include <string.h>
#include "strbuf.h"

char *demo_strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}
