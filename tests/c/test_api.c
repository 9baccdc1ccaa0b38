/* Every function of hashtable.h, over every strategy and every named hash. */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

static ht_table *new_table(const char *strategy, const char *hash_name) {
    ht_config config = ht_config_default();
    config.strategy = strategy;
    config.hash_name = hash_name;
    ht_table *table = NULL;
    CHECK_STATUS(ht_new(&config, &table), HT_OK);
    return table;
}

/* Key i is the text "k<i>"; the tests store (void *)(i + 1) under it. */
static void key_for(int i, char *buffer, size_t *len) {
    *len = (size_t)snprintf(buffer, 32, "k%d", i);
}

static void test_defaults_and_names(void) {
    ht_config config = ht_config_default();
    CHECK(config.size == 4);
    CHECK(config.max_load == 0.5);
    CHECK(config.growth == 2.0);
    CHECK(config.min_load == 0.0);
    CHECK(strcmp(config.strategy, "chaining") == 0);
    CHECK(strcmp(config.index, "fibonacci") == 0);
    CHECK(strcmp(config.hash_name, "foldhash") == 0);
    CHECK(config.hash_fn == NULL);
    CHECK(config.hash_ctx == NULL);

    const char *const *names = ht_strategy_names();
    size_t i = 0;
    for (; names[i] != NULL; i++) {
        CHECK(i < COUNT(STRATEGIES) && strcmp(names[i], STRATEGIES[i]) == 0);
    }
    CHECK(i == COUNT(STRATEGIES));
    /* Every name of the contract is there, in its order; the registry may hold more after them. */
    names = ht_hash_names();
    for (i = 0; names[i] != NULL; i++) {
        CHECK(i >= COUNT(HASH_NAMES) || strcmp(names[i], HASH_NAMES[i]) == 0);
    }
    CHECK(i >= COUNT(HASH_NAMES));

    /* NULL config: every default. */
    ht_table *table = NULL;
    CHECK_STATUS(ht_new(NULL, &table), HT_OK);
    CHECK(ht_size(table) == 4);
    CHECK(ht_len(table) == 0);
    ht_free(table);
}

/* set, get, remove, len, size, iteration, clear: one strategy, one hash. */
static void exercise(const char *strategy, const char *hash_name) {
    enum { N = 2000 };
    ht_table *table = new_table(strategy, hash_name);
    if (table == NULL) {
        return;
    }
    char key[32];
    size_t len;
    void *old = (void *)1;
    for (int i = 0; i < N; i++) {
        key_for(i, key, &len);
        CHECK_STATUS(ht_set(table, key, len, (void *)(intptr_t)(i + 1), &old), HT_OK);
        CHECK(old == NULL);
    }
    CHECK(ht_len(table) == N);
    CHECK(ht_size(table) >= 2 * N); /* max_load 0.5 */
    int misses = 0;
    for (int i = 0; i < N; i++) {
        void *value = NULL;
        key_for(i, key, &len);
        misses += ht_get(table, key, len, &value) != HT_OK || value != (void *)(intptr_t)(i + 1);
    }
    CHECK(misses == 0);

    /* Replacing keeps one key and hands back the old value. */
    CHECK_STATUS(ht_set(table, "k7", 2, (void *)(intptr_t)700, &old), HT_OK);
    CHECK(old == (void *)(intptr_t)8);
    CHECK(ht_len(table) == N);

    /* Iteration yields every key once, with its value; key pointers are the table's copies. */
    ht_iter *it = NULL;
    CHECK_STATUS(ht_iter_new(table, &it), HT_OK);
    static unsigned char seen[N];
    memset(seen, 0, sizeof seen);
    const void *item_key;
    size_t item_len;
    void *item_value;
    int items = 0, wrong = 0;
    ht_status status;
    while ((status = ht_iter_next(it, &item_key, &item_len, &item_value)) == HT_OK) {
        char text[32] = {0};
        memcpy(text, item_key, item_len < 31 ? item_len : 31);
        int i = atoi(text + 1);
        wrong += text[0] != 'k' || i < 0 || i >= N || seen[i]++ ||
                 item_value != (void *)(intptr_t)(i == 7 ? 700 : i + 1);
        items++;
    }
    CHECK(status == HT_NOT_FOUND);
    CHECK(item_key == NULL && item_len == 0 && item_value == NULL);
    CHECK_STATUS(ht_iter_next(it, NULL, NULL, NULL), HT_NOT_FOUND); /* stays at the end */
    CHECK(items == N);
    CHECK(wrong == 0);
    ht_iter_free(it);

    /* Remove half; the rest stays. */
    for (int i = 0; i < N; i += 2) {
        void *value = NULL;
        key_for(i, key, &len);
        misses += ht_remove(table, key, len, &value) != HT_OK || value != (void *)(intptr_t)(i + 1);
        misses += ht_remove(table, key, len, &value) != HT_NOT_FOUND || value != NULL;
    }
    CHECK(misses == 0);
    CHECK(ht_len(table) == N / 2);
    for (int i = 0; i < N; i++) {
        key_for(i, key, &len);
        misses += ht_get(table, key, len, NULL) != (i % 2 ? HT_OK : HT_NOT_FOUND);
    }
    CHECK(misses == 0);

    CHECK_STATUS(ht_clear(table), HT_OK);
    CHECK(ht_len(table) == 0);
    CHECK_STATUS(ht_get(table, "k1", 2, NULL), HT_NOT_FOUND);
    ht_free(table);
}

