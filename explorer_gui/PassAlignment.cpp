//===- PassAlignment.cpp - Two compiles' passes side by side --------------===//

#include "PassAlignment.h"

#include "Pipeline/IRDiff.h"

#include <algorithm>
#include <map>

using namespace mlir::tessera;

namespace tessera::explorer {

namespace {

/// The top-level op a record's anchor is in ("" for module-level passes):
/// the second component of "builtin.module/hal.executable @ex/...".
std::string topAnchor(const PassRecord &record) {
  size_t start = record.nesting.find('/');
  if (start == std::string::npos)
    return "";
  size_t end = record.nesting.find('/', start + 1);
  return record.nesting.substr(start + 1, end == std::string::npos
                                              ? std::string::npos
                                              : end - start - 1);
}

/// Record indices in canonical order: phases as they first ran, then the
/// top-level anchor, then run order.
std::vector<int> canonicalOrder(const std::vector<PassRecord> &records) {
  std::map<std::string, int> phaseOrder;
  for (const PassRecord &record : records)
    phaseOrder.emplace(record.phase, phaseOrder.size());
  std::vector<int> order(records.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::vector<std::string> anchors;
  for (const PassRecord &record : records)
    anchors.push_back(topAnchor(record));
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    int phaseA = phaseOrder[records[a].phase],
        phaseB = phaseOrder[records[b].phase];
    if (phaseA != phaseB)
      return phaseA < phaseB;
    return anchors[a] < anchors[b];
  });
  return order;
}

} // namespace

std::string passAlignmentKey(const PassRecord &record) {
  std::string argument =
      record.passArgument.substr(0, record.passArgument.find('{'));
  return record.phase + "|" + topAnchor(record) + "|" +
         std::to_string(record.depth) + "|" + argument;
}

std::vector<AlignedPass> alignPasses(const std::vector<PassRecord> &left,
                                     const std::vector<PassRecord> &right) {
  std::vector<int> leftOrder = canonicalOrder(left),
                   rightOrder = canonicalOrder(right);
  // The key lists as texts, one key per line: the line diff pairs them.
  std::string leftKeys, rightKeys;
  for (int i : leftOrder)
    leftKeys += passAlignmentKey(left[i]) + "\n";
  for (int i : rightOrder)
    rightKeys += passAlignmentKey(right[i]) + "\n";
  std::vector<AlignedPass> rows;
  // Equal snapshots are compared once (consecutive records share them).
  std::map<std::pair<const CapturedIR *, const CapturedIR *>, bool> compared;
  for (const DiffLine &line : diffLines(leftKeys, rightKeys)) {
    AlignedPass row;
    if (line.oldLine >= 0)
      row.left = leftOrder[line.oldLine];
    if (line.newLine >= 0)
      row.right = rightOrder[line.newLine];
    if (row.left >= 0 && row.right >= 0) {
      const CapturedIR *a = left[row.left].irAfter.get(),
                       *b = right[row.right].irAfter.get();
      if (a && b) {
        auto [it, inserted] = compared.try_emplace({a, b}, false);
        if (inserted)
          it->second = !CapturedIR::sameText(*a, *b);
        row.irDiffers = it->second;
      } else {
        row.irDiffers = (a == nullptr) != (b == nullptr);
      }
    }
    rows.push_back(row);
  }
  return rows;
}

} // namespace tessera::explorer
