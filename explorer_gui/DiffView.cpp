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
  if (!(sideBySide ? sideBySideBuilt : unifiedBuilt))
    build(sideBySide);
}

bool DiffView::isSideBySide() const { return stack->currentIndex() == 1; }

void DiffView::setDiff(const std::vector<DiffLine> &newLines,
                       const QString &beforeName, const QString &afterName) {
  lines = newLines;
  added = removed = 0;
  for (const DiffLine &line : lines) {
    added += line.kind == DiffLine::Added;
    removed += line.kind == DiffLine::Removed;
  }
  summary->setText(
      added + removed == 0
          ? QStringLiteral("%1 → %2: no change").arg(beforeName, afterName)
          : QStringLiteral("%1 → %2: <span style='color:#1a7f37'>+%3</span> "
                           "<span style='color:#cf222e'>−%4</span> lines")
                .arg(beforeName.toHtmlEscaped(), afterName.toHtmlEscaped())
                .arg(added)
                .arg(removed));
  unifiedBuilt = sideBySideBuilt = false;
  build(isSideBySide());
}

void DiffView::build(bool sideBySide) {
  (sideBySide ? sideBySideBuilt : unifiedBuilt) = true;
  // Unified: every row once, prefixed. Side by side: the removals and
  // additions of one run share rows; the shorter side gets fillers.
  std::string text, leftText, rightText;
  std::vector<uint8_t> marks, leftMarks, rightMarks;
  std::vector<int> numbers, leftNumbers, rightNumbers;
  auto addRow = [](std::string &out, llvm::StringRef prefix,
                   llvm::StringRef line) {
    out += prefix;
    out += line;
    out += '\n';
  };
  auto addSide = [&](std::string &out, std::vector<uint8_t> &sideMarks,
                     std::vector<int> &sideNumbers, const DiffLine *line,
                     uint8_t mark, int number) {
    addRow(out, "", line ? line->text : llvm::StringRef());
    sideMarks.push_back(line ? mark : uint8_t(IRView::FillerMark));
    sideNumbers.push_back(line ? number : -1);
  };

  size_t i = 0;
  while (i < lines.size()) {
    const DiffLine &line = lines[i];
    if (line.kind == DiffLine::Same) {
      if (sideBySide) {
        addSide(leftText, leftMarks, leftNumbers, &line, IRView::NoMark,
                line.oldLine + 1);
        addSide(rightText, rightMarks, rightNumbers, &line, IRView::NoMark,
                line.newLine + 1);
      } else {
        addRow(text, "  ", line.text);
        marks.push_back(IRView::NoMark);
        numbers.push_back(line.newLine + 1);
      }
      ++i;
      continue;
    }
    std::vector<const DiffLine *> gone, come;
    for (; i < lines.size() && lines[i].kind != DiffLine::Same; ++i)
      (lines[i].kind == DiffLine::Removed ? gone : come).push_back(&lines[i]);
    if (!sideBySide) {
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
      continue;
    }
    for (size_t row = 0; row < std::max(gone.size(), come.size()); ++row) {
      const DiffLine *old = row < gone.size() ? gone[row] : nullptr;
      const DiffLine *now = row < come.size() ? come[row] : nullptr;
      addSide(leftText, leftMarks, leftNumbers, old, IRView::RemovedMark,
              old ? old->oldLine + 1 : -1);
      addSide(rightText, rightMarks, rightNumbers, now, IRView::AddedMark,
              now ? now->newLine + 1 : -1);
    }
  }
  for (std::string *side : {&text, &leftText, &rightText})
    if (!side->empty() && side->back() == '\n')
      side->pop_back();

  // Each view starts at the first change.
  auto fill = [](IRView *view, std::string body, std::vector<uint8_t> viewMarks,
                 std::vector<int> viewNumbers) {
    auto first =
        std::find_if(viewMarks.begin(), viewMarks.end(),
                     [](uint8_t mark) { return mark != IRView::NoMark; });
    int firstChange = first == viewMarks.end() ? -1 : first - viewMarks.begin();
    view->setText(std::move(body));
    view->setLineMarks(std::move(viewMarks));
    view->setLineNumbers(std::move(viewNumbers));
    if (firstChange >= 0)
      view->goToLine(firstChange);
  };
  if (sideBySide) {
    fill(left, std::move(leftText), std::move(leftMarks),
         std::move(leftNumbers));
    fill(right, std::move(rightText), std::move(rightMarks),
         std::move(rightNumbers));
  } else {
    fill(unified, std::move(text), std::move(marks), std::move(numbers));
  }
}

} // namespace tessera::explorer
