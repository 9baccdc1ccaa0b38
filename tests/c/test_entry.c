/* ht_entry (the upsert), ht_get_key, ht_iter_remove, and keys around the
 * 16-byte inline limit, over every strategy. */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

static ht_table *new_table(const char *strategy, double max_load, const char *index) {
    ht_config config = ht_config_default();
    config.strategy = strategy;
    config.max_load = max_load;
    if (index != NULL) {
        config.index = index;
    }
    ht_table *table = NULL;
    CHECK_STATUS(ht_new(&config, &table), HT_OK);
    return table;
}

static void key_for(int i, char *buffer, size_t *len) {
    *len = (size_t)snprintf(buffer, 32, "key-%d", i);
}

/* Upsert on a new key, then on the same key: one slot, written in place. */
static void test_entry(const char *strategy) {
    ht_table *table = new_table(strategy, 0.5, NULL);
    if (table == NULL) {
        return;
    }
    void **slot = NULL;
    int inserted = -1;
    CHECK_STATUS(ht_entry(table, "apple", 5, &slot, &inserted), HT_OK);
    CHECK(inserted == 1);
    CHECK(slot != NULL && *slot == NULL); /* a new key's value starts NULL */
    CHECK(ht_len(table) == 1);
    *slot = (void *)(intptr_t)41;
    void *value = NULL;
    CHECK_STATUS(ht_get(table, "apple", 5, &value), HT_OK);
    CHECK(value == (void *)(intptr_t)41);

    void **again = NULL;
    CHECK_STATUS(ht_entry(table, "apple", 5, &again, &inserted), HT_OK);
    CHECK(inserted == 0);
    CHECK(again == slot); /* nothing changed shape in between */
    CHECK(*again == (void *)(intptr_t)41);
    *again = (void *)(intptr_t)42;
    CHECK_STATUS(ht_get(table, "apple", 5, &value), HT_OK);
    CHECK(value == (void *)(intptr_t)42);
    CHECK(ht_len(table) == 1);

    /* inserted may be NULL; slot may not. */
    CHECK_STATUS(ht_entry(table, "pear", 4, &slot, NULL), HT_OK);
    CHECK(ht_len(table) == 2);
    CHECK_STATUS(ht_entry(table, "plum", 4, NULL, &inserted), HT_ERR_NULL);
    CHECK_ERROR_MENTIONS("slot must not be NULL");
    CHECK(ht_len(table) == 2);
    CHECK_STATUS(ht_entry(NULL, "plum", 4, &slot, &inserted), HT_ERR_NULL);
    CHECK_STATUS(ht_entry(table, NULL, 4, &slot, &inserted), HT_ERR_NULL);

    /* A word count, one call per word, through growth. */
    enum { WORDS = 3000, DISTINCT = 700 };
    char key[32];
    size_t len;
    int new_keys = 0;
    for (int i = 0; i < WORDS; i++) {
        key_for(i % DISTINCT, key, &len);
        CHECK_STATUS(ht_entry(table, key, len, &slot, &inserted), HT_OK);
        new_keys += inserted;
        *slot = (void *)((intptr_t)*slot + 1);
    }
    CHECK(new_keys == DISTINCT);
    CHECK(ht_len(table) == DISTINCT + 2);
    int wrong = 0;
    for (int i = 0; i < DISTINCT; i++) {
        key_for(i, key, &len);
        wrong += ht_get(table, key, len, &value) != HT_OK ||
                 value != (void *)(intptr_t)(WORDS / DISTINCT + (i < WORDS % DISTINCT));
    }
    CHECK(wrong == 0);

    /* The _hashed form finds what it stored, with the caller's hash. */
    CHECK_STATUS(ht_entry_hashed(table, 99, "hashed", 6, &slot, &inserted), HT_OK);
    CHECK(inserted == 1);
    *slot = (void *)(intptr_t)7;
    CHECK_STATUS(ht_get_hashed(table, 99, "hashed", 6, &value), HT_OK);
    CHECK(value == (void *)(intptr_t)7);
    CHECK_STATUS(ht_entry_hashed(table, 99, "hashed", 6, &slot, &inserted), HT_OK);
    CHECK(inserted == 0 && *slot == (void *)(intptr_t)7);
    ht_free(table);
}