static void test_every_strategy_and_hash(void) {
    for (size_t s = 0; s < COUNT(STRATEGIES); s++) {
        for (const char *const *hash = ht_hash_names(); *hash != NULL; hash++) {
            exercise(STRATEGIES[s], *hash);
        }
    }
}

static void test_every_index_and_clear_size(void) {
    for (size_t s = 0; s < COUNT(STRATEGIES); s++) {
        for (size_t i = 0; i < COUNT(INDEXES); i++) {
            ht_config config = ht_config_default();
            config.strategy = STRATEGIES[s];
            config.index = INDEXES[i];
            config.size = 8;
            ht_table *table = NULL;
            CHECK_STATUS(ht_new(&config, &table), HT_OK);
            size_t initial = ht_size(table);
            CHECK(initial >= 8);
            for (int k = 0; k < 100; k++) {
                CHECK_STATUS(ht_set(table, &k, sizeof k, NULL, NULL), HT_OK);
            }
            CHECK(ht_size(table) > initial);
            CHECK_STATUS(ht_clear(table), HT_OK);
            CHECK(ht_size(table) == initial); /* clear goes back to the initial size */
            ht_free(table);
        }
    }
}

static void test_byte_keys(void) {
    ht_table *table = new_table("robin_hood", "fnv1a");
    /* The empty key, with a pointer or with NULL, is one key. */
    CHECK_STATUS(ht_set(table, "", 0, (void *)1, NULL), HT_OK);
    void *value = NULL;
    CHECK_STATUS(ht_get(table, NULL, 0, &value), HT_OK);
    CHECK(value == (void *)1);
    /* Embedded NUL bytes are part of the key; a prefix is another key. */
    const char with_nul[] = {'a', '\0', 'b'};
    CHECK_STATUS(ht_set(table, with_nul, 3, (void *)2, NULL), HT_OK);
    CHECK_STATUS(ht_get(table, "a", 1, NULL), HT_NOT_FOUND);
    CHECK_STATUS(ht_get(table, with_nul, 3, &value), HT_OK);
    CHECK(value == (void *)2);
    /* The table copied the key: changing the caller's buffer changes nothing. */
    char buffer[] = "mutable";
    CHECK_STATUS(ht_set(table, buffer, 7, (void *)3, NULL), HT_OK);
    buffer[0] = 'M';
    CHECK_STATUS(ht_get(table, "mutable", 7, &value), HT_OK);
    CHECK_STATUS(ht_get(table, buffer, 7, NULL), HT_NOT_FOUND);
    /* NULL is a value like any other, and every out-pointer may be NULL. */
    CHECK_STATUS(ht_set(table, "null", 4, NULL, NULL), HT_OK);
    value = (void *)9;
    CHECK_STATUS(ht_get(table, "null", 4, &value), HT_OK);
    CHECK(value == NULL);
    CHECK_STATUS(ht_remove(table, "null", 4, NULL), HT_OK);
    CHECK(ht_len(table) == 3);
    ht_free(table);
}

