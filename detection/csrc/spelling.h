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

/* The letter bag of a form (its letters counted by their low five bits), counted at first use. */
typedef struct { uint8_t counts[32]; int counted; } Bag;

/* A necessary condition of osa_within(a, m, b, len, k): an edit adds or removes at most one letter on
   each side, so at most k of a's letters and k of b's find no partner in the other (letters sharing
   their low five bits only partner more of them). */
static inline int bag_within(Bag *bag, const ch_t *a, int m, const ch_t *b, int len, int k) {
    if (m > 255) return 1;  /* the counts are bytes */
    if (!bag->counted) {
        memset(bag->counts, 0, sizeof bag->counts);
        for (int i = 0; i < m; i++) bag->counts[a[i] & 31]++;
        bag->counted = 1;
    }
    uint8_t left[32];
    memcpy(left, bag->counts, sizeof left);
    int unmatched = 0;
    for (int j = 0; j < len; j++) {
        uint8_t *count = &left[b[j] & 31];
        if (*count) (*count)--;
        else if (++unmatched > k) return 0;
    }
    return m - (len - unmatched) <= k;
}

/* Whether some of 2k + 1 pieces of a (m characters) lies in b at its own place, give or take k: k edits
   (a swap across two pieces touches both) leave one untouched, shifted by the letters added or dropped. */
static int piece_kept(const ch_t *a, int m, const ch_t *b, int len, int k) {
    int pieces = 2 * k + 1;
    if (m < pieces) return 1;
    for (int t = 0; t < pieces; t++) {
        int from = t * m / pieces, size = (t + 1) * m / pieces - from;
        for (int at = from - k; at <= from + k; at++) {
            if (at < 0 || at + size > len) continue;
            int i = 0;
            while (i < size && a[from + i] == b[at + i]) i++;
            if (i == size) return 1;
        }
    }
    return 0;
}

/* A text's whole words without their spaces (letters), where each word starts and ends there, the
   skeleton keys of its runs of words (an open-addressing set, 0 for an empty slot), the bigrams of its
   letters and of the text itself as bit sets, and where each bigram of its letters lies. */
#define SPELLING_BIT_WORDS 64
typedef struct {
    uint64_t letter_bigrams[SPELLING_BIT_WORDS], text_bigrams[SPELLING_BIT_WORDS];
    ch_t *letters;
    int *word_from, *word_to, words, length, room;
    uint64_t *runs, *run_keys;  /* the set, and its keys in a list */
    uint64_t *codes, *code_slots;  /* the letters' distinct bigrams (spelling_bigram), and a set of them */
    int code_count, *code_last, *gram_before;  /* per slot: the bigram's last place; per place, the one before */
    int *word_at;                  /* per letter: the word starting there, or -1 */
    int *word_support, *word_seen; /* scratch per word (band_found): bigrams on its band, the last counted */
    size_t code_mask;
    int *run_starts, *length_first, longest_run;  /* runs of up to longest_run letters by length: those of
                                                     L letters start at run_starts[length_first[L]:...[L + 1]] */
    size_t starts_room;
    size_t run_mask, run_room, run_count, keys_room;
    int *rows;
} Spelling;

static inline uint64_t spelling_bigram(ch_t a, ch_t b) { return mix64(((uint64_t)a << 21) | b); }

static inline void bigram_set(uint64_t *bits, ch_t a, ch_t b) {
    uint64_t code = spelling_bigram(a, b);
    bits[code >> 58] |= 1ULL << (code & 63);
}

static inline int code_held(const uint64_t *bits, uint64_t code) { return (bits[code >> 58] >> (code & 63)) & 1; }

static inline int bigram_held(const uint64_t *bits, ch_t a, ch_t b) { return code_held(bits, spelling_bigram(a, b)); }

/* The bigram codes of a[0:m] (m - 1 of them), as may_spell takes them. */
static void spelling_grams(const ch_t *a, int m, uint64_t *grams) {
    for (int i = 0; i + 1 < m; i++) grams[i] = spelling_bigram(a[i], a[i + 1]);
}

static void spelling_free(Spelling *s) {
    free(s->letters); free(s->word_from); free(s->word_to); free(s->runs); free(s->run_keys); free(s->rows);
    free(s->codes); free(s->code_slots); free(s->code_last); free(s->gram_before); free(s->word_at);
    free(s->word_support); free(s->word_seen);
    free(s->run_starts); free(s->length_first);
}

