/* Every error status: NULL pointers, bad configs, re-entry from a hash
 * callback, iteration after a change, memory exhaustion. None may crash. */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static void test_null_pointers(void) {
    ht_table *table = NULL;
    CHECK_STATUS(ht_new(NULL, NULL), HT_ERR_NULL);
    CHECK_ERROR_MENTIONS("out must not be NULL");
    CHECK_STATUS(ht_new(NULL, &table), HT_OK);
    void *value = NULL;
    uint64_t hash = 0;
    ht_iter *it = NULL;
    ht_stats stats;

    /* A NULL table. */
    CHECK_STATUS(ht_set(NULL, "k", 1, NULL, NULL), HT_ERR_NULL);
    CHECK_ERROR_MENTIONS("table must not be NULL");
    CHECK_STATUS(ht_get(NULL, "k", 1, &value), HT_ERR_NULL);
    CHECK_STATUS(ht_remove(NULL, "k", 1, &value), HT_ERR_NULL);
    CHECK_STATUS(ht_set_hashed(NULL, 1, "k", 1, NULL, NULL), HT_ERR_NULL);
    CHECK_STATUS(ht_get_hashed(NULL, 1, "k", 1, &value), HT_ERR_NULL);
    CHECK_STATUS(ht_remove_hashed(NULL, 1, "k", 1, &value), HT_ERR_NULL);
    CHECK_STATUS(ht_hash(NULL, "k", 1, &hash), HT_ERR_NULL);
    CHECK_STATUS(ht_clear(NULL), HT_ERR_NULL);
    CHECK_STATUS(ht_iter_new(NULL, &it), HT_ERR_NULL);
    CHECK_STATUS(ht_get_stats(NULL, &stats), HT_ERR_NULL);
    CHECK(ht_picture(NULL, 0) == NULL);
    CHECK_ERROR_MENTIONS("table must not be NULL");
    CHECK(ht_len(NULL) == 0);
    CHECK(ht_size(NULL) == 0);
    ht_free(NULL);
    ht_iter_free(NULL);
    ht_string_free(NULL);

    /* A NULL key with a length. */
    CHECK_STATUS(ht_set(table, NULL, 3, NULL, NULL), HT_ERR_NULL);
    CHECK_ERROR_MENTIONS("key");
    CHECK_STATUS(ht_get(table, NULL, 3, &value), HT_ERR_NULL);
    CHECK_STATUS(ht_remove(table, NULL, 3, &value), HT_ERR_NULL);
    CHECK_STATUS(ht_set_hashed(table, 1, NULL, 3, NULL, NULL), HT_ERR_NULL);
    CHECK_STATUS(ht_get_hashed(table, 1, NULL, 3, &value), HT_ERR_NULL);
    CHECK_STATUS(ht_remove_hashed(table, 1, NULL, 3, &value), HT_ERR_NULL);
    CHECK_STATUS(ht_hash(table, NULL, 3, &hash), HT_ERR_NULL);
    CHECK(ht_len(table) == 0);

    /* NULL required outputs. */
    CHECK_STATUS(ht_hash(table, "k", 1, NULL), HT_ERR_NULL);
    CHECK_STATUS(ht_iter_new(table, NULL), HT_ERR_NULL);
    CHECK_STATUS(ht_get_stats(table, NULL), HT_ERR_NULL);
    CHECK_STATUS(ht_iter_next(NULL, NULL, NULL, NULL), HT_ERR_NULL);
    CHECK_ERROR_MENTIONS("iterator must not be NULL");

    /* A key_len no object can have is refused before anything is read. */
    CHECK_STATUS(ht_get(table, "k", (size_t)PTRDIFF_MAX + 1, &value), HT_ERR_CONFIG);
    CHECK_ERROR_MENTIONS("key_len");
    CHECK_STATUS(ht_set(table, "k", SIZE_MAX, NULL, NULL), HT_ERR_CONFIG);
    ht_free(table);
}

/* Each config fails in ht_new with HT_ERR_CONFIG, *out NULL, and a message
 * containing `message`. NULL strings are the defaults. */
