/*
 * Exact partial_ratio search of many mark forms in many texts, and the matcher's screening: the
 * compiled core behind detection.index.CandidateIndex.
 *
 * rapidfuzz's partial_ratio scores a needle of n characters against every n-character window of
 * the text and its shorter prefixes and suffixes (200 * lcs / (n + w) for a window of w
 * characters). A window reaches the cutoff only if it shares m = least(n, w) characters in order
 * with the needle, i.e. some (w - m)-deletion of the window equals some (n - m)-deletion of the
 * needle (SymSpell). Index.search_many finds every form that can reach the cutoff:
 *
 *   keyed forms    every m-subsequence of the form (full windows, and each edge m) is hashed;
 *                  a text's windows look up theirs (hash collisions only add candidates);
 *   counted forms  long ones, whose deletion sets would be large: runs of windows sharing at
 *                  least the bigrams a window reaching the cutoff must share (count_shared); in
 *                  screen mode, those with word rules by their rarest bigrams and skeleton instead
 *                  (plan_rare), since only whole words spelling them, or the form itself, stand;
 *   always         forms whose bigram bound is vacuous; direct: forms at least as long as the
 *                  text, where the text becomes the needle.
 *
 * Each candidate is scored on the windows that may reach the cutoff with a bit-parallel LCS and
 * rapidfuzz's arithmetic (lcs.h), so the pairs and scores are the brute-force ones; a needle over
 * 64 characters, or a score within 1e-6 of the cutoff, is left to rapidfuzz.
 *
 * For the matcher, search_many also applies Matcher._locate's rules where they reject every
 * window they skip (window_may_stand, on_ordinary_words, joins), drops forms no run of the text's
 * words may spell before scoring them (may_spell, csrc/spelling.h), finds near-word forms
 * (collect_near) and whole-token forms (whole_token_forms); tests/detection/test_screening.py
 * checks that the matcher's hits are unchanged.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <limits.h>

#include "hashing.h"
#include "lcs.h"
#include "spelling.h"
#include "table.h"

#define FULL_KEY_LIMIT 70     /* most deletion patterns per window for a keyed form */
#define EDGE_KEY_LIMIT 1500   /* most edge subsequences stored per keyed form */
#define GRAM_WORD_BITS 6      /* the text's bigram bit set: 2**6 words of 64 bits */
#define GRAM_BITS (64 << GRAM_WORD_BITS)

enum { MODE_KEYED = 0, MODE_COUNT = 1, MODE_ALWAYS = 2 };

/* Counted forms share bigrams with a sliding window of their bucket's length (a window reaching the
   cutoff lies inside one); needles over 64 characters count over the whole text. */
static const int BUCKET_WINDOWS[] = {16, 20, 25, 32, 40, 50, 64, 1 << 30};
#define BUCKETS 8

static int bucket_of(int n) {
    int b = 0;
    while (BUCKET_WINDOWS[b] < n) b++;
    return b;
}

/* Keys of different kinds and lengths never meet: each is mixed with its own tag. */
static inline uint64_t full_tag(int n) { return 0x100000001B3ULL * (uint64_t)(2 * n + 1); }
static inline uint64_t edge_tag(int n) { return 0x100000001B3ULL * (uint64_t)(2 * n + 2); }
static inline uint64_t whole_tag(int n) { return 0x9E3779B97F4A7C15ULL * (uint64_t)(2 * n + 1); }
#define STRIPPED_TAG 0x535452ULL

/* ---- the index ---- */

typedef struct { int w, m; } EdgeNeed;

/* A counted form: the shared distinct bigrams a full window needs, and a window at the text's start
   or end; the text's current count and the generation it belongs to; the most characters a full
   window reaching the cutoff leaves out of the form, and the diagonals a shorter window at the text's
   start may hold its bigrams on (see diagonals_hold). */
typedef struct { uint32_t form; int threshold, edge_threshold, shared; uint32_t stamp; int deletions, edge_low, edge_high; } Counted;

/* One of a form's distinct characters (non-ASCII ones as one, slot 128) and how often it occurs. */
typedef struct { int32_t slot, count; } CharCount;

/* What rare_aligned reads of a number of plan_rare, together (the first line: all but the codes): how many
   of its bigrams a text must hold, its max_edits, how many it has, and per bigram the letters it starts at
   (count RARE_ANYWHERE if more) and its code. */
#define RARE 12  /* the most of a form's bigrams kept to find it by */
#define RARE_PLACES 4
#define RARE_ANYWHERE 255
typedef struct { uint8_t need, k, kept, unused, count[RARE], at[RARE][RARE_PLACES]; uint64_t code[RARE]; } RarePlan;

typedef struct {
    PyObject_HEAD
    double cutoff;
    int count;
    ch_t *chars;          /* all forms, concatenated */
    uint64_t *form_grams; /* at each character of a form but its last: the bigram code starting there */
    CharCount *char_counts;   /* per form (at its offset): its distinct characters and their counts (may_reach) */
    int *distinct_chars;
    size_t *offsets;
    int *lengths;
    uint8_t *modes;
    uint8_t *word_rule;       /* forms the word rule of search_many may drop (see there) */
    Py_ssize_t word_rule_count;
    int near_low, near_high;  /* lengths of the single-word ASCII forms looked up one edit from words */
    Table near;
    Table exact;              /* every form, whole: for texts searched as whole tokens only */
    Table stripped;           /* keyed forms without their spaces (see collect's ordinary windows) */
    int most_words;
    Table ordinary;           /* ordinary words (see search_many), by hash; their characters to compare */
    ch_t *ordinary_chars;
    size_t *ordinary_offsets;
    int *ordinary_lengths;
    uint32_t *reached;        /* per form: the generation in which it reached the cutoff */
    uint32_t *near_stamp;
    int *near_slot;
    Counted *counted;         /* the counted forms, numbered densely (the bigram table's postings) */
    int32_t *counted_of;      /* per form: its number among the counted forms, or -1 */
    uint32_t *touched;        /* scratch: the counted forms count_shared met in the current bucket */
    size_t touched_count;
    int *support;             /* scratch: per window start, the bigrams that may support it (diagonals_hold) */
    size_t support_room;
    size_t gram_mask;         /* the text's bigram hash (count_shared): its size less one */
    size_t counted_count;
    int bucket_used[BUCKETS];
    uint32_t *by_length;  /* form indices, shortest first */
    int max_length;
    int full_d[MAX_NEEDLE + 1];              /* keyed lengths: deletions per full window, -1 if none */
    int keyed[MAX_NEEDLE + 1];               /* how many keyed forms have each length */
    EdgeNeed *edges[MAX_NEEDLE + 1];         /* keyed lengths: the edge windows to look up */
    int edge_count[MAX_NEEDLE + 1];
    Table full[MAX_NEEDLE + 1], edge, bigram;  /* full-window keys by form length */
    uint32_t *always;
    size_t always_count;
    uint8_t *always_wide;     /* per always form: 1 if none of its characters is ASCII (see collect) */
    Powers powers;
    uint32_t *stamp;
    int32_t *last_hit;        /* per form: its latest hit in this text's Candidates */
    Pattern pattern;          /* zeroed between uses */
    uint64_t *keys;           /* scratch: one length's window keys */
    uint32_t *passed;
    int32_t *starts;          /* scratch: the window starts searched */
    int32_t *exact_starts;
    uint64_t *gram_codes;     /* scratch: the text's bigrams, their previous and next occurrences */
    int *gram_previous, *gram_next, *gram_slots;
    uint64_t *gram_slot_codes;  /* per slot of the hash: its bigram's code (diagonals_hold probes without indirection) */
    uint64_t gram_bits[GRAM_BITS / 64];  /* the text's bigram codes as a bit set: most absent ones answered here */
    uint32_t *gram_first, *gram_last;
    size_t grams_room;
    size_t keys_room;
    uint8_t *spelled;         /* per form: 1 if screen mode drops it unless some run of words may spell it */
    ch_t *spelled_chars;      /* those forms without their spaces (at offsets), their bigram codes, lengths and */
    uint64_t *spelled_grams;
    int *spelled_lengths;     /* the keys of their skeletons; the longest skeleton's length */
    uint64_t *skeleton_keys;
    int longest_skeleton, longest_spelled;
    Table spelled_bigram;     /* count_shared's postings of the counted forms found by spelling in screen mode */
    Table rare, skeletons;    /* those forms by a few of their rarest bigrams (letters only), and by skeleton; */
    uint32_t *rare_forms;     /* the rare table's postings are numbers into these: the forms, */
    uint8_t *rare_need, *rare_left;   /* how many of their bigrams a text must have, and how many more it lacks */
    RarePlan *rare_plans;     /* per number: its rare bigrams and where they lie (rare_aligned) */
    uint32_t *rare_ready;     /* the numbers whose count came to need; then those of them aligned_numbers keeps */
    size_t rare_kept;
    ch_t *rare_letters;       /* the letters rare_ready was found for (when rare_valid) */
    int rare_length, rare_valid;
    size_t rare_letters_room;
    uint16_t *band;           /* scratch of rare_aligned: per diagonal, the rare bigrams on it */
    size_t band_room;
    size_t rare_count;
    Spelling spelling;        /* scratch: the current text's words (see may_spell) */
    uint32_t generation;
    long long unspelt;        /* forms screen mode dropped as spelled by no run of words */
    long long searched, keyed_scored, counted_scored, whole_scored;  /* counters for stats() */
} Index;

