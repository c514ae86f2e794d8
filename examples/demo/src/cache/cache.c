#include <stdlib.h>
#include <string.h>
#include "cache.h"
#include "hash.h"
#include "strbuf.h"

#ifndef DEMO_BUCKETS
#define DEMO_BUCKETS 64
#endif

struct entry {
    char *key;
    char *value;
    struct entry *next;
};

struct cache {
    size_t nbuckets;
    size_t count;
    struct entry **buckets;
};

struct cache *cache_new(size_t buckets) {
    struct cache *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->nbuckets = buckets ? buckets : DEMO_BUCKETS;
    c->buckets = calloc(c->nbuckets, sizeof *c->buckets);
    if (!c->buckets) { free(c); return NULL; }
    return c;
}

void cache_free(struct cache *c) {
    if (!c) return;
    for (size_t i = 0; i < c->nbuckets; i++) {
        struct entry *e = c->buckets[i];
        while (e) {
            struct entry *next = e->next;
            free(e->key);
            free(e->value);
            free(e);
            e = next;
        }
    }
    free(c->buckets);
    free(c);
}

static struct entry **slot(const struct cache *c, const char *key) {
    size_t i = (size_t)(demo_hash(key, strlen(key)) % c->nbuckets);
    struct entry **p = &c->buckets[i];
    while (*p && strcmp((*p)->key, key) != 0) p = &(*p)->next;
    return p;
}

int cache_set(struct cache *c, const char *key, const char *value) {
    struct entry **p = slot(c, key);
    char *v = demo_strdup(value);
    if (!v) return -1;
    if (*p) {
        free((*p)->value);
        (*p)->value = v;
        return 0;
    }
    struct entry *e = malloc(sizeof *e);
    if (!e) { free(v); return -1; }
    e->key = demo_strdup(key);
    if (!e->key) { free(v); free(e); return -1; }
    e->value = v;
    e->next = NULL;
    *p = e;
    c->count++;
    return 0;
}

const char *cache_get(const struct cache *c, const char *key) {
    struct entry **p = slot(c, key);
    return *p ? (*p)->value : NULL;
}

int cache_del(struct cache *c, const char *key) {
    struct entry **p = slot(c, key);
    if (!*p) return 0;
    struct entry *e = *p;
    *p = e->next;
    free(e->key);
    free(e->value);
    free(e);
    c->count--;
    return 1;
}

size_t cache_count(const struct cache *c) { return c->count; }
