//===- IRDiff.cpp - Line diffs of IR between passes -----------------------===//

#include "Pipeline/IRDiff.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::tessera {

namespace {

std::vector<llvm::StringRef> splitLines(llvm::StringRef text) {
  std::vector<llvm::StringRef> lines;
  while (!text.empty()) {
    auto [line, rest] = text.split('\n');
    lines.push_back(line);
    text = rest;
  }
  return lines;
}

} // namespace

std::vector<DiffLine> diffLines(llvm::StringRef before, llvm::StringRef after) {
  std::vector<llvm::StringRef> a = splitLines(before), b = splitLines(after);
  int n = a.size(), m = b.size();
  // Common prefix and suffix first: passes usually change little.
  int prefix = 0;
  while (prefix < n && prefix < m && a[prefix] == b[prefix])
    ++prefix;
  int suffix = 0;
  while (suffix < n - prefix && suffix < m - prefix &&
         a[n - 1 - suffix] == b[m - 1 - suffix])
    ++suffix;
  int an = n - prefix - suffix, bm = m - prefix - suffix;

  // Myers: v[k] = furthest x on diagonal k; keep each round's v to trace
  // the path back.
  int max = an + bm;
  std::vector<std::vector<int>> trace;
  std::vector<int> v(2 * max + 2, 0);
  int offset = max + 1;
  bool done = max == 0;
  for (int d = 0; d <= max && !done; ++d) {
    for (int k = -d; k <= d; k += 2) {
      int x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]))
                  ? v[offset + k + 1]
                  : v[offset + k - 1] + 1;
      int y = x - k;
      while (x < an && y < bm && a[prefix + x] == b[prefix + y]) {
        ++x;
        ++y;
      }
      v[offset + k] = x;
      if (x >= an && y >= bm) {
        done = true;
        break;
      }
    }
    trace.push_back(v);
  }

  // Walk back from (an, bm) to (0, 0).
  std::vector<DiffLine> middle;
  int x = an, y = bm;
  for (int d = static_cast<int>(trace.size()) - 1; d > 0; --d) {
    const std::vector<int> &previous = trace[d - 1];
    int k = x - y;
    int previousK = (k == -d || (k != d && previous[offset + k - 1] <
                                               previous[offset + k + 1]))
                        ? k + 1
                        : k - 1;
    int previousX = previous[offset + previousK];
    int previousY = previousX - previousK;
    while (x > previousX && y > previousY) {
      --x;
      --y;
      middle.push_back({DiffLine::Same, prefix + x, prefix + y, a[prefix + x]});
    }
    if (x == previousX)
      middle.push_back(
          {DiffLine::Added, -1, prefix + previousY, b[prefix + previousY]});
    else
      middle.push_back(
          {DiffLine::Removed, prefix + previousX, -1, a[prefix + previousX]});
    x = previousX;
    y = previousY;
  }
  while (x > 0 && y > 0) {
    --x;
    --y;
    middle.push_back({DiffLine::Same, prefix + x, prefix + y, a[prefix + x]});
  }

  std::vector<DiffLine> result;
  for (int i = 0; i < prefix; ++i)
    result.push_back({DiffLine::Same, i, i, a[i]});
  result.insert(result.end(), middle.rbegin(), middle.rend());
  for (int i = 0; i < suffix; ++i)
    result.push_back(
        {DiffLine::Same, n - suffix + i, m - suffix + i, a[n - suffix + i]});
  return result;
}

std::string unifiedDiff(llvm::StringRef before, llvm::StringRef after,
                        llvm::StringRef beforeName, llvm::StringRef afterName,
                        unsigned context) {
  std::vector<DiffLine> lines = diffLines(before, after);
  std::string text;
  llvm::raw_string_ostream os(text);
  size_t i = 0;
  bool header = false;
  while (i < lines.size()) {
    if (lines[i].kind == DiffLine::Same) {
      ++i;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines
    // after the last change that is at most 2*context same lines away.
    size_t start = i >= context ? i - context : 0;
    size_t end = i;
    size_t sameRun = 0;
    for (size_t j = i; j < lines.size(); ++j) {
      if (lines[j].kind == DiffLine::Same) {
        if (++sameRun > 2 * context)
          break;
      } else {
        sameRun = 0;
        end = j;
      }
    }
    end = std::min(lines.size(), end + 1 + context);
    if (!header) {
      os << "--- " << beforeName << "\n+++ " << afterName << "\n";
      header = true;
    }
    int oldStart = -1, newStart = -1, oldCount = 0, newCount = 0;
    for (size_t j = start; j < end; ++j) {
      if (lines[j].kind != DiffLine::Added) {
        if (oldStart < 0)
          oldStart = lines[j].oldLine;
        ++oldCount;
      }
      if (lines[j].kind != DiffLine::Removed) {
        if (newStart < 0)
          newStart = lines[j].newLine;
        ++newCount;
      }
    }
    os << "@@ -" << (oldStart < 0 ? 0 : oldStart + 1) << "," << oldCount << " +"
       << (newStart < 0 ? 0 : newStart + 1) << "," << newCount << " @@\n";
    for (size_t j = start; j < end; ++j)
      os << (lines[j].kind == DiffLine::Same      ? ' '
             : lines[j].kind == DiffLine::Removed ? '-'
                                                  : '+')
         << lines[j].text << "\n";
    i = end;
  }
  return text;
}

} // namespace mlir::tessera