static void index_dealloc(Index *self) {
    free(self->chars); free(self->form_grams); free(self->char_counts); free(self->distinct_chars); free(self->word_rule); free(self->offsets); free(self->lengths); free(self->modes);
    free(self->counted); free(self->counted_of); free(self->touched); free(self->support); free(self->by_length); free(self->always); free(self->always_wide);
    for (int n = 0; n <= MAX_NEEDLE; n++) free(self->edges[n]);
    for (int n = 0; n <= MAX_NEEDLE; n++) table_free(&self->full[n]);
    table_free(&self->edge); table_free(&self->bigram); table_free(&self->near); table_free(&self->ordinary); table_free(&self->exact); table_free(&self->stripped);
    free(self->ordinary_chars); free(self->ordinary_offsets); free(self->ordinary_lengths);
    free(self->reached); free(self->near_stamp); free(self->near_slot);
    free(self->powers.power); free(self->powers.inverse);
    free(self->stamp); free(self->last_hit); free(self->keys); free(self->passed); free(self->starts); free(self->exact_starts);
    free(self->gram_codes); free(self->gram_previous); free(self->gram_next); free(self->gram_slots); free(self->gram_slot_codes);
    free(self->gram_first); free(self->gram_last);
    free(self->spelled); free(self->spelled_chars); free(self->spelled_grams); free(self->spelled_lengths); free(self->skeleton_keys);
    table_free(&self->spelled_bigram); table_free(&self->rare); table_free(&self->skeletons);
    free(self->rare_forms); free(self->rare_need); free(self->rare_left); free(self->rare_plans); free(self->rare_ready); free(self->rare_letters); free(self->band);
    spelling_free(&self->spelling);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static inline uint64_t bigram_code(ch_t a, ch_t b) { return mix64(((uint64_t)a << 21) | b); }

static int distinct_bigrams(const ch_t *s, int len, uint64_t *out) {
    int count = 0;
    for (int i = 0; i + 1 < len; i++) {
        uint64_t code = bigram_code(s[i], s[i + 1]);
        int seen = 0;
        for (int j = 0; j < count && !seen; j++) seen = out[j] == code;
        if (!seen) out[count++] = code;
    }
    return count;
}

static inline uint64_t bucket_key(uint64_t code, int bucket) { return mix64(code ^ (0x9E3779B97F4A7C15ULL * (bucket + 1))); }

/* How many bigram positions a window of from_w to to_w characters reaching the cutoff may break
   (see detection.index); -1 when no such window can reach it. */
static int bigram_loss(int n, double cutoff, int from_w, int to_w) {
    int worst = -1;
    for (int w = from_w; w <= to_w; w++) {
        int m = least(n, w, cutoff);
        if (m > w) continue;
        int loss = 2 * n + w - 3 * m;
        if (loss > worst) worst = loss;
    }
    return worst;
}

static int plan_lengths(Index *self) {
    for (int n = 0; n <= MAX_NEEDLE; n++) {
        self->full_d[n] = -1;
        if (n < 1) continue;
        int m = least(n, n, self->cutoff);
        double stored = m <= n ? binomial(n, n - m) : 0;
        int full_d = m <= n ? n - m : -1;
        if (full_d > MAX_DELETIONS || stored > FULL_KEY_LIMIT) continue;
        EdgeNeed needs[MAX_NEEDLE];
        int count = 0, sizes_seen[MAX_NEEDLE + 1] = {0};
        double edge_stored = 0;
        int ok = 1;
        for (int w = 1; w < n; w++) {
            int mw = least(n, w, self->cutoff);
            if (mw > w) continue;
            if (w - mw > MAX_DELETIONS || n - mw > MAX_DELETIONS) { ok = 0; break; }
            needs[count++] = (EdgeNeed){w, mw};
            if (!sizes_seen[mw]) { sizes_seen[mw] = 1; edge_stored += binomial(n, n - mw); }
        }
        if (!ok || edge_stored > EDGE_KEY_LIMIT) continue;
        self->full_d[n] = full_d;
        self->edge_count[n] = count;
        if (count) {
            self->edges[n] = malloc(count * sizeof(EdgeNeed));
            if (!self->edges[n]) return -1;
            memcpy(self->edges[n], needs, count * sizeof(EdgeNeed));
        }
    }
    return 0;
}

static int *sort_lengths;
static int by_length_cmp(const void *a, const void *b) {
    int x = sort_lengths[*(const uint32_t *)a], y = sort_lengths[*(const uint32_t *)b];
    if (x != y) return x - y;
    return (*(const uint32_t *)a > *(const uint32_t *)b) - (*(const uint32_t *)a < *(const uint32_t *)b);
}

/* Whether a[i] is a word "s" after another: a possessive, "zaxby s" for ZAXBY'S. */
static inline int lone_s(const ch_t *a, int len_a, int i) {
    return a[i] == 's' && i > 0 && a[i - 1] == ' ' && (i + 1 == len_a || a[i + 1] == ' ');
}

/* The hash of a form's characters without its spaces, and without its possessives if it has any (the
   matcher keeps "zaxby" for ZAXBY'S though the web knows it as a name; prefix is scratch). */
static int add_stripped_key(Index *self, uint32_t form, Vec *stripped, uint64_t *prefix) {
    int n = self->lengths[form];
    const ch_t *s = self->chars + self->offsets[form];
    ch_t letters[MAX_NEEDLE];
    for (int possessive = 0; possessive < 2; possessive++) {
        int k = 0, dropped = 0;
        for (int i = 0; i < n; i++) {
            if (possessive && lone_s(s, n, i)) dropped = 1;
            else if (s[i] != ' ') letters[k++] = s[i];
        }
        if (possessive && !dropped) break;
        prefix_sums(&self->powers, letters, k, prefix);
        Entry e = {subsequence_key(&self->powers, prefix, 0, k, NULL, 0, STRIPPED_TAG), form};
        if (vec_push(stripped, &e)) return -1;
    }
    return 0;
}

static int add_form_keys(Index *self, uint32_t form, Vec *full, Vec *edge, uint64_t *prefix) {
    int n = self->lengths[form];
    const ch_t *s = self->chars + self->offsets[form];
    prefix_sums(&self->powers, s, n, prefix);
    const Patterns *p = patterns(n, self->full_d[n]);
    if (!p) return -1;
    int d = self->full_d[n];
    for (int c = 0; c < p->count; c++) {
        Entry e = {subsequence_key(&self->powers, prefix, 0, n, p->positions + (size_t)c * d, d, full_tag(n)), form};
        if (vec_push(full, &e)) return -1;
    }
    if (d) {  /* the whole form: what a window on ordinary words looks up */
        Entry e = {subsequence_key(&self->powers, prefix, 0, n, NULL, 0, whole_tag(n)), form};
        if (vec_push(full, &e)) return -1;
    }
    int done[MAX_NEEDLE + 1] = {0};
    for (int i = 0; i < self->edge_count[n]; i++) {
        int m = self->edges[n][i].m;
        if (done[m]) continue;
        done[m] = 1;
        const Patterns *q = patterns(n, n - m);
        if (!q) return -1;
        for (int c = 0; c < q->count; c++) {
            Entry e = {subsequence_key(&self->powers, prefix, 0, n, q->positions + (size_t)c * (n - m), n - m,
                                       edge_tag(n)), form};
            if (vec_push(edge, &e)) return -1;
        }
    }
    return 0;
}

#define NEAR_TAG 0x4E454152ULL
#define ORDINARY_TAG 0x4F5244ULL
#define EXACT_TAG 0x455841ULL

static int load_ordinary(Index *self, PyObject *words) {
    PyObject *sequence = PySequence_Fast(words, "ordinary_words must be a collection of str");
    if (!sequence) return -1;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(sequence);
    size_t total = 0;
    int longest = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *word = PySequence_Fast_GET_ITEM(sequence, i);
        if (!PyUnicode_Check(word)) {
            Py_DECREF(sequence);
            PyErr_SetString(PyExc_TypeError, "ordinary_words must be str");
            return -1;
        }
        total += PyUnicode_GET_LENGTH(word);
        if (PyUnicode_GET_LENGTH(word) > longest) longest = (int)PyUnicode_GET_LENGTH(word);
    }
    self->ordinary_chars = malloc((total + 1) * sizeof(ch_t));
    self->ordinary_offsets = malloc((count + 1) * sizeof(size_t));
    self->ordinary_lengths = malloc((count + 1) * sizeof(int));
    uint64_t *prefix = malloc(((size_t)longest + 2) * sizeof(uint64_t));
    Vec entries = {0, 0, 0, sizeof(Entry)};
    int status = self->ordinary_chars && self->ordinary_offsets && self->ordinary_lengths && prefix &&
                 !powers_reserve(&self->powers, (size_t)longest + MAX_DELETIONS + 2) ? 0 : -1;
    size_t at = 0;
    for (Py_ssize_t i = 0; i < count && !status; i++) {
        PyObject *word = PySequence_Fast_GET_ITEM(sequence, i);
        int n = (int)PyUnicode_GET_LENGTH(word);
        self->ordinary_offsets[i] = at;
        self->ordinary_lengths[i] = n;
        if (n && !PyUnicode_AsUCS4(word, self->ordinary_chars + at, n, 0)) { status = -2; break; }
        prefix_sums(&self->powers, self->ordinary_chars + at, n, prefix);
        Entry e = {subsequence_key(&self->powers, prefix, 0, n, NULL, 0, ORDINARY_TAG), (uint32_t)i};
        status = vec_push(&entries, &e);
        at += n;
    }
    if (!status) status = table_build(&self->ordinary, &entries);
    free(entries.data);
    free(prefix);
    Py_DECREF(sequence);
    if (status == -1) PyErr_NoMemory();
    return status ? -1 : 0;
}

/* Whether text[start:start+n] is an ordinary word: two characters or fewer, or one of the words. */
static int is_ordinary(const Index *self, const ch_t *text, const uint64_t *prefix, int start, int n) {
    if (n <= 2) return 1;
    uint64_t key = subsequence_key(&self->powers, prefix, start, n, NULL, 0, ORDINARY_TAG);
    if (!table_maybe(&self->ordinary, key)) return 0;
    uint32_t first, last;
    table_find(&self->ordinary, key, &first, &last);
    for (uint32_t k = first; k < last; k++) {
        uint32_t w = self->ordinary.forms[k];
        if (self->ordinary_lengths[w] == n &&
            !memcmp(self->ordinary_chars + self->ordinary_offsets[w], text + start, (size_t)n * sizeof(ch_t)))
            return 1;
    }
    return 0;
}

/* Per character of text: value (1 or 2) where it belongs to an ordinary word or is a space, else 0.
   Words are space-separated, and also split at joins (a spacing form judges the base form's words). */
static void ordinary_marks(const Index *self, const ch_t *text, int len, const uint64_t *prefix, uint8_t value,
                           const int *joins, int join_count, uint8_t *out) {
    int j = 0;
    for (int start = 0; start < len;) {
        if (text[start] == ' ') { out[start++] = value; continue; }
        int end = start;
        while (end < len && text[end] != ' ') {
            end++;
            while (j < join_count && joins[j] < end - 1) j++;
            if (j < join_count && joins[j] == end - 1) break;  /* a join between end - 1 and end */
        }
        uint8_t mark = is_ordinary(self, text, prefix, start, end - start) ? value : 0;
        memset(out + start, mark, (size_t)(end - start));
        start = end;
    }
}

/* A form the near-word lookup covers: one word of near_low to near_high ASCII characters. */
static int near_form(const Index *self, uint32_t f) {
    int n = self->lengths[f];
    if (n < self->near_low || n > self->near_high) return 0;
    const ch_t *s = self->chars + self->offsets[f];
    for (int i = 0; i < n; i++)
        if (s[i] == ' ' || s[i] >= 128) return 0;
    return 1;
}

/* The form and each of its one-character deletions, as strings (whatever their length). */
static int add_near_keys(Index *self, uint32_t f, Vec *near, uint64_t *prefix) {
    int n = self->lengths[f];
    prefix_sums(&self->powers, self->chars + self->offsets[f], n, prefix);
    Entry e = {subsequence_key(&self->powers, prefix, 0, n, NULL, 0, NEAR_TAG), f};
    if (vec_push(near, &e)) return -1;
    for (int j = 0; j < n; j++) {
        uint8_t dropped = (uint8_t)j;
        e.key = subsequence_key(&self->powers, prefix, 0, n, &dropped, 1, NEAR_TAG);
        if (vec_push(near, &e)) return -1;
    }
    return 0;
}

/* The word-rule forms that screen mode keeps only where a run of the text's words may spell them, or
   scoring 100 (Matcher._locate asks plausible_variant of every other match): all but the near-word
   forms, which it lists when they do not reach the cutoff and so must see scored. */
static int plan_spellings(Index *self) {
    size_t total = self->count ? self->offsets[self->count - 1] + self->lengths[self->count - 1] : 0;
    self->spelled = calloc((size_t)self->count + 1, 1);
    self->spelled_chars = malloc((total + 1) * sizeof(ch_t));
    self->spelled_grams = malloc((total + 1) * sizeof(uint64_t));
    self->spelled_lengths = calloc((size_t)self->count + 1, sizeof(int));
    self->skeleton_keys = calloc((size_t)self->count + 1, sizeof(uint64_t));
    if (!self->spelled || !self->spelled_chars || !self->spelled_grams || !self->spelled_lengths ||
        !self->skeleton_keys) return -1;
    for (uint32_t f = 0; f < (uint32_t)self->count && f < (uint32_t)self->word_rule_count; f++) {
        int n = self->lengths[f], m = 0;
        if (!n || !self->word_rule[f] || near_form(self, f)) continue;
        const ch_t *form = self->chars + self->offsets[f];
        ch_t *letters = self->spelled_chars + self->offsets[f];
        Skeleton skeleton = {{0, 0, 0}, 0, 0};
        for (int i = 0; i < n; i++)
            if (form[i] != ' ') skeleton_feed(&skeleton, 0, letters[m++] = form[i]);
        spelling_grams(letters, m, self->spelled_grams + self->offsets[f]);
        self->spelled[f] = 1;
        self->spelled_lengths[f] = m;
        self->skeleton_keys[f] = skeleton_key(&skeleton);
        int length = skeleton_done(&skeleton).length;
        if (length > self->longest_skeleton) self->longest_skeleton = length;
        if (m > self->longest_spelled) self->longest_spelled = m;
    }
    return 0;
}

#define LOST 6   /* 3 * max_edits: the most distinct bigrams of a form a run of words within max_edits lacks */
static inline uint64_t rare_key(uint64_t code) { return mix64(code ^ 0x52415245ULL); }

/* Bigram j of plan: the one whose rare_key is key among letters[0:m], and its places. */
static void rare_places(RarePlan *plan, int j, const ch_t *letters, int m, uint64_t key) {
    plan->count[j] = 0;
    for (int k = 0; k + 1 < m; k++) {
        uint64_t code = bigram_code(letters[k], letters[k + 1]);
        if (rare_key(code) != key) continue;
        plan->code[j] = code;
        if (plan->count[j] == RARE_PLACES || k > UINT8_MAX) { plan->count[j] = RARE_ANYWHERE; return; }
        plan->at[j][plan->count[j]++] = (uint8_t)k;
    }
}

