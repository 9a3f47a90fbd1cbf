//===- IRDiff.cpp - Line diffs of IR between passes -----------------------===//

#include "Pipeline/IRDiff.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <unordered_map>

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

/// The index pairs (i, j), a[i] == b[j], of a longest common subsequence in
/// order (Myers' algorithm). Empty when the trace would exceed a bound: a
/// rewrite that large reads as one block removed and one added anyway.
static std::vector<std::pair<int, int>>
commonLines(const std::vector<llvm::StringRef> &a,
            const std::vector<llvm::StringRef> &b) {
  int an = a.size(), bm = b.size();
  int max = an + bm;
  std::vector<std::pair<int, int>> matches;
  if (max == 0)
    return matches;
  // v[k] = furthest x on diagonal k; each round's v is kept to trace the
  // path back, at (d + 1) * (2 * max + 2) ints.
  constexpr size_t kMaxTraceEntries = size_t(1) << 25;
  std::vector<std::vector<int>> trace;
  std::vector<int> v(2 * max + 2, 0);
  int offset = max + 1;
  bool done = false;
  for (int d = 0; d <= max && !done; ++d) {
    if (static_cast<size_t>(d + 1) * v.size() > kMaxTraceEntries)
      return matches;
    for (int k = -d; k <= d; k += 2) {
      int x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]))
                  ? v[offset + k + 1]
                  : v[offset + k - 1] + 1;
      int y = x - k;
      while (x < an && y < bm && a[x] == b[y]) {
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
    while (x > previousX && y > previousY)
      matches.push_back({--x, --y});
    x = previousX;
    y = previousY;
  }
  while (x > 0 && y > 0)
    matches.push_back({--x, --y});
  std::reverse(matches.begin(), matches.end());
  return matches;
}

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

  // A line that occurs nowhere on the other side cannot be common: the
  // search runs without such lines (as GNU diff does), which keeps large
  // rewrites fast and the result minimal.
  llvm::DenseSet<llvm::StringRef> inA, inB;
  for (int i = prefix; i < n - suffix; ++i)
    inA.insert(a[i]);
  for (int j = prefix; j < m - suffix; ++j)
    inB.insert(b[j]);
  std::vector<int> keptA, keptB;
  std::vector<llvm::StringRef> filteredA, filteredB;
  for (int i = prefix; i < n - suffix; ++i)
    if (inB.contains(a[i])) {
      keptA.push_back(i);
      filteredA.push_back(a[i]);
    }
  for (int j = prefix; j < m - suffix; ++j)
    if (inA.contains(b[j])) {
      keptB.push_back(j);
      filteredB.push_back(b[j]);
    }

  std::vector<DiffLine> result;
  for (int i = 0; i < prefix; ++i)
    result.push_back({DiffLine::Same, i, i, a[i]});
  int i = prefix, j = prefix;
  auto emitChangesUpTo = [&](int endA, int endB) {
    for (; i < endA; ++i)
      result.push_back({DiffLine::Removed, i, -1, a[i]});
    for (; j < endB; ++j)
      result.push_back({DiffLine::Added, -1, j, b[j]});
  };
  for (auto [x, y] : commonLines(filteredA, filteredB)) {
    emitChangesUpTo(keptA[x], keptB[y]);
    result.push_back({DiffLine::Same, i++, j++, a[keptA[x]]});
  }
  emitChangesUpTo(n - suffix, m - suffix);
  for (int k = 0; k < suffix; ++k)
    result.push_back(
        {DiffLine::Same, n - suffix + k, m - suffix + k, a[n - suffix + k]});
  return result;
}

/// Lines of a piece that did not change, numbered from the pieces' starts.
static void appendSame(const CapturedIR::Piece &old,
                       const CapturedIR::Piece &now,
                       std::vector<DiffLine> &result) {
  std::vector<llvm::StringRef> lines = splitLines(*now.text);
  for (size_t i = 0; i < lines.size(); ++i)
    result.push_back({DiffLine::Same, static_cast<int>(old.firstLine + i),
                      static_cast<int>(now.firstLine + i), lines[i]});
}

static void appendOneSided(const CapturedIR::Piece &piece, DiffLine::Kind kind,
                           std::vector<DiffLine> &result) {
  std::vector<llvm::StringRef> lines = splitLines(*piece.text);
  for (size_t i = 0; i < lines.size(); ++i) {
    int line = piece.firstLine + i;
    result.push_back({kind, kind == DiffLine::Removed ? line : -1,
                      kind == DiffLine::Added ? line : -1, lines[i]});
  }
}

std::vector<DiffLine> diffSnapshots(const CapturedIR &before,
                                    const CapturedIR &after) {
  // Pieces correspond by symbol (the header and unnamed ops by position
  // among the unnamed); the longest common subsequence of those keys
  // pairs them, then each pair that differs is diffed line by line.
  auto keys = [](const CapturedIR &ir) {
    std::vector<std::string> result;
    unsigned unnamed = 0;
    for (const CapturedIR::Piece &piece : ir.pieces)
      result.push_back(piece.symbol.empty() ? "#" + std::to_string(unnamed++)
                                            : "@" + piece.symbol);
    return result;
  };
  std::vector<std::string> a = keys(before), b = keys(after);
  size_t n = a.size(), m = b.size();
  // The table is (n + 1) * (m + 1); beyond a few million entries (modules
  // of thousands of top-level ops) pieces pair greedily in order instead.
  bool exact = (n + 1) * (m + 1) <= (size_t(1) << 22);
  std::vector<std::vector<uint32_t>> common;
  std::unordered_map<std::string, size_t> lastInAfter;
  if (exact) {
    common.assign(n + 1, std::vector<uint32_t>(m + 1, 0));
    for (size_t i = n; i-- > 0;)
      for (size_t j = m; j-- > 0;)
        common[i][j] = a[i] == b[j]
                           ? common[i + 1][j + 1] + 1
                           : std::max(common[i + 1][j], common[i][j + 1]);
  } else {
    for (size_t j = 0; j < m; ++j)
      lastInAfter[b[j]] = j;
  }
  // Whether to drop before's piece i rather than add after's piece j.
  auto dropBefore = [&](size_t i, size_t j) {
    if (j == m)
      return true;
    if (i == n)
      return false;
    if (exact)
      return common[i + 1][j] >= common[i][j + 1];
    auto later = lastInAfter.find(a[i]);
    return later == lastInAfter.end() || later->second < j;
  };

  std::vector<DiffLine> result;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      const CapturedIR::Piece &old = before.pieces[i], &now = after.pieces[j];
      if (old.text == now.text || *old.text == *now.text) {
        appendSame(old, now, result);
      } else {
        for (DiffLine line : diffLines(*old.text, *now.text)) {
          if (line.oldLine >= 0)
            line.oldLine += old.firstLine;
          if (line.newLine >= 0)
            line.newLine += now.firstLine;
          result.push_back(line);
        }
      }
      ++i;
      ++j;
    } else if (dropBefore(i, j)) {
      appendOneSided(before.pieces[i++], DiffLine::Removed, result);
    } else {
      appendOneSided(after.pieces[j++], DiffLine::Added, result);
    }
  }
  return result;
}

std::string unifiedDiff(llvm::StringRef before, llvm::StringRef after,
                        llvm::StringRef beforeName, llvm::StringRef afterName,
                        unsigned context) {
  return formatUnifiedDiff(diffLines(before, after), beforeName, afterName,
                           context);
}

std::string formatUnifiedDiff(const std::vector<DiffLine> &lines,
                              llvm::StringRef beforeName,
                              llvm::StringRef afterName, unsigned context) {
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
