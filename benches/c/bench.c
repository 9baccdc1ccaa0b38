/* The C library against GLib's GHashTable, uthash and klib's khash, on the same keys.
 *
 *     bench WORDS_FILE [REPEAT]
 *
 * WORDS_FILE holds words one per line (scripts/bench_c.py writes the
 * identifiers of the standard library's .py files there). Every table runs:
 *
 *   word count    count[word] += 1 over every word, in file order (new keys copied)
 *   word hits     a lookup of every distinct word
 *   word misses   a lookup of every distinct word with "!" appended (absent)
 *   word deletes  a removal of every distinct word
 *   1M insert     1,000,000 random 8-byte keys into an empty table
 *   1M hit        a lookup of each of them
 *   1M miss       a lookup of 1,000,000 other random 8-byte keys
 *   1M delete     a removal of each stored key
 *
 * Each table runs REPEAT times (default 5); each cell keeps its quickest run.
 * Output: one line per table and cell, "table cell nanoseconds operations checksum".
 * The checksums must agree between tables (the driver checks), so every table
 * did the same work.
 *
 * How each peer is used is how its documentation shows it: khash's string map
 * (KHASH_MAP_INIT_STR) and 64-bit integer map (KHASH_MAP_INIT_INT64); GLib's
 * g_str_hash and g_int64_hash tables; uthash items with the key in the item
 * (HASH_ADD_KEYPTR, HASH_ADD). Every table owns a copy of each new word (one
 * allocation per new word; for GLib and uthash the copy lives in the item, as
 * their documentation does a word count). The 8-byte keys are integers to the
 * peers (khash and uthash store them in the item, GLib points to the key array)
 * and 8 bytes of key to libhashtable.
 *
 * libhashtable runs the swiss strategy at max_load 0.875 with its default hash
 * (HT_BENCH_STRATEGY=name picks another strategy, at its default max_load, and
 * HT_BENCH_MAX_LOAD another max_load). Its
 * word count is one ht_entry per word; built with -DHT_BENCH_GET_SET it is
 * ht_get then ht_set, as before ht_entry existed.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>
#include <htslib/khash.h>
#include <uthash.h>

#include "hashtable.h"

KHASH_MAP_INIT_STR(words, intptr_t)
KHASH_MAP_INIT_INT64(ints, intptr_t)

enum { CELLS = 8, RANDOM_KEYS = 1000000 };
static const char *const CELL_NAMES[CELLS] = {"word_count", "word_hit", "word_miss", "word_delete",
                                              "int_insert", "int_hit", "int_miss", "int_delete"};

/* The workload. */
static char **words;       /* every word, in file order */
static size_t *word_lens;
static size_t word_count;
static char **distinct;    /* each word once, in first-seen order */
static size_t *distinct_lens;
static size_t distinct_count;
static char **absent;      /* each distinct word + "!" */
static size_t *absent_lens;
static uint64_t *int_keys; /* RANDOM_KEYS distinct random keys */
static uint64_t *int_misses;

static double best[CELLS];
static uint64_t checksums[CELLS];

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void record(int cell, double started, uint64_t checksum) {
    double elapsed = now() - started;
    if (best[cell] == 0 || elapsed < best[cell]) {
        best[cell] = elapsed;
    }
    checksums[cell] = checksum;
}

