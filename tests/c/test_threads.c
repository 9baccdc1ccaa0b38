/* The header's thread rule: concurrent reads of one table are safe, writes to
 * different tables are independent, and ht_last_error() is per thread. Four
 * threads read a shared table (with a hash callback, iterating too) while each
 * also writes a table of its own. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "check.h"

enum { THREADS = 4, SHARED_KEYS = 5000, ROUNDS = 25000 };

static ht_table *shared;

static uint64_t multiply_hash(const void *key, size_t key_len, void *ctx) {
    (void)ctx;
    uint64_t hash = 0;
    for (size_t i = 0; i < key_len; i++) {
        hash = (hash ^ ((const unsigned char *)key)[i]) * UINT64_C(0x100000001b3);
    }
    return hash;
}

struct worker {
    int id;
    long wrong;
};

static void *work(void *arg) {
    struct worker *w = arg;
    ht_table *own = NULL;
    if (ht_new(NULL, &own) != HT_OK) {
        w->wrong++;
        return NULL;
    }
    for (int round = 0; round < ROUNDS; round++) {
        int k = (round * 7919 + w->id * 104729) % (2 * SHARED_KEYS); /* half of them are absent */
        void *value = NULL;
        ht_status status = ht_get(shared, &k, sizeof k, &value);
        w->wrong += k < SHARED_KEYS ? status != HT_OK || value != (void *)(intptr_t)(k + 1) : status != HT_NOT_FOUND;
        w->wrong += ht_set(own, &k, sizeof k, (void *)(intptr_t)round, NULL) != HT_OK;
        if (round % 5000 == 0) {
            ht_iter *it = NULL;
            size_t items = 0;
            w->wrong += ht_iter_new(shared, &it) != HT_OK;
            while (ht_iter_next(it, NULL, NULL, NULL) == HT_OK) {
                items++;
            }
            ht_iter_free(it);
            w->wrong += items != SHARED_KEYS;
        }
    }
    /* This thread's own last error, whatever the others did meanwhile. */
    char expected[64];
    snprintf(expected, sizeof expected, "key (with a non-zero key_len) must not be NULL");
    ht_get(own, NULL, (size_t)w->id + 1, NULL);
    w->wrong += strcmp(ht_last_error(), expected) != 0;
    ht_free(own);
    return NULL;
}

int main(void) {
    ht_config config = ht_config_default();
    config.strategy = "swiss";
    config.hash_fn = multiply_hash;
    CHECK_STATUS(ht_new(&config, &shared), HT_OK);
    for (int k = 0; k < SHARED_KEYS; k++) {
        CHECK_STATUS(ht_set(shared, &k, sizeof k, (void *)(intptr_t)(k + 1), NULL), HT_OK);
    }
    pthread_t threads[THREADS];
    struct worker workers[THREADS];
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (struct worker){.id = i, .wrong = 0};
        CHECK(pthread_create(&threads[i], NULL, work, &workers[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        CHECK(workers[i].wrong == 0);
    }
    CHECK(ht_len(shared) == SHARED_KEYS);
    ht_free(shared);
    return check_summary("test_threads");
}
