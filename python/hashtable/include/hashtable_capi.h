/*
 * hashtable_capi.h: use hashtable.HashTable from another C extension module,
 * through the capsule hashtable._C_API (no Python-level calls).
 *
 *     #include <Python.h>
 *     #include "hashtable_capi.h"     // compile with -I$(python -c "import hashtable; print(hashtable.get_include())")
 *
 *     PyMODINIT_FUNC PyInit_mymodule(void) {
 *         if (import_hashtable() < 0) {
 *             return NULL;            // ImportError or AttributeError is set
 *         }
 *         ...
 *     }
 *
 *     PyObject *t = HashTable_New(NULL);                 // a new reference
 *     if (t == NULL || HashTable_SetItem(t, key, value) < 0) { ... }
 *     PyObject *v = HashTable_GetItem(t, key);           // a new reference, or NULL with KeyError
 *
 * The rules are those of the Python methods, because the functions are the
 * same code: hold the GIL for every call; arguments are borrowed; results
 * marked "new reference" are yours to Py_DECREF; a key's __eq__ and
 * __hash__ (and the table's hash_func) may run, may raise (the exception
 * propagates unchanged) and may even change the table. A NULL argument is
 * SystemError and a table argument that is not a HashTable is TypeError; no
 * call crashes on either.
 *
 * import_hashtable() fills a pointer that is static to each file that
 * includes this header: call it in every translation unit that uses the API.
 */
#ifndef HASHTABLE_CAPI_H
#define HASHTABLE_CAPI_H

#include <Python.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The layout version of HashTable_CAPI. Fields are only ever appended, each
 * addition bumping the version; a capsule of this version or newer will do. */
#define HASHTABLE_CAPI_VERSION 1
#define HASHTABLE_CAPSULE_NAME "hashtable._C_API"

typedef struct {
    int version;
    int (*Check)(PyObject *obj);
    PyObject *(*New)(PyObject *kwargs);
    PyObject *(*GetItem)(PyObject *table, PyObject *key);
    int (*SetItem)(PyObject *table, PyObject *key, PyObject *value);
    int (*DelItem)(PyObject *table, PyObject *key);
    int (*Contains)(PyObject *table, PyObject *key);
    Py_ssize_t (*Len)(PyObject *table);
    Py_ssize_t (*Size)(PyObject *table);
} HashTable_CAPI;

#if defined(__GNUC__) || defined(__clang__)
#define HASHTABLE_CAPI_UNUSED __attribute__((unused))
#else
#define HASHTABLE_CAPI_UNUSED
#endif

static const HashTable_CAPI *HashTable_API HASHTABLE_CAPI_UNUSED = NULL;

/* Load the capsule: 0, or -1 with an exception set (ImportError when the
 * installed hashtable is older than this header). */
static inline int import_hashtable(void) {
    const HashTable_CAPI *api = (const HashTable_CAPI *)PyCapsule_Import(HASHTABLE_CAPSULE_NAME, 0);
    if (api == NULL) {
        return -1;
    }
    if (api->version < HASHTABLE_CAPI_VERSION) {
        PyErr_Format(PyExc_ImportError,
                     "hashtable's C API is version %d, older than the version %d this extension was built for",
                     api->version, HASHTABLE_CAPI_VERSION);
        return -1;
    }
    HashTable_API = api;
    return 0;
}

/* 1 for a HashTable or an instance of a subclass, else 0 (also for NULL); never fails. */
#define HashTable_Check(obj) (HashTable_API->Check(obj))
/* A new empty table: a new reference, or NULL with an exception set. `kwargs` is a
 * dict of HashTable's keyword parameters (size, max_load, hash_func, strategy, ...)
 * or NULL for the defaults; bad parameters raise as HashTable(**kwargs) does. */
#define HashTable_New(kwargs) (HashTable_API->New(kwargs))
/* t[key]: a new reference, or NULL with KeyError (or the error from __eq__/__hash__) set. */
#define HashTable_GetItem(t, key) (HashTable_API->GetItem((t), (key)))
/* t[key] = value: 0, or -1 with an exception set. */
#define HashTable_SetItem(t, key, value) (HashTable_API->SetItem((t), (key), (value)))
/* del t[key]: 0, or -1 with KeyError or another exception set. */
#define HashTable_DelItem(t, key) (HashTable_API->DelItem((t), (key)))
/* key in t: 1, 0, or -1 with an exception set. */
#define HashTable_Contains(t, key) (HashTable_API->Contains((t), (key)))
/* len(t), or -1 with an exception set. */
#define HashTable_Len(t) (HashTable_API->Len(t))
/* t.size, the current bucket count, or -1 with an exception set. */
#define HashTable_Size(t) (HashTable_API->Size(t))

#ifdef __cplusplus
}
#endif

#endif /* HASHTABLE_CAPI_H */
