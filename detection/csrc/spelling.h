/* Whether some run of a text's whole words may spell a mark form: the C side of
   detection.variants.plausible_variant, which Matcher._locate asks of every match scoring under 100.
   Its words, spaces removed, must have the form's skeleton or lie within max_edits of it (OSA). */
#ifndef MARKWATCH_SPELLING_H
#define MARKWATCH_SPELLING_H

#include "hashing.h"

/* detection.variants.skeleton, streamed: its three two-letter folds (rn|nn -> m, vv -> w, cl -> d),
   each applied to the previous one's output and holding back at most one letter, then the one-letter
   folds. The hash and length are those of the skeleton written so far, held letters aside. */
typedef struct { ch_t held[3]; uint64_t hash; int length; } Skeleton;

static const ch_t FOLD_SECOND[3] = {'n', 'v', 'l'}, FOLD_INTO[3] = {'m', 'w', 'd'};

static inline int fold_first(int stage, ch_t x) {
    return stage == 0 ? x == 'r' || x == 'n' : stage == 1 ? x == 'v' : x == 'c';
}

static inline void skeleton_emit(Skeleton *s, ch_t x) {
    if (x == '1' || x == 'i' || x == '|' || x == '!') x = 'l';
    else if (x == '0') x = 'o';
    else if (x == '5') x = 's';
    s->hash = (s->hash + x + 1) * BASE;
    s->length++;
}

static void skeleton_feed(Skeleton *s, int stage, ch_t x) {
    for (; stage < 3; stage++) {
        ch_t held = s->held[stage];
        if (held) {
            s->held[stage] = 0;
            if (x == FOLD_SECOND[stage]) { x = FOLD_INTO[stage]; continue; }
            skeleton_feed(s, stage + 1, held);
        }
        if (fold_first(stage, x)) { s->held[stage] = x; return; }
    }
    skeleton_emit(s, x);
}

/* The skeleton of everything fed so far, its held letters written out (s is left to be fed on). */
static Skeleton skeleton_done(const Skeleton *s) {
    Skeleton done = *s;
    for (int stage = 0; stage < 3; stage++) {
        ch_t held = done.held[stage];
        done.held[stage] = 0;
        if (held) skeleton_feed(&done, stage + 1, held);
    }
    return done;
}

static uint64_t skeleton_key(const Skeleton *s) {
    Skeleton done = skeleton_done(s);
    return mix64(done.hash ^ ((uint64_t)done.length << 56)) | 1;  /* never 0: the run set's empty slot */
}

/* Whether a (m characters) and b (len) are within k edits under OSA (a swap of neighbours is one edit).
   rows: scratch of 3 * (len + 1) ints. */
static int osa_within(const ch_t *a, int m, const ch_t *b, int len, int k, int *rows) {
    if (m - len > k || len - m > k) return 0;
    const int far = m + len + k + 1;
    int *before = rows, *previous = rows + len + 1, *current = rows + 2 * (len + 1);
    for (int j = 0; j <= len; j++) previous[j] = j <= k ? j : far;
    for (int i = 1; i <= m; i++) {
        int low = i - k > 1 ? i - k : 1, high = i + k < len ? i + k : len, best = far;
        current[low - 1] = low == 1 ? i : far;
        if (i <= k) best = i;
        for (int j = low; j <= high; j++) {
            int v = previous[j - 1] + (a[i - 1] != b[j - 1]);
            if (previous[j] + 1 < v) v = previous[j] + 1;
            if (current[j - 1] + 1 < v) v = current[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && before[j - 2] + 1 < v)
                v = before[j - 2] + 1;
            current[j] = v;
            if (v < best) best = v;
        }
        if (high < len) current[high + 1] = far;
        if (best > k) return 0;
        int *spent = before;
        before = previous, previous = current, current = spent;
    }
    return previous[len] <= k;
}

/* A text's whole words without their spaces (letters), where each word starts and ends there, the
   skeleton keys of its runs of words (an open-addressing set, 0 for an empty slot), and the bigrams of
   its letters and of the text itself as bit sets. */
#define SPELLING_BIT_WORDS 64
typedef struct {
    uint64_t letter_bigrams[SPELLING_BIT_WORDS], text_bigrams[SPELLING_BIT_WORDS];
    ch_t *letters;
    int *word_from, *word_to, words, length, room;
    uint64_t *runs;
    size_t run_mask, run_room;
    int *rows;
} Spelling;

static inline uint64_t spelling_bigram(ch_t a, ch_t b) { return mix64(((uint64_t)a << 21) | b); }

