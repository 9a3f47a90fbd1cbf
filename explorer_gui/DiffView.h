//===- DiffView.h - The IR before and after a pass --------------*- C++ -*-===//
//
// A line diff shown unified (one view, -/+ rows) or side by side (two views
// with aligned rows and one scroll position).
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_EXPLORER_DIFFVIEW_H
#define TESSERA_EXPLORER_DIFFVIEW_H

#include "Pipeline/IRDiff.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QStackedWidget;

namespace tessera::explorer {

class IRView;

class DiffView : public QWidget {
  Q_OBJECT
public:
  explicit DiffView(QWidget *parent = nullptr);

  /// Shows `lines` (which must stay valid until the next call).
  void setDiff(const std::vector<mlir::tessera::DiffLine> &lines,
               const QString &beforeName, const QString &afterName);
  void setSideBySide(bool sideBySide);
  bool isSideBySide() const;
  /// Folds runs of unchanged lines away from the changes into one row
  /// ("⋯ 812 unchanged lines"); on by default.
  void setFolding(bool fold);
  bool isFolding() const { return folding; }
  /// How many fold rows the shown diff has.
  int foldedRowCount() const { return foldedRows; }

  IRView *unifiedView() const { return unified; }
  IRView *leftView() const { return left; }
  IRView *rightView() const { return right; }
  int addedLines() const { return added; }
  int removedLines() const { return removed; }

private:
  /// Fills the view of the current mode from `lines` (the other mode is
  /// built when it is shown).
  void build(bool sideBySide);

  std::vector<mlir::tessera::DiffLine> lines;
  bool unifiedBuilt = false, sideBySideBuilt = false;
  QLabel *summary;
  QCheckBox *foldBox;
  bool folding = true;
  int foldedRows = 0;
  QStackedWidget *stack;
  IRView *unified, *left, *right;
  int added = 0, removed = 0;
};

} // namespace tessera::explorer

#endif // TESSERA_EXPLORER_DIFFVIEW_H