static uint64_t splitmix(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static void *must(void *p) {
    if (p == NULL) {
        fprintf(stderr, "bench: out of memory\n");
        exit(2);
    }
    return p;
}

static void load(const char *path) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        perror(path);
        exit(2);
    }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *text = must(malloc((size_t)size + 1));
    if (fread(text, 1, (size_t)size, file) != (size_t)size) {
        perror(path);
        exit(2);
    }
    fclose(file);
    text[size] = '\n';
    size_t lines = 0;
    for (long i = 0; i <= size; i++) {
        lines += text[i] == '\n';
    }
    words = must(malloc(lines * sizeof *words));
    word_lens = must(malloc(lines * sizeof *word_lens));
    char *start = text;
    for (long i = 0; i <= size; i++) {
        if (text[i] == '\n') {
            text[i] = '\0';
            if (&text[i] > start) {
                words[word_count] = start;
                word_lens[word_count++] = (size_t)(&text[i] - start);
            }
            start = &text[i + 1];
        }
    }
    /* The distinct words, found with khash (outside any timing). */
    khash_t(words) *seen = kh_init(words);
    distinct = must(malloc(word_count * sizeof *distinct));
    distinct_lens = must(malloc(word_count * sizeof *distinct_lens));
    for (size_t i = 0; i < word_count; i++) {
        int ret;
        kh_put(words, seen, words[i], &ret);
        if (ret > 0) {
            distinct[distinct_count] = words[i];
            distinct_lens[distinct_count++] = word_lens[i];
        }
    }
    kh_destroy(words, seen);
    absent = must(malloc(distinct_count * sizeof *absent));
    absent_lens = must(malloc(distinct_count * sizeof *absent_lens));
    for (size_t i = 0; i < distinct_count; i++) {
        absent_lens[i] = distinct_lens[i] + 1;
        absent[i] = must(malloc(absent_lens[i] + 1));
        memcpy(absent[i], distinct[i], distinct_lens[i]);
        memcpy(absent[i] + distinct_lens[i], "!", 2);
    }
    uint64_t state = 42;
    int_keys = must(malloc(RANDOM_KEYS * sizeof *int_keys));
    int_misses = must(malloc(RANDOM_KEYS * sizeof *int_misses));
    for (size_t i = 0; i < RANDOM_KEYS; i++) {
        int_keys[i] = splitmix(&state);
    }
    for (size_t i = 0; i < RANDOM_KEYS; i++) {
        int_misses[i] = splitmix(&state);
    }
}

/* ---- libhashtable ---- */

static const char *ht_strategy = "swiss";

static ht_table *ht_make(void) {
    ht_config config = ht_config_default();
    config.strategy = ht_strategy;
    if (strcmp(ht_strategy, "swiss") == 0) {
        config.max_load = 0.875;
    }
    const char *max_load = getenv("HT_BENCH_MAX_LOAD");
    if (max_load != NULL && *max_load) {
        config.max_load = atof(max_load);
    }
    ht_table *t = NULL;
    if (ht_new(&config, &t) != HT_OK) {
        fprintf(stderr, "ht_new: %s\n", ht_last_error());
        exit(2);
    }
    return t;
}

static void run_hashtable(void) {
    ht_table *t = ht_make();
    double started = now();
    for (size_t i = 0; i < word_count; i++) {
#ifdef HT_BENCH_GET_SET
        void *count = NULL;
        ht_get(t, words[i], word_lens[i], &count);
        ht_set(t, words[i], word_lens[i], (void *)((intptr_t)count + 1), NULL);
#else
        void **slot;
        int inserted;
        ht_entry(t, words[i], word_lens[i], &slot, &inserted);
        *slot = (void *)((intptr_t)*slot + 1);
#endif
    }
    record(0, started, ht_len(t));
    uint64_t sum = 0;
    started = now();
    for (size_t i = 0; i < distinct_count; i++) {
        void *count = NULL;
        ht_get(t, distinct[i], distinct_lens[i], &count);
        sum += (uintptr_t)count;
    }
    record(1, started, sum);
    sum = 0;
    started = now();
    for (size_t i = 0; i < distinct_count; i++) {
        sum += ht_get(t, absent[i], absent_lens[i], NULL) == HT_OK;
    }
    record(2, started, sum);
    sum = 0;
    started = now();
    for (size_t i = 0; i < distinct_count; i++) {
        sum += ht_remove(t, distinct[i], distinct_lens[i], NULL) == HT_OK;
    }
    record(3, started, sum + ht_len(t));
    ht_free(t);

    t = ht_make();
    started = now();
    for (size_t i = 0; i < RANDOM_KEYS; i++) {
        ht_set(t, &int_keys[i], 8, (void *)(uintptr_t)(i + 1), NULL);
    }
    record(4, started, ht_len(t));
    sum = 0;
    started = now();
    for (size_t i = 0; i < RANDOM_KEYS; i++) {
        void *value = NULL;
        ht_get(t, &int_keys[i], 8, &value);
        sum += (uintptr_t)value;
    }
    record(5, started, sum);
    sum = 0;
    started = now();
    for (size_t i = 0; i < RANDOM_KEYS; i++) {
        sum += ht_get(t, &int_misses[i], 8, NULL) == HT_OK;
    }
    record(6, started, sum);
    sum = 0;
    started = now();
    for (size_t i = 0; i < RANDOM_KEYS; i++) {
        sum += ht_remove(t, &int_keys[i], 8, NULL) == HT_OK;
    }
    record(7, started, sum + ht_len(t));
    ht_free(t);
}