/* The counted forms screen mode finds by spelling (forms, of count): keyed by the (at most) RARE of their
   letters' distinct bigrams the fewest of them share, of which all but LOST must be among the text's
   letters, and by skeleton. A form scoring 100, or spelled by a run of the text's words (see may_spell),
   has all of its bigrams or all but LOST among them. The forms are numbered densely (their counts fit in
   the first level of cache). */
static int plan_rare(Index *self, const uint32_t *forms, size_t count) {
    Vec all = {0, 0, 0, sizeof(Entry)}, rare = {0, 0, 0, sizeof(Entry)}, skeletons = {0, 0, 0, sizeof(Entry)};
    uint64_t *codes = malloc(((size_t)self->max_length + 2) * sizeof(uint64_t));
    int *shared = malloc(((size_t)self->max_length + 2) * sizeof(int));
    Table frequency = {0};
    self->rare_forms = malloc((count + 1) * sizeof(uint32_t));
    self->rare_need = calloc(count + 1, 1);
    self->rare_left = calloc(count + 1, 1);
    self->rare_plans = calloc(count + 1, sizeof(RarePlan));
    self->rare_ready = calloc(count + 1, sizeof(uint32_t));
    self->rare_count = count;
    int status = codes && shared && self->rare_forms && self->rare_need && self->rare_left && self->rare_plans &&
                 self->rare_ready ? 0 : -1;
    for (size_t i = 0; i < count && !status; i++) {
        uint32_t f = forms[i];
        const ch_t *letters = self->spelled_chars + self->offsets[f];
        int distinct = distinct_bigrams(letters, self->spelled_lengths[f], codes);
        for (int k = 0; k < distinct && !status; k++) status = vec_push(&all, &(Entry){codes[k], f});
    }
    if (!status) status = table_build(&frequency, &all);
    for (size_t i = 0; i < count && !status; i++) {
        uint32_t f = forms[i];
        const ch_t *letters = self->spelled_chars + self->offsets[f];
        int m = self->spelled_lengths[f], distinct = 0;
        for (int k = 0; k + 1 < m; k++) {  /* its distinct bigrams, and how many forms share each */
            uint64_t code = bigram_code(letters[k], letters[k + 1]);
            int seen = 0;
            for (int j = 0; j < distinct && !seen; j++) seen = codes[j] == code;
            if (seen) continue;
            uint32_t first, last;
            table_find(&frequency, code, &first, &last);
            codes[distinct] = rare_key(code);
            shared[distinct++] = (int)(last - first);
        }
        int kept = distinct < RARE ? distinct : RARE;
        self->rare_forms[i] = f;
        self->rare_need[i] = (uint8_t)(kept - LOST);
        for (int r = 0; r < kept && !status; r++) {  /* the least shared, one at a time */
            int pick = r;
            for (int j = r + 1; j < distinct; j++) if (shared[j] < shared[pick]) pick = j;
            uint64_t code = codes[pick];
            int held = shared[pick];
            codes[pick] = codes[r], shared[pick] = shared[r];
            codes[r] = code, shared[r] = held;
            status = vec_push(&rare, &(Entry){code, (uint32_t)i});
            rare_places(&self->rare_plans[i], r, letters, m, code);
        }
        RarePlan *plan = &self->rare_plans[i];
        plan->need = (uint8_t)(kept - LOST), plan->k = m <= 8 ? 1 : 2, plan->kept = (uint8_t)kept;
        if (!status) status = vec_push(&skeletons, &(Entry){self->skeleton_keys[f], f});
    }
    if (!status) status = table_build(&self->rare, &rare) | table_build(&self->skeletons, &skeletons);
    table_free(&frequency);
    free(all.data); free(rare.data); free(skeletons.data); free(codes); free(shared);
    return status;
}

/* Whether the shorter of the form and the text holds the other: then, and only then, partial_ratio is 100.
   A form without spaces is its spelled letters: those (just read by may_spell) are read instead. */
static int holds_exactly(const Index *self, uint32_t f, const ch_t *text, int len) {
    int n = self->lengths[f], spaceless = self->spelled[f] && self->spelled_lengths[f] == n;
    const ch_t *form = (spaceless ? self->spelled_chars : self->chars) + self->offsets[f];
    const uint64_t *grams = (spaceless ? self->spelled_grams : self->form_grams) + self->offsets[f];
    if (n <= len)  /* the text holds every bigram of a form it holds */
        for (int i = 0; i + 1 < n; i++)
            if (!code_held(self->spelling.text_bigrams, grams[i])) return 0;
    const ch_t *outer = n <= len ? text : form, *inner = n <= len ? form : text;
    int outer_len = n <= len ? len : n, inner_len = n <= len ? n : len;
    for (int at = 0; at + inner_len <= outer_len; at++)
        if (outer[at] == inner[0] && !memcmp(outer + at, inner, (size_t)inner_len * sizeof(ch_t))) return 1;
    return 0;
}

static int index_init(Index *self, PyObject *args, PyObject *kwargs) {
    static char *keywords[] = {"forms", "score_cutoff", "word_rule", "near_lengths", "ordinary_words", NULL};
    PyObject *forms, *ordinary_words = NULL;
    double cutoff;
    Py_buffer rule = {0};
    int near_low = 1, near_high = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "Od|y*(ii)O", keywords, &forms, &cutoff, &rule, &near_low,
                                     &near_high, &ordinary_words)) return -1;
    if (ordinary_words && load_ordinary(self, ordinary_words)) {
        PyBuffer_Release(&rule);
        return -1;
    }
    self->near_low = near_low;
    self->near_high = near_high;
    if (rule.buf) {
        self->word_rule = malloc(rule.len + 1);
        if (self->word_rule) memcpy(self->word_rule, rule.buf, rule.len);
        self->word_rule_count = rule.len;
        PyBuffer_Release(&rule);
        if (!self->word_rule) { PyErr_NoMemory(); return -1; }
    }
    PyObject *sequence = PySequence_Fast(forms, "forms must be a sequence of str");
    if (!sequence) return -1;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(sequence);
    self->cutoff = cutoff;
    self->count = (int)count;
    self->offsets = calloc(count + 1, sizeof(size_t));
    self->lengths = calloc(count + 1, sizeof(int));
    self->modes = calloc(count + 1, 1);
    self->by_length = calloc(count + 1, sizeof(uint32_t));
    self->stamp = calloc(count + 1, sizeof(uint32_t));
    self->last_hit = calloc(count + 1, sizeof(int32_t));
    self->reached = calloc(count + 1, sizeof(uint32_t));
    self->near_stamp = calloc(count + 1, sizeof(uint32_t));
    self->near_slot = calloc(count + 1, sizeof(int));
    int failed = !self->offsets || !self->lengths || !self->modes || !self->by_length ||
                 !self->stamp || !self->last_hit || !self->reached ||
                 !self->near_stamp || !self->near_slot;
    size_t total = 0;
    for (Py_ssize_t i = 0; i < count && !failed; i++) {
        PyObject *form = PySequence_Fast_GET_ITEM(sequence, i);
        if (!PyUnicode_Check(form)) {
            Py_DECREF(sequence);
            PyErr_SetString(PyExc_TypeError, "forms must be str");
            return -1;
        }
        self->offsets[i] = total;
        self->lengths[i] = (int)PyUnicode_GET_LENGTH(form);
        total += self->lengths[i];
        if (self->lengths[i] > self->max_length) self->max_length = self->lengths[i];
    }
    self->chars = malloc((total + 1) * sizeof(ch_t));
    self->form_grams = malloc((total + 1) * sizeof(uint64_t));
    self->char_counts = malloc((total + 1) * sizeof(CharCount));
    self->distinct_chars = calloc(count + 1, sizeof(int));
    if (failed || !self->chars || !self->form_grams || !self->char_counts || !self->distinct_chars || powers_reserve(&self->powers, (size_t)self->max_length + MAX_DELETIONS + 2) || plan_lengths(self)) {
        Py_DECREF(sequence);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *form = PySequence_Fast_GET_ITEM(sequence, i);
        if (self->lengths[i] && !PyUnicode_AsUCS4(form, self->chars + self->offsets[i], self->lengths[i], 0)) {
            Py_DECREF(sequence);
            return -1;
        }
        self->by_length[i] = (uint32_t)i;
        CharCount *counts = self->char_counts + self->offsets[i];
        for (int k = 0, distinct = 0; k < self->lengths[i]; k++) {
            ch_t ch = self->chars[self->offsets[i] + k];
            int slot = ch < 128 ? (int)ch : 128, at = 0;
            while (at < distinct && counts[at].slot != slot) at++;
            if (at == distinct) counts[distinct++] = (CharCount){slot, 0};
            counts[at].count++;
            self->distinct_chars[i] = distinct;
        }
        for (int k = 0; k + 1 < self->lengths[i]; k++)
            self->form_grams[self->offsets[i] + k] = bigram_code(self->chars[self->offsets[i] + k],
                                                                 self->chars[self->offsets[i] + k + 1]);
    }
    Py_DECREF(sequence);
    sort_lengths = self->lengths;
    qsort(self->by_length, count, sizeof(uint32_t), by_length_cmp);
    if (self->word_rule && plan_spellings(self)) {
        PyErr_NoMemory();
        return -1;
    }

    Vec full[MAX_NEEDLE + 1], edge = {0, 0, 0, sizeof(Entry)}, grams = {0, 0, 0, sizeof(Entry)};
    Vec spelled_grams = {0, 0, 0, sizeof(Entry)}, by_spelling = {0, 0, 0, sizeof(uint32_t)};
    for (int n = 0; n <= MAX_NEEDLE; n++) full[n] = (Vec){0, 0, 0, sizeof(Entry)};
    Vec always = {0, 0, 0, sizeof(uint32_t)}, counted_forms = {0, 0, 0, sizeof(Counted)};
    Vec stripped = {0, 0, 0, sizeof(Entry)};
    uint64_t *prefix = malloc(((size_t)self->max_length + 2) * sizeof(uint64_t));
    uint64_t *codes = malloc(((size_t)self->max_length + 2) * sizeof(uint64_t));
    int status = prefix && codes ? 0 : -1;
    for (uint32_t f = 0; f < (uint32_t)count && !status; f++) {
        int n = self->lengths[f];
        if (n == 0) continue; /* an empty form scores 0 against any text */
        /* Forms outside the word rule are counted instead: screen_many skips keys on ordinary words. */
        if (n <= MAX_NEEDLE && self->full_d[n] >= 0 && (!self->word_rule || self->word_rule[f])) {
            self->modes[f] = MODE_KEYED;
            self->keyed[n]++;
            status = add_form_keys(self, f, &full[n], &edge, prefix);
            if (!status) status = add_stripped_key(self, f, &stripped, prefix);
            continue;
        }
        int distinct = distinct_bigrams(self->chars + self->offsets[f], n, codes);
        /* Full windows anywhere, shorter ones only at the text's ends, where the bound is looser. */
        int full = bigram_loss(n, self->cutoff, n, n), edge = bigram_loss(n, self->cutoff, 1, n - 1);
        int threshold = full < 0 ? INT_MAX : distinct - full, edge_threshold = edge < 0 ? INT_MAX : distinct - edge;
        if (threshold <= 0 || edge_threshold <= 0) {
            self->modes[f] = MODE_ALWAYS;
            status = vec_push(&always, &f);
            continue;
        }
        self->modes[f] = MODE_COUNT;
        self->bucket_used[bucket_of(n)] = 1;
        Counted counted = {f, threshold, edge_threshold, 0, 0, n - least(n, n, self->cutoff), 0, 0};
        /* A window of the text's first w characters keeping m of the form's: a kept bigram at position i
           of the form lies at some p with -(n - m) <= p - i <= w - m. */
        for (int w = 1; w < n; w++) {
            int m = least(n, w, self->cutoff);
            if (m > w) continue;
            if (m - n < counted.edge_low) counted.edge_low = m - n;
            if (w - m > counted.edge_high) counted.edge_high = w - m;
        }
        status = vec_push(&counted_forms, &counted);
        int spelt = 0;
        if (self->spelled && self->spelled[f]) {  /* codes is scratch here: the form's own are counted again */
            spelt = distinct_bigrams(self->spelled_chars + self->offsets[f], self->spelled_lengths[f], codes) > LOST;
            distinct = distinct_bigrams(self->chars + self->offsets[f], n, codes);
        }
        if (spelt && !status) status = vec_push(&by_spelling, &f);
        for (int i = 0; i < distinct && !status; i++) {
            Entry e = {bucket_key(codes[i], bucket_of(n)), (uint32_t)(counted_forms.len - 1)};
            status = vec_push(spelt ? &spelled_grams : &grams, &e);
        }
    }
    Vec near = {0, 0, 0, sizeof(Entry)}, exact = {0, 0, 0, sizeof(Entry)};
    for (uint32_t f = 0; f < (uint32_t)count && !status; f++) {
        if (near_form(self, f)) status = add_near_keys(self, f, &near, prefix);
        int n = self->lengths[f], words = 1;
        const ch_t *form = self->chars + self->offsets[f];
        prefix_sums(&self->powers, form, n, prefix);
        Entry e = {subsequence_key(&self->powers, prefix, 0, n, NULL, 0, EXACT_TAG), f};
        if (!status && n) status = vec_push(&exact, &e);
        for (int i = 0; i < n; i++) words += form[i] == ' ';
        if (words > self->most_words) self->most_words = words;
    }
    if (!status) status = table_build(&self->near, &near) | table_build(&self->exact, &exact);
    free(near.data);
    free(exact.data);
    free(prefix);
    free(codes);
    for (int n = 0; n <= MAX_NEEDLE; n++) {
        if (!status) status = table_build(&self->full[n], &full[n]);
        free(full[n].data);
    }
    if (!status) status = table_build(&self->edge, &edge) | table_build(&self->bigram, &grams) |
                          table_build(&self->stripped, &stripped) | table_build(&self->spelled_bigram, &spelled_grams);
    if (!status) status = plan_rare(self, by_spelling.data, by_spelling.len);
    free(edge.data); free(grams.data); free(stripped.data); free(spelled_grams.data); free(by_spelling.data);
    self->always = always.data;
    self->always_count = always.len;
    self->always_wide = calloc(always.len + 1, 1);
    if (!self->always_wide) status = -1;
    for (size_t i = 0; i < always.len && !status; i++) {
        uint32_t f = self->always[i];
        int wide = 1;
        for (int k = 0; k < self->lengths[f] && wide; k++) wide = self->chars[self->offsets[f] + k] >= 128;
        self->always_wide[i] = (uint8_t)wide;
    }
    self->counted = counted_forms.data;
    self->counted_count = counted_forms.len;
    self->counted_of = malloc((count + 1) * sizeof(int32_t));
    self->touched = malloc((self->counted_count + 1) * sizeof(uint32_t));
    if (!self->counted_of || !self->touched) status = -1;
    for (int f = 0; f < count && !status; f++) self->counted_of[f] = -1;
    for (size_t k = 0; k < self->counted_count && !status; k++) self->counted_of[self->counted[k].form] = (int32_t)k;
    if (status) { PyErr_NoMemory(); return -1; }
    return 0;
}

