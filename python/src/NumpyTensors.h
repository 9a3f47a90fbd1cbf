//===- NumpyTensors.h - NumPy arrays in and out of calls --------*- C++ -*-===//
//
// A call's arguments become runtime tensors that view the arrays in place
// when they are C-contiguous, aligned and of the exact element type (a copy
// otherwise); its results become arrays that own the runtime's buffers,
// copied only where a result shares memory with an input, a constant of
// the module or another result (so writing to one never changes another).
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_PYTHON_NUMPYTENSORS_H
#define TESSERA_PYTHON_NUMPYTENSORS_H

#include "tessera/runtime/Module.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>
#include <utility>
#include <vector>

namespace tessera::python {

/// The NumPy dtype of an element type; bf16, which NumPy lacks, is float32.
pybind11::dtype dtypeOf(rt::ElementType type);

/// One call's inputs. The arrays stay referenced here while the runtime
/// reads them.
struct CallInputs {
  std::vector<rt::Tensor> tensors;
  std::vector<pybind11::object> arrays;
  /// The memory of the inputs viewed in place, [begin, end).
  std::vector<std::pair<const uint8_t *, const uint8_t *>> viewed;
};

/// Checks `args` against `function` (count, element type, rank, static
/// dims: TypeError or ValueError naming the argument and what it expects)
/// and makes the runtime's tensors. `where` names the function in
/// messages ("mlp.predict").
CallInputs toCallInputs(const rt::FunctionSignature &function,
                        const std::string &where, const pybind11::args &args);

/// The results as NumPy: arrays for tensors (0-d for rank 0), NumPy
/// scalars for scalars.
std::vector<pybind11::object> toNumpy(const std::vector<rt::Tensor> &results,
                                      const CallInputs &inputs);

/// One result or several: None for none, the value for one, a tuple for
/// more (as a Python function returns).
pybind11::object packResults(std::vector<pybind11::object> results);

} // namespace tessera::python

#endif // TESSERA_PYTHON_NUMPYTENSORS_H
