//===- DiffView.cpp - The IR before and after a pass ----------------------===//

#include "DiffView.h"

#include "IRView.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QScrollBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QVBoxLayout>

using mlir::tessera::DiffLine;

namespace tessera::explorer {

DiffView::DiffView(QWidget *parent) : QWidget(parent) {
  auto *layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  summary = new QLabel(this);
  summary->setObjectName("diffSummary");
  summary->setContentsMargins(4, 2, 4, 2);
  layout->addWidget(summary);
  stack = new QStackedWidget(this);
  unified = new IRView(this);
  unified->setObjectName("unifiedDiff");
  stack->addWidget(unified);
  auto *split = new QSplitter(Qt::Horizontal, this);
  left = new IRView(split);
  left->setObjectName("diffBefore");
  right = new IRView(split);
  right->setObjectName("diffAfter");
  split->addWidget(left);
  split->addWidget(right);
  stack->addWidget(split);
  layout->addWidget(stack, 1);
  // Side by side scrolls as one.
  connect(left->verticalScrollBar(), &QScrollBar::valueChanged,
          right->verticalScrollBar(), &QScrollBar::setValue);
  connect(right->verticalScrollBar(), &QScrollBar::valueChanged,
          left->verticalScrollBar(), &QScrollBar::setValue);
  connect(left->horizontalScrollBar(), &QScrollBar::valueChanged,
          right->horizontalScrollBar(), &QScrollBar::setValue);
  connect(right->horizontalScrollBar(), &QScrollBar::valueChanged,
          left->horizontalScrollBar(), &QScrollBar::setValue);
}

void DiffView::setSideBySide(bool sideBySide) {
  stack->setCurrentIndex(sideBySide ? 1 : 0);
}

bool DiffView::isSideBySide() const { return stack->currentIndex() == 1; }

void DiffView::setDiff(const std::vector<DiffLine> &lines,
                       const QString &beforeName, const QString &afterName) {
  added = removed = 0;
  // Unified: every row once, prefixed.
  std::string text;
  std::vector<uint8_t> marks;
  std::vector<int> numbers;
  // Side by side: removals and additions of one hunk share rows.
  std::string leftText, rightText;
  std::vector<uint8_t> leftMarks, rightMarks;
  std::vector<int> leftNumbers, rightNumbers;
  auto addRow = [](std::string &out, llvm::StringRef prefix,
                   llvm::StringRef line) {
    out += prefix;
    out += line;
    out += '\n';
  };

  size_t i = 0;
  while (i < lines.size()) {
    const DiffLine &line = lines[i];
    if (line.kind == DiffLine::Same) {
      addRow(text, "  ", line.text);
      marks.push_back(IRView::NoMark);
      numbers.push_back(line.newLine + 1);
      addRow(leftText, "", line.text);
      addRow(rightText, "", line.text);
      leftMarks.push_back(IRView::NoMark);
      rightMarks.push_back(IRView::NoMark);
      leftNumbers.push_back(line.oldLine + 1);
      rightNumbers.push_back(line.newLine + 1);
      ++i;
      continue;
    }
    // A run of changes: removals and additions in any order.
    std::vector<const DiffLine *> gone, come;
    for (; i < lines.size() && lines[i].kind != DiffLine::Same; ++i)
      (lines[i].kind == DiffLine::Removed ? gone : come).push_back(&lines[i]);
    for (const DiffLine *removedLine : gone) {
      addRow(text, "- ", removedLine->text);
      marks.push_back(IRView::RemovedMark);
      numbers.push_back(removedLine->oldLine + 1);
    }
    for (const DiffLine *addedLine : come) {
      addRow(text, "+ ", addedLine->text);
      marks.push_back(IRView::AddedMark);
      numbers.push_back(addedLine->newLine + 1);
    }
    removed += gone.size();
    added += come.size();
    size_t rows = std::max(gone.size(), come.size());
    for (size_t row = 0; row < rows; ++row) {
      if (row < gone.size()) {
        addRow(leftText, "", gone[row]->text);
        leftMarks.push_back(IRView::RemovedMark);
        leftNumbers.push_back(gone[row]->oldLine + 1);
      } else {
        addRow(leftText, "", "");
        leftMarks.push_back(IRView::FillerMark);
        leftNumbers.push_back(-1);
      }
      if (row < come.size()) {
        addRow(rightText, "", come[row]->text);
        rightMarks.push_back(IRView::AddedMark);
        rightNumbers.push_back(come[row]->newLine + 1);
      } else {
        addRow(rightText, "", "");
        rightMarks.push_back(IRView::FillerMark);
        rightNumbers.push_back(-1);
      }
    }
  }
  for (std::string *side : {&text, &leftText, &rightText})
    if (!side->empty() && side->back() == '\n')
      side->pop_back();

  summary->setText(
      added + removed == 0
          ? QStringLiteral("%1 → %2: no change").arg(beforeName, afterName)
          : QStringLiteral("%1 → %2: <span style='color:#1a7f37'>+%3</span> "
                           "<span style='color:#cf222e'>−%4</span> lines")
                .arg(beforeName.toHtmlEscaped(), afterName.toHtmlEscaped())
                .arg(added)
                .arg(removed));
  unified->setText(std::move(text));
  unified->setLineMarks(std::move(marks));
  unified->setLineNumbers(std::move(numbers));
  left->setText(std::move(leftText));
  left->setLineMarks(std::move(leftMarks));
  left->setLineNumbers(std::move(leftNumbers));
  right->setText(std::move(rightText));
  right->setLineMarks(std::move(rightMarks));
  right->setLineNumbers(std::move(rightNumbers));
  // Start at the first change.
  for (size_t row = 0; row < unified->getLineMarks().size(); ++row)
    if (unified->getLineMarks()[row] != IRView::NoMark) {
      unified->goToLine(row);
      break;
    }
  for (size_t row = 0; row < left->getLineMarks().size(); ++row)
    if (left->getLineMarks()[row] != IRView::NoMark) {
      left->goToLine(row);
      break;
    }
}

} // namespace tessera::explorer
