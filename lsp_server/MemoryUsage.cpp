//===- MemoryUsage.cpp - The server's memory, for $/memoryUsage -----------===//

#include "MemoryUsage.h"

#include <fstream>
#include <string>

namespace tessera::lsp {

llvm::json::Object memoryUsage(size_t openDocuments) {
  std::ifstream status("/proc/self/status");
  std::string line;
  int64_t rss = 0, peak = 0;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0)
      rss = std::stoll(line.substr(6)) * 1024;
    if (line.rfind("VmHWM:", 0) == 0)
      peak = std::stoll(line.substr(6)) * 1024;
  }
  return llvm::json::Object{
      {"rssBytes", rss},
      {"peakRssBytes", peak},
      {"openDocuments", static_cast<int64_t>(openDocuments)}};
}

} // namespace tessera::lsp