/* Named hashes hash the key bytes, with the same values as the core's reference vectors. */
static void test_named_hash_values(void) {
    ht_table *fnv = new_table("chaining", "fnv1a");
    ht_table *xxh3 = new_table("chaining", "xxh3");
    ht_table *seed = new_table("chaining", "seed");
    uint64_t hash = 0;
    CHECK_STATUS(ht_hash(fnv, "foobar", 6, &hash), HT_OK);
    CHECK(hash == UINT64_C(0x85944171f73967e8));
    CHECK_STATUS(ht_hash(fnv, "", 0, &hash), HT_OK);
    CHECK(hash == UINT64_C(0xcbf29ce484222325));
    CHECK_STATUS(ht_hash(xxh3, "abc", 3, &hash), HT_OK);
    CHECK(hash == UINT64_C(0x78af5f94892f3950));
    CHECK_STATUS(ht_hash(seed, "abc", 3, &hash), HT_OK);
    CHECK(hash == 3); /* the original's default: a string hashes to its length */
    ht_free(fnv);
    ht_free(xxh3);
    ht_free(seed);

    /* siphash13 and foldhash (the default) are keyed per table: two tables
     * disagree (with overwhelming probability). */
    static const char *const KEYED[] = {"siphash13", "foldhash"};
    for (size_t k = 0; k < COUNT(KEYED); k++) {
        ht_table *a = new_table("chaining", KEYED[k]);
        ht_table *b = new_table("chaining", KEYED[k]);
        uint64_t ha = 0, hb = 0, ha2 = 1;
        CHECK_STATUS(ht_hash(a, "key", 3, &ha), HT_OK);
        CHECK_STATUS(ht_hash(a, "key", 3, &ha2), HT_OK);
        CHECK_STATUS(ht_hash(b, "key", 3, &hb), HT_OK);
        CHECK(ha == ha2);
        CHECK(ha != hb);
        ht_free(a);
        ht_free(b);
    }
}

static void test_hashed_functions(void) {
    ht_table *table = new_table("swiss", "siphash13");
    CHECK_STATUS(ht_set_hashed(table, 42, "answer", 6, (void *)42, NULL), HT_OK);
    void *value = NULL;
    CHECK_STATUS(ht_get_hashed(table, 42, "answer", 6, &value), HT_OK);
    CHECK(value == (void *)42);
    CHECK_STATUS(ht_get_hashed(table, 43, "answer", 6, NULL), HT_NOT_FOUND); /* another hash, another key */
    void *old = NULL;
    CHECK_STATUS(ht_set_hashed(table, 42, "answer", 6, (void *)43, &old), HT_OK);
    CHECK(old == (void *)42);
    CHECK(ht_len(table) == 1);
    /* Many keys under one hash: still told apart by their bytes. */
    for (int i = 0; i < 50; i++) {
        CHECK_STATUS(ht_set_hashed(table, 7, &i, sizeof i, (void *)(intptr_t)i, NULL), HT_OK);
    }
    CHECK(ht_len(table) == 51);
    int i = 31;
    CHECK_STATUS(ht_remove_hashed(table, 7, &i, sizeof i, &value), HT_OK);
    CHECK(value == (void *)31);
    CHECK_STATUS(ht_remove_hashed(table, 7, &i, sizeof i, &value), HT_NOT_FOUND);
    /* ht_hash gives what ht_set stores: the two forms meet. */
    uint64_t hash = 0;
    CHECK_STATUS(ht_set(table, "plain", 5, (void *)5, NULL), HT_OK);
    CHECK_STATUS(ht_hash(table, "plain", 5, &hash), HT_OK);
    CHECK_STATUS(ht_get_hashed(table, hash, "plain", 5, &value), HT_OK);
    CHECK(value == (void *)5);
    CHECK_STATUS(ht_remove_hashed(table, hash, "plain", 5, NULL), HT_OK);
    CHECK_STATUS(ht_get(table, "plain", 5, NULL), HT_NOT_FOUND);
    ht_free(table);
}

