//===- CompareView.h - Two compiles side by side ----------------*- C++ -*-===//
//
// A pinned compile (left) against the current one (right): what each was
// asked (file, target, triple, phases, linking; differences in bold), their
// pass lists on aligned rows (PassAlignment) with times and changed marks
// of each and whether the IR after differs, and for the chosen row the two
// IRs side by side as one diff, scrolled as one. "First difference" finds
// the pass where the compiles part ways.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_EXPLORER_COMPAREVIEW_H
#define TESSERA_EXPLORER_COMPAREVIEW_H

#include "ExplorerCompile.h"
#include "PassAlignment.h"
#include "Pipeline/IRDiff.h"

#include <QWidget>

#include <memory>

class QCheckBox;
class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace tessera::explorer {

class DiffView;

class CompareView : public QWidget {
  Q_OBJECT
public:
  explicit CompareView(QWidget *parent = nullptr);

  void setLeft(std::shared_ptr<const CompileOutcome> outcome);
  void setRight(std::shared_ptr<const CompileOutcome> outcome);
  bool hasLeft() const { return left != nullptr; }

  /// Selects the row of right record `record`; false when it has none.
  bool selectRightRecord(int record);
  /// Selects the first (or next, after the current row) row whose IR
  /// differs; false when there is none.
  bool selectNextDifference(bool fromStart);
  /// Restricts both IRs to top-level op `@symbol` ("" for everything).
  void restrictTo(const QString &symbol);

  const std::vector<AlignedPass> &rows() const { return aligned; }
  /// The selected row, or -1.
  int currentRow() const;
  QTreeWidget *passTable() const { return table; }
  DiffView *diffView() const { return diff; }
  QLabel *leftHeader() const { return leftLabel; }
  QLabel *rightHeader() const { return rightLabel; }

Q_SIGNALS:
  /// A row was chosen; its right record (or -1).
  void rightRecordSelected(int record);

private:
  void rebuild();
  void showRow(int row);
  void updateHeaders();

  std::shared_ptr<const CompileOutcome> left, right;
  std::vector<AlignedPass> aligned;
  QString restrictSymbol;
  QLabel *leftLabel, *rightLabel, *summary;
  QCheckBox *onlyDifferences;
  QTreeWidget *table;
  DiffView *diff;
  /// The texts the shown diff refers into.
  std::string leftText, rightText;
  std::vector<mlir::tessera::DiffLine> shownDiff;
  bool selectingProgrammatically = false;
};

} // namespace tessera::explorer

#endif // TESSERA_EXPLORER_COMPAREVIEW_H
