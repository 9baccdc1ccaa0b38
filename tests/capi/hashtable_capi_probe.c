/* A C extension that uses hashtable only through hashtable_capi.h, built by
 * tests/test_capi.py at test time. Each function passes its arguments
 * straight to one capsule function and returns what it got, so the test sees
 * the C API's results, reference counts and exceptions as they are. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "hashtable_capi.h"

static PyObject *probe_check(PyObject *self, PyObject *obj) {
    (void)self;
    return PyBool_FromLong(HashTable_Check(obj));
}

/* new(kwargs): kwargs is a dict, None for NULL, or anything else to see the TypeError. */
static PyObject *probe_new(PyObject *self, PyObject *kwargs) {
    (void)self;
    return HashTable_New(kwargs == Py_None ? NULL : kwargs);
}

static PyObject *probe_get(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *table, *key;
    if (!PyArg_UnpackTuple(args, "get", 2, 2, &table, &key)) {
        return NULL;
    }
    return HashTable_GetItem(table, key);
}

static PyObject *probe_set(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *table, *key, *value;
    if (!PyArg_UnpackTuple(args, "set", 3, 3, &table, &key, &value) || HashTable_SetItem(table, key, value) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *probe_delete(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *table, *key;
    if (!PyArg_UnpackTuple(args, "delete", 2, 2, &table, &key) || HashTable_DelItem(table, key) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *probe_contains(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *table, *key;
    if (!PyArg_UnpackTuple(args, "contains", 2, 2, &table, &key)) {
        return NULL;
    }
    int found = HashTable_Contains(table, key);
    return found < 0 ? NULL : PyBool_FromLong(found);
}

static PyObject *probe_length(PyObject *self, PyObject *table) {
    (void)self;
    Py_ssize_t length = HashTable_Len(table);
    return length < 0 ? NULL : PyLong_FromSsize_t(length);
}

static PyObject *probe_size(PyObject *self, PyObject *table) {
    (void)self;
    Py_ssize_t size = HashTable_Size(table);
    return size < 0 ? NULL : PyLong_FromSsize_t(size);
}

/* null_argument(name): call the named function with a NULL table (or NULL key
 * for "key"), to see that it raises instead of crashing. */
static PyObject *probe_null_argument(PyObject *self, PyObject *name) {
    (void)self;
    const char *which = PyUnicode_AsUTF8(name);
    if (which == NULL) {
        return NULL;
    }
    PyObject *key = Py_None;
    if (strcmp(which, "GetItem") == 0) {
        return HashTable_GetItem(NULL, key);
    }
    if (strcmp(which, "SetItem") == 0) {
        return HashTable_SetItem(NULL, key, key) < 0 ? NULL : Py_NewRef(Py_None);
    }
    if (strcmp(which, "DelItem") == 0) {
        return HashTable_DelItem(NULL, key) < 0 ? NULL : Py_NewRef(Py_None);
    }
    if (strcmp(which, "Contains") == 0) {
        return HashTable_Contains(NULL, key) < 0 ? NULL : Py_NewRef(Py_None);
    }
    if (strcmp(which, "Len") == 0) {
        return HashTable_Len(NULL) < 0 ? NULL : Py_NewRef(Py_None);
    }
    if (strcmp(which, "Size") == 0) {
        return HashTable_Size(NULL) < 0 ? NULL : Py_NewRef(Py_None);
    }
    if (strcmp(which, "key") == 0) {
        PyObject *table = HashTable_New(NULL);
        if (table == NULL) {
            return NULL;
        }
        PyObject *result = HashTable_GetItem(table, NULL);
        Py_DECREF(table);
        return result;
    }
    if (strcmp(which, "Check") == 0) {
        return PyBool_FromLong(HashTable_Check(NULL));
    }
    PyErr_Format(PyExc_ValueError, "no capsule function %s", which);
    return NULL;
}

static PyObject *probe_version(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    return PyLong_FromLong(HashTable_API->version);
}

static PyMethodDef probe_methods[] = {
    {"check", probe_check, METH_O, NULL},
    {"new", probe_new, METH_O, NULL},
    {"get", probe_get, METH_VARARGS, NULL},
    {"set", probe_set, METH_VARARGS, NULL},
    {"delete", probe_delete, METH_VARARGS, NULL},
    {"contains", probe_contains, METH_VARARGS, NULL},
    {"length", probe_length, METH_O, NULL},
    {"size", probe_size, METH_O, NULL},
    {"null_argument", probe_null_argument, METH_O, NULL},
    {"version", probe_version, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef probe_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "hashtable_capi_probe",
    .m_size = 0,
    .m_methods = probe_methods,
};

PyMODINIT_FUNC PyInit_hashtable_capi_probe(void) {
    if (import_hashtable() < 0) {
        return NULL;
    }
    return PyModule_Create(&probe_module);
}
