//===- PrintableText.cpp - Text safe to print on a terminal ---------------===//

#include "tessera/runtime/PrintableText.h"

#include <cstdint>
#include <cstdio>

namespace tessera::rt {

namespace {

enum class Problem { None, Control, Invalid };

/// The bytes of the character at `i` (`length`), or its problem.
Problem decode(std::string_view text, size_t i, size_t &length) {
  auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  uint8_t lead = byte(i);
  length = 1;
  if (lead < 0x80)
    return (lead < 0x20 && lead != '\t' && lead != '\n') || lead == 0x7f
               ? Problem::Control
               : Problem::None;
  size_t size = lead >= 0xf0 && lead <= 0xf4   ? 4
                : lead >= 0xe0 && lead <= 0xef ? 3
                : lead >= 0xc2 && lead <= 0xdf ? 2
                                               : 0;
  if (size == 0 || i + size > text.size())
    return Problem::Invalid;
  uint32_t code = lead & (0x7f >> size);
  for (size_t k = 1; k < size; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80)
      return Problem::Invalid;
    code = code << 6 | (byte(i + k) & 0x3f);
  }
  // Overlong forms, surrogates, beyond U+10FFFF.
  if ((size == 3 && code < 0x800) || (size == 4 && code < 0x10000) ||
      (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff)
    return Problem::Invalid;
  length = size;
  return code >= 0x80 && code <= 0x9f ? Problem::Control : Problem::None;
}

std::string hexByte(char c) {
  char text[8];
  std::snprintf(text, sizeof text, "%02x", static_cast<uint8_t>(c));
  return text;
}

} // namespace

std::string whyUnprintable(std::string_view text) {
  for (size_t i = 0, length = 0; i < text.size(); i += length)
    if (Problem problem = decode(text, i, length); problem != Problem::None)
      return std::string(problem == Problem::Control ? "control character"
                                                     : "invalid UTF-8") +
             " 0x" + hexByte(text[i]) + " at byte " + std::to_string(i);
  return "";
}

std::string escapeUnprintable(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (size_t i = 0, length = 0; i < text.size(); i += length) {
    if (decode(text, i, length) == Problem::None) {
      escaped.append(text.substr(i, length));
      continue;
    }
    // A control character's bytes, or one invalid byte at a time.
    for (size_t k = 0; k < length; ++k)
      escaped += "\\x" + hexByte(text[i + k]);
  }
  return escaped;
}

} // namespace tessera::rt
