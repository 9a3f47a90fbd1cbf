//===- ResultsSection.h - A benchmark's section of bench/RESULTS.md -*- C++
//-*-//
//
// Every benchmark prints its report and rewrites its own section of
// bench/RESULTS.md (from its `## ` heading to the next one), leaving the
// other benchmarks' sections as they are.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_BENCH_RESULTSSECTION_H
#define TESSERA_BENCH_RESULTSSECTION_H

#include "Pipeline/OutputFile.h"

#include <cstdarg>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace tessera::bench {

/// Lines printed as they come and kept as markdown for the results file.
struct Report {
  std::ostringstream markdown;

  void line(const char *format, ...) __attribute__((format(printf, 2, 3))) {
    char buffer[1024];
    va_list args;
    va_start(args, format);
    std::vsnprintf(buffer, sizeof buffer, format, args);
    va_end(args);
    std::printf("%s\n", buffer);
    std::fflush(stdout);
    markdown << buffer << "\n";
  }
};

/// Replaces the section starting at `heading` (up to the next "## ") in
/// `path` by `heading` and `body`, or appends it; the file is replaced
/// atomically. An error message, or "" on success.
inline std::string writeResultsSection(const std::string &path,
                                       const std::string &heading,
                                       const std::string &body) {
  std::string text;
  if (std::ifstream in(path); in) {
    std::stringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  }
  size_t start = text.find(heading);
  std::string section = heading + "\n" + body;
  if (start == std::string::npos) {
    if (!text.empty() && text.back() != '\n')
      text += "\n";
    text += (text.empty() ? "" : "\n") + section;
  } else {
    size_t end = text.find("\n## ", start + heading.size());
    text = text.substr(0, start) + section +
           (end == std::string::npos ? "" : text.substr(end));
  }
  if (llvm::Error error = mlir::tessera::writeFileAtomically(path, text))
    return llvm::toString(std::move(error));
  return "";
}

} // namespace tessera::bench

#endif // TESSERA_BENCH_RESULTSSECTION_H
