/* A small harness for the C tests: CHECK records a failure and goes on, so
 * one run reports every broken check; check_summary() prints the closing
 * "N passed, N failed" line and gives the exit status. */
#ifndef HASHTABLE_TESTS_CHECK_H
#define HASHTABLE_TESTS_CHECK_H

#include <stdio.h>
#include <string.h>

#include "hashtable.h"

static int checks_passed;
static int checks_failed;

#define CHECK(condition)                                                                  \
    do {                                                                                  \
        if (condition) {                                                                  \
            checks_passed++;                                                              \
        } else {                                                                          \
            checks_failed++;                                                              \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #condition); \
        }                                                                                 \
    } while (0)

/* A call's status, and on a mismatch the library's own message. */
#define CHECK_STATUS(call, expected)                                                           \
    do {                                                                                       \
        ht_status check_status_got = (call);                                                   \
        if (check_status_got == (expected)) {                                                  \
            checks_passed++;                                                                   \
        } else {                                                                               \
            checks_failed++;                                                                   \
            fprintf(stderr, "%s:%d: %s returned %d, expected %s (%d); last error: %s\n",       \
                    __FILE__, __LINE__, #call, (int)check_status_got, #expected, (int)(expected), \
                    ht_last_error());                                                          \
        }                                                                                      \
    } while (0)

/* The last error message contains `fragment`. */
#define CHECK_ERROR_MENTIONS(fragment) CHECK(strstr(ht_last_error(), (fragment)) != NULL)

/* The contract's names, spelled out here so a rename in the library fails the tests.
 * The named hashes the library has beyond these are exercised too: the tests walk
 * ht_hash_names(), the core's registry. */
static const char *const STRATEGIES[] = {"chaining", "robin_hood", "linear", "quadratic", "swiss", "compact"};
static const char *const HASH_NAMES[] = {"seed", "knuth", "fnv1a", "murmur3", "siphash13", "xxh3", "foldhash"};
static const char *const INDEXES[] = {"fibonacci", "mod", "mask"};
#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

static int check_summary(const char *program) {
    printf("%s: %d passed, %d failed\n", program, checks_passed, checks_failed);
    return checks_failed == 0 ? 0 : 1;
}

#endif