/* The _hashed functions under the two hashes open addressing reserves (UINT64_MAX
 * and 1 << 63, which linear, quadratic and robin_hood store as their
 * neighbours; the others store them as they are) and under those
 * neighbours, with short keys (swiss's inline path), 16-byte keys (its path
 * for three words of key) and long ones: each key is found, replaced, upserted
 * and removed under its own hash, in every strategy. */
static void test_reserved_hashes(void) {
    static const uint64_t HASHES[] = {UINT64_MAX, UINT64_MAX - 1, 1ull << 63, (1ull << 63) ^ 1, 0, 1};
    for (size_t s = 0; s < COUNT(STRATEGIES); s++) {
        static const char *const FORMS[] = {"r%zu", "reserved-16-k%03zu", "reserved-hash-key-%zu"};
        for (size_t form = 0; form < COUNT(FORMS); form++) {
            ht_table *table = new_table(STRATEGIES[s], "foldhash");
            char keys[COUNT(HASHES)][32];
            size_t lens[COUNT(HASHES)];
            for (size_t i = 0; i < COUNT(HASHES); i++) {
                lens[i] = (size_t)snprintf(keys[i], sizeof keys[i], FORMS[form], i);
                CHECK(form != 1 || lens[i] == 16);
                void *old = (void *)1;
                CHECK_STATUS(ht_set_hashed(table, HASHES[i], keys[i], lens[i], (void *)(i + 1), &old), HT_OK);
                CHECK(old == NULL);
            }
            CHECK(ht_len(table) == COUNT(HASHES));
            for (size_t i = 0; i < COUNT(HASHES); i++) {
                void *value = NULL;
                CHECK_STATUS(ht_get_hashed(table, HASHES[i], keys[i], lens[i], &value), HT_OK);
                CHECK(value == (void *)(i + 1));
                CHECK_STATUS(ht_get_hashed(table, HASHES[i], "absent", 6, &value), HT_NOT_FOUND);
                CHECK(value == NULL);
                void *old = NULL;
                CHECK_STATUS(ht_set_hashed(table, HASHES[i], keys[i], lens[i], (void *)(i + 11), &old), HT_OK);
                CHECK(old == (void *)(i + 1));
                void **slot = NULL;
                int inserted = -1;
                CHECK_STATUS(ht_entry_hashed(table, HASHES[i], keys[i], lens[i], &slot, &inserted), HT_OK);
                CHECK(inserted == 0 && slot != NULL && *slot == (void *)(i + 11));
            }
            CHECK(ht_len(table) == COUNT(HASHES));
            for (size_t i = 0; i < COUNT(HASHES); i++) {
                void *value = NULL;
                CHECK_STATUS(ht_remove_hashed(table, HASHES[i], keys[i], lens[i], &value), HT_OK);
                CHECK(value == (void *)(i + 11));
                CHECK_STATUS(ht_get_hashed(table, HASHES[i], keys[i], lens[i], &value), HT_NOT_FOUND);
                CHECK_STATUS(ht_remove_hashed(table, HASHES[i], keys[i], lens[i], &value), HT_NOT_FOUND);
            }
            CHECK(ht_len(table) == 0);
            ht_free(table);
        }
    }
}

/* A hash callback: the decimal number in the key; counts its calls. */
struct counting_hash {
    int calls;
};

static uint64_t decimal_hash(const void *key, size_t key_len, void *ctx) {
    ((struct counting_hash *)ctx)->calls++;
    uint64_t value = 0;
    for (size_t i = 0; i < key_len; i++) {
        value = value * 10 + (uint64_t)(((const char *)key)[i] - '0');
    }
    return value;
}

static uint64_t constant_hash(const void *key, size_t key_len, void *ctx) {
    (void)key;
    (void)key_len;
    (void)ctx;
    return 42;
}