/* ht_get_key hands back the table's own copy. */
static void test_get_key(const char *strategy) {
    ht_table *table = new_table(strategy, 0.5, NULL);
    if (table == NULL) {
        return;
    }
    const char *short_key = "short";
    const char *long_key = "a key longer than sixteen bytes";
    CHECK_STATUS(ht_set(table, short_key, 5, (void *)(intptr_t)1, NULL), HT_OK);
    CHECK_STATUS(ht_set(table, long_key, strlen(long_key), (void *)(intptr_t)2, NULL), HT_OK);
    char lookup[64];
    strcpy(lookup, long_key);
    const void *stored = NULL;
    void *value = NULL;
    CHECK_STATUS(ht_get_key(table, lookup, strlen(lookup), &stored, &value), HT_OK);
    CHECK(stored != NULL && stored != (const void *)lookup && stored != (const void *)long_key);
    CHECK(stored != NULL && memcmp(stored, long_key, strlen(long_key)) == 0);
    CHECK(value == (void *)(intptr_t)2);
    strcpy(lookup, short_key);
    CHECK_STATUS(ht_get_key(table, lookup, 5, &stored, NULL), HT_OK);
    CHECK(stored != NULL && stored != (const void *)lookup && memcmp(stored, "short", 5) == 0);
    CHECK_STATUS(ht_get_key(table, "absent", 6, &stored, &value), HT_NOT_FOUND);
    CHECK(stored == NULL && value == NULL);
    CHECK_STATUS(ht_get_key(table, "short", 5, NULL, NULL), HT_OK);
    CHECK_STATUS(ht_get_key(NULL, "short", 5, &stored, &value), HT_ERR_NULL);
    ht_free(table);
}

/* Keys of 0, 1, 15, 16 and 17 bytes (inline up to 16, heap beyond), with
 * NULs inside, and neighbours that differ only in their first or last byte,
 * or by one byte of length. */
static void test_key_lengths(const char *strategy) {
    static const size_t LENGTHS[] = {0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 100};
    ht_table *table = new_table(strategy, 0.5, NULL);
    if (table == NULL) {
        return;
    }
    unsigned char base[128];
    for (size_t i = 0; i < sizeof base; i++) {
        base[i] = (unsigned char)(i % 3 == 0 ? 0 : 'a' + i % 26); /* NULs inside */
    }
    size_t n = COUNT(LENGTHS);
    for (size_t i = 0; i < n; i++) {
        CHECK_STATUS(ht_set(table, base, LENGTHS[i], (void *)(intptr_t)(100 + i), NULL), HT_OK);
    }
    /* Variants of each length that differ in the first or the last byte. */
    for (size_t i = 0; i < n; i++) {
        size_t len = LENGTHS[i];
        if (len == 0) {
            continue;
        }
        unsigned char variant[128];
        memcpy(variant, base, len);
        variant[0] ^= 0x5a;
        CHECK_STATUS(ht_set(table, variant, len, (void *)(intptr_t)(200 + i), NULL), HT_OK);
        memcpy(variant, base, len);
        variant[len - 1] ^= 0x5a;
        CHECK_STATUS(ht_set(table, variant, len, (void *)(intptr_t)(300 + i), NULL), HT_OK);
    }
    size_t expected = n + 2 * (n - 1) - 1; /* 1 byte: first == last */
    CHECK(ht_len(table) == expected);
    for (size_t i = 0; i < n; i++) {
        size_t len = LENGTHS[i];
        void *value = NULL;
        CHECK_STATUS(ht_get(table, base, len, &value), HT_OK);
        CHECK(value == (void *)(intptr_t)(100 + i));
        const void *stored = NULL;
        CHECK_STATUS(ht_get_key(table, base, len, &stored, NULL), HT_OK);
        CHECK(stored != NULL && (len == 0 || memcmp(stored, base, len) == 0));
        void **slot = NULL;
        int inserted = -1;
        CHECK_STATUS(ht_entry(table, base, len, &slot, &inserted), HT_OK);
        CHECK(inserted == 0 && slot != NULL && *slot == (void *)(intptr_t)(100 + i));
        if (len > 0) {
            unsigned char variant[128];
            memcpy(variant, base, len);
            variant[len - 1] ^= 0x5a;
            CHECK_STATUS(ht_get(table, variant, len, &value), HT_OK);
            CHECK(value == (void *)(intptr_t)(300 + i));
            variant[len - 1] ^= 0x01; /* another last byte: absent */
            CHECK_STATUS(ht_get(table, variant, len, &value), HT_NOT_FOUND);
            /* ht_entry adds it, and a write through its slot is what ht_get reads. */
            CHECK_STATUS(ht_entry(table, variant, len, &slot, &inserted), HT_OK);
            CHECK(inserted == 1 && slot != NULL && *slot == NULL);
            *slot = (void *)(intptr_t)(400 + i);
            CHECK_STATUS(ht_get(table, variant, len, &value), HT_OK);
            CHECK(value == (void *)(intptr_t)(400 + i));
            CHECK_STATUS(ht_remove(table, variant, len, &value), HT_OK);
            CHECK(value == (void *)(intptr_t)(400 + i));
        }
    }
    /* Every key comes back from the iterator with its bytes and length. */
    ht_iter *it = NULL;
    CHECK_STATUS(ht_iter_new(table, &it), HT_OK);
    const void *key;
    size_t key_len;
    void *value;
    size_t seen = 0;
    int bad = 0;
    while (ht_iter_next(it, &key, &key_len, &value) == HT_OK) {
        seen++;
        intptr_t v = (intptr_t)value;
        size_t i = (size_t)(v % 100);
        bad += i >= n || LENGTHS[i] != key_len;
        if (v / 100 == 1 && i < n) {
            bad += key_len > 0 && memcmp(key, base, key_len) != 0;
        }
    }
    ht_iter_free(it);
    CHECK(seen == expected);
    CHECK(bad == 0);
    for (size_t i = 0; i < n; i++) {
        void *removed = NULL;
        CHECK_STATUS(ht_remove(table, base, LENGTHS[i], &removed), HT_OK);
        CHECK(removed == (void *)(intptr_t)(100 + i));
        CHECK_STATUS(ht_get(table, base, LENGTHS[i], NULL), HT_NOT_FOUND);
    }
    CHECK(ht_len(table) == expected - n);
    ht_free(table); /* frees the heap copies of the long keys (valgrind checks) */
}

