/* ht_free releases everything: the bytes malloc has handed out are the same
 * before a table is made and after it (with its keys, iterators, pictures and
 * statistics) is freed, for every strategy. `make valgrind` checks the same
 * with memcheck over all the C tests. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

#if defined(__GLIBC__)
#include <malloc.h>
#include <unistd.h>

/* glibc's per-thread cache keeps freed blocks counted as in use; run without it. */
static const char NO_TCACHE[] = "glibc.malloc.tcache_count=0";

static size_t bytes_in_use(void) {
    return mallinfo2().uordblks;
}

struct deferred {
    ht_table *table;
};

/* Frees its own table when it hashes a two-byte key. */
static uint64_t free_own_table(const void *key, size_t key_len, void *ctx) {
    (void)key;
    if (key_len == 2) {
        ht_free(((struct deferred *)ctx)->table);
    }
    return key_len;
}

/* Everything a table can allocate, then ht_free. */
static void use_and_free(const char *strategy) {
    ht_config config = ht_config_default();
    config.strategy = strategy;
    ht_table *table = NULL;
    if (ht_new(&config, &table) != HT_OK) {
        checks_failed++;
        return;
    }
    char key[32];
    for (int i = 0; i < 10000; i++) {
        int len = snprintf(key, sizeof key, "key %d", i);
        ht_set(table, key, (size_t)len, NULL, NULL);
    }
    for (int i = 0; i < 10000; i += 3) {
        int len = snprintf(key, sizeof key, "key %d", i);
        ht_remove(table, key, (size_t)len, NULL);
    }
    char *picture = ht_picture(table, 0);
    ht_string_free(picture);
    ht_stats stats;
    ht_get_stats(table, &stats);
    ht_iter *finished = NULL, *open = NULL;
    ht_iter_new(table, &finished);
    while (ht_iter_next(finished, NULL, NULL, NULL) == HT_OK) {
    }
    ht_iter_free(finished);
    ht_iter_new(table, &open);
    ht_free(table); /* the open iterator holds the table until it is freed */
    ht_iter_free(open);

    /* A table freed by its own hash callback. */
    struct deferred ctx = {NULL};
    config.hash_fn = free_own_table;
    config.hash_ctx = &ctx;
    ht_new(&config, &ctx.table);
    ht_set(ctx.table, "x", 1, NULL, NULL);
    ht_set(ctx.table, "yy", 2, NULL, NULL); /* frees it */
}

/* The same hashes, so the same buckets and storage, whatever a key's length:
 * only its first byte counts. */
static uint64_t first_byte_hash(const void *key, size_t key_len, void *ctx) {
    (void)ctx;
    uint64_t first = key_len == 0 ? 0 : *(const unsigned char *)key;
    return (first + 1) * UINT64_C(0x9e3779b97f4a7c15);
}

enum { KEYS = 64 };

struct held {
    size_t set;     /* bytes malloc holds for the keys once they are set */
    size_t removed; /* and once they are removed again */
};

/* KEYS keys of `len` bytes (one for len 0), each set, read with ht_get,
 * ht_entry and ht_get_key, then removed, in a table sized so it never grows. */
static struct held bytes_held_by_keys(const char *strategy, ht_hash_fn hash_fn, size_t len) {
    struct held held = {0, 0};
    ht_config config = ht_config_default();
    config.strategy = strategy;
    config.size = 1024;
    config.hash_fn = hash_fn;
    ht_table *table = NULL;
    CHECK_STATUS(ht_new(&config, &table), HT_OK);
    if (table == NULL) {
        return held;
    }
    unsigned char key[32];
    memset(key, 'k', sizeof key);
    size_t count = len == 0 ? 1 : KEYS;
    size_t before = bytes_in_use();
    for (size_t i = 0; i < count; i++) {
        key[0] = (unsigned char)i;
        CHECK_STATUS(ht_set(table, key, len, (void *)(i + 1), NULL), HT_OK);
    }
    held.set = bytes_in_use() - before;
    for (size_t i = 0; i < count; i++) {
        key[0] = (unsigned char)i;
        void *value = NULL;
        CHECK_STATUS(ht_get(table, key, len, &value), HT_OK);
        void **slot = NULL;
        int inserted = -1;
        CHECK_STATUS(ht_entry(table, key, len, &slot, &inserted), HT_OK);
        const void *stored = NULL;
        CHECK_STATUS(ht_get_key(table, key, len, &stored, NULL), HT_OK);
        CHECK(value == (void *)(i + 1) && inserted == 0 && slot != NULL && *slot == value);
        CHECK(stored != NULL && (len == 0 || memcmp(stored, key, len) == 0));
    }
    CHECK(bytes_in_use() - before == held.set); /* lookups allocate nothing */
    for (size_t i = 0; i < count; i++) {
        key[0] = (unsigned char)i;
        CHECK_STATUS(ht_remove(table, key, len, NULL), HT_OK);
    }
    held.removed = bytes_in_use() - before;
    ht_free(table);
    return held;
}

