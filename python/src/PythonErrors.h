//===- PythonErrors.h - Tessera's Python exceptions from C++ ----*- C++ -*-===//
//
// The exception classes live in Python (tessera/errors.py) so that users
// and the pure-Python layers catch one set of classes; the extensions raise
// them by name.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_PYTHON_PYTHONERRORS_H
#define TESSERA_PYTHON_PYTHONERRORS_H

#include <pybind11/pybind11.h>

#include <string>

namespace tessera::python {

/// Raises tessera.errors.`className` with `message`.
[[noreturn]] inline void raiseTesseraError(const char *className,
                                           const std::string &message) {
  pybind11::object type =
      pybind11::module_::import("tessera.errors").attr(className);
  // A str of the whole message (PyErr_SetString would stop at a NUL).
  PyErr_SetObject(type.ptr(), pybind11::str(message).ptr());
  throw pybind11::error_already_set();
}

} // namespace tessera::python

#endif // TESSERA_PYTHON_PYTHONERRORS_H