/* A candidate: a form and where it may reach the cutoff: full windows starting in [where, until]
   (none when until < where), the text's prefixes and suffixes (edges), or anywhere (where WHOLE:
   score it over the whole text). An open run of a counted form has until OPEN - bucket. */
enum { WHOLE = -2, OPEN = -3, PREFIXES = 1, SUFFIXES = 2 };
#define DROPPED (-2.0)  /* hit_score: the form reaches the cutoff, but the matcher's rules reject it */
typedef struct { int32_t where, until, next; uint8_t edges; } Hit;  /* next: the form's previous hit, or -1 */
typedef struct { Index *index; Hit *hits; size_t count, cap; uint32_t *forms; size_t form_count; } Candidates;

static inline int candidate_add(Candidates *c, uint32_t form, int32_t where, int32_t until, uint8_t edges) {
    Index *self = c->index;
    int fresh = self->stamp[form] != self->generation;
    if (!fresh) {
        const Hit *last = &c->hits[self->last_hit[form]];
        if (last->where == where && last->until == until && last->edges == edges) return 0;
    }
    if (c->count == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        if (grow(&c->hits, cap * sizeof(Hit)) || grow(&c->forms, cap * sizeof(uint32_t))) return -1;
        c->cap = cap;
    }
    if (fresh) {
        self->stamp[form] = self->generation;
        c->forms[c->form_count++] = form;
    }
    c->hits[c->count] = (Hit){where, until, fresh ? -1 : self->last_hit[form], edges};
    self->last_hit[form] = (int32_t)c->count++;
    return 0;
}

/* The candidate loop of search_many reads a few arrays at each form, mostly out of cache: fetch the
   per-form entries PREFETCH_FAR candidates ahead and (their offsets having come) the spelled letters and
   bigram codes PREFETCH_NEAR ahead. */
#define PREFETCH_FAR 16
#define PREFETCH_NEAR 8
static inline void prefetch_candidate(const Index *self, const Candidates *c, size_t i, int spelling) {
    if (i + PREFETCH_FAR < c->form_count) {
        uint32_t f = c->forms[i + PREFETCH_FAR];
        __builtin_prefetch(&self->last_hit[f]);
        __builtin_prefetch(&self->offsets[f]);
        __builtin_prefetch(&self->lengths[f]);
        if (spelling) {
            __builtin_prefetch(&self->spelled[f]);
            __builtin_prefetch(&self->spelled_lengths[f]);
            __builtin_prefetch(&self->skeleton_keys[f]);
        }
    }
    if (spelling && i + PREFETCH_NEAR < c->form_count) {
        uint32_t f = c->forms[i + PREFETCH_NEAR];
        __builtin_prefetch(self->spelled_grams + self->offsets[f]);
        __builtin_prefetch(self->spelled_grams + self->offsets[f] + 8);
        __builtin_prefetch(self->spelled_chars + self->offsets[f]);
    }
}

static int lookup(Candidates *c, const Table *t, uint64_t key, int32_t where, uint8_t edges) {
    if (!t->size || !table_maybe(t, key)) return 0;
    uint32_t first, last;
    table_find(t, key, &first, &last);
    for (uint32_t i = first; i < last; i++)
        if (candidate_add(c, t->forms[i], where, edges ? -1 : where, edges)) return -1;
    return 0;
}

static int reserve_keys(Index *self, size_t count) {
    if (count <= self->keys_room) return 0;
    size_t room = count * 2;
    if (grow(&self->keys, room * sizeof(uint64_t)) || grow(&self->passed, room * sizeof(uint32_t)) ||
        grow(&self->starts, room * sizeof(int32_t)) || grow(&self->exact_starts, room * sizeof(int32_t))) return -1;
    self->keys_room = room;
    return 0;
}

static void next_generation(Index *self) {
    if (++self->generation == 0) {
        memset(self->stamp, 0, self->count * sizeof(uint32_t));
        for (size_t i = 0; i < self->counted_count; i++) self->counted[i].stamp = 0;
        memset(self->reached, 0, self->count * sizeof(uint32_t));
        memset(self->near_stamp, 0, self->count * sizeof(uint32_t));
        self->generation = 1;
    }
}

/* The text's bigram bit set (count_shared, diagonals_hold): the top bits of a code, apart from the
   low ones its hash slot comes from. */
static inline size_t gram_bit_word(uint64_t code) { return (size_t)(code >> (64 - GRAM_WORD_BITS)); }
static inline uint64_t gram_bit(uint64_t code) { return 1ULL << ((code >> (58 - GRAM_WORD_BITS)) & 63); }

/* Scratch for count_shared: a text's bigram codes, their previous and next occurrences, a hash of them. */
static int reserve_grams(Index *self, size_t grams) {
    if (grams <= self->grams_room) return 0;
    size_t room = grams * 2 + 64, slots = 64;
    while (slots < room * 2) slots *= 2;
    if (grow(&self->gram_codes, room * sizeof(uint64_t)) || grow(&self->gram_previous, room * sizeof(int)) ||
        grow(&self->gram_next, room * sizeof(int)) || grow(&self->gram_slots, slots * sizeof(int)) ||
        grow(&self->gram_slot_codes, slots * sizeof(uint64_t)) ||
        grow(&self->gram_first, room * sizeof(uint32_t)) || grow(&self->gram_last, room * sizeof(uint32_t))) return -1;
    self->grams_room = room;
    return 0;
}

/* One bucket's sliding window of counted forms: its start, the last start, the text and bucket. */
typedef struct { int start, last, len, bucket; } Slide;

static inline int32_t run_end(const Index *self, uint32_t f, const Slide *w, int last_window) {
    int end = last_window + BUCKET_WINDOWS[w->bucket] - self->lengths[f];
    return end > w->len - self->lengths[f] ? w->len - self->lengths[f] : end;
}

/* A window entering (step 1) or leaving (-1) bigram key: counted forms reaching their threshold
   open a run of windows, those falling under it close theirs. */
static inline int shared_add(Index *self, const Table *postings, Candidates *c, uint32_t first, uint32_t last, int step,
                             const Slide *w) {
    for (uint32_t k = first; k < last; k++) {
        Counted *counted = &self->counted[postings->forms[k]];
        if (counted->stamp != self->generation) {
            counted->stamp = self->generation;
            counted->shared = 0;
            self->touched[self->touched_count++] = postings->forms[k];
        }
        counted->shared += step;
        uint32_t f = counted->form;
        if (step > 0 && counted->shared == counted->threshold) {
            int failed = self->lengths[f] > MAX_NEEDLE ? candidate_add(c, f, WHOLE, WHOLE, 0)
                                                       : candidate_add(c, f, w->start, OPEN - w->bucket, 0);
            if (failed) return -1;
        } else if (step < 0 && counted->shared == counted->threshold - 1 && self->lengths[f] <= MAX_NEEDLE) {
            int32_t h = self->last_hit[f];
            while (h >= 0 && c->hits[h].until > OPEN) h = c->hits[h].next;  /* past an edge hit: the open run */
            if (h >= 0) c->hits[h].until = run_end(self, f, w, w->start - 1);
        }
    }
    return 0;
}

/* The counted forms of the current window (those touched in this bucket, with their counts) sharing
   enough bigrams for a window at the text's start or end (edges) to reach the cutoff. */
static int edge_hits(Index *self, Candidates *c, uint8_t edges) {
    for (size_t i = 0; i < self->touched_count; i++) {
        const Counted *counted = &self->counted[self->touched[i]];
        if (counted->shared < counted->edge_threshold) continue;
        uint32_t f = counted->form;
        int failed = self->lengths[f] > MAX_NEEDLE ? candidate_add(c, f, WHOLE, WHOLE, 0)
                                                   : candidate_add(c, f, 0, -1, edges);
        if (failed) return -1;
    }
    return 0;
}

/* Counted forms sharing enough distinct bigrams with some window of their bucket's length: each
   gets runs of window starts to score (see Hit). With joins (join_count >= 0), only the windows
   that may hold one slide. */
