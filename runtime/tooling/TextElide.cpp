//===- TextElide.cpp - Long names shortened for tables --------------------===//

#include "TextElide.h"

namespace tessera::rt::tooling {

std::string elideMiddle(std::string_view text, size_t width) {
  if (text.size() <= width)
    return std::string(text);
  constexpr std::string_view kDots = "...";
  if (width <= kDots.size())
    return std::string(text.substr(0, width));
  size_t kept = width - kDots.size();
  size_t head = kept - kept / 2, tail = kept / 2;
  return std::string(text.substr(0, head)) + std::string(kDots) +
         std::string(text.substr(text.size() - tail));
}

std::string elideOptionValues(std::string_view pipeline, size_t maxValue) {
  std::string out;
  out.reserve(pipeline.size());
  int depth = 0;
  size_t i = 0;
  while (i < pipeline.size()) {
    char c = pipeline[i];
    if (c == '{')
      ++depth;
    else if (c == '}' && depth > 0)
      --depth;
    out += c;
    ++i;
    // A value starts after '=' inside braces; it ends at a space or the
    // closing brace of its level (nested braces and quotes are part of it).
    if (c != '=' || depth == 0)
      continue;
    size_t begin = i;
    int nested = 0;
    char quote = 0;
    for (; i < pipeline.size(); ++i) {
      char v = pipeline[i];
      if (quote) {
        if (v == quote)
          quote = 0;
        continue;
      }
      if (v == '"' || v == '\'')
        quote = v;
      else if (v == '{')
        ++nested;
      else if (v == '}' && nested > 0)
        --nested;
      else if ((v == '}' || v == ' ') && nested == 0)
        break;
    }
    std::string_view value = pipeline.substr(begin, i - begin);
    if (value.size() <= maxValue) {
      out += value;
    } else {
      out += value.substr(0, maxValue);
      out += "...(" + std::to_string(value.size() - maxValue) + " more)";
    }
  }
  return out;
}

} // namespace tessera::rt::tooling
