//===- Npy.h - NumPy .npy files ----------------------------------*- C++
//-*-===//
//
// Version 1-3 .npy files, little-endian, C order, for f32/f16/f64/i8/i16/
// i32/i64/bool. A file may hold several arrays back to back (IREE's `+file`
// convention): reading returns the array at an offset and where the next one
// starts.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_TOOLING_NPY_H
#define TESSERA_TOOLING_NPY_H

#include "tessera/runtime/Tensor.h"

#include <string>

namespace tessera::rt::tooling {

struct NpyArray {
  Tensor tensor;
  size_t nextOffset = 0;
};

/// Reads the array starting at byte `offset` of `path`.
StatusOr<NpyArray> readNpy(const std::string &path, size_t offset = 0);

/// The bytes of `tensor` as one .npy array.
StatusOr<std::string> encodeNpy(const Tensor &tensor);

} // namespace tessera::rt::tooling

#endif // TESSERA_TOOLING_NPY_H