static inline void bigram_set(uint64_t *bits, ch_t a, ch_t b) {
    uint64_t code = spelling_bigram(a, b);
    bits[code >> 58] |= 1ULL << (code & 63);
}

static inline int bigram_held(const uint64_t *bits, ch_t a, ch_t b) {
    uint64_t code = spelling_bigram(a, b);
    return (bits[code >> 58] >> (code & 63)) & 1;
}

static void spelling_free(Spelling *s) {
    free(s->letters); free(s->word_from); free(s->word_to); free(s->runs); free(s->rows);
}

static void run_insert(Spelling *s, uint64_t key) {
    size_t slot = key & s->run_mask;
    while (s->runs[slot] && s->runs[slot] != key) slot = (slot + 1) & s->run_mask;
    s->runs[slot] = key;
}

static int run_held(const Spelling *s, uint64_t key) {
    size_t slot = key & s->run_mask;
    while (s->runs[slot]) {
        if (s->runs[slot] == key) return 1;
        slot = (slot + 1) & s->run_mask;
    }
    return 0;
}

/* The text's words and the skeleton keys of its runs of words whose skeletons have at most longest
   characters (the longest skeleton among the forms). -1 if out of memory. */
static int spelling_of(Spelling *s, const ch_t *text, int len, int longest) {
    if (len + 1 > s->room) {
        int room = len * 2 + 64;
        if (grow(&s->letters, room * sizeof(ch_t)) || grow(&s->word_from, room * sizeof(int)) ||
            grow(&s->word_to, room * sizeof(int)) || grow(&s->rows, 3 * ((size_t)room + 1) * sizeof(int))) return -1;
        s->room = room;
    }
    int count = 0;
    s->words = 0;
    for (int i = 0; i < len; i++) {
        if (text[i] == ' ') continue;
        if (!i || text[i - 1] == ' ') s->word_from[s->words++] = count;
        s->letters[count++] = text[i];
        if (i + 1 == len || text[i + 1] == ' ') s->word_to[s->words - 1] = count;
    }
    s->length = count;
    memset(s->letter_bigrams, 0, sizeof s->letter_bigrams);
    memset(s->text_bigrams, 0, sizeof s->text_bigrams);
    for (int i = 0; i + 1 < count; i++) bigram_set(s->letter_bigrams, s->letters[i], s->letters[i + 1]);
    for (int i = 0; i + 1 < len; i++) bigram_set(s->text_bigrams, text[i], text[i + 1]);
    size_t runs = 0;
    for (int first = 0; first < s->words; first++)
        for (int last = first; last < s->words && s->word_to[last] - s->word_from[first] <= 2 * longest + 6; last++)
            runs++;  /* more letters fold into a longer skeleton (held letters aside) */
    size_t slots = 64;
    while (slots < runs * 2) slots *= 2;
    if (slots > s->run_room) {
        if (grow(&s->runs, slots * sizeof(uint64_t))) return -1;
        s->run_room = slots;
    }
    s->run_mask = slots - 1;
    memset(s->runs, 0, slots * sizeof(uint64_t));
    for (int first = 0; first < s->words; first++) {
        Skeleton skeleton = {{0, 0, 0}, 0, 0};
        for (int last = first; last < s->words; last++) {
            for (int i = last == first ? s->word_from[first] : s->word_to[last - 1]; i < s->word_to[last]; i++)
                skeleton_feed(&skeleton, 0, s->letters[i]);
            if (skeleton.length > longest) break;  /* a skeleton only grows as letters come */
            run_insert(s, skeleton_key(&skeleton));
        }
    }
    return 0;
}

/* Whether some run of the text's words, without spaces, may be a plausible variant of the form whose
   letters (spaces removed) are form[0:m] and whose skeleton has key: the same skeleton, or within
   max_edits(m) edits. */
static int may_spell(const Spelling *s, const ch_t *form, int m, uint64_t key) {
    if (run_held(s, key)) return 1;
    int k = m <= 8 ? 1 : 2;
    if (s->length < m - k) return 0;
    /* An edit breaks at most three of the form's bigrams (a swap: the pair's and its neighbours'); the
       rest lie in the run, so among the text's letters. */
    int missing = 0;
    for (int i = 0; i + 1 < m; i++)
        if (!bigram_held(s->letter_bigrams, form[i], form[i + 1]) && ++missing > 3 * k) return 0;
    for (int first = 0; first < s->words; first++)
        for (int last = first; last < s->words; last++) {
            int length = s->word_to[last] - s->word_from[first];
            if (length > m + k) break;
            if (length >= m - k && osa_within(form, m, s->letters + s->word_from[first], length, k, s->rows)) return 1;
        }
    return 0;
}

#endif
