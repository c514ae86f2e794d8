#ifndef DEMO_UTIL_STRBUF_H
#define DEMO_UTIL_STRBUF_H
#include <stddef.h>

/* A heap copy of `s` (NULL on allocation failure). */
char *demo_strdup(const char *s);

#endif