/* ---- khash ---- */

static void run_khash(void) {
    khash_t(words) *h = kh_init(words);
    double started = now();
    for (size_t i = 0; i < word_count; i++) {
        int ret;
        khint_t k = kh_put(words, h, words[i], &ret);
        if (ret > 0) {
            kh_key(h, k) = must(strdup(words[i]));
            kh_val(h, k) = 0;
        }
        kh_val(h, k)++;
    }
    record(0, started, kh_size(h));
    uint64_t sum = 0;
    started = now();
    for (size_t i = 0; i < distinct_count; i++) {
        khint_t k = kh_get(words, h, distinct[i]);
        sum += k != kh_end(h) ? (uint64_t)kh_val(h, k) : 0;
    }
    record(1, started, sum);
    sum = 0;
    started = now();
    for (size_t i = 0; i < distinct_count; i++) {
        sum += kh_get(words, h, absent[i]) != kh_end(h);
    }
    record(2, started, sum);
    sum = 0;
    started = now();
    for (size_t i = 0; i < distinct_count; i++) {
        khint_t k = kh_get(words, h, distinct[i]);
        if (k != kh_end(h)) {
            free((char *)kh_key(h, k));
            kh_del(words, h, k);
            sum++;
        }
    }
    record(3, started, sum + kh_size(h));
    kh_destroy(words, h);

    khash_t(ints) *n = kh_init(ints);
    started = now();
    for (size_t i = 0; i < RANDOM_KEYS; i++) {
        int ret;
        khint_t k = kh_put(ints, n, int_keys[i], &ret);
        kh_val(n, k) = (intptr_t)(i + 1);
    }
    record(4, started, kh_size(n));
    sum = 0;
    started = now();
    for (size_t i = 0; i < RANDOM_KEYS; i++) {
        khint_t k = kh_get(ints, n, int_keys[i]);
        sum += k != kh_end(n) ? (uint64_t)kh_val(n, k) : 0;
    }
    record(5, started, sum);
    sum = 0;
    started = now();
    for (size_t i = 0; i < RANDOM_KEYS; i++) {
        sum += kh_get(ints, n, int_misses[i]) != kh_end(n);
    }
    record(6, started, sum);
    sum = 0;
    started = now();
    for (size_t i = 0; i < RANDOM_KEYS; i++) {
        khint_t k = kh_get(ints, n, int_keys[i]);
        if (k != kh_end(n)) {
            kh_del(ints, n, k);
            sum++;
        }
    }
    record(7, started, sum + kh_size(n));
    kh_destroy(ints, n);
}

/* ---- GLib ---- */

typedef struct {
    intptr_t count;
    char key[];
} glib_word;