static int count_shared(Index *self, const Table *postings, const ch_t *text, int len, Candidates *c, const int *joins,
                        int join_count) {
    int grams = len - 1;
    if (reserve_grams(self, (size_t)grams)) return -1;
    uint64_t *codes = self->gram_codes;
    int *previous = self->gram_previous, *next = self->gram_next, *slots = self->gram_slots;
    size_t size = 64;
    while (size < (size_t)grams * 2) size *= 2;
    size_t mask = self->gram_mask = size - 1;
    memset(slots, 0xFF, size * sizeof(int));
    memset(self->gram_bits, 0, sizeof self->gram_bits);
    for (int i = 0; i < grams; i++) {
        codes[i] = bigram_code(text[i], text[i + 1]);
        next[i] = grams;
        size_t slot = codes[i] & mask;
        while (slots[slot] >= 0 && codes[slots[slot]] != codes[i]) slot = (slot + 1) & mask;
        previous[i] = slots[slot];
        if (previous[i] >= 0) next[previous[i]] = i;
        slots[slot] = i;
        self->gram_slot_codes[slot] = codes[i];
        self->gram_bits[gram_bit_word(codes[i])] |= gram_bit(codes[i]);
    }
    size_t first_hit = c->count;
    uint32_t *first = self->gram_first, *last = self->gram_last;
    for (int b = 0; b < BUCKETS; b++) {
        if (!self->bucket_used[b]) continue;
        for (int i = 0; i < grams; i++) {  /* each distinct bigram's forms in this bucket, looked up once */
            if (previous[i] >= 0) {
                first[i] = first[previous[i]];
                last[i] = last[previous[i]];
                continue;
            }
            uint64_t key = bucket_key(codes[i], b);
            first[i] = last[i] = 0;
            if (table_maybe(postings, key)) table_find(postings, key, &first[i], &last[i]);
        }
        int span = BUCKET_WINDOWS[b] - 1 < grams ? BUCKET_WINDOWS[b] - 1 : grams;  /* bigrams per window */
        self->touched_count = 0;
        Slide w = {0, grams - span, len, b};
        int end = w.last;
        if (join_count >= 0) {
            /* Only windows that may hold a join (see search_many): a full window of n <= B characters
               holding join j starts in [j + 2 - n, j], inside some bucket window starting in
               [j + 2 - B, j]; an edge holding one lies in the first or the last bucket window. */
            if (!join_count) continue;
            int low = joins[0] + 2 - BUCKET_WINDOWS[b];
            w.start = low > 0 ? low : 0;
            if (joins[join_count - 1] < end) end = joins[join_count - 1];
            if (w.start > end) continue;  /* cannot happen (joins lie inside the text): a guard */
        }
        for (int i = w.start; i < w.start + span; i++)
            if (previous[i] < w.start && shared_add(self, postings, c, first[i], last[i], 1, &w)) return -1;
        uint8_t edges = (w.start == 0 ? PREFIXES : 0) | (w.start == w.last ? SUFFIXES : 0);
        if (edges && edge_hits(self, c, edges)) return -1;
        int opened = w.start;
        for (w.start++; w.start <= end; w.start++) {
            int gone = w.start - 1, added = w.start + span - 1;
            /* Distinct bigrams: one leaves unless it recurs in the window, one enters unless it was there. */
            if (next[gone] > added && shared_add(self, postings, c, first[gone], last[gone], -1, &w)) return -1;
            if (previous[added] < gone && shared_add(self, postings, c, first[added], last[added], 1, &w)) return -1;
        }
        if (end == w.last && end > opened && edge_hits(self, c, SUFFIXES)) return -1;
    }
    for (size_t i = first_hit; i < c->count; i++) {
        Hit *hit = &c->hits[i];
        if (hit->where >= 0 && hit->until <= OPEN) hit->until = len;  /* open at the last window: up to the end */
    }
    return 0;
}

/* Words around text[start:end): trimmed of spaces at its ends, widened to whole space-separated words.
   plain (optional): per position, how many characters before it belong to words that are not
   ordinary (see search_many). */
typedef struct { int *word_start, *word_end, *spaces, *plain, *exact_plain; int has_plain; } Words;

static void words_of(const ch_t *text, int len, const uint8_t *ordinary, Words *w) {
    w->spaces[0] = w->plain[0] = w->exact_plain[0] = 0;
    w->has_plain = ordinary != NULL;
    for (int i = 0; i < len; i++) {
        w->word_start[i] = text[i] == ' ' ? i + 1 : (i && text[i - 1] != ' ' ? w->word_start[i - 1] : i);
        w->spaces[i + 1] = w->spaces[i] + (text[i] == ' ');
        w->plain[i + 1] = w->plain[i] + (ordinary && !ordinary[i]);
        w->exact_plain[i + 1] = w->exact_plain[i] + (ordinary && ordinary[i] != 1);
    }
    for (int i = len - 1; i >= 0; i--)
        w->word_end[i] = text[i] == ' ' ? i : (i + 1 < len && text[i + 1] != ' ' ? w->word_end[i + 1] : i + 1);
}

/* Whether the whole words around text[start:start+n] (trimmed of spaces, widened) are all ordinary. */
static inline int on_ordinary_words(const ch_t *text, const Words *w, int start, int n) {
    int end = start + n;
    while (start < end && text[start] == ' ') start++;
    while (end > start && text[end - 1] == ' ') end--;
    if (start == end) return 1;
    return w->plain[w->word_end[end - 1]] == w->plain[w->word_start[start]];
}

/* Keyed forms spelled by a run of ordinary words without its spaces ("cooler master" for COOLERMASTER):
   the one way a match on ordinary words may stand, so their windows are scored. */
static int stripped_runs(Index *self, const ch_t *text, int len, const uint64_t *prefix, const Words *w,
                         Candidates *c) {
    const Powers *pw = &self->powers;
    for (int start = 0; start < len; start++) {
        if ((start && text[start - 1] != ' ') || text[start] == ' ') continue;
        uint64_t h = 0;
        int letters = 0;
        for (int from = start; from < len && letters <= MAX_NEEDLE;) {
            int to = w->word_end[from];
            if (w->plain[to] != w->plain[from]) break;  /* a word that is not ordinary */
            h += (prefix[to] - prefix[from]) * pw->inverse[from] * pw->power[letters];
            letters += to - from;
            uint64_t key = (h ^ STRIPPED_TAG) * KEY_MIX;
            if (table_maybe(&self->stripped, key)) {
                uint32_t first, last;
                table_find(&self->stripped, key, &first, &last);
                for (uint32_t k = first; k < last; k++) {
                    uint32_t f = self->stripped.forms[k];
                    int n = self->lengths[f], lo = start - n > 0 ? start - n : 0, hi = to < len - n ? to : len - n;
                    if (n < len && lo <= hi && candidate_add(c, f, lo, hi, 0)) return -1;
                }
            }
            from = to + 1;
        }
    }
    return 0;
}

#define FILTER_AHEAD 16  /* keys whose filter words are fetched ahead of their test (mostly out of cache) */

/* Keyed forms of n characters: the windows whose keys meet theirs. With joins (sorted; join_count -1
   for none), only windows holding characters i and i + 1 of some join i (see search_many). */
static int keyed_windows(Index *self, int n, const ch_t *text, int len, const uint64_t *prefix, Candidates *c,
                         const int *joins, int join_count, const Words *ordinary) {
    int d = self->full_d[n];
    const Patterns *p = patterns(n, d);
    if (!p) return -1;
    uint64_t tag = full_tag(n);
    /* All keys first, then the filter (loads that do not wait on branches), then the few survivors. */
    if (reserve_keys(self, (size_t)(len - n + 1) * p->count)) return -1;
    int32_t *starts = self->starts, windows = 0;
    if (join_count < 0) {
        for (int start = 0; start + n <= len; start++) starts[windows++] = start;
    } else {
        for (int j = 0, next = 0; j < join_count; j++)
            for (int start = joins[j] + 2 - n > next ? joins[j] + 2 - n : next; start <= joins[j] && start + n <= len;
                 start++) starts[windows++] = start, next = start + 1;
    }
    /* A window on ordinary words needs only its exact key (see stripped_runs for the exception):
       _locate rejects any other match there. Those windows go last, one key each. */
    int plain_windows = windows, exact_windows = 0;
    if (ordinary && d) {
        plain_windows = 0;
        for (int i = 0; i < windows; i++) {
            if (on_ordinary_words(text, ordinary, starts[i], n)) self->exact_starts[exact_windows++] = starts[i];
            else starts[plain_windows++] = starts[i];
        }
        memcpy(starts + plain_windows, self->exact_starts, (size_t)exact_windows * sizeof(int32_t));
    }
    size_t plain_keys = (size_t)plain_windows * p->count, total = plain_keys + (size_t)exact_windows;
    uint64_t *keys = self->keys;
    for (int i = 0; i < plain_windows; i++)
        window_keys(&self->powers, prefix, starts[i], n, d, p, tag, keys + (size_t)i * p->count);
    for (int i = 0; i < exact_windows; i++)
        keys[plain_keys + i] = subsequence_key(&self->powers, prefix, starts[plain_windows + i], n, NULL, 0, whole_tag(n));
    uint32_t *passed = self->passed;
    size_t kept = 0;
    const Table *table = &self->full[n];
    for (size_t i = 0; i < total; i++) {
        if (i + FILTER_AHEAD < total) table_prefetch(table, keys[i + FILTER_AHEAD]);
        passed[kept] = (uint32_t)i;
        kept += table_maybe(table, keys[i]);
    }
    for (size_t i = 0; i < kept; i++) {
        size_t at = passed[i];
        int32_t start = at < plain_keys ? starts[at / p->count] : starts[plain_windows + (at - plain_keys)];
        if (lookup(c, &self->full[n], keys[at], start, 0)) return -1;
    }
    return 0;
}

/* Keyed forms of n characters reaching the cutoff on a shorter window at the text's start or end: all keys
   first, their filter words fetched ahead of their tests (the edge table is large), in keyed_windows' scratch. */
static int edge_windows(Index *self, int n, int len, const uint64_t *prefix, Candidates *c, const int *joins,
                        int join_count) {
    size_t total = 0;
    for (int i = 0; i < self->edge_count[n]; i++) {
        const Patterns *q = patterns(self->edges[n][i].w, self->edges[n][i].w - self->edges[n][i].m);
        if (!q) return -1;
        total += 2 * (size_t)q->count;
    }
    if (reserve_keys(self, total)) return -1;
    uint64_t *keys = self->keys;
    uint32_t *sides = self->passed;
    size_t count = 0;
    for (int i = 0; i < self->edge_count[n]; i++) {
        int w = self->edges[n][i].w, dw = w - self->edges[n][i].m;
        const Patterns *q = patterns(w, dw);
        int prefix_ok = join_count < 0 || (join_count && joins[0] <= w - 2);
        int suffix_ok = join_count < 0 || (join_count && joins[join_count - 1] >= len - w);
        for (int k = 0; k < q->count && (prefix_ok || suffix_ok); k++) {
            const uint8_t *pattern = q->positions + (size_t)k * dw;
            if (prefix_ok) {
                keys[count] = subsequence_key(&self->powers, prefix, 0, w, pattern, dw, edge_tag(n));
                sides[count++] = PREFIXES;
            }
            if (suffix_ok) {
                keys[count] = subsequence_key(&self->powers, prefix, len - w, w, pattern, dw, edge_tag(n));
                sides[count++] = SUFFIXES;
            }
        }
    }
    for (size_t i = 0; i < count; i++) {
        if (i + FILTER_AHEAD < count) table_prefetch(&self->edge, keys[i + FILTER_AHEAD]);
        if (lookup(c, &self->edge, keys[i], 0, (uint8_t)sides[i])) return -1;
    }
    return 0;
}

/* Whether a form may reach the cutoff against a text of len characters: no alignment keeps more than the
   characters they share (as multisets; held: the text's, non-ASCII as one), at most i, so no window of w
   characters scores over 200 i / (n + w) <= 200 i / (s + i), s the shorter length. */
static int may_reach(const Index *self, uint32_t f, int len, const int *held) {
    const CharCount *counts = self->char_counts + self->offsets[f];
    int n = self->lengths[f], shared = 0;
    for (int k = 0; k < self->distinct_chars[f]; k++)
        shared += counts[k].count < held[counts[k].slot] ? counts[k].count : held[counts[k].slot];
    return 200.0 * shared / ((n < len ? n : len) + shared) >= self->cutoff - 1e-6;
}

static inline int bits_set(unsigned x) {
    x = x - ((x >> 1) & 0x5555u);
    x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
    x = (x + (x >> 4)) & 0x0F0Fu;
    return (int)((x + (x >> 8)) & 0x1Fu);
}

#define RARE_MOST_PLACES 128
#define RARE_SHIFT 256  /* more than any place kept: diagonals p - i + RARE_SHIFT are positive */
/* Whether the rare bigrams of number r the text's letters hold lie where a run spelling the form, or the
   form held exactly, puts them: all but LOST of them at letters p with |p - i - s| <= k for one start s,
   i their place in the form's letters and k its max_edits (see may_spell: k edits break at most 3k <= LOST
   of the form's bigrams and shift the others by at most k). */