static const struct {
    size_t size;
    double max_load, growth, min_load;
    const char *strategy, *index, *hash_name, *message;
} BAD_CONFIGS[] = {
    {0, 0.5, 2.0, 0.0, NULL, NULL, NULL, "size must be between 1 and"},
    {((size_t)1 << 27) + 1, 0.5, 2.0, 0.0, NULL, NULL, NULL, "size must be at most 134217728"},
    {4, 0.0, 2.0, 0.0, NULL, NULL, NULL, "max_load"},
    {4, NAN, 2.0, 0.0, NULL, NULL, NULL, "max_load"},
    {4, INFINITY, 2.0, 0.0, NULL, NULL, NULL, "max_load"},
    {4, 1.0, 2.0, 0.0, "robin_hood", NULL, NULL, "<= max_load < 1 for open addressing"},
    {4, 0.5, 1.0, 0.0, NULL, NULL, NULL, "growth"},
    {4, 0.5, 17.0, 0.0, NULL, NULL, NULL, "growth must be a finite number with 1 < growth <= 16"},
    {4, 0.5, NAN, 0.0, NULL, NULL, NULL, "growth"},
    {4, 0.5, 2.0, 0.3, NULL, NULL, NULL, "min_load"}, /* max_load / growth = 0.25 */
    {4, 0.5, 2.0, -0.1, NULL, NULL, NULL, "min_load"},
    {4, 0.5, 2.0, 0.0, "cuckoo", NULL, NULL, "strategy must be one of \"chaining\", \"robin_hood\""},
    {4, 0.5, 2.0, 0.0, NULL, "modulo", NULL, "index must be one of \"mod\", \"mask\", \"fibonacci\", got \"modulo\""},
    {4, 0.5, 2.0, 0.0, NULL, NULL, "md5", "hash_name must be one of \"seed\""},
    {4, 0.5, 2.0, 0.0, "\xff\xfe", NULL, NULL, "strategy must be UTF-8"},
};

static void test_bad_configs(void) {
    for (size_t i = 0; i < COUNT(BAD_CONFIGS); i++) {
        ht_config config = ht_config_default();
        config.size = BAD_CONFIGS[i].size;
        config.max_load = BAD_CONFIGS[i].max_load;
        config.growth = BAD_CONFIGS[i].growth;
        config.min_load = BAD_CONFIGS[i].min_load;
        config.strategy = BAD_CONFIGS[i].strategy;
        config.index = BAD_CONFIGS[i].index;
        config.hash_name = BAD_CONFIGS[i].hash_name;
        ht_table *table = (ht_table *)&config; /* not NULL, to see it reset */
        CHECK_STATUS(ht_new(&config, &table), HT_ERR_CONFIG);
        CHECK(table == NULL);
        if (strstr(ht_last_error(), BAD_CONFIGS[i].message) == NULL) {
            fprintf(stderr, "bad config %zu: expected a message with %s, got: %s\n", i, BAD_CONFIGS[i].message,
                    ht_last_error());
            checks_failed++;
        }
    }
    /* The same fields, in range, with NULL strings: the defaults. */
    ht_config config = ht_config_default();
    config.strategy = NULL;
    config.index = NULL;
    config.hash_name = NULL;
    ht_table *table = NULL;
    CHECK_STATUS(ht_new(&config, &table), HT_OK);
    CHECK(ht_size(table) == 4);
    ht_free(table);
}

/* A hash callback that calls back into its own table, recording what it got. */
struct reentry {
    ht_table *table;
    ht_table *other;
    ht_status got[15];
    size_t len_seen;
    int free_table;
};

