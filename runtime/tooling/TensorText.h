//===- TensorText.h - IREE-style tensor arguments and printing ---*- C++
//-*-===//
//
// The grammar of iree-run-module's --input/--expected_output:
//   3.5                     a scalar (typed by the function's signature)
//   2x3xf32=1,2,3,4,5,6     a tensor; elements split by commas, spaces or
//   2x2xi32=[[1 2][3 4]]    brackets; one element fills the whole tensor
//   2xi32                   zero-filled
//   @x.npy / +x.npy         the first / the next array of a .npy file
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_TOOLING_TENSORTEXT_H
#define TESSERA_TOOLING_TENSORTEXT_H

#include "tessera/runtime/Tensor.h"

#include <map>
#include <string>
#include <string_view>

namespace tessera::rt::tooling {

/// Parses arguments in order; remembers where each `+file.npy` stopped.
class TensorParser {
public:
  /// `expected` (may be null) types bare scalars and checks nothing else:
  /// the session checks shapes against the signature.
  StatusOr<Tensor> parse(std::string_view text, const TensorType *expected);

private:
  std::map<std::string, size_t> npyOffsets;
};

/// "2x3xf32=[1 2 3][4 5 6]", "f32=3.5"; at most `maxElements` elements are
/// printed, then "...".
std::string formatTensor(const Tensor &tensor, int64_t maxElements = 1024);

/// Shortest text that reads back as the same float.
std::string formatFloat(double value, ElementType type);

} // namespace tessera::rt::tooling

#endif // TESSERA_TOOLING_TENSORTEXT_H