static int rare_aligned(Index *self, const Spelling *s, size_t r) {
    const RarePlan *plan = &self->rare_plans[r];
    int need = plan->need, k = plan->k;
    size_t span = (size_t)s->length + RARE_SHIFT + 2 * k + 2;
    if (span > self->band_room) {
        if (grow(&self->band, span * sizeof(uint16_t))) return -1;
        memset(self->band + self->band_room, 0, (span - self->band_room) * sizeof(uint16_t));
        self->band_room = span;
    }
    uint16_t *band = self->band;  /* per diagonal: the rare bigrams on it (left all 0) */
    int places[RARE_MOST_PLACES], count = 0, aligned = 0;
    for (int j = 0; j < plan->kept && count < RARE_MOST_PLACES; j++) {
        if (plan->count[j] == RARE_ANYWHERE) { need--; continue; }
        if (!code_held(s->letter_bigrams, plan->code[j])) continue;  /* absent: no probe of the places */
        for (int p = gram_last(s, plan->code[j]); p >= 0 && count < RARE_MOST_PLACES; p = s->gram_before[p])
            for (int t = 0; t < plan->count[j] && count < RARE_MOST_PLACES; t++) {
                int diagonal = p - plan->at[j][t] + RARE_SHIFT;
                band[diagonal] |= (uint16_t)(1u << j);
                places[count++] = diagonal;
            }
    }
    aligned = need <= 0 || count == RARE_MOST_PLACES;  /* too many places to weigh: kept */
    for (int a = 0; a < count && !aligned; a++) {
        unsigned held = 0;
        for (int x = 0; x <= 2 * k; x++) held |= band[places[a] + x];
        aligned = bits_set(held) >= need;
    }
    for (int a = 0; a < count; a++) band[places[a]] = 0;
    return aligned;
}

/* The numbers of plan_rare whose rare bigrams the text's letters hold, aligned (rare_aligned), into
   rare_ready[:rare_kept]. They depend on the letters alone: a text with the letters of the one before (a
   spacing form, its base form less some spaces) keeps them. */
static int aligned_numbers(Index *self, const Spelling *s) {
    size_t bytes = (size_t)s->length * sizeof(ch_t);
    if (self->rare_valid && self->rare_length == s->length && !memcmp(self->rare_letters, s->letters, bytes)) return 0;
    self->rare_valid = 0;
    uint8_t *left = self->rare_left;
    memcpy(left, self->rare_need, self->rare_count);
    size_t ready = 0;
    for (int i = 0; i < s->code_count; i++) {
        uint64_t key = rare_key(s->codes[i]);
        if (!table_maybe(&self->rare, key)) continue;
        uint32_t first, last;
        table_find(&self->rare, key, &first, &last);
        for (uint32_t k = first; k < last; k++) {
            uint32_t r = self->rare.forms[k];  /* left wraps past 0 at the form's later bigrams: ready once */
            if (--left[r] != 0) continue;
            const char *plan = (const char *)&self->rare_plans[r];
            __builtin_prefetch(plan), __builtin_prefetch(plan + 64), __builtin_prefetch(plan + 128);
            self->rare_ready[ready++] = r;
        }
    }
    self->rare_kept = 0;
    for (size_t i = 0; i < ready; i++) {  /* weighed once their plans have come in */
        int aligned = rare_aligned(self, s, self->rare_ready[i]);
        if (aligned < 0) return -1;
        if (aligned) self->rare_ready[self->rare_kept++] = self->rare_ready[i];
    }
    if (bytes > self->rare_letters_room) {
        if (grow(&self->rare_letters, bytes)) return -1;
        self->rare_letters_room = bytes;
    }
    if (bytes) memcpy(self->rare_letters, s->letters, bytes);
    self->rare_length = s->length;
    self->rare_valid = 1;
    return 0;
}

/* The counted forms screen mode finds by spelling that may stand in this text (see plan_rare): scored
   over the whole text. */
static int spelled_candidates(Index *self, const Spelling *s, Candidates *c) {
    if (aligned_numbers(self, s)) return -1;
    for (size_t i = 0; i < self->rare_kept; i++)
        if (candidate_add(c, self->rare_forms[self->rare_ready[i]], WHOLE, WHOLE, 0)) return -1;
    for (size_t r = 0; r < s->run_count; r++) {
        if (!table_maybe(&self->skeletons, s->run_keys[r])) continue;
        uint32_t first, last;
        table_find(&self->skeletons, s->run_keys[r], &first, &last);
        for (uint32_t k = first; k < last; k++)
            if (candidate_add(c, self->skeletons.forms[k], WHOLE, WHOLE, 0)) return -1;
    }
    return 0;
}

/* Every form that may reach the cutoff against text, into c: keyed, counted, always and direct. */
static int collect(Index *self, const ch_t *text, int len, const uint64_t *prefix, Candidates *c,
                   const int *joins, int join_count, const Words *ordinary, const Spelling *spelling) {
    for (int n = 1; n < len && n <= MAX_NEEDLE; n++) {
        if (self->full_d[n] < 0 || !self->keyed[n]) continue;
        if (keyed_windows(self, n, text, len, prefix, c, joins, join_count, ordinary) ||
            edge_windows(self, n, len, prefix, c, joins, join_count)) return -1;
    }
    if (ordinary && self->stripped.size && stripped_runs(self, text, len, prefix, ordinary, c)) return -1;
    if (self->bigram.size && len >= 2 && count_shared(self, &self->bigram, text, len, c, joins, join_count)) return -1;
    /* In screen mode the forms found by spelling need not be counted (see plan_rare). */
    if (spelling ? spelled_candidates(self, spelling, c)
                 : self->spelled_bigram.size && len >= 2 &&
                   count_shared(self, &self->spelled_bigram, text, len, c, joins, join_count)) return -1;
    int held[129] = {0};
    for (int i = 0; i < len; i++) held[text[i] < 128 ? text[i] : 128]++;
    /* The always forms are mostly short Chinese names: a Latin text shares too few of their characters. */
    int narrow = !held[128] && self->cutoff > 1e-6;  /* then a form of non-ASCII characters shares none */
    for (size_t i = 0; i < self->always_count; i++)
        if (!(narrow && self->always_wide[i]) && may_reach(self, self->always[i], len, held) &&
            candidate_add(c, self->always[i], WHOLE, WHOLE, 0)) return -1;
    /* Forms at least as long as the text: the text is the needle, score them all. */
    size_t low = 0, high = (size_t)self->count;
    while (low < high) {
        size_t mid = (low + high) / 2;
        if (self->lengths[self->by_length[mid]] < len) low = mid + 1; else high = mid;
    }
    for (size_t i = low; i < (size_t)self->count; i++) {
        uint32_t f = self->by_length[i];
        if (!may_reach(self, f, len, held)) continue;
        if (candidate_add(c, f, WHOLE, WHOLE, 0)) return -1;
    }
    return 0;
}

/* Whether a and b are the same without their spaces (possessive: and without a's words "s", as
   Matcher._possessive_dropped reads "maggiano little italy" for MAGGIANO'S LITTLE ITALY). */
static int same_without_spaces(const ch_t *a, int len_a, const ch_t *b, int len_b, int possessive) {
    int i = 0, j = 0;
    for (;;) {
        while (i < len_a && (a[i] == ' ' || (possessive && lone_s(a, len_a, i)))) i++;
        while (j < len_b && b[j] == ' ') j++;
        if (i == len_a || j == len_b) return i == len_a && j == len_b;
        if (a[i++] != b[j++]) return 0;
    }
}

/* Whether the matcher could keep the needle on this window (score: its partial score there).
   It rescores a non-exact window on the whole words around it, spaced or joined (word_cutoff),
   and drops it when those words are all ordinary unless they spell the needle; it drops an exact
   one inside a word when the words around it are all ordinary ("mobi" in "mobile"). */
static int window_may_stand(const Pattern *pm, const ch_t *needle, int n, int needle_spaces, const ch_t *text,
                            int len, const Words *w, int start, int end, double score, double word_cutoff) {
    while (start < end && text[start] == ' ') start++;
    while (end > start && text[end - 1] == ' ') end--;
    if (start == end) return 0;
    int inside = (start > 0 && text[start - 1] != ' ') || (end < len && text[end] != ' ');
    int from = w->word_start[start], to = w->word_end[end - 1];
    int ordinary = w->has_plain && w->plain[to] == w->plain[from];
    if (score == 100) return !(inside && w->has_plain && w->exact_plain[to] == w->exact_plain[from]);
    if (ordinary && !same_without_spaces(needle, n, text + from, to - from, 0) &&
        !same_without_spaces(needle, n, text + from, to - from, 1)) return 0;
    int common = lcs(pm, n, text + from, to - from);
    int joined_len = n - needle_spaces + (to - from) - (w->spaces[to] - w->spaces[from]);
    return ratio_score(common, n, to - from) >= word_cutoff || (joined_len && 200.0 * common / joined_len >= word_cutoff);
}

typedef struct { uint32_t form; double score; } Scored;

/* How rapidfuzz settles a score equal to the cutoff (up to 1e-6): 1 keep, 0 drop, -1 unknown.
   It compares the normalised similarity 1 - d / s with cutoff / 100 and its hundredfold with the
   cutoff; d / s is recovered exactly, since scores from different small fractions lie far apart. */
static int settle(double score, double cutoff) {
    for (int lensum = 1; lensum <= 2 * MAX_NEEDLE + 2; lensum++) {
        int common = (int)lround(score * lensum / 200.0);
        double norm_sim = 1.0 - (double)(lensum - 2 * common) / (double)lensum;
        if (norm_sim * 100 == score) return norm_sim >= cutoff / 100 && norm_sim * 100 >= cutoff;
    }
    return -1;
}

static int scored_order(const void *a, const void *b) {
    uint32_t x = ((const Scored *)a)->form, y = ((const Scored *)b)->form;
    return (x > y) - (x < y);
}

typedef struct {
    Index *index;
    const ch_t *needle, *text;
    int n, len, needle_spaces, may_stand;
    double best, floor, word_cutoff;
    const Words *words;
} Scoring;

/* The window of w characters at start, sharing common characters in order with the needle. */
static inline void consider_common(Scoring *s, int start, int w, int common) {
    double score = ratio_score(common, s->n, w);
    if (score > s->best) s->best = score;
    if (s->words && !s->may_stand && score >= s->floor)
        s->may_stand = window_may_stand(&s->index->pattern, s->needle, s->n, s->needle_spaces, s->text, s->len,
                                        s->words, start, start + w, score, s->word_cutoff);
}

static inline void consider(Scoring *s, int start, int w) {
    consider_common(s, start, w, lcs(&s->index->pattern, s->n, s->text + start, w));
}

/* Full windows starting in [from, to]; over longer ranges, windows whose characters cannot make the
   LCS the cutoff needs (a multiset bound kept as the window slides) are skipped. */
static void consider_range(Scoring *s, int from, int to) {
    int n = s->n;
    if (to - from < 4) {
        for (int x = from; x <= to; x++) consider(s, x, n);
        return;
    }
    int need = least(n, n, s->floor) - 1, wanted[129] = {0}, held[129] = {0}, shared = 0;
    for (int k = 0; k < n; k++) wanted[s->needle[k] < 128 ? s->needle[k] : 128]++;
    for (int i = from; i < to + n; i++) {
        int in = s->text[i] < 128 ? s->text[i] : 128;
        shared += held[in]++ < wanted[in];
        if (i >= from + n) {
            int out = s->text[i - n] < 128 ? s->text[i - n] : 128;
            shared -= --held[out] < wanted[out];
        }
        if (i + 1 >= from + n && shared >= need) consider(s, i + 1 - n, n);
    }
}

/* A counted form's hits, narrowed by where its bigrams lie in the text (count_shared's bigram hash).
   A full window starting at s that reaches the cutoff leaves out at most d of the form's characters
   and d of its own, so each bigram it keeps, at position i of the form, lies at some p with
   |p - i - s| <= d: window starts supported by fewer bigrams than the form's threshold are dropped
   from its runs, and an edge whose window cannot hold edge_threshold of them (on the diagonals the
   constructor found; the text's end as its start, both reversed) is dropped. 0 if nothing is left. */
