//===- JsonText.h - Pieces of JSON text -------------------------*- C++ -*-===//
//
// The runtime tooling writes its JSON (profiles, bench reports, module
// descriptions) as text without a JSON library; these make its pieces.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_TOOLING_JSONTEXT_H
#define TESSERA_TOOLING_JSONTEXT_H

#include <string>
#include <string_view>

namespace tessera::rt::tooling {

/// `text` as a JSON string literal (quotes, backslashes and control
/// characters escaped).
std::string jsonQuoted(std::string_view text);

/// `value` with three decimals ("%.3f"): times in microseconds or ms.
std::string jsonNumber(double value);

} // namespace tessera::rt::tooling

#endif // TESSERA_TOOLING_JSONTEXT_H
