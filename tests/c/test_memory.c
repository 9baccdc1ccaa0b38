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
    return check_summary("test_memory");
}
#else
int main(void) {
    printf("test_memory: skipped, mallinfo2 needs glibc (make valgrind checks leaks everywhere)\n");
    return 0;
}
#endif