/* Remove every item (or every other one) through the iterator: each item is
 * returned exactly once, and exactly the removed ones are gone. */
static void drain(ht_table *table, int n, int every, const uint64_t *hashes) {
    char *seen = calloc((size_t)n, 1);
    ht_iter *it = NULL;
    CHECK_STATUS(ht_iter_new(table, &it), HT_OK);
    CHECK_STATUS(ht_iter_remove(it, NULL), HT_NOT_FOUND); /* no current item yet */
    const void *key;
    size_t key_len;
    void *value;
    int returned = 0, duplicates = 0, bad_removes = 0, removed = 0;
    ht_status status;
    while ((status = ht_iter_next(it, &key, &key_len, &value)) == HT_OK) {
        int i = (int)(intptr_t)value - 1;
        if (i < 0 || i >= n) {
            duplicates++;
            continue;
        }
        duplicates += seen[i];
        seen[i] = 1;
        returned++;
        if (i % every == 0) {
            void *got = NULL;
            bad_removes += ht_iter_remove(it, &got) != HT_OK || got != value;
            bad_removes += ht_iter_remove(it, &got) != HT_NOT_FOUND || got != NULL; /* once only */
            removed++;
        }
    }
    CHECK_STATUS(status, HT_NOT_FOUND);
    CHECK_STATUS(ht_iter_remove(it, NULL), HT_NOT_FOUND); /* after the end */
    ht_iter_free(it);
    CHECK(returned == n);
    CHECK(duplicates == 0);
    CHECK(bad_removes == 0);
    CHECK(ht_len(table) == (size_t)(n - removed));
    int wrong = 0;
    char key_text[32];
    size_t len;
    for (int i = 0; i < n; i++) {
        key_for(i, key_text, &len);
        ht_status found = hashes != NULL ? ht_get_hashed(table, hashes[i], key_text, len, NULL)
                                         : ht_get(table, key_text, len, NULL);
        wrong += found != (i % every == 0 ? HT_NOT_FOUND : HT_OK);
    }
    CHECK(wrong == 0);
    free(seen);
}

