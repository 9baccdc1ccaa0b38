/* The original C table's main(), again, on this engine: a table of size 4 and
 * max load 0.5, adds, lookups and removes, the picture before and after a
 * resize, a hash callback of our own, and every strategy.
 *
 *     make c-demo
 *     cc -Iinclude examples/c/demo.c target/release/libhashtable.a -lpthread -ldl -lm -o demo
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hashtable.h"

/* Stop on an unexpected status, saying which call and why. */
static void ok(ht_status status, const char *call) {
    if (status < 0) {
        fprintf(stderr, "%s failed (%d): %s\n", call, (int)status, ht_last_error());
        _Exit(1);
    }
}

static void print_picture(const char *title, const ht_table *table, size_t limit) {
    char *picture = ht_picture(table, limit);
    printf("%s (%zu keys, %zu buckets):\n%s\n\n", title, ht_len(table), ht_size(table), picture);
    ht_string_free(picture);
}

static void lookup(const ht_table *table, const char *key) {
    void *value = NULL;
    ht_status status = ht_get(table, key, strlen(key), &value);
    ok(status, "ht_get");
    if (status == HT_OK) {
        printf("lookup(%s) = %g\n", key, *(const double *)value);
    } else {
        printf("lookup(%s): not found\n", key);
    }
}

/* djb2 (h = h * 33 + byte), counting its calls in ctx. */
static uint64_t djb2(const void *key, size_t key_len, void *ctx) {
    ++*(int *)ctx;
    uint64_t hash = 5381;
    for (size_t i = 0; i < key_len; i++) {
        hash = hash * 33 + ((const unsigned char *)key)[i];
    }
    return hash;
}

static void the_original(void) {
    printf("== the original: size 4, max_load 0.5, hash %% size, the weak default hash ==\n\n");
    ht_config config = ht_config_default();
    config.size = 4;
    config.max_load = 0.5;
    config.index = "mod";    /* the original's rule: hash % size */
    config.hash_name = "seed"; /* the original's default: a string hashes to its length */
    ht_table *table = NULL;
    ok(ht_new(&config, &table), "ht_new");

    static double pi = 3.14159, e = 2.71828, phi = 1.61803;
    ok(ht_set(table, "pi", 2, &pi, NULL), "ht_set");
    ok(ht_set(table, "e", 1, &e, NULL), "ht_set");
    print_picture("after adding pi and e", table, 0);
    ok(ht_set(table, "phi", 3, &phi, NULL), "ht_set"); /* (2 + 1) / 4 > 0.5: the table grows first */
    print_picture("after adding phi: resized", table, 0);

    lookup(table, "pi");
    lookup(table, "tau");
    void *removed = NULL;
    ok(ht_remove(table, "e", 1, &removed), "ht_remove");
    printf("remove(e) = %g\n", *(const double *)removed);
    lookup(table, "e");
    printf("\n");
    print_picture("after removing e", table, 0);
    ht_free(table);
}

static void caller_passed_hashes(void) {
    printf("== the original's rule: the caller passes each key's hash ==\n\n");
    ht_table *table = NULL;
    ok(ht_new(NULL, &table), "ht_new");
    static double answer = 42;
    ok(ht_set_hashed(table, 42, "answer", 6, &answer, NULL), "ht_set_hashed");
    void *value = NULL;
    ok(ht_get_hashed(table, 42, "answer", 6, &value), "ht_get_hashed");
    printf("get_hashed(42, answer) = %g\n", *(const double *)value);
    printf("get_hashed(41, answer): %s\n\n",
           ht_get_hashed(table, 41, "answer", 6, NULL) == HT_NOT_FOUND ? "not found (another hash)" : "found");
    ht_free(table);
}

static void a_hash_callback(void) {
    printf("== a hash callback of our own: djb2 ==\n\n");
    int calls = 0;
    ht_config config = ht_config_default();
    config.hash_fn = djb2;
    config.hash_ctx = &calls;
    ht_table *table = NULL;
    ok(ht_new(&config, &table), "ht_new");
    const char *words[] = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        ok(ht_set(table, words[i], strlen(words[i]), NULL, NULL), "ht_set");
    }
    printf("7 inserts called djb2 %d times (never again on a resize: hashes are stored)\n\n", calls);
    print_picture("djb2, chaining", table, 0);
    ht_free(table);
}

static void every_strategy(void) {
    printf("== every strategy: the same 20 words in 32 buckets at max_load 0.8, the first 12 ==\n\n");
    static const char *const words[] = {"if",     "else",  "while", "for",   "return", "break", "continue",
                                        "switch", "case",  "int",   "char",  "double", "void",  "struct",
                                        "union",  "const", "static", "sizeof", "goto",  "enum"};
    for (const char *const *strategy = ht_strategy_names(); *strategy != NULL; strategy++) {
        ht_config config = ht_config_default();
        config.strategy = *strategy;
        config.hash_name = "fnv1a";
        config.size = 32;
        config.max_load = 0.8;
        ht_table *table = NULL;
        ok(ht_new(&config, &table), "ht_new");
        for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
            ok(ht_set(table, words[i], strlen(words[i]), NULL, NULL), "ht_set");
        }
        ht_stats stats;
        ok(ht_get_stats(table, &stats), "ht_get_stats");
        printf("%s: %zu keys in %zu buckets, %zu resizes, longest probe %zu, mean probe %.2f\n", *strategy,
               stats.len, stats.size, stats.resizes, stats.longest_probe, stats.mean_probe);
        print_picture(*strategy, table, 12);
        ht_free(table);
    }
}

static void every_named_hash(void) {
    printf("== every named hash of the key \"hashtable\" ==\n\n");
    for (const char *const *name = ht_hash_names(); *name != NULL; name++) {
        ht_config config = ht_config_default();
        config.hash_name = *name;
        ht_table *table = NULL;
        ok(ht_new(&config, &table), "ht_new");
        uint64_t hash = 0;
        ok(ht_hash(table, "hashtable", 9, &hash), "ht_hash");
        printf("%-9s %016llx%s\n", *name, (unsigned long long)hash,
               strcmp(*name, "siphash13") == 0 || strcmp(*name, "foldhash") == 0 ? "  (keyed per table)" : "");
        ht_free(table);
    }
}

int main(void) {
    the_original();
    caller_passed_hashes();
    a_hash_callback();
    every_strategy();
    every_named_hash();
    return 0;
}