static uint64_t reentrant_hash(const void *key, size_t key_len, void *ctx) {
    struct reentry *r = ctx;
    void *value = NULL;
    uint64_t hash = 0;
    ht_iter *it = NULL;
    ht_stats stats;
    r->got[0] = ht_set(r->table, "inner", 5, NULL, NULL);
    r->got[1] = ht_get(r->table, "inner", 5, &value);
    r->got[2] = ht_remove(r->table, "inner", 5, &value);
    r->got[3] = ht_set_hashed(r->table, 1, "inner", 5, NULL, NULL);
    r->got[4] = ht_hash(r->table, "inner", 5, &hash);
    r->got[5] = ht_clear(r->table);
    r->got[6] = ht_iter_new(r->table, &it);
    r->got[7] = ht_get_stats(r->table, &stats);
    r->got[8] = ht_picture(r->table, 0) == NULL ? HT_ERR_BUSY : HT_OK;
    r->got[9] = ht_set(r->other, key, key_len, NULL, NULL); /* another table is fine */
    void **slot = NULL;
    const void *stored = NULL;
    r->got[10] = ht_get_hashed(r->table, 1, "inner", 5, &value);
    r->got[11] = ht_remove_hashed(r->table, 1, "inner", 5, &value);
    r->got[12] = ht_entry(r->table, "inner", 5, &slot, NULL);
    r->got[13] = ht_entry_hashed(r->table, 1, "inner", 5, &slot, NULL);
    r->got[14] = ht_get_key(r->table, "inner", 5, &stored, &value);
    r->len_seen = ht_len(r->table);
    if (r->free_table) {
        ht_free(r->table);
    }
    return key_len;
}

static void test_busy_reentry(void) {
    struct reentry r = {0};
    CHECK_STATUS(ht_new(NULL, &r.other), HT_OK);
    ht_config config = ht_config_default();
    config.hash_fn = reentrant_hash;
    config.hash_ctx = &r;
    CHECK_STATUS(ht_new(&config, &r.table), HT_OK);
    CHECK_STATUS(ht_set(r.table, "a", 1, (void *)1, NULL), HT_OK);
    CHECK_STATUS(ht_set(r.table, "bb", 2, (void *)2, NULL), HT_OK);
    for (int i = 0; i < 15; i++) {
        if (i == 9) {
            continue; /* the other table */
        }
        if (r.got[i] != HT_ERR_BUSY) {
            fprintf(stderr, "inner call %d returned %d, expected HT_ERR_BUSY\n", i, (int)r.got[i]);
            checks_failed++;
        } else {
            checks_passed++;
        }
    }
    CHECK(r.got[9] == HT_OK);
    CHECK(r.len_seen == 1); /* ht_len answers from inside: "a" was stored, "bb" not yet */
    CHECK(ht_len(r.table) == 2);
    CHECK(ht_len(r.other) == 2);
    void *value = NULL;
    CHECK_STATUS(ht_get(r.table, "bb", 2, &value), HT_OK);
    CHECK(value == (void *)2);
    CHECK_STATUS(ht_get(r.table, "inner", 5, NULL), HT_NOT_FOUND);
    CHECK(strstr(ht_last_error(), "own hash_fn") != NULL);

    /* ht_free from inside the hash callback: the outer call finishes, then the
     * table is released (valgrind checks that nothing leaks or is read after). */
    r.free_table = 1;
    CHECK_STATUS(ht_set(r.table, "ccc", 3, NULL, NULL), HT_OK);
    r.table = NULL;
    ht_free(r.other);
}

