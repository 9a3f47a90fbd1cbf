//===- PrintableText.h - Text safe to print on a terminal -------*- C++ -*-===//
//
// A module's names, locations and messages reach terminals (tessera inspect,
// error messages): an escape sequence in them would drive the terminal, and
// invalid UTF-8 breaks JSON. The compiler writes them escaped; the runtime
// refuses a module that has any other.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_RUNTIME_PRINTABLETEXT_H
#define TESSERA_RUNTIME_PRINTABLETEXT_H

#include <string>
#include <string_view>

namespace tessera::rt {

/// Why `text` is not printable UTF-8 ("control character 0x1b at byte 5",
/// "invalid UTF-8 0x80 at byte 3"), or empty when it is. Tabs and newlines
/// are printable; C0 and C1 controls, DEL, overlong forms and surrogates
/// are not. Never quotes the text itself.
std::string whyUnprintable(std::string_view text);

/// `text` with every byte that makes it unprintable written as `\xNN`.
std::string escapeUnprintable(std::string_view text);

} // namespace tessera::rt

#endif // TESSERA_RUNTIME_PRINTABLETEXT_H