static void test_hash_callback_and_picture(void) {
    struct counting_hash counter = {0};
    ht_config config = ht_config_default();
    config.index = "mod"; /* the original's hash % size, so the picture is predictable */
    config.hash_fn = decimal_hash;
    config.hash_ctx = &counter;
    config.hash_name = "no such hash: hash_fn wins";
    ht_table *table = NULL;
    CHECK_STATUS(ht_new(&config, &table), HT_OK);
    CHECK_STATUS(ht_set(table, "1", 1, NULL, NULL), HT_OK);
    CHECK_STATUS(ht_set(table, "2", 1, NULL, NULL), HT_OK);
    CHECK(counter.calls == 2); /* exactly once per operation */
    char *picture = ht_picture(table, 0);
    CHECK(picture != NULL && strcmp(picture, "[]\n[]*\n[]*\n[]") == 0);
    ht_string_free(picture);
    CHECK_STATUS(ht_set(table, "5", 1, NULL, NULL), HT_OK); /* (2 + 1) / 4 > 0.5: grows to 8 */
    CHECK(ht_size(table) == 8);
    CHECK(counter.calls == 3); /* a resize reuses stored hashes */
    picture = ht_picture(table, 0);
    CHECK(picture != NULL && strcmp(picture, "[]\n[]*\n[]*\n[]\n[]\n[]*\n[]\n[]") == 0);
    ht_string_free(picture);
    picture = ht_picture(table, 3);
    CHECK(picture != NULL && strcmp(picture, "[]\n[]*\n[]*\n... 5 more buckets not shown") == 0);
    ht_string_free(picture);
    CHECK_STATUS(ht_set(table, "9", 1, NULL, NULL), HT_OK); /* 9 % 8 == 1: a chain of two */
    picture = ht_picture(table, 2);
    CHECK(picture != NULL && strcmp(picture, "[]\n[]**\n... 6 more buckets not shown") == 0);
    ht_string_free(picture);

    ht_stats stats;
    CHECK_STATUS(ht_get_stats(table, &stats), HT_OK);
    CHECK(stats.size == 8 && stats.len == 4 && stats.resizes == 1);
    CHECK(stats.longest_probe == 2);
    CHECK(stats.empty_buckets == 5);
    CHECK(stats.mean_probe == 1.25); /* 1 + 1 + 1 + 2 over 4 keys */
    CHECK(stats.chi_squared_p > 0.0 && stats.chi_squared_p <= 1.0);
    ht_free(table);

    /* Open addressing draws displacement: a constant hash piles every key up from one slot. */
    config = ht_config_default();
    config.strategy = "linear";
    config.index = "mod";
    config.size = 16;
    config.hash_fn = constant_hash;
    CHECK_STATUS(ht_new(&config, &table), HT_OK);
    for (int i = 0; i < 3; i++) {
        CHECK_STATUS(ht_set(table, &i, sizeof i, NULL, NULL), HT_OK);
    }
    picture = ht_picture(table, 0);
    /* 42 % 16 == 10: slots 10, 11, 12 hold displacements 0, 1, 2. */
    CHECK(picture != NULL && strstr(picture, "[]\n[]*\n[]*1\n[]*2\n[]") != NULL);
    ht_string_free(picture);
    CHECK_STATUS(ht_get_stats(table, &stats), HT_OK);
    CHECK(stats.longest_probe == 3 && stats.mean_probe == 2.0);
    for (int i = 0; i < 3; i++) {
        CHECK_STATUS(ht_get(table, &i, sizeof i, NULL), HT_OK);
    }
    ht_free(table);
}

static void test_shrink(void) {
    ht_config config = ht_config_default();
    config.min_load = 0.1;
    config.strategy = "quadratic";
    ht_table *table = NULL;
    CHECK_STATUS(ht_new(&config, &table), HT_OK);
    for (int i = 0; i < 1000; i++) {
        CHECK_STATUS(ht_set(table, &i, sizeof i, NULL, NULL), HT_OK);
    }
    size_t grown = ht_size(table);
    for (int i = 0; i < 995; i++) {
        CHECK_STATUS(ht_remove(table, &i, sizeof i, NULL), HT_OK);
    }
    CHECK(ht_size(table) < grown);
    for (int i = 995; i < 1000; i++) {
        CHECK_STATUS(ht_get(table, &i, sizeof i, NULL), HT_OK);
    }
    ht_free(table);
}

int main(void) {
    test_defaults_and_names();
    test_every_strategy_and_hash();
    test_every_index_and_clear_size();
    test_byte_keys();
    test_named_hash_values();
    test_hashed_functions();
    test_reserved_hashes();
    test_hash_callback_and_picture();
    test_shrink();
    return check_summary("test_api");
}
