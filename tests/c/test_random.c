/* 10^5 random operations per strategy (set, the upsert ht_entry, get,
 * ht_get_key, remove, their _hashed forms, clear, and now and then a walk that
 * removes a quarter of the items through ht_iter_remove), each checked against
 * a plain array that knows which keys are present and with which value. Set
 * HT_SEED to replay a run; the seed is printed on failure. */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

enum { POOL = 600, MAX_KEY = 20, OPERATIONS = 100000, FULL_CHECK_EVERY = 2000 };

static uint64_t rng_state;

static uint64_t next_random(void) { /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * UINT64_C(2685821657736338717);
}

static unsigned char pool[POOL][MAX_KEY];
static size_t pool_len[POOL];

/* The reference: present[i] and value[i] for key i. */
static int present[POOL];
static void *expected[POOL];
static size_t expected_len;

/* Key i's bytes are random, except that its first two bytes spell i (keys
 * 1-9 are one byte long, key 0 is empty), so no two keys are equal. A value
 * encodes its key's index, so an iteration can check what it sees. */
static void make_pool(void) {
    for (int i = 0; i < POOL; i++) {
        pool_len[i] = i == 0 ? 0 : i < 10 ? 1 : 2 + next_random() % (MAX_KEY - 1);
        for (size_t b = 0; b < pool_len[i]; b++) {
            pool[i][b] = (unsigned char)next_random();
        }
        if (i > 0) {
            pool[i][0] = (unsigned char)i;
        }
        if (pool_len[i] > 1) {
            pool[i][1] = (unsigned char)(i >> 8);
        }
    }
}

static void *value_for(int key) {
    return (void *)(uintptr_t)(((next_random() & 0xffff) << 16) | (uint64_t)key);
}

/* A weak callback hash: many keys share each of 8 hashes, so probes and chains get long. */
static uint64_t byte_sum_mod_8(const void *key, size_t key_len, void *ctx) {
    (void)ctx;
    uint64_t sum = 0;
    for (size_t i = 0; i < key_len; i++) {
        sum += ((const unsigned char *)key)[i];
    }
    return sum % 8;
}

static int full_check(ht_table *table) {
    static int seen[POOL];
    memset(seen, 0, sizeof seen);
    ht_iter *it = NULL;
    if (ht_iter_new(table, &it) != HT_OK) {
        return 0;
    }
    const void *key;
    size_t key_len;
    void *value;
    size_t items = 0;
    int good = 1;
    while (ht_iter_next(it, &key, &key_len, &value) == HT_OK) {
        int i = (int)((uintptr_t)value & 0xffff);
        good &= i < POOL && present[i] && !seen[i] && expected[i] == value && key_len == pool_len[i] &&
                (key_len == 0 || memcmp(key, pool[i], key_len) == 0);
        if (i < POOL) {
            seen[i] = 1;
        }
        items++;
    }
    ht_iter_free(it);
    return good && items == expected_len;
}

/* Walk the table removing about a quarter of its items through the iterator:
 * every item is seen once, as the reference has it, and the removed ones go. */
static int remove_while_iterating(ht_table *table) {
    static int seen[POOL];
    memset(seen, 0, sizeof seen);
    ht_iter *it = NULL;
    if (ht_iter_new(table, &it) != HT_OK) {
        return 0;
    }
    size_t size = ht_size(table);
    void *value;
    size_t items = 0;
    int good = 1;
    while (ht_iter_next(it, NULL, NULL, &value) == HT_OK) {
        int i = (int)((uintptr_t)value & 0xffff);
        good &= i < POOL && present[i] && !seen[i] && expected[i] == value;
        if (i >= POOL) {
            continue;
        }
        seen[i] = 1;
        items++;
        if (next_random() % 4 == 0) {
            void *removed = NULL;
            good &= ht_iter_remove(it, &removed) == HT_OK && removed == value;
            present[i] = 0;
            expected_len--;
        }
    }
    ht_iter_free(it);
    return good && ht_size(table) == size && ht_len(table) == expected_len;
}