static void run_glib(void) {
    GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    double started = now();
    for (size_t i = 0; i < word_count; i++) {
        glib_word *item = g_hash_table_lookup(h, words[i]);
        if (item == NULL) {
            item = g_malloc(sizeof *item + word_lens[i] + 1);
            memcpy(item->key, words[i], word_lens[i] + 1);
            item->count = 0;
            g_hash_table_insert(h, item->key, item);
        }
        item->count++;
    }
    record(0, started, g_hash_table_size(h));
    uint64_t sum = 0;
    started = now();
    for (size_t i = 0; i < distinct_count; i++) {
        glib_word *item = g_hash_table_lookup(h, distinct[i]);
        sum += item != NULL ? (uint64_t)item->count : 0;
    }
    record(1, started, sum);
    sum = 0;
    started = now();
    for (size_t i = 0; i < distinct_count; i++) {
        sum += g_hash_table_lookup(h, absent[i]) != NULL;
    }
    record(2, started, sum);
    sum = 0;
    started = now();
    for (size_t i = 0; i < distinct_count; i++) {
        sum += g_hash_table_remove(h, distinct[i]);
    }
    record(3, started, sum + g_hash_table_size(h));
    g_hash_table_destroy(h);

    GHashTable *n = g_hash_table_new(g_int64_hash, g_int64_equal);
    started = now();
    for (size_t i = 0; i < RANDOM_KEYS; i++) {
        g_hash_table_insert(n, &int_keys[i], (gpointer)(uintptr_t)(i + 1));
    }
    record(4, started, g_hash_table_size(n));
    sum = 0;
    started = now();
    for (size_t i = 0; i < RANDOM_KEYS; i++) {
        sum += (uintptr_t)g_hash_table_lookup(n, &int_keys[i]);
    }
    record(5, started, sum);
    sum = 0;
    started = now();
    for (size_t i = 0; i < RANDOM_KEYS; i++) {
        sum += g_hash_table_lookup(n, &int_misses[i]) != NULL;
    }
    record(6, started, sum);
    sum = 0;
    started = now();
    for (size_t i = 0; i < RANDOM_KEYS; i++) {
        sum += g_hash_table_remove(n, &int_keys[i]);
    }
    record(7, started, sum + g_hash_table_size(n));
    g_hash_table_destroy(n);
}

/* ---- uthash ---- */

typedef struct {
    const char *key;
    intptr_t count;
    UT_hash_handle hh;
    char text[];
} ut_word;

typedef struct {
    uint64_t key;
    intptr_t value;
    UT_hash_handle hh;
} ut_int;

