/* partial_ratio exactly as rapidfuzz computes it, for needles of up to 64 characters: a bit-parallel
   LCS per window (Allison-Dix / Hyyro) and rapidfuzz's arithmetic for the score. */
#ifndef MARKWATCH_LCS_H
#define MARKWATCH_LCS_H

#include "hashing.h"

typedef struct { uint64_t ascii[128]; int extra; ch_t extra_ch[MAX_NEEDLE]; uint64_t extra_mask[MAX_NEEDLE]; } Pattern;

/* pm must be all zero; pattern_clear(pm, s, n) makes it so again. */
static void pattern_set(Pattern *pm, const ch_t *s, int n) {
    for (int i = 0; i < n; i++) {
        uint64_t bit = 1ULL << i;
        if (s[i] < 128) { pm->ascii[s[i]] |= bit; continue; }
        int j = 0;
        while (j < pm->extra && pm->extra_ch[j] != s[i]) j++;
        if (j == pm->extra) { pm->extra_ch[j] = s[i]; pm->extra_mask[j] = 0; pm->extra++; }
        pm->extra_mask[j] |= bit;
    }
}

static void pattern_clear(Pattern *pm, const ch_t *s, int n) {
    for (int i = 0; i < n; i++)
        if (s[i] < 128) pm->ascii[s[i]] = 0;
    pm->extra = 0;
}

static inline uint64_t pattern_get(const Pattern *pm, ch_t c) {
    if (c < 128) return pm->ascii[c];
    for (int j = 0; j < pm->extra; j++)
        if (pm->extra_ch[j] == c) return pm->extra_mask[j];
    return 0;
}

static inline int popcount(uint64_t x) {
    x -= (x >> 1) & 0x5555555555555555ULL;
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return (int)((x * 0x0101010101010101ULL) >> 56);
}

static int lcs(const Pattern *pm, int n, const ch_t *s, int len) {
    uint64_t v = ~0ULL;
    for (int i = 0; i < len; i++) {
        uint64_t u = v & pattern_get(pm, s[i]);
        v = (v + u) | (v - u);
    }
    uint64_t mask = n == 64 ? ~0ULL : ((1ULL << n) - 1);
    return popcount(~v & mask);
}

static inline double ratio_score(int common, int len1, int len2) {
    int lensum = len1 + len2;
    if (!lensum) return 100;
    double norm_sim = 1.0 - (double)(lensum - 2 * common) / (double)lensum;
    return norm_sim * 100;
}

/* The LCS of the needle in pm (n characters) with every prefix of s up to count characters, into
   out[1..count]: one pass, since the bit-parallel state after w characters is that prefix's. */
static void prefix_lcs(const Pattern *pm, int n, const ch_t *s, int count, int *out) {
    uint64_t v = ~0ULL, mask = n == 64 ? ~0ULL : ((1ULL << n) - 1);
    for (int i = 0; i < count; i++) {
        uint64_t u = v & pattern_get(pm, s[i]);
        v = (v + u) | (v - u);
        out[i + 1] = popcount(~v & mask);
    }
}

/* Scratch for suffix_lcs: the needle reversed (all zero between uses). */
static Pattern reversed_needle;

/* The same for every suffix of s (len characters) up to count: the LCS of two strings is that of
   both reversed, so s is read backwards against the reversed needle. */
static void suffix_lcs(const ch_t *needle, int n, const ch_t *s, int len, int count, int *out) {
    ch_t reversed[MAX_NEEDLE];
    for (int i = 0; i < n; i++) reversed[i] = needle[n - 1 - i];
    pattern_set(&reversed_needle, reversed, n);
    uint64_t v = ~0ULL, mask = n == 64 ? ~0ULL : ((1ULL << n) - 1);
    for (int i = 0; i < count; i++) {
        uint64_t u = v & pattern_get(&reversed_needle, s[len - 1 - i]);
        v = (v + u) | (v - u);
        out[i + 1] = popcount(~v & mask);
    }
    pattern_clear(&reversed_needle, reversed, n);
}

/* Best score of s2's prefixes and suffixes of 1 to len1 - 1 characters against the needle s1 (in pm). */
static double edge_score(const Pattern *pm, const ch_t *s1, int len1, const ch_t *s2, int len2, double floor) {
    int count = len1 - 1 < len2 ? len1 - 1 : len2, prefix[MAX_NEEDLE + 1], suffix[MAX_NEEDLE + 1];
    if (count < 1) return 0;
    prefix_lcs(pm, len1, s2, count, prefix);
    suffix_lcs(s1, len1, s2, len2, count, suffix);
    double best = 0;
    for (int w = 1; w <= count; w++) {
        if (least(len1, w, floor) > w + 1) continue;  /* such a window cannot reach floor */
        double score = ratio_score(prefix[w], len1, w), other = ratio_score(suffix[w], len1, w);
        if (score > best) best = score;
        if (other > best) best = other;
    }
    return best;
}

/* Best score of needle s1 (len1 <= len2, len1 <= 64) over s2's windows; windows that cannot reach
   floor (a score just under the cutoff) are skipped, so lower results are only lower bounds. */
static double partial_impl(Pattern *pm, const ch_t *s1, int len1, const ch_t *s2, int len2, double floor) {
    pattern_set(pm, s1, len1);
    double best = edge_score(pm, s1, len1, s2, len2, floor);
    /* A window's LCS is at most its multiset intersection with the needle (characters from 128 up
       share one bucket, which only loosens the bound): kept up to date as the window slides. */
    int need = least(len1, len1, floor) - 1, wanted[129] = {0}, held[129] = {0}, shared = 0;
    for (int k = 0; k < len1; k++) wanted[s1[k] < 128 ? s1[k] : 128]++;
    for (int i = 0; i < len2 && best < 100; i++) {
        int in = s2[i] < 128 ? s2[i] : 128;
        shared += held[in]++ < wanted[in];
        if (i >= len1) {
            int out = s2[i - len1] < 128 ? s2[i - len1] : 128;
            shared -= --held[out] < wanted[out];
        }
        if (i + 1 < len1 || shared < need || !pattern_get(pm, s2[i])) continue;
        double score = ratio_score(lcs(pm, len1, s2 + i + 1 - len1, len1), len1, len1);
        if (score > best) best = score;
    }
    pattern_clear(pm, s1, len1);
    return best;
}

/* partial_ratio(a, b), or -1 when the shorter string is longer than 64 characters. */
static double partial_ratio(Pattern *pm, const ch_t *a, int len_a, const ch_t *b, int len_b, double floor) {
    if (!len_a && !len_b) return 100;
    if (!len_a || !len_b) return 0;
    if (len_a > len_b) { const ch_t *t = a; a = b; b = t; int l = len_a; len_a = len_b; len_b = l; }
    if (len_a > MAX_NEEDLE) return -1;
    double score = partial_impl(pm, a, len_a, b, len_b, floor);
    if (score != 100 && len_a == len_b) {
        double swapped = partial_impl(pm, b, len_b, a, len_a, floor);
        if (swapped > score) score = swapped;
    }
    return score;
}

#endif
