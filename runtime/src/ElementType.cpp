//===- ElementType.cpp ----------------------------------------------------===//

#include "tessera/runtime/ElementType.h"

namespace tessera::rt {

namespace {
struct ElementTypeInfo {
  std::string_view name;
  size_t size;
  bool isFloat;
};
constexpr ElementTypeInfo kInfo[kElementTypeCount] = {
    {"f32", 4, true},  {"f16", 2, true},  {"f64", 8, true},
    {"bf16", 2, true}, {"i1", 1, false},  {"i8", 1, false},
    {"i16", 2, false}, {"i32", 4, false}, {"i64", 8, false}};
} // namespace

size_t elementSize(ElementType type) {
  return kInfo[static_cast<unsigned>(type)].size;
}

std::string_view elementTypeName(ElementType type) {
  return kInfo[static_cast<unsigned>(type)].name;
}

bool isFloat(ElementType type) {
  return kInfo[static_cast<unsigned>(type)].isFloat;
}

std::optional<ElementType> parseElementType(std::string_view name) {
  for (unsigned i = 0; i < kElementTypeCount; ++i)
    if (kInfo[i].name == name)
      return static_cast<ElementType>(i);
  return std::nullopt;
}

} // namespace tessera::rt
