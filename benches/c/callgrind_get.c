/* The loop scripts/callgrind_c.py counts: ht_get_hashed hits on a table of N keys.
 *
 *     callgrind_get STRATEGY N PASSES MODE
 *
 * Builds a table of N random 8-byte keys (the table's default hash, hashes
 * taken with ht_hash beforehand), then makes PASSES passes of lookups over
 * every key. MODE "get" calls ht_get_hashed; MODE "noop" calls an empty
 * function with the same arguments, so the difference between the two runs is
 * the library's own instructions, the loop around the call excluded.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashtable.h"

typedef ht_status (*getter)(const ht_table *, uint64_t, const void *, size_t, void **);

__attribute__((noinline)) static ht_status noop(const ht_table *t, uint64_t hash, const void *key, size_t len,
                                                void **value) {
    __asm__ volatile("" : : "r"(t), "r"(hash), "r"(key), "r"(len), "r"(value) : "memory");
    *value = (void *)key;
    return HT_OK;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s STRATEGY N PASSES get|noop\n", argv[0]);
        return 2;
    }
    size_t n = (size_t)strtoull(argv[2], NULL, 10);
    long passes = strtol(argv[3], NULL, 10);
    getter get = strcmp(argv[4], "noop") == 0 ? noop : ht_get_hashed;
    ht_config config = ht_config_default();
    config.strategy = argv[1];
    ht_table *t = NULL;
    if (ht_new(&config, &t) != HT_OK) {
        fprintf(stderr, "ht_new: %s\n", ht_last_error());
        return 2;
    }
    uint64_t *keys = malloc(n * sizeof *keys);
    uint64_t *hashes = malloc(n * sizeof *hashes);
    uint64_t state = 7;
    for (size_t i = 0; i < n; i++) {
        uint64_t z = (state += 0x9e3779b97f4a7c15u);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
        keys[i] = z ^ (z >> 27);
        ht_hash(t, &keys[i], 8, &hashes[i]);
        ht_set(t, &keys[i], 8, (void *)(uintptr_t)(i + 1), NULL);
    }
    uintptr_t sum = 0;
    for (long pass = 0; pass < passes; pass++) {
        for (size_t i = 0; i < n; i++) {
            void *value = NULL;
            get(t, hashes[i], &keys[i], 8, &value);
            sum += (uintptr_t)value;
        }
    }
    printf("%lu\n", (unsigned long)sum);
    ht_free(t);
    free(keys);
    free(hashes);
    return 0;
}