static void test_iteration_after_change(void) {
    ht_table *table = NULL;
    CHECK_STATUS(ht_new(NULL, &table), HT_OK);
    for (int i = 0; i < 10; i++) {
        CHECK_STATUS(ht_set(table, &i, sizeof i, NULL, NULL), HT_OK);
    }
    const void *key;
    size_t key_len;
    void *value;
    int i = 3;

    /* Replacing a value is not a change: the iteration goes on. */
    ht_iter *it = NULL;
    CHECK_STATUS(ht_iter_new(table, &it), HT_OK);
    CHECK_STATUS(ht_iter_next(it, &key, &key_len, &value), HT_OK);
    CHECK_STATUS(ht_set(table, &i, sizeof i, (void *)1, NULL), HT_OK);
    CHECK_STATUS(ht_iter_next(it, &key, &key_len, &value), HT_OK);
    /* A new key is. */
    i = 100;
    CHECK_STATUS(ht_set(table, &i, sizeof i, NULL, NULL), HT_OK);
    CHECK_STATUS(ht_iter_next(it, &key, &key_len, &value), HT_ERR_CHANGED);
    CHECK_ERROR_MENTIONS("changed during the iteration");
    CHECK_STATUS(ht_iter_next(it, &key, &key_len, &value), HT_ERR_CHANGED); /* and stays so */
    ht_iter_free(it);

    /* So are a removal and a clear, even after the end was reached. */
    CHECK_STATUS(ht_iter_new(table, &it), HT_OK);
    CHECK_STATUS(ht_remove(table, &i, sizeof i, NULL), HT_OK);
    CHECK_STATUS(ht_iter_next(it, NULL, NULL, NULL), HT_ERR_CHANGED);
    ht_iter_free(it);
    CHECK_STATUS(ht_iter_new(table, &it), HT_OK);
    while (ht_iter_next(it, NULL, NULL, NULL) == HT_OK) {
    }
    CHECK_STATUS(ht_clear(table), HT_OK);
    CHECK_STATUS(ht_iter_next(it, NULL, NULL, NULL), HT_ERR_CHANGED);
    ht_iter_free(it);

    /* A table freed under an open iterator: reported, never read. */
    i = 5;
    CHECK_STATUS(ht_set(table, &i, sizeof i, NULL, NULL), HT_OK);
    CHECK_STATUS(ht_iter_new(table, &it), HT_OK);
    ht_free(table);
    CHECK_STATUS(ht_iter_next(it, &key, &key_len, &value), HT_ERR_CHANGED);
    CHECK_ERROR_MENTIONS("freed");
    ht_iter_free(it);
}

/* Memory exhaustion, in a child process whose address space is capped: a key
 * copy that cannot be allocated is HT_ERR_NOMEM, and the table stays usable. */
static void test_out_of_memory(void) {
    if (getenv("HT_UNDER_VALGRIND") != NULL) {
        return; /* valgrind manages the address space itself; make test runs this part */
    }
    enum { KEY_BYTES = 256 << 20 };
    char *big_key = calloc(KEY_BYTES, 1);
    CHECK(big_key != NULL);
    ht_table *table = NULL;
    CHECK_STATUS(ht_new(NULL, &table), HT_OK);
    pid_t child = fork();
    if (child == 0) {
        struct rlimit limit;
        getrlimit(RLIMIT_AS, &limit);
        FILE *statm = fopen("/proc/self/statm", "r");
        unsigned long pages = 0;
        if (statm == NULL || fscanf(statm, "%lu", &pages) != 1) {
            _exit(3);
        }
        fclose(statm);
        limit.rlim_cur = pages * (rlim_t)sysconf(_SC_PAGESIZE) + (64 << 20);
        setrlimit(RLIMIT_AS, &limit);
        /* ht_set_hashed: no hash reads the key; the copy is the first use. */
        ht_status status = ht_set_hashed(table, 1, big_key, KEY_BYTES, NULL, NULL);
        if (status != HT_ERR_NOMEM || strstr(ht_last_error(), "out of memory") == NULL) {
            _exit(1);
        }
        /* The upsert too: the status, and the slot left as it was. */
        void **slot = (void **)&big_key;
        int inserted = -1;
        status = ht_entry_hashed(table, 1, big_key, KEY_BYTES, &slot, &inserted);
        if (status != HT_ERR_NOMEM || slot != (void **)&big_key || inserted != -1 || ht_len(table) != 0) {
            _exit(4);
        }
        if (ht_set(table, "small", 5, NULL, NULL) != HT_OK || ht_len(table) != 1) {
            _exit(2);
        }
        _exit(0);
    }
    int wait_status = 0;
    waitpid(child, &wait_status, 0);
    CHECK(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0);
    if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
        fprintf(stderr, "out-of-memory child: exit %d, signal %d\n", WEXITSTATUS(wait_status),
                WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0);
    }
    ht_free(table);
    free(big_key);
}

int main(void) {
    test_null_pointers();
    test_bad_configs();
    test_busy_reentry();
    test_iteration_after_change();
    test_out_of_memory();
    return check_summary("test_errors");
}
