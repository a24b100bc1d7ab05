/* Hash tables from 64-bit keys to form numbers, with a blocked Bloom filter in front. */
#ifndef MARKWATCH_TABLE_H
#define MARKWATCH_TABLE_H

#include "hashing.h"

typedef struct { uint64_t key; uint32_t form; } Entry;

/* Distinct keys with their forms: an open-addressing table of (key, forms[first:last]) and a bit
   filter in front of it, since most probes are misses and the filter answers them from cache.
   Key 0 marks an empty slot, so a key of 0 is stored and looked up as 1 (at worst a collision). */
typedef struct { uint64_t key; uint32_t first, last; } Slot;

typedef struct {
    Slot *slots; uint32_t *forms; size_t size;
    uint64_t *filter; int filter_bits, slot_bits;
} Table;

static int entry_order(const void *a, const void *b) {
    const Entry *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return (x->form > y->form) - (x->form < y->form);
}

/* Two bits of one filter word per key (a blocked Bloom filter): one memory access per probe. */
static inline uint64_t filter_bits_of(uint64_t key) { return (1ULL << (key & 63)) | (1ULL << ((key >> 6) & 63)); }

static inline uint64_t stored_key(uint64_t key) { return key ? key : 1; }

#define RADIX_BITS 11
#define RADIX_MIN 4096  /* fewer entries are left to qsort */

/* e sorted by entry_order, as qsort would, but in linear time: a stable radix sort by key, then each run
   of equal keys put in form order (entries mostly come in form order already). -1 if out of memory. */
static int entries_sort(Entry *e, size_t len) {
    if (len < RADIX_MIN) {
        if (len) qsort(e, len, sizeof(Entry), entry_order);
        return 0;
    }
    Entry *spare = malloc(len * sizeof(Entry)), *from = e, *to = spare;
    size_t *counts = malloc(((size_t)1 << RADIX_BITS) * sizeof(size_t));
    if (!spare || !counts) { free(spare); free(counts); return -1; }
    const size_t buckets = (size_t)1 << RADIX_BITS;
    for (int shift = 0; shift < 64; shift += RADIX_BITS) {
        memset(counts, 0, buckets * sizeof(size_t));
        for (size_t i = 0; i < len; i++) counts[(from[i].key >> shift) & (buckets - 1)]++;
        if (counts[(from[0].key >> shift) & (buckets - 1)] == len) continue;  /* one digit for all: in order */
        for (size_t b = 0, at = 0; b < buckets; b++) {
            size_t n = counts[b];
            counts[b] = at;
            at += n;
        }
        for (size_t i = 0; i < len; i++) to[counts[(from[i].key >> shift) & (buckets - 1)]++] = from[i];
        Entry *swap = from;
        from = to, to = swap;
    }
    if (from != e) memcpy(e, from, len * sizeof(Entry));
    free(spare);
    free(counts);
    for (size_t first = 0, last; first < len; first = last) {
        int ordered = 1;
        for (last = first + 1; last < len && e[last].key == e[first].key; last++)
            ordered &= e[last - 1].form <= e[last].form;
        if (!ordered) qsort(e + first, last - first, sizeof(Entry), entry_order);
    }
    return 0;
}

static int table_build(Table *t, Vec *entries) {
    Entry *e = entries->data;
    for (size_t i = 0; i < entries->len; i++) e[i].key = stored_key(e[i].key);
    if (entries_sort(e, entries->len)) return -1;
    size_t size = 0, distinct = 0;
    for (size_t i = 0; i < entries->len; i++)
        if (!size || e[i].key != e[size - 1].key || e[i].form != e[size - 1].form) e[size++] = e[i];
    for (size_t i = 0; i < size; i++) distinct += !i || e[i].key != e[i - 1].key;
    t->size = size;
    int filter_bits = 16, slot_bits = 4;
    while (((size_t)1 << filter_bits) < size * 16 && filter_bits < 31) filter_bits++;
    while (((size_t)1 << slot_bits) < distinct * 2) slot_bits++;
    t->filter_bits = filter_bits;
    t->slot_bits = slot_bits;
    t->forms = malloc((size + 1) * sizeof(uint32_t));
    t->slots = calloc((size_t)1 << slot_bits, sizeof(Slot));
    t->filter = calloc(((size_t)1 << filter_bits) / 64 + 1, sizeof(uint64_t));
    if (!t->forms || !t->slots || !t->filter) return -1;
    size_t mask = ((size_t)1 << slot_bits) - 1;
    for (size_t i = 0, slot = 0; i < size; i++) {
        t->forms[i] = e[i].form;
        if (i && e[i].key == e[i - 1].key) {
            t->slots[slot].last = (uint32_t)i + 1;
            continue;
        }
        t->filter[e[i].key >> (64 - filter_bits + 6)] |= filter_bits_of(e[i].key);
        for (slot = e[i].key >> (64 - slot_bits); t->slots[slot].key; slot = (slot + 1) & mask) {}
        t->slots[slot] = (Slot){e[i].key, (uint32_t)i, (uint32_t)i + 1};
    }
    return 0;
}

static inline int table_maybe(const Table *t, uint64_t key) {
    key = stored_key(key);
    uint64_t want = filter_bits_of(key);
    return (t->filter[key >> (64 - t->filter_bits + 6)] & want) == want;
}

static inline void table_prefetch(const Table *t, uint64_t key) {
    __builtin_prefetch(&t->filter[stored_key(key) >> (64 - t->filter_bits + 6)]);
}

/* The forms under key: [*first, *last) in t->forms; empty when the key is absent. */
static inline void table_find(const Table *t, uint64_t key, uint32_t *first, uint32_t *last) {
    key = stored_key(key);
    size_t mask = ((size_t)1 << t->slot_bits) - 1;
    for (size_t slot = key >> (64 - t->slot_bits);; slot = (slot + 1) & mask) {
        const Slot *s = &t->slots[slot];
        if (!s->key) { *first = *last = 0; return; }
        if (s->key == key) { *first = s->first; *last = s->last; return; }
    }
}

static void table_free(Table *t) { free(t->slots); free(t->forms); free(t->filter); }

#endif
