#ifndef DEMO_CACHE_H
#define DEMO_CACHE_H
#include <stddef.h>

struct cache;

struct cache *cache_new(size_t buckets);
void cache_free(struct cache *c);
/* Stores a copy of key and value; returns 0 on success. */
int cache_set(struct cache *c, const char *key, const char *value);
/* The stored value or NULL. */
const char *cache_get(const struct cache *c, const char *key);
/* Removes the key; returns 1 when it was present. */
int cache_del(struct cache *c, const char *key);
size_t cache_count(const struct cache *c);

#endif