/* Keys of up to 16 bytes live inside their entries: setting one allocates
 * nothing that a 1-byte key does not; a 17-byte key takes a heap copy, which
 * its removal frees. */
static void test_short_keys_are_inline(void) {
    if (getenv("HT_UNDER_VALGRIND") != NULL) {
        return; /* valgrind's malloc leaves mallinfo2 at zero; make test runs this part */
    }
    for (size_t s = 0; s < COUNT(STRATEGIES); s++) {
        struct held one = bytes_held_by_keys(STRATEGIES[s], first_byte_hash, 1);
        static const size_t INLINE_LENGTHS[] = {8, 15, 16};
        for (size_t l = 0; l < COUNT(INLINE_LENGTHS); l++) {
            struct held inline_key = bytes_held_by_keys(STRATEGIES[s], first_byte_hash, INLINE_LENGTHS[l]);
            if (inline_key.set != one.set || inline_key.removed != one.removed) {
                fprintf(stderr, "%s, %zu-byte keys: %zu bytes held, %zu after removal (1-byte keys: %zu, %zu)\n",
                        STRATEGIES[s], INLINE_LENGTHS[l], inline_key.set, inline_key.removed, one.set, one.removed);
            }
            CHECK(inline_key.set == one.set && inline_key.removed == one.removed);
        }
        struct held heap = bytes_held_by_keys(STRATEGIES[s], first_byte_hash, 17);
        CHECK(heap.set >= one.set + KEYS * 17 && heap.removed == one.removed);
    }
    /* The common call's own path (swiss, the default hash): nothing at all. */
    static const size_t LENGTHS[] = {0, 1, 8, 15, 16};
    for (size_t l = 0; l < COUNT(LENGTHS); l++) {
        struct held held = bytes_held_by_keys("swiss", NULL, LENGTHS[l]);
        if (held.set != 0 || held.removed != 0) {
            fprintf(stderr, "swiss, %zu-byte keys: %zu bytes held, %zu after removal\n", LENGTHS[l], held.set,
                    held.removed);
        }
        CHECK(held.set == 0 && held.removed == 0);
    }
    struct held heap = bytes_held_by_keys("swiss", NULL, 17);
    CHECK(heap.set >= KEYS * 17 && heap.removed == 0);
}

int main(int argc, char **argv) {
    (void)argc;
    const char *tunables = getenv("GLIBC_TUNABLES");
    if (tunables == NULL || strstr(tunables, NO_TCACHE) == NULL) {
        setenv("GLIBC_TUNABLES", NO_TCACHE, 1);
        execv("/proc/self/exe", argv);
        perror("test_memory: re-exec without the tcache");
        return 1;
    }
    /* Warm up what the library keeps for the life of the process: the name
     * lists, this thread's error message and its re-entry list. */
    ht_strategy_names();
    ht_hash_names();
    ht_get(NULL, "", 0, NULL);
    use_and_free("chaining");

    for (size_t s = 0; s < COUNT(STRATEGIES); s++) {
        size_t before = bytes_in_use();
        use_and_free(STRATEGIES[s]);
        ht_get(NULL, "", 0, NULL); /* the same message again, the same size */
        size_t after = bytes_in_use();
        if (after != before) {
            fprintf(stderr, "%s: %zu bytes in use before, %zu after ht_free\n", STRATEGIES[s], before, after);
        }
        CHECK(after == before);
    }
    test_short_keys_are_inline();
    return check_summary("test_memory");
}
#else
int main(void) {
    printf("test_memory: skipped, mallinfo2 needs glibc (make valgrind checks leaks everywhere)\n");
    return 0;
}
#endif