/* One operation on key `k`; returns whether table and reference agree. */
static int step(ht_table *table, int k) {
    void *got = (void *)1;
    uint64_t roll = next_random() % 1000;
    if (roll < 350) {
        void *value = value_for(k);
        int ok = ht_set(table, pool[k], pool_len[k], value, &got) == HT_OK && got == (present[k] ? expected[k] : NULL);
        expected_len += !present[k];
        present[k] = 1;
        expected[k] = value;
        return ok;
    }
    if (roll < 400) { /* the upsert: one probe, then the value written through the slot */
        void **slot = NULL;
        int inserted = -1;
        void *value = value_for(k);
        int ok = ht_entry(table, pool[k], pool_len[k], &slot, &inserted) == HT_OK && slot != NULL &&
                 inserted == !present[k] && *slot == (present[k] ? expected[k] : NULL);
        if (slot != NULL) {
            *slot = value;
        }
        expected_len += !present[k];
        present[k] = 1;
        expected[k] = value;
        return ok;
    }
    if (roll < 550) {
        ht_status status = ht_get(table, pool[k], pool_len[k], &got);
        return present[k] ? status == HT_OK && got == expected[k] : status == HT_NOT_FOUND && got == NULL;
    }
    if (roll < 600) {
        const void *stored = (const void *)1;
        ht_status status = ht_get_key(table, pool[k], pool_len[k], &stored, &got);
        return present[k] ? status == HT_OK && got == expected[k] && stored != NULL && stored != (const void *)pool[k] &&
                                (pool_len[k] == 0 || memcmp(stored, pool[k], pool_len[k]) == 0)
                          : status == HT_NOT_FOUND && got == NULL && stored == NULL;
    }
    if (roll < 850) {
        ht_status status = ht_remove(table, pool[k], pool_len[k], &got);
        int ok = present[k] ? status == HT_OK && got == expected[k] : status == HT_NOT_FOUND && got == NULL;
        expected_len -= present[k];
        present[k] = 0;
        return ok;
    }
    uint64_t hash = 0;
    if (ht_hash(table, pool[k], pool_len[k], &hash) != HT_OK) {
        return 0;
    }
    if (roll < 900) {
        ht_status status = ht_get_hashed(table, hash, pool[k], pool_len[k], &got);
        return present[k] ? status == HT_OK && got == expected[k] : status == HT_NOT_FOUND;
    }
    if (roll < 950) {
        void *value = value_for(k);
        int ok = ht_set_hashed(table, hash, pool[k], pool_len[k], value, &got) == HT_OK &&
                 got == (present[k] ? expected[k] : NULL);
        expected_len += !present[k];
        present[k] = 1;
        expected[k] = value;
        return ok;
    }
    if (roll < 999) {
        ht_status status = ht_remove_hashed(table, hash, pool[k], pool_len[k], &got);
        int ok = present[k] ? status == HT_OK && got == expected[k] : status == HT_NOT_FOUND;
        expected_len -= present[k];
        present[k] = 0;
        return ok;
    }
    memset(present, 0, sizeof present);
    expected_len = 0;
    return ht_clear(table) == HT_OK;
}

static void run(const char *strategy, size_t variant, uint64_t seed) {
    ht_config config = ht_config_default();
    config.strategy = strategy;
    config.index = INDEXES[variant % COUNT(INDEXES)];
    const char *const *hashes = ht_hash_names();
    size_t hash_count = 0;
    while (hashes[hash_count] != NULL) {
        hash_count++;
    }
    config.hash_name = hashes[variant % hash_count];
    if (variant % 3 == 2) {
        config.hash_fn = byte_sum_mod_8;
        config.min_load = 0.05; /* shrinks too */
        config.size = 1;
    }
    ht_table *table = NULL;
    CHECK_STATUS(ht_new(&config, &table), HT_OK);
    memset(present, 0, sizeof present);
    expected_len = 0;
    int failures = 0;
    for (int op = 1; op <= OPERATIONS && failures < 5; op++) {
        int k = (int)(next_random() % POOL);
        int ok = step(table, k) && ht_len(table) == expected_len;
        if (op % FULL_CHECK_EVERY == 0) {
            ok = ok && full_check(table);
        }
        if (op % FULL_CHECK_EVERY == FULL_CHECK_EVERY / 2) {
            ok = ok && remove_while_iterating(table) && full_check(table);
        }
        if (!ok) {
            failures++;
            fprintf(stderr, "%s (%s, %s%s): disagreement at operation %d on key %d (HT_SEED=%llu)\n", strategy,
                    config.index, config.hash_fn ? "byte_sum_mod_8 " : "", config.hash_name, op, k,
                    (unsigned long long)seed);
        }
    }
    CHECK(failures == 0);
    CHECK(full_check(table));
    ht_free(table);
}

int main(void) {
    const char *fixed = getenv("HT_SEED");
    uint64_t seed = fixed ? strtoull(fixed, NULL, 10) : UINT64_C(0x9e3779b97f4a7c15);
    rng_state = seed;
    make_pool();
    for (size_t s = 0; s < COUNT(STRATEGIES); s++) {
        run(STRATEGIES[s], s, seed);
    }
    /* A weak-hash run for every strategy as well. */
    for (size_t s = 0; s < COUNT(STRATEGIES); s++) {
        run(STRATEGIES[s], 2, seed);
    }
    return check_summary("test_random");
}