static int diagonals_hold(Index *self, Candidates *c, uint32_t f, const ch_t *text, int len, const int *joins,
                          int join_count) {
    const Counted *counted = &self->counted[self->counted_of[f]];
    int n = self->lengths[f], d = counted->deletions, starts = len - n + 1;
    if (starts > 0 && (size_t)starts + 1 > self->support_room) {
        size_t room = (size_t)starts * 2 + 64;
        if (grow(&self->support, room * sizeof(int))) return -1;
        self->support_room = room;
    }
    int *support = self->support, at_start = 0, at_end = 0;
    if (starts > 0) memset(support, 0, ((size_t)starts + 1) * sizeof(int));
    for (int i = 0; i + 1 < n; i++) {
        uint64_t code = self->form_grams[self->offsets[f] + i];
        if (!(self->gram_bits[gram_bit_word(code)] & gram_bit(code))) continue;  /* not in the text */
        size_t slot = code & self->gram_mask;
        while (self->gram_slots[slot] >= 0 && self->gram_slot_codes[slot] != code)
            slot = (slot + 1) & self->gram_mask;
        for (int p = self->gram_slots[slot]; p >= 0; p = self->gram_previous[p]) {
            int diagonal = p - i;
            at_start += p <= n - 3 && diagonal >= counted->edge_low && diagonal <= counted->edge_high;
            at_end += p >= len - n + 1 && len - n - diagonal >= counted->edge_low && len - n - diagonal <= counted->edge_high;
            int lo = diagonal - d < 0 ? 0 : diagonal - d, hi = diagonal + d < starts - 1 ? diagonal + d : starts - 1;
            if (lo <= hi) { support[lo]++; support[hi + 1]--; }
        }
    }
    for (int x = 1; x < starts; x++) support[x] += support[x - 1];
    /* With joins, only windows holding one (see search_many): full ones start in [joins[0] + 2 - n,
       joins[last]], an edge of fewer than n characters must reach past the first or last join. */
    int low = 0, high = starts - 1;
    if (join_count >= 0) {
        low = join_count ? joins[0] + 2 - n : starts;
        if (join_count && joins[join_count - 1] < high) high = joins[join_count - 1];
        if (!join_count) high = -1;
        if (!join_count || joins[0] > n - 3) at_start = 0;
        if (!join_count || joins[join_count - 1] < len - n + 1) at_end = 0;
    }
    int left = 0;
    for (int32_t h = self->last_hit[f]; h >= 0; h = c->hits[h].next) {
        Hit *hit = &c->hits[h];
        if (hit->edges & PREFIXES && at_start < counted->edge_threshold) hit->edges &= (uint8_t)~PREFIXES;
        if (hit->edges & SUFFIXES && at_end < counted->edge_threshold) hit->edges &= (uint8_t)~SUFFIXES;
        int from = hit->where > low ? hit->where : low, to = hit->until < high ? hit->until : high;
        while (from <= to && support[from] < counted->threshold) from++;
        while (to >= from && support[to] < counted->threshold) to--;
        hit->where = from;
        hit->until = to;
        left |= hit->edges || from <= to;
    }
    return left;
}

/* Score a form on the windows its hits name (exact whenever the best window reaches the cutoff);
   with words, 0 unless the matcher could keep it on some window reaching the cutoff. */
static double hit_score(Index *self, const Candidates *c, uint32_t f, const ch_t *text, int len, double floor,
                        double word_cutoff, const Words *words) {
    Scoring s = {self, self->chars + self->offsets[f], text, self->lengths[f], len, 0, 0, 0, floor, word_cutoff, words};
    int n = s.n;
    pattern_set(&self->pattern, s.needle, n);
    for (int i = 0; i < n; i++) s.needle_spaces += s.needle[i] == ' ';
    uint8_t edges = 0;
    for (int32_t h = self->last_hit[f]; h >= 0; h = c->hits[h].next) {
        const Hit *hit = &c->hits[h];
        edges |= hit->edges;
        consider_range(&s, hit->where, hit->until < len - n ? hit->until : len - n);
    }
    int count = n - 1 < len ? n - 1 : len, prefix[MAX_NEEDLE + 1], suffix[MAX_NEEDLE + 1];
    if (edges & PREFIXES) prefix_lcs(&self->pattern, n, text, count, prefix);
    if (edges & SUFFIXES) suffix_lcs(s.needle, n, text, len, count, suffix);
    for (int w = 1; w <= count && edges; w++) {
        if (least(n, w, floor) > w + 1) continue;  /* such a window cannot reach floor */
        if (edges & PREFIXES) consider_common(&s, 0, w, prefix[w]);
        if (edges & SUFFIXES) consider_common(&s, len - w, w, suffix[w]);
    }
    pattern_clear(&self->pattern, s.needle, n);
    return words && !s.may_stand && s.best >= floor ? DROPPED : s.best;
}

/* Whether the trimmed window [start, end) holds characters i and i + 1 of some join. */
static int window_joins(const ch_t *text, int start, int end, const int *joins, int join_count) {
    while (start < end && text[start] == ' ') start++;
    while (end > start && text[end - 1] == ' ') end--;
    for (int j = 0; j < join_count; j++)
        if (start <= joins[j] && joins[j] <= end - 2) return 1;
    return 0;
}

/* Whether the matcher could keep a near-word form: it aligns the form where partial_ratio is best
   (one of these windows, whatever its score) and applies its word rules there. */
static int near_may_stand(Index *self, uint32_t f, const ch_t *text, int len, const Words *words,
                          double word_cutoff, const int *joins, int join_count) {
    int n = self->lengths[f];
    if (n >= len || !words) return 1;  /* the text is the needle there: left to the matcher */
    Scoring s = {self, self->chars + self->offsets[f], text, n, len, 0, 0, 0, 0, word_cutoff, NULL};
    for (int i = 0; i < n; i++) s.needle_spaces += s.needle[i] == ' ';
    pattern_set(&self->pattern, s.needle, n);
    double best = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int start = 0, w = n; start <= len - n; start++) {  /* full windows, then prefixes and suffixes */
            double score = ratio_score(lcs(&self->pattern, n, text + start, w), n, w);
            if (!pass) { if (score > best) best = score; continue; }
            if (score == best && (join_count < 0 || window_joins(text, start, start + w, joins, join_count)) &&
                window_may_stand(&self->pattern, s.needle, n, s.needle_spaces, text, len, words, start, start + w,
                                 score, word_cutoff)) {
                pattern_clear(&self->pattern, s.needle, n);
                return 1;
            }
        }
        for (int w = 1; w < n; w++) {
            for (int side = 0; side < 2; side++) {
                int start = side ? len - w : 0;
                double score = ratio_score(lcs(&self->pattern, n, text + start, w), n, w);
                if (!pass) { if (score > best) best = score; continue; }
                if (score == best && (join_count < 0 || window_joins(text, start, start + w, joins, join_count)) &&
                    window_may_stand(&self->pattern, s.needle, n, s.needle_spaces, text, len, words, start,
                                     start + w, score, word_cutoff)) {
                    pattern_clear(&self->pattern, s.needle, n);
                    return 1;
                }
            }
        }
    }
    pattern_clear(&self->pattern, s.needle, n);
    return 0;
}

/* Near-word forms: single words of near_low to near_high letters one deletion (each side) from a
   whole word of the text, scoring ratio >= word_cutoff there, that did not reach the cutoff (best
   score over the words), and that the matcher's rules may keep. */
static int collect_near(Index *self, const ch_t *text, int len, const uint64_t *prefix, double word_cutoff,
                        const Words *words, const int *joins, int join_count, Scored **out, size_t *count) {
    size_t found = 0, room = 16;
    Scored *near = malloc(room * sizeof(Scored));
    if (!near) return -1;
    for (int start = 0; start < len;) {
        int end = start;
        while (end < len && text[end] != ' ') end++;
        int wl = end - start;
        for (int j = -1; wl >= self->near_low && wl <= self->near_high + 1 && j < wl; j++) {
            uint8_t dropped = (uint8_t)(j < 0 ? 0 : j);
            uint64_t key = subsequence_key(&self->powers, prefix, start, wl, &dropped, j < 0 ? 0 : 1, NEAR_TAG);
            if (!table_maybe(&self->near, key)) continue;
            uint32_t first, last;
            table_find(&self->near, key, &first, &last);
            for (uint32_t k = first; k < last; k++) {
                uint32_t f = self->near.forms[k];
                if (self->reached[f] == self->generation) continue;
                int n = self->lengths[f];
                const ch_t *form = self->chars + self->offsets[f];
                pattern_set(&self->pattern, form, n);
                double score = ratio_score(lcs(&self->pattern, n, text + start, wl), n, wl);
                pattern_clear(&self->pattern, form, n);
                if (score < word_cutoff) continue;
                if (self->near_stamp[f] == self->generation) {
                    if (score > near[self->near_slot[f]].score) near[self->near_slot[f]].score = score;
                    continue;
                }
                if (found == room) {
                    Scored *grown = realloc(near, (room *= 2) * sizeof(Scored));
                    if (!grown) { free(near); return -1; }
                    near = grown;
                }
                self->near_stamp[f] = self->generation;
                self->near_slot[f] = (int)found;
                near[found++] = (Scored){f, score};
            }
        }
        start = end + 1;
    }
    size_t kept = 0;
    for (size_t i = 0; i < found; i++)
        if (near_may_stand(self, near[i].form, text, len, words, word_cutoff, joins, join_count)) near[kept++] = near[i];
    qsort(near, kept, sizeof(Scored), scored_order);
    *out = near;
    *count = kept;
    return 0;
}

/* The forms equal to a run of whole tokens of text, in the order the runs start (score 100). */
static int whole_token_forms(Index *self, const ch_t *text, int len, const uint64_t *prefix, Scored **out,
                             size_t *count) {
    size_t found = 0, room = 8;
    Scored *forms = malloc(room * sizeof(Scored));
    if (!forms) return -1;
    for (int start = 0; start < len; start++) {
        if (start && text[start - 1] != ' ') continue;
        int end = start;
        for (int words = 0; words < self->most_words && end < len; words++) {
            if (words) end++;  /* past the space */
            while (end < len && text[end] != ' ') end++;
            uint64_t key = subsequence_key(&self->powers, prefix, start, end - start, NULL, 0, EXACT_TAG);
            if (!table_maybe(&self->exact, key)) continue;
            uint32_t first, last;
            table_find(&self->exact, key, &first, &last);
            for (uint32_t k = first; k < last; k++) {
                uint32_t f = self->exact.forms[k];
                if (self->lengths[f] != end - start || self->stamp[f] == self->generation ||
                    memcmp(self->chars + self->offsets[f], text + start, (size_t)(end - start) * sizeof(ch_t))) continue;
                self->stamp[f] = self->generation;
                if (found == room) {
                    Scored *grown = realloc(forms, (room *= 2) * sizeof(Scored));
                    if (!grown) { free(forms); return -1; }
                    forms = grown;
                }
                forms[found++] = (Scored){f, 100.0};
            }
        }
    }
    *out = forms;
    *count = found;
    return 0;
}

/* (found, [], []) for whole-token forms. */
static PyObject *outcome_of(const Scored *forms, size_t count) {
    PyObject *found = PyList_New((Py_ssize_t)count);
    for (size_t i = 0; found && i < count; i++) {
        PyObject *entry = Py_BuildValue("(Id)", forms[i].form, forms[i].score);
        if (!entry) { Py_CLEAR(found); break; }
        PyList_SET_ITEM(found, (Py_ssize_t)i, entry);
    }
    if (!found) return NULL;
    PyObject *outcome = Py_BuildValue("(N[][])", found);
    return outcome;
}

/* 0 if option is None or a list with one entry per text, else -1 with a ValueError naming it. */
static int per_text(PyObject *option, PyObject *texts, const char *name) {
    if (option == Py_None || (PyList_Check(option) && PyList_GET_SIZE(option) == PySequence_Size(texts))) return 0;
    PyErr_Format(PyExc_ValueError, "%s must be None or a list with one entry per text", name);
    return -1;
}

