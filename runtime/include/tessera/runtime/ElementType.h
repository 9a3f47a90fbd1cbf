//===- ElementType.h - Tensor element types ---------------------*- C++ -*-===//
#ifndef TESSERA_RUNTIME_ELEMENTTYPE_H
#define TESSERA_RUNTIME_ELEMENTTYPE_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tessera::rt {

/// Numbered as in the module schema (runtime/schemas/module.fbs).
enum class ElementType : uint8_t { F32, F16, F64, BF16, I1, I8, I16, I32, I64 };

constexpr unsigned kElementTypeCount = 9;

/// Bytes per element in memory (i1 takes a byte).
size_t elementSize(ElementType type);

/// MLIR spelling: "f32", "i1", ...
std::string_view elementTypeName(ElementType type);

std::optional<ElementType> parseElementType(std::string_view name);

bool isFloat(ElementType type);

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_ELEMENTTYPE_H
