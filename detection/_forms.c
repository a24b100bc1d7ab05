/*
 * The forms of an ASCII listing title (detection.normalise.title_forms), compiled: base, leet,
 * leet_l, spacing and collapsed, as (kind, text, offsets) with the same rules as the Python
 * functions, which remain the reference for every other text (tests compare the two).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#define KINDS 5

typedef struct { char *text; Py_ssize_t *offsets; Py_ssize_t len; const char *kind; } Built;

static int is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }
/* str.isspace() on ASCII, as the regex \s of _leet_forms */
static int is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f'); }
static int is_soft(char c) { return c && strchr(".-_*/\\~+,'", c) != NULL; }

static char leet_letter(char c) {
    switch (c) {
        case '0': return 'o'; case '1': return 'i'; case '3': return 'e'; case '4': return 'a'; case '5': return 's';
        case '7': return 't'; case '$': return 's'; case '@': return 'a'; case '!': return 'i'; case '|': return 'l';
        default: return 0;
    }
}

/* folded[i] per original character (a letter, a digit or a space), collapsed like _Builder. */
static void collapse(const char *folded, Py_ssize_t n, Built *out) {
    Py_ssize_t k = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (folded[i] == ' ' && (!k || out->text[k - 1] == ' ')) continue;
        out->text[k] = folded[i];
        out->offsets[k++] = i;
    }
    if (k && out->text[k - 1] == ' ') k--;
    out->len = k;
}

static PyObject *as_tuple(const Built *b) {
    PyObject *offsets = PyTuple_New(b->len);
    if (!offsets) return NULL;
    for (Py_ssize_t i = 0; i < b->len; i++) {
        PyObject *value = PyLong_FromSsize_t(b->offsets[i]);
        if (!value) { Py_DECREF(offsets); return NULL; }
        PyTuple_SET_ITEM(offsets, i, value);
    }
    PyObject *result = Py_BuildValue("(ss#N)", b->kind, b->text, b->len, offsets);
    return result;
}