static void fill(ht_table *table, int n, const uint64_t *hashes) {
    char key[32];
    size_t len;
    for (int i = 0; i < n; i++) {
        key_for(i, key, &len);
        if (hashes != NULL) {
            CHECK_STATUS(ht_set_hashed(table, hashes[i], key, len, (void *)(intptr_t)(i + 1), NULL), HT_OK);
        } else {
            CHECK_STATUS(ht_set(table, key, len, (void *)(intptr_t)(i + 1), NULL), HT_OK);
        }
    }
}

static void test_iter_remove(const char *strategy, int open_addressing) {
    static const int SIZES[] = {1, 2, 10, 100, 1000};
    static const int EVERY[] = {1, 2, 3};
    double loads[] = {0.5, open_addressing ? 0.9 : 2.0};
    for (size_t l = 0; l < COUNT(loads); l++) {
        for (size_t s = 0; s < COUNT(SIZES); s++) {
            for (size_t e = 0; e < COUNT(EVERY); e++) {
                ht_table *table = new_table(strategy, loads[l], NULL);
                if (table == NULL) {
                    return;
                }
                fill(table, SIZES[s], NULL);
                drain(table, SIZES[s], EVERY[e], NULL);
                /* The table is still a table: the rest can be drained too. */
                ht_iter *it = NULL;
                CHECK_STATUS(ht_iter_new(table, &it), HT_OK);
                while (ht_iter_next(it, NULL, NULL, NULL) == HT_OK) {
                    CHECK_STATUS(ht_iter_remove(it, NULL), HT_OK);
                }
                ht_iter_free(it);
                CHECK(ht_len(table) == 0);
                ht_free(table);
            }
        }
    }

    /* A run of items that wraps from the last slot to the first: with the
     * "mod" index and hashes chosen near the end of a 16-slot table, the
     * probes of linear and robin_hood walk past the end. */
    if (open_addressing) {
        enum { N = 12 };
        uint64_t hashes[N];
        for (int i = 0; i < N; i++) {
            hashes[i] = 16 * (uint64_t)(i + 1) + 12 + (uint64_t)(i % 3); /* homes 12, 13, 14 */
        }
        for (int every = 1; every <= 3; every++) {
            ht_config config = ht_config_default();
            config.strategy = strategy;
            config.index = "mod";
            config.size = 16;
            config.max_load = 0.9;
            ht_table *table = NULL;
            CHECK_STATUS(ht_new(&config, &table), HT_OK);
            if (table == NULL) {
                return;
            }
            fill(table, N, hashes);
            CHECK(ht_size(table) == 16);
            drain(table, N, every, hashes);
            ht_free(table);
        }
    }

    /* A removal during the iteration never shrinks the table; the next
     * ht_remove does. Another change still ends the iteration. */
    ht_config config = ht_config_default();
    config.strategy = strategy;
    config.min_load = 0.2;
    ht_table *table = NULL;
    CHECK_STATUS(ht_new(&config, &table), HT_OK);
    if (table == NULL) {
        return;
    }
    fill(table, 200, NULL);
    size_t size = ht_size(table);
    ht_iter *it = NULL;
    CHECK_STATUS(ht_iter_new(table, &it), HT_OK);
    int removed = 0;
    while (ht_iter_next(it, NULL, NULL, NULL) == HT_OK && removed < 190) {
        CHECK_STATUS(ht_iter_remove(it, NULL), HT_OK);
        removed++;
    }
    CHECK(ht_size(table) == size);
    CHECK(ht_len(table) == 10);
    CHECK_STATUS(ht_set(table, "new", 3, NULL, NULL), HT_OK);
    CHECK_STATUS(ht_iter_next(it, NULL, NULL, NULL), HT_ERR_CHANGED);
    CHECK_STATUS(ht_iter_remove(it, NULL), HT_ERR_CHANGED);
    ht_iter_free(it);
    CHECK_STATUS(ht_remove(table, "new", 3, NULL), HT_OK);
    CHECK(ht_size(table) < size);
    CHECK_STATUS(ht_iter_remove(NULL, NULL), HT_ERR_NULL);
    ht_free(table);
}

int main(void) {
    for (size_t s = 0; s < COUNT(STRATEGIES); s++) {
        test_entry(STRATEGIES[s]);
        test_get_key(STRATEGIES[s]);
        test_key_lengths(STRATEGIES[s]);
        test_iter_remove(STRATEGIES[s], strcmp(STRATEGIES[s], "chaining") != 0);
    }
    return check_summary("test_entry");
}
