/* The loops scripts/callgrind_c.py --ops counts: one operation over N random
 * 8-byte keys in a swiss table at max_load 0.875 with its default hash (as
 * make bench-c's 1M-key cells run it).
 *
 *     callgrind_ops OP N
 *
 * OP is insert (ht_set of N new keys into an empty table), hit (ht_get of
 * each), miss (ht_get of N other keys), update (ht_set of each stored key),
 * upsert (ht_entry of each stored key, adding one through the slot), delete
 * (ht_remove of each), or a baseline: none-empty (the keys only) or none-full
 * (the keys and the N inserts). The difference between an operation's run and
 * its baseline, over N, is the library's instructions per operation, the
 * calling loop included (a few instructions).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashtable.h"

static uint64_t splitmix(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s insert|hit|miss|update|upsert|delete|none-empty|none-full N\n", argv[0]);
        return 2;
    }
    const char *op = argv[1];
    size_t n = (size_t)strtoull(argv[2], NULL, 10);
    uint64_t *keys = malloc(2 * n * sizeof *keys);
    uint64_t state = 42;
    for (size_t i = 0; i < 2 * n; i++) {
        keys[i] = splitmix(&state);
    }
    uint64_t *absent = keys + n;
    ht_config config = ht_config_default();
    config.strategy = "swiss";
    config.max_load = 0.875;
    ht_table *t = NULL;
    if (ht_new(&config, &t) != HT_OK) {
        fprintf(stderr, "ht_new: %s\n", ht_last_error());
        return 2;
    }
    uintptr_t sum = 0;
    if (strcmp(op, "none-empty") != 0) {
        for (size_t i = 0; i < n; i++) {
            ht_set(t, &keys[i], 8, (void *)(uintptr_t)(i + 1), NULL);
        }
    }
    if (strcmp(op, "hit") == 0) {
        for (size_t i = 0; i < n; i++) {
            void *value = NULL;
            ht_get(t, &keys[i], 8, &value);
            sum += (uintptr_t)value;
        }
    } else if (strcmp(op, "miss") == 0) {
        for (size_t i = 0; i < n; i++) {
            sum += ht_get(t, &absent[i], 8, NULL) == HT_OK;
        }
    } else if (strcmp(op, "update") == 0) {
        for (size_t i = 0; i < n; i++) {
            void *old = NULL;
            ht_set(t, &keys[i], 8, (void *)(uintptr_t)i, &old);
            sum += (uintptr_t)old;
        }
    } else if (strcmp(op, "upsert") == 0) {
        for (size_t i = 0; i < n; i++) {
            void **slot;
            int inserted;
            ht_entry(t, &keys[i], 8, &slot, &inserted);
            *slot = (void *)((uintptr_t)*slot + 1);
            sum += (uintptr_t)inserted;
        }
    } else if (strcmp(op, "delete") == 0) {
        for (size_t i = 0; i < n; i++) {
            sum += ht_remove(t, &keys[i], 8, NULL) == HT_OK;
        }
    }
    printf("%lu %zu\n", (unsigned long)sum, ht_len(t));
    ht_free(t);
    free(keys);
    return 0;
}