static void run_uthash(void) {
    ut_word *head = NULL;
    double started = now();
    for (size_t i = 0; i < word_count; i++) {
        ut_word *item;
        HASH_FIND(hh, head, words[i], (unsigned)word_lens[i], item);
        if (item == NULL) {
            item = must(malloc(sizeof *item + word_lens[i] + 1));
            memcpy(item->text, words[i], word_lens[i] + 1);
            item->key = item->text;
            item->count = 0;
            HASH_ADD_KEYPTR(hh, head, item->key, (unsigned)word_lens[i], item);
        }
        item->count++;
    }
    record(0, started, HASH_COUNT(head));
    uint64_t sum = 0;
    started = now();
    for (size_t i = 0; i < distinct_count; i++) {
        ut_word *item;
        HASH_FIND(hh, head, distinct[i], (unsigned)distinct_lens[i], item);
        sum += item != NULL ? (uint64_t)item->count : 0;
    }
    record(1, started, sum);
    sum = 0;
    started = now();
    for (size_t i = 0; i < distinct_count; i++) {
        ut_word *item;
        HASH_FIND(hh, head, absent[i], (unsigned)absent_lens[i], item);
        sum += item != NULL;
    }
    record(2, started, sum);
    sum = 0;
    started = now();
    for (size_t i = 0; i < distinct_count; i++) {
        ut_word *item;
        HASH_FIND(hh, head, distinct[i], (unsigned)distinct_lens[i], item);
        if (item != NULL) {
            HASH_DEL(head, item);
            free(item);
            sum++;
        }
    }
    record(3, started, sum + HASH_COUNT(head));

    ut_int *items = must(malloc(RANDOM_KEYS * sizeof *items));
    ut_int *ints = NULL;
    started = now();
    for (size_t i = 0; i < RANDOM_KEYS; i++) {
        items[i].key = int_keys[i];
        items[i].value = (intptr_t)(i + 1);
        HASH_ADD(hh, ints, key, sizeof(uint64_t), &items[i]);
    }
    record(4, started, HASH_COUNT(ints));
    sum = 0;
    started = now();
    for (size_t i = 0; i < RANDOM_KEYS; i++) {
        ut_int *item;
        HASH_FIND(hh, ints, &int_keys[i], sizeof(uint64_t), item);
        sum += item != NULL ? (uint64_t)item->value : 0;
    }
    record(5, started, sum);
    sum = 0;
    started = now();
    for (size_t i = 0; i < RANDOM_KEYS; i++) {
        ut_int *item;
        HASH_FIND(hh, ints, &int_misses[i], sizeof(uint64_t), item);
        sum += item != NULL;
    }
    record(6, started, sum);
    sum = 0;
    started = now();
    for (size_t i = 0; i < RANDOM_KEYS; i++) {
        ut_int *item;
        HASH_FIND(hh, ints, &int_keys[i], sizeof(uint64_t), item);
        if (item != NULL) {
            HASH_DEL(ints, item);
            sum++;
        }
    }
    record(7, started, sum + HASH_COUNT(ints));
    HASH_CLEAR(hh, ints);
    free(items);
}

/* Whether TABLE was named on the command line; with no names, every table
 * runs (as scripts/bench_c.py runs them). Naming one is for profiling it alone. */
static int selected(const char *table, int named_count, char **named) {
    if (named_count <= 0) {
        return 1;
    }
    for (int i = 0; i < named_count; i++) {
        if (strcmp(named[i], table) == 0) {
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s WORDS_FILE [REPEAT] [TABLE...]\n", argv[0]);
        return 2;
    }
    int repeat = argc > 2 ? atoi(argv[2]) : 5;
    load(argv[1]);
    fprintf(stderr, "bench: %zu words, %zu distinct, %d random keys\n", word_count, distinct_count, RANDOM_KEYS);
    static const struct {
        const char *name;
        void (*run)(void);
    } tables[] = {{"hashtable", run_hashtable}, {"khash", run_khash}, {"glib", run_glib}, {"uthash", run_uthash}};
    const char *env_strategy = getenv("HT_BENCH_STRATEGY");
    if (env_strategy != NULL && *env_strategy) {
        ht_strategy = env_strategy;
    }
    /* Interleaved rounds: every table once per round, so a slow patch of the
     * machine hits them all. */
    double table_best[4][CELLS] = {{0}};
    uint64_t table_sums[4][CELLS] = {{0}};
    for (int round = 0; round < repeat; round++) {
        for (size_t k = 0; k < 4; k++) {
            if (!selected(tables[k].name, argc - 3, argv + 3)) {
                continue;
            }
            memcpy(best, table_best[k], sizeof best);
            tables[k].run();
            memcpy(table_best[k], best, sizeof best);
            memcpy(table_sums[k], checksums, sizeof checksums);
        }
    }
    for (size_t k = 0; k < 4; k++) {
        if (!selected(tables[k].name, argc - 3, argv + 3)) {
            continue;
        }
        for (int c = 0; c < CELLS; c++) {
            size_t ops = c == 0 ? word_count : c < 4 ? distinct_count : RANDOM_KEYS;
            printf("%s %s %.0f %zu %llu\n", tables[k].name, CELL_NAMES[c], table_best[k][c], ops,
                   (unsigned long long)table_sums[k][c]);
        }
    }
    return 0;
}
