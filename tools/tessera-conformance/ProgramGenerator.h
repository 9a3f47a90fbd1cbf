//===- ProgramGenerator.h - Random valid linalg-on-tensors programs -*- C++
//-*-===//
//
// A seeded generator of programs users write: chains of 1-8 linalg and
// tensor ops (contractions, convolutions, pooling, transposes, broadcasts,
// reductions, generics with random indexing maps, elementwise math,
// pads, slices, concatenations, reshapes) over static and dynamic shapes,
// in f32, f16, i32 or i8. Every step draws its choices from its own seed,
// so a program with steps left out or its sizes shrunk (minimization) is
// still the same program otherwise.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_CONFORMANCE_PROGRAMGENERATOR_H
#define TESSERA_CONFORMANCE_PROGRAMGENERATOR_H

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::conformance {

enum class Element { F32, F16, I32, I8 };

const char *elementName(Element element);
bool isFloat(Element element);
size_t elementBytes(Element element);

/// One argument or result: its concrete shape (what the inputs hold) and
/// its element type.
struct TensorSpec {
  std::vector<int64_t> shape;
  Element element = Element::F32;
  /// How many products or terms each element sums, over the whole chain
  /// that made it (for the comparison tolerance); 1 for inputs.
  double accumulation = 1;
};

/// What to generate: the seed fixes everything; `dropped` leaves steps out
/// and `shrink` divides sizes, for minimization.
struct ProgramSpec {
  uint64_t seed = 0;
  std::vector<bool> dropped; // by step; missing entries are kept
  int shrink = 1;
};

struct Program {
  std::string text;     // the MLIR module
  std::string function; // its entry function
  std::vector<TensorSpec> inputs, results;
  std::vector<std::string> steps; // each step's op, for reports
};

/// Number of steps the program of `seed` has (1-8).
unsigned stepCount(uint64_t seed);

Program generateProgram(const ProgramSpec &spec);

} // namespace tessera::conformance

#endif // TESSERA_CONFORMANCE_PROGRAMGENERATOR_H
