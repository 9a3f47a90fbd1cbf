//===- TextElide.h - Long names shortened for tables ------------*- C++ -*-===//
//
// Tables printed for people (the dispatch table of `tessera run --profile`
// and `tessera bench`, the pass timing of `tessera compile --timing`) keep
// their columns when a name is long; machine-readable outputs (JSON, CSV)
// keep the full names.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_TOOLING_TEXTELIDE_H
#define TESSERA_TOOLING_TEXTELIDE_H

#include <cstddef>
#include <string>
#include <string_view>

namespace tessera::rt::tooling {

/// `text` when it has at most `width` characters, else its start and end
/// around "...": "conv_2d_nchw_fchw...dispatch_3_f32", exactly `width`
/// long (the end gets the smaller half: names differ at both ends).
std::string elideMiddle(std::string_view text, size_t width);

/// A textual pass pipeline element, `name{key=value key2={...}}`, with
/// each option value longer than `maxValue` cut to its first `maxValue`
/// characters and "...(N more)": a pass's 1,500-character CPU features
/// stay on one line. Text outside braces is unchanged.
std::string elideOptionValues(std::string_view pipeline, size_t maxValue = 60);

} // namespace tessera::rt::tooling

#endif // TESSERA_TOOLING_TEXTELIDE_H