static PyObject *index_search_many(Index *self, PyObject *args) {
    PyObject *texts, *all_joins = Py_None, *all_ordinary = Py_None, *all_whole = Py_None;
    double word_cutoff = 0;
    if (!PyArg_ParseTuple(args, "O|dOOO", &texts, &word_cutoff, &all_joins, &all_ordinary, &all_whole)) return NULL;
    if (per_text(all_whole, texts, "whole_tokens") || per_text(all_ordinary, texts, "ordinary") ||
        per_text(all_joins, texts, "joins")) return NULL;
    PyObject *sequence = PySequence_Fast(texts, "texts must be a sequence of str");
    if (!sequence) return NULL;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(sequence);
    PyObject *results = PyList_New(count);
    Candidates c = {self, NULL, 0, 0, NULL, 0};
    ch_t *text = NULL;
    uint64_t *prefix = NULL;
    Scored *scored = NULL;
    int *joins = NULL;
    uint8_t *marks = NULL;
    Words words = {NULL, NULL, NULL, NULL, NULL, 0};
    size_t room = 0;
    double floor = self->cutoff - 1e-6;
    int word_rule = word_cutoff > 0 && self->word_rule && self->word_rule_count == self->count;
    for (Py_ssize_t t = 0; results && t < count; t++) {
        PyObject *item = PySequence_Fast_GET_ITEM(sequence, t);
        if (!PyUnicode_Check(item)) {
            PyErr_SetString(PyExc_TypeError, "texts must be str");
            goto fail;
        }
        Py_ssize_t len = PyUnicode_GET_LENGTH(item);
        if ((size_t)len + 2 > room) {
            room = (size_t)len + 64;
            free(text); free(prefix);
            free(words.word_start); free(words.word_end); free(words.spaces); free(words.plain); free(words.exact_plain);
            text = malloc(room * sizeof(ch_t));
            prefix = malloc(room * sizeof(uint64_t));
            words = (Words){malloc(room * sizeof(int)), malloc(room * sizeof(int)), malloc(room * sizeof(int)),
                            malloc(room * sizeof(int)), malloc(room * sizeof(int)), 0};
            free(marks);
            marks = malloc(room);
            if (!text || !prefix || !words.word_start || !words.word_end || !words.spaces ||
                !words.plain || !words.exact_plain || !marks) {
                PyErr_NoMemory();
                goto fail;
            }
        }
        if (len && !PyUnicode_AsUCS4(item, text, (Py_ssize_t)room, 0)) goto fail;
        c.count = c.form_count = 0;
        self->searched++;
        if (all_whole != Py_None && PyObject_IsTrue(PyList_GET_ITEM(all_whole, t))) {
            Scored *forms = NULL;
            size_t form_count = 0;
            next_generation(self);
            if (powers_reserve(&self->powers, (size_t)len + MAX_DELETIONS + 2)) { PyErr_NoMemory(); goto fail; }
            prefix_sums(&self->powers, text, (int)len, prefix);
            if (whole_token_forms(self, text, (int)len, prefix, &forms, &form_count)) { PyErr_NoMemory(); goto fail; }
            PyObject *outcome = outcome_of(forms, form_count);
            free(forms);
            if (!outcome) goto fail;
            PyList_SET_ITEM(results, t, outcome);
            continue;
        }
        PyObject *text_joins = all_joins == Py_None ? Py_None : PyList_GET_ITEM(all_joins, t);
        int join_count = -1;
        if (text_joins != Py_None) {
            join_count = (int)PySequence_Size(text_joins);
            if (join_count < 0) goto fail;
            int *grown_joins = realloc(joins, (join_count + 1) * sizeof(int));
            if (!grown_joins) { PyErr_NoMemory(); goto fail; }
            joins = grown_joins;
            for (int j = 0; j < join_count; j++) {
                PyObject *value = PySequence_GetItem(text_joins, j);
                joins[j] = value ? (int)PyLong_AsLong(value) : -1;
                Py_XDECREF(value);
                if (PyErr_Occurred()) goto fail;
                if (joins[j] < 0 || joins[j] + 1 >= len || (j && joins[j] <= joins[j - 1])) {
                    PyErr_SetString(PyExc_ValueError, "joins must be increasing positions i with i + 1 inside the text");
                    goto fail;
                }
            }
        }
        PyObject *mode = all_ordinary == Py_None ? Py_None : PyList_GET_ITEM(all_ordinary, t);
        long value = mode == Py_None ? 0 : PyLong_AsLong(mode);
        if (value < 0 || value > 2 || (value && !self->ordinary_chars)) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "ordinary must be None or 1 or 2 per text, with ordinary_words given");
            goto fail;
        }
        next_generation(self);
        if (powers_reserve(&self->powers, (size_t)len + MAX_DELETIONS + 2)) { PyErr_NoMemory(); goto fail; }
        prefix_sums(&self->powers, text, (int)len, prefix);
        if (value) ordinary_marks(self, text, (int)len, prefix, (uint8_t)value, joins, join_count < 0 ? 0 : join_count,
                                  marks);
        if (word_rule) words_of(text, (int)len, value ? marks : NULL, &words);
        int spelling = word_rule && self->spelled && len;
        if (spelling && spelling_of(&self->spelling, text, (int)len, self->longest_skeleton,
                                 self->longest_spelled + 2)) {
            PyErr_NoMemory();
            goto fail;
        }
        if (len && collect(self, text, (int)len, prefix, &c, joins, join_count,
                           word_rule && value && word_cutoff > 0 ? &words : NULL, spelling ? &self->spelling : NULL)) {
            if (!PyErr_Occurred()) PyErr_NoMemory();
            goto fail;
        }
        Scored *grown = realloc(scored, (c.form_count + 1) * sizeof(Scored));
        if (!grown) { PyErr_NoMemory(); goto fail; }
        scored = grown;
        size_t kept = 0;
        for (size_t i = 0; i < c.form_count; i++) {
            uint32_t f = c.forms[i];
            prefetch_candidate(self, &c, i, spelling);
            int whole = 0, lacking;
            for (int32_t h = self->last_hit[f]; h >= 0 && !whole; h = c.hits[h].next) whole = c.hits[h].where == WHOLE;
            /* The letters of a text holding a form (spaces removed from both) hold the form's letters. */
            if (spelling && self->spelled[f] &&
                !may_spell(&self->spelling, self->spelled_chars + self->offsets[f], self->spelled_grams + self->offsets[f],
                           self->spelled_lengths[f], self->skeleton_keys[f], &lacking) &&
                (lacking && self->lengths[f] <= len ? 1
                 : !holds_exactly(self, f, text, (int)len))) {
                self->unspelt++;
                continue;
            }
            if (!whole && self->modes[f] == MODE_COUNT && self->lengths[f] <= MAX_NEEDLE) {
                int held = diagonals_hold(self, &c, f, text, (int)len, joins, join_count);
                if (held < 0) { PyErr_NoMemory(); goto fail; }
                if (!held) continue;
            }
            self->keyed_scored += !whole && self->modes[f] == MODE_KEYED;
            self->counted_scored += !whole && self->modes[f] != MODE_KEYED;
            self->whole_scored += whole;
            double score = whole ? partial_ratio(&self->pattern, self->chars + self->offsets[f], self->lengths[f],
                                                 text, (int)len, floor)
                                 : hit_score(self, &c, f, text, (int)len, floor, word_cutoff - 1e-6,
                                               word_rule && self->word_rule[f] ? &words : NULL);
            if (score < 0 || score >= floor) {  /* -1: unsure, DROPPED: rejected by the word rules */
                scored[kept++] = (Scored){f, score};
                self->reached[f] = self->generation;
            }
        }
        Scored *near = NULL;
        size_t near_count = 0;
        if (word_cutoff > 0 && self->near.size && len &&
            collect_near(self, text, (int)len, prefix, word_cutoff, word_rule ? &words : NULL, joins, join_count,
                         &near, &near_count)) {
            PyErr_NoMemory();
            goto fail;
        }
        qsort(scored, kept, sizeof(Scored), scored_order);
        PyObject *sure = PyList_New(0), *unsure = PyList_New(0);
        PyObject *near_list = PyList_New(0);
        for (size_t i = 0; near_list && i < near_count; i++) {
            PyObject *entry = Py_BuildValue("(Id)", near[i].form, near[i].score);
            if (!entry || PyList_Append(near_list, entry)) Py_CLEAR(near_list);
            Py_XDECREF(entry);
        }
        free(near);
        PyObject *outcome = sure && unsure && near_list ? PyTuple_Pack(3, sure, unsure, near_list) : NULL;
        Py_XDECREF(sure);
        Py_XDECREF(unsure);
        Py_XDECREF(near_list);
        if (!outcome) goto fail;
        PyList_SET_ITEM(results, t, outcome);
        for (size_t i = 0; i < kept; i++) {
            double score = scored[i].score;
            if (score == DROPPED) continue;  /* it only keeps the form out of the near words */
            int verdict = score < 0 ? -1 : score >= self->cutoff + 1e-6 ? 1 : settle(score, self->cutoff);
            if (!verdict) continue;
            PyObject *entry = Py_BuildValue("(Id)", scored[i].form, score);
            if (!entry || PyList_Append(verdict < 0 ? unsure : sure, entry)) {
                Py_XDECREF(entry);
                goto fail;
            }
            Py_DECREF(entry);
        }
    }
    Py_DECREF(sequence);
    free(c.hits); free(c.forms); free(text); free(prefix); free(scored); free(joins); free(marks);
    free(words.word_start); free(words.word_end); free(words.spaces); free(words.plain); free(words.exact_plain);
    return results;
fail:
    Py_DECREF(sequence);
    free(c.hits); free(c.forms); free(text); free(prefix); free(scored); free(joins); free(marks);
    free(words.word_start); free(words.word_end); free(words.spaces); free(words.plain); free(words.exact_plain);
    Py_XDECREF(results);
    return NULL;
}

static PyObject *index_stats(Index *self, PyObject *unused) {
    size_t full = 0;
    for (int n = 0; n <= MAX_NEEDLE; n++) full += self->full[n].size;
    return Py_BuildValue("{s:n,s:n,s:n,s:n,s:L,s:L,s:L,s:L,s:L}", "full_keys", (Py_ssize_t)full,
                         "edge_keys", (Py_ssize_t)self->edge.size,
                         "bigram_entries", (Py_ssize_t)(self->bigram.size + self->spelled_bigram.size),
                         "always", (Py_ssize_t)self->always_count, "texts", self->searched,
                         "keyed_scored", self->keyed_scored, "counted_scored", self->counted_scored,
                         "whole_scored", self->whole_scored, "unspelt", self->unspelt);
}

static PyMethodDef index_methods[] = {
    {"search_many", (PyCFunction)index_search_many, METH_VARARGS,
     "search_many(texts, word_cutoff=0, joins=None, ordinary=None, whole_tokens=None) -> for each text,\n"
     "(sure, unsure, near): [(form index, score)] sorted by form index; sure pairs reach the cutoff, unsure ones\n"
     "lie within 1e-6 of it or score -1 (a needle over 64 characters) and need rapidfuzz; near: [(form index,\n"
     "ratio)] of the near-word forms. The options are CandidateIndex.screen_many's (see its docstring)."},
    {"stats", (PyCFunction)index_stats, METH_NOARGS, "stats() -> table sizes and how many candidates were scored."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject IndexType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "detection._partial.Index",
    .tp_doc = "Index(forms, score_cutoff): exact partial_ratio search of the forms in texts.",
    .tp_basicsize = sizeof(Index),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)index_init,
    .tp_dealloc = (destructor)index_dealloc,
    .tp_methods = index_methods,
};

/* spelled_by(form, words): may_spell on its own, for the tests that pin it to detection.variants. */
static PyObject *spelled_by(PyObject *unused, PyObject *args) {
    PyObject *form_text, *words_text;
    if (!PyArg_ParseTuple(args, "UU", &form_text, &words_text)) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(form_text), len = PyUnicode_GET_LENGTH(words_text);
    ch_t *form = PyUnicode_AsUCS4Copy(form_text), *words = PyUnicode_AsUCS4Copy(words_text);
    uint64_t *grams = PyMem_Malloc(((size_t)n + 1) * sizeof(uint64_t));
    Spelling spelling = {0};
    Skeleton skeleton = {{0, 0, 0}, 0, 0};
    int m = 0, found = -1;
    if (form && words && grams) {
        for (Py_ssize_t i = 0; i < n; i++)
            if (form[i] != ' ') skeleton_feed(&skeleton, 0, form[m++] = form[i]);
        spelling_grams(form, m, grams);
        int lacking;
        found = spelling_of(&spelling, words, (int)len, skeleton_done(&skeleton).length, m + 2) ? -1
                : may_spell(&spelling, form, grams, m, skeleton_key(&skeleton), &lacking);
    }
    if (found < 0) PyErr_NoMemory();
    PyMem_Free(form);
    PyMem_Free(words);
    PyMem_Free(grams);
    spelling_free(&spelling);
    return found < 0 ? NULL : PyBool_FromLong(found);
}

static PyMethodDef module_methods[] = {
    {"spelled_by", spelled_by, METH_VARARGS,
     "spelled_by(form, words) -> whether some run of the space-separated words, without spaces, has the form's\n"
     "skeleton or lies within max_edits of it (detection.variants.plausible_variant, letters aside)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_partial", "Exact partial_ratio search (see Index).", -1,
                                    module_methods};

PyMODINIT_FUNC PyInit__partial(void) {
    if (PyType_Ready(&IndexType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&IndexType);
    if (PyModule_AddObject(m, "Index", (PyObject *)&IndexType) < 0) {
        Py_DECREF(&IndexType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