static PyObject *ascii_title_forms(PyObject *module, PyObject *arg) {
    if (!PyUnicode_Check(arg) || !PyUnicode_IS_ASCII(arg)) {
        PyErr_SetString(PyExc_ValueError, "ascii_title_forms takes an ASCII str");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    const char *text = (const char *)PyUnicode_DATA(arg);
    char *buffer = PyMem_Malloc((size_t)(n + 1) * (KINDS + 2));
    Py_ssize_t *offsets = PyMem_Malloc((size_t)(n + 1) * KINDS * sizeof(Py_ssize_t));
    char *leet = PyMem_Malloc((size_t)n + 1);
    if (!buffer || !offsets || !leet) {
        PyMem_Free(buffer); PyMem_Free(offsets); PyMem_Free(leet);
        return PyErr_NoMemory();
    }
    char *folded = buffer + (size_t)(n + 1) * KINDS, *scratch = folded + n + 1;
    Built built[KINDS];
    int count = 0;
    for (int k = 0; k < KINDS; k++) built[k] = (Built){buffer + (size_t)k * (n + 1), offsets + (size_t)k * (n + 1), 0, ""};
    for (Py_ssize_t i = 0; i < n; i++) folded[i] = is_alnum(text[i]) ? lower(text[i]) : ' ';

    Built *base = &built[count++];
    base->kind = "base";
    collapse(folded, n, base);

    /* leet: in tokens (runs of non-space) holding a leet character and a letter */
    int any_leet = 0, any_l = 0;
    memset(leet, 0, (size_t)n + 1);
    for (Py_ssize_t start = 0; start < n;) {
        if (is_space(text[start])) { start++; continue; }
        Py_ssize_t end = start;
        int has_leet = 0, has_letter = 0;
        for (; end < n && !is_space(text[end]); end++) {
            if (leet_letter(text[end])) has_leet = 1;
            else if (is_alpha(text[end])) has_letter = 1;
        }
        if (has_leet && has_letter)
            for (Py_ssize_t i = start; i < end; i++)
                if ((leet[i] = leet_letter(text[i]))) {
                    any_leet = 1;
                    any_l |= text[i] == '1' || text[i] == '|';
                }
        start = end;
    }
    for (int variant = 0; any_leet && variant < 1 + any_l; variant++) {
        for (Py_ssize_t i = 0; i < n; i++) {
            scratch[i] = folded[i];
            if (!leet[i]) continue;
            scratch[i] = variant && text[i] == '1' ? 'l' : variant && text[i] == '|' ? 'i' : leet[i];
        }
        Built *form = &built[count++];
        form->kind = variant ? "leet_l" : "leet";
        collapse(scratch, n, form);
    }

    /* spacing: the base form's spaces removed where they split a Latin word (see _spacing_form) */
    Py_ssize_t token_start = 0, joined = 0;
    Built *spacing = &built[count];
    spacing->kind = "spacing";
    spacing->len = 0;
    for (Py_ssize_t i = 0; i <= base->len; i++) {
        if (i < base->len && base->text[i] != ' ') continue;
        /* base->text[token_start:i] is a token; i is the space after it (or the end) */
        if (i < base->len) {
            Py_ssize_t next_end = i + 1;
            while (next_end < base->len && base->text[next_end] != ' ') next_end++;
            int alpha = 1;
            for (Py_ssize_t j = token_start; j < next_end && alpha; j++) alpha = j == i || is_alpha(base->text[j]);
            int join = alpha;
            if (join && (i - token_start > 2 || next_end - i - 1 > 2)) {
                Py_ssize_t gap_start = base->offsets[i - 1] + 1, gap_end = base->offsets[i + 1];
                join = gap_end > gap_start;
                for (Py_ssize_t j = gap_start; j < gap_end && join; j++) join = is_soft(text[j]);
            }
            for (Py_ssize_t j = token_start; j < i; j++) {
                spacing->text[spacing->len] = base->text[j];
                spacing->offsets[spacing->len++] = base->offsets[j];
            }
            if (join) {
                joined = 1;
            } else {
                spacing->text[spacing->len] = ' ';
                spacing->offsets[spacing->len++] = base->offsets[i];
            }
        } else {
            for (Py_ssize_t j = token_start; j < i; j++) {
                spacing->text[spacing->len] = base->text[j];
                spacing->offsets[spacing->len++] = base->offsets[j];
            }
        }
        token_start = i + 1;
    }
    if (joined) count++;

    /* collapsed: every run of a repeated letter to one, when some letter is tripled */
    int tripled = 0;
    for (Py_ssize_t i = 2; i < base->len && !tripled; i++)
        tripled = is_alpha(base->text[i]) && base->text[i] == base->text[i - 1] && base->text[i] == base->text[i - 2];
    if (tripled) {
        Built *form = &built[count++];
        form->kind = "collapsed";
        form->len = 0;
        for (Py_ssize_t i = 0; i < base->len; i++) {
            if (i && base->text[i] == base->text[i - 1] && is_alpha(base->text[i])) continue;
            form->text[form->len] = base->text[i];
            form->offsets[form->len++] = base->offsets[i];
        }
        if (form->len == base->len) count--;
    }

    PyObject *result = PyList_New(0);
    for (int k = 0; result && k < count; k++) {
        int duplicate = !built[k].len && k;  /* empty forms other than the base are dropped */
        for (int j = 0; j < k && !duplicate; j++)
            duplicate = built[j].len == built[k].len && !memcmp(built[j].text, built[k].text, (size_t)built[k].len);
        if (duplicate) continue;
        PyObject *entry = as_tuple(&built[k]);
        if (!entry || PyList_Append(result, entry)) Py_CLEAR(result);
        Py_XDECREF(entry);
    }
    PyMem_Free(buffer); PyMem_Free(offsets); PyMem_Free(leet);
    return result;
}

static PyMethodDef methods[] = {
    {"ascii_title_forms", ascii_title_forms, METH_O,
     "ascii_title_forms(text) -> [(kind, text, offsets)]: title_forms of an ASCII text, without duplicates."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_forms", "Compiled title forms for ASCII text.", -1, methods};

PyMODINIT_FUNC PyInit__forms(void) { return PyModule_Create(&module); }
