/* Shared by the detection core: characters, growable arrays, deletion patterns and polynomial
   hashes of subsequences (modulo 2**64) computed from prefix sums. */
#ifndef MARKWATCH_HASHING_H
#define MARKWATCH_HASHING_H

#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef uint32_t ch_t;

#define MAX_NEEDLE 64
#define MAX_DELETIONS 8

static const uint64_t BASE = 0x9E3779B97F4A7C15ULL;
static const uint64_t KEY_MIX = 0xBF58476D1CE4E5B9ULL;  /* spreads keys over the filter's top bits */

static inline uint64_t mix64(uint64_t x) {
    x ^= x >> 30; x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 27; x *= 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/* The longest common subsequence a needle of n characters needs with a w-character window. */
static int least(int n, int w, double cutoff) {
    double v = ceil(cutoff * (n + w) / 200 - 1e-9);
    return v < 0 ? 0 : (int)v;
}

static double binomial(int n, int k) {
    if (k < 0 || k > n) return 0;
    double r = 1;
    for (int i = 1; i <= k; i++) r = r * (n - k + i) / i;
    return r;
}

/* ---- growable arrays ---- */

/* realloc *array to bytes: 0, or -1 with *array unchanged (still to be freed by its owner). */
static int grow(void *array, size_t bytes) {
    void **slot = array, *grown = realloc(*slot, bytes ? bytes : 1);
    if (!grown) return -1;
    *slot = grown;
    return 0;
}

typedef struct { void *data; size_t len, cap, item; } Vec;

static int vec_push(Vec *v, const void *item) {
    if (v->len == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 64;
        void *data = realloc(v->data, cap * v->item);
        if (!data) return -1;
        v->data = data;
        v->cap = cap;
    }
    memcpy((char *)v->data + v->len * v->item, item, v->item);
    v->len++;
    return 0;
}

/* ---- deletion patterns: every choice of d positions out of len, cached ---- */

typedef struct { int count; uint8_t *positions; } Patterns; /* count * d positions */

static Patterns pattern_cache[MAX_NEEDLE + 1][MAX_DELETIONS + 1];

static const Patterns *patterns(int len, int d) {
    Patterns *p = &pattern_cache[len][d];
    if (p->positions || p->count) return p;
    int count = (int)binomial(len, d);
    p->positions = malloc((size_t)(count * d + 1));
    if (!p->positions) return NULL;
    uint8_t chosen[MAX_DELETIONS];
    for (int i = 0; i < d; i++) chosen[i] = (uint8_t)i;
    for (int c = 0; c < count; c++) {
        memcpy(p->positions + (size_t)c * d, chosen, (size_t)d);
        int i = d - 1;
        while (i >= 0 && chosen[i] == len - d + i) i--;
        if (i < 0) break;
        chosen[i]++;
        for (int j = i + 1; j < d; j++) chosen[j] = (uint8_t)(chosen[j - 1] + 1);
    }
    p->count = count;
    return p;
}

/* ---- polynomial hashes of subsequences from prefix sums (modulo 2**64) ---- */

typedef struct { uint64_t *power, *inverse; size_t size; } Powers;

static int powers_reserve(Powers *p, size_t size) {
    if (size <= p->size) return 0;
    size_t want = size < 256 ? 256 : size * 2;
    if (grow(&p->power, want * sizeof(uint64_t)) || grow(&p->inverse, want * sizeof(uint64_t))) return -1;
    uint64_t *power = p->power, *inverse = p->inverse;
    uint64_t base_inverse = BASE; /* Newton iteration for the inverse modulo 2**64 */
    for (int i = 0; i < 6; i++) base_inverse *= 2 - BASE * base_inverse;
    power[0] = inverse[0] = 1;
    for (size_t i = 1; i < want; i++) {
        power[i] = power[i - 1] * BASE;
        inverse[i] = inverse[i - 1] * base_inverse;
    }
    p->size = want;
    return 0;
}

/* prefix[i] = sum of s[k] * BASE**k for k < i */
static void prefix_sums(const Powers *p, const ch_t *s, int len, uint64_t *prefix) {
    prefix[0] = 0;
    for (int i = 0; i < len; i++) prefix[i + 1] = prefix[i] + (uint64_t)s[i] * p->power[i];
}

/* Hash of s[start:start+len] without the d positions of pattern (relative to start). */
static inline uint64_t subsequence_key(const Powers *p, const uint64_t *prefix, int start, int len,
                                       const uint8_t *pattern, int d, uint64_t tag) {
    uint64_t h = 0;
    int low = start;
    for (int k = 0; k <= d; k++) {
        int high = k < d ? start + pattern[k] : start + len;
        h += (prefix[high] - prefix[low]) * p->inverse[start + k];
        low = high + 1;
    }
    return (h ^ tag) * KEY_MIX;
}

/* The keys of every d-deletion of s[start:start+n], in the order of p. One and two deletions are
   sums of per-position terms (the pieces' hashes telescope), so most keys cost an addition. */
static void window_keys(const Powers *pw, const uint64_t *prefix, int start, int n, int d, const Patterns *p,
                        uint64_t tag, uint64_t *out) {
    const uint64_t *inv = pw->inverse + start, *at = prefix + start;
    if (d == 1) {
        for (int j = 0; j < n; j++)
            out[j] = (((at[j] - at[0]) * inv[0] + (at[n] - at[j + 1]) * inv[1]) ^ tag) * KEY_MIX;
    } else if (d == 2) {
        uint64_t x[MAX_NEEDLE], y[MAX_NEEDLE];
        for (int j = 0; j < n; j++) {
            x[j] = (at[j] - at[0]) * inv[0] - at[j + 1] * inv[1];
            y[j] = at[j] * inv[1] + (at[n] - at[j + 1]) * inv[2];
        }
        size_t k = 0;
        for (int first = 0; first < n; first++)
            for (int second = first + 1; second < n; second++) out[k++] = ((x[first] + y[second]) ^ tag) * KEY_MIX;
    } else {
        for (int k = 0; k < p->count; k++)
            out[k] = subsequence_key(pw, prefix, start, n, p->positions + (size_t)k * d, d, tag);
    }
}

#endif