static void run_insert(Spelling *s, uint64_t key) {
    size_t slot = key & s->run_mask;
    while (s->runs[slot] && s->runs[slot] != key) slot = (slot + 1) & s->run_mask;
    if (!s->runs[slot]) s->run_keys[s->run_count++] = key;
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

static int runs_by_length(Spelling *s, int longest_run);

/* The text's words, its runs of words of up to longest_run letters by length, the skeleton keys of the
   runs whose skeletons have at most longest characters (the longest skeleton among the forms), and
   where each bigram of its letters lies. -1 if out of memory. */
static int spelling_of(Spelling *s, const ch_t *text, int len, int longest, int longest_run) {
    if (len + 1 > s->room) {
        int room = len * 2 + 64;
        if (grow(&s->letters, room * sizeof(ch_t)) || grow(&s->word_from, room * sizeof(int)) ||
            grow(&s->word_to, room * sizeof(int)) || grow(&s->rows, 3 * ((size_t)room + 1) * sizeof(int)) ||
            grow(&s->codes, room * sizeof(uint64_t)) || grow(&s->code_slots, 4 * (size_t)room * sizeof(uint64_t)) ||
            grow(&s->code_last, 4 * (size_t)room * sizeof(int)) || grow(&s->gram_before, room * sizeof(int)) ||
            grow(&s->word_at, room * sizeof(int)) || grow(&s->word_support, room * sizeof(int)) ||
            grow(&s->word_seen, room * sizeof(int)))
            return -1;
        s->room = room;
    }
    int count = 0;
    s->words = 0;
    for (int i = 0; i < len; i++) {
        if (text[i] == ' ') continue;
        s->word_at[count] = -1;
        if (!i || text[i - 1] == ' ') s->word_at[count] = s->words, s->word_from[s->words++] = count;
        s->letters[count++] = text[i];
        if (i + 1 == len || text[i + 1] == ' ') s->word_to[s->words - 1] = count;
    }
    s->length = count;
    if (runs_by_length(s, longest_run)) return -1;
    memset(s->letter_bigrams, 0, sizeof s->letter_bigrams);
    memset(s->text_bigrams, 0, sizeof s->text_bigrams);
    size_t code_mask = 1;
    while (code_mask < 2 * (size_t)count) code_mask *= 2;  /* at most 4 * room slots */
    memset(s->code_slots, 0, code_mask * sizeof(uint64_t));
    code_mask--;
    s->code_count = 0;
    s->code_mask = code_mask;
    for (int i = 0; i + 1 < count; i++) {  /* a code of 0 (an empty slot) is read as 1: at worst a collision */
        bigram_set(s->letter_bigrams, s->letters[i], s->letters[i + 1]);
        uint64_t code = spelling_bigram(s->letters[i], s->letters[i + 1]), slot;
        code += !code;
        for (slot = code & code_mask; s->code_slots[slot] && s->code_slots[slot] != code;)
            slot = (slot + 1) & code_mask;
        if (!s->code_slots[slot]) s->code_slots[slot] = code, s->codes[s->code_count++] = code, s->code_last[slot] = -1;
        s->gram_before[i] = s->code_last[slot];
        s->code_last[slot] = i;
    }
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
    if (runs + 1 > s->keys_room) {
        if (grow(&s->run_keys, (runs + 1) * sizeof(uint64_t))) return -1;
        s->keys_room = runs + 1;
    }
    s->run_count = 0;
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

/* The last place of the bigram with this code among the text's letters, or -1 (earlier ones: gram_before). */
static inline int gram_last(const Spelling *s, uint64_t code) {
    code += !code;
    for (size_t slot = code & s->code_mask; s->code_slots[slot]; slot = (slot + 1) & s->code_mask)
        if (s->code_slots[slot] == code) return s->code_last[slot];
    return -1;
}

/* Whether some run of words starting at letter start, of m - k to m + k letters, is within k of a. */
static int runs_from(const Spelling *s, const ch_t *a, Bag *bag, int m, int k, int start) {
    if (start < 0 || start >= s->length || s->word_at[start] < 0) return 0;
    for (int last = s->word_at[start]; last < s->words; last++) {
        int length = s->word_to[last] - start;
        if (length > m + k) break;
        if (length >= m - k && bag_within(bag, a, m, s->letters + start, length, k) &&
            osa_within(a, m, s->letters + start, length, k, s->rows)) return 1;
    }
    return 0;
}

/* may_spell's OSA search over the runs starting at word starts s where at least m - 1 - 3k of the form's
   bigram positions i have their bigram at some letter p with |p - i - s| <= k: k edits break at most 3k
   of the form's m - 1 bigrams (see may_spell) and shift the others by at most k. */
static int band_found(const Spelling *s, const ch_t *a, Bag *bag, const uint64_t *grams, int m, int k) {
    int need = m - 1 - 3 * k, best = 0, *support = s->word_support, *seen = s->word_seen;
    for (int w = 0; w < s->words; w++) support[w] = 0, seen[w] = -1;
    for (int i = 0; i + 1 < m; i++) {
        for (int p = gram_last(s, grams[i]); p >= 0; p = s->gram_before[p]) {
            int low = p - i - k > 0 ? p - i - k : 0, high = p - i + k < s->length - 1 ? p - i + k : s->length - 1;
            for (int start = low; start <= high; start++) {
                int w = s->word_at[start];
                if (w < 0 || seen[w] == i) continue;
                seen[w] = i;
                if (++support[w] > best) best = support[w];
                if (support[w] == need && runs_from(s, a, bag, m, k, start)) return 1;
            }
        }
        if (i + 1 - best > 3 * k) return 0;  /* no word can reach need with the positions left */
    }
    return 0;
}

/* Whether some piece of piece_kept has all its bigrams among the text's letters. */
static int piece_held(const Spelling *s, const uint64_t *grams, int m, int k) {
    int pieces = 2 * k + 1;
    if (m < 2 * pieces) return 1;  /* pieces of one letter have no bigram */
    for (int t = 0; t < pieces; t++) {
        int from = t * m / pieces, to = (t + 1) * m / pieces, i = from;
        while (i + 1 < to && code_held(s->letter_bigrams, grams[i])) i++;
        if (i + 1 >= to) return 1;
    }
    return 0;
}

/* The runs of words of at most longest_run letters, grouped by length (a counting sort). */
static int runs_by_length(Spelling *s, int longest_run) {
    if (longest_run > s->length) longest_run = s->length;
    size_t runs = 0;
    for (int first = 0; first < s->words; first++)
        for (int last = first; last < s->words && s->word_to[last] - s->word_from[first] <= longest_run; last++) runs++;
    if (grow(&s->length_first, ((size_t)longest_run + 2) * sizeof(int)) ||
        (runs + 1 > s->starts_room && grow(&s->run_starts, (runs + 1) * sizeof(int)))) return -1;
    if (runs + 1 > s->starts_room) s->starts_room = runs + 1;
    s->longest_run = longest_run;
    memset(s->length_first, 0, ((size_t)longest_run + 2) * sizeof(int));
    for (int first = 0; first < s->words; first++)
        for (int last = first; last < s->words && s->word_to[last] - s->word_from[first] <= longest_run; last++)
            s->length_first[s->word_to[last] - s->word_from[first] + 1]++;
    for (int l = 1; l <= longest_run + 1; l++) s->length_first[l] += s->length_first[l - 1];
    for (int first = 0; first < s->words; first++)  /* length_first[L + 1] counts up to the end of L's */
        for (int last = first; last < s->words && s->word_to[last] - s->word_from[first] <= longest_run; last++)
            s->run_starts[s->length_first[s->word_to[last] - s->word_from[first]]++] = s->word_from[first];
    for (int l = longest_run; l > 0; l--) s->length_first[l] = s->length_first[l - 1];
    s->length_first[0] = 0;
    return 0;
}

/* Whether some run of the text's words, without spaces, may be a plausible variant of the form whose
   letters (spaces removed) are form[0:m], with their bigram codes (spelling_grams), and whose skeleton
   has key: the same skeleton, or within max_edits(m) edits. *lacking: how many of those bigrams the text's
   letters lack, counted up to 3 max_edits(m) + 1 (0 when not counted). */
static int may_spell(const Spelling *s, const ch_t *form, const uint64_t *grams, int m, uint64_t key, int *lacking) {
    *lacking = 0;
    
    if (run_held(s, key)) return 1;
    int k = m <= 8 ? 1 : 2;
    if (s->length < m - k) return 0;
    /* An edit breaks at most three of the form's bigrams (a swap: the pair's and its neighbours'); the
       rest lie in the run, so among the text's letters. */
    int missing = 0;
    for (int i = 0; i + 1 < m; i++)
        if (!code_held(s->letter_bigrams, grams[i]) && ++missing > 3 * k) break;
    *lacking = missing;
    if (missing > 3 * k) return 0;
    if (!piece_held(s, grams, m, k)) return 0;
    Bag bag;
    bag.counted = 0;
    if (m >= 2 * (2 * k + 1)) return band_found(s, form, &bag, grams, m, k);
    int low = m - k > 1 ? m - k : 1, high = m + k < s->longest_run ? m + k : s->longest_run;
    for (int length = low; length <= high; length++)
        for (int r = s->length_first[length]; r < s->length_first[length + 1]; r++) {
            const ch_t *run = s->letters + s->run_starts[r];
            if (piece_kept(form, m, run, length, k) && bag_within(&bag, form, m, run, length, k) &&
                osa_within(form, m, run, length, k, s->rows)) return 1;
        }
    return 0;
}

#endif
