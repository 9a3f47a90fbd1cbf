//===- DiffView.cpp - The IR before and after a pass ----------------------===//

#include "DiffView.h"

#include "IRView.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QVBoxLayout>

using mlir::tessera::DiffLine;

namespace tessera::explorer {

/// Unchanged lines kept around each change when folding.
constexpr size_t kFoldContext = 3;

DiffView::DiffView(QWidget *parent) : QWidget(parent) {
  auto *layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  summary = new QLabel(this);
  summary->setObjectName("diffSummary");
  summary->setWordWrap(true);
  summary->setContentsMargins(4, 2, 4, 2);
  foldBox = new QCheckBox("Fold unchanged lines", this);
  foldBox->setObjectName("foldUnchanged");
  foldBox->setChecked(folding);
  connect(foldBox, &QCheckBox::toggled, this, &DiffView::setFolding);
  auto *bar = new QHBoxLayout();
  bar->setContentsMargins(0, 0, 4, 0);
  bar->addWidget(summary, 1);
  bar->addWidget(foldBox);
  layout->addLayout(bar);
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

void DiffView::setFolding(bool fold) {
  if (fold == folding)
    return;
  folding = fold;
  if (foldBox->isChecked() != fold)
    foldBox->setChecked(fold);
  unifiedBuilt = sideBySideBuilt = false;
  build(isSideBySide());
}

void DiffView::build(bool sideBySide) {
  (sideBySide ? sideBySideBuilt : unifiedBuilt) = true;
  foldedRows = 0;
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

  // Unchanged lines further than kFoldContext from a change fold into one
  // row: a pass that changed 3 lines of a 10,000-line module shows those.
  std::vector<bool> folded(lines.size(), false);
  if (folding && added + removed > 0) {
    std::vector<size_t> distance(lines.size(), SIZE_MAX);
    for (size_t at = 0, last = SIZE_MAX; at < lines.size(); ++at) {
      if (lines[at].kind != DiffLine::Same)
        last = at;
      if (last != SIZE_MAX)
        distance[at] = at - last;
    }
    for (size_t at = lines.size(), next = SIZE_MAX; at-- > 0;) {
      if (lines[at].kind != DiffLine::Same)
        next = at;
      if (next != SIZE_MAX)
        distance[at] = std::min(distance[at], next - at);
    }
    for (size_t at = 0; at < lines.size(); ++at)
      folded[at] = distance[at] > kFoldContext;
  }
  std::vector<std::string> foldTexts;

  size_t i = 0;
  while (i < lines.size()) {
    const DiffLine &line = lines[i];
    if (folded[i]) {
      size_t end = i;
      while (end < lines.size() && folded[end])
        ++end;
      std::string row = "⋯ " + std::to_string(end - i) + " unchanged line" +
                        (end - i == 1 ? "" : "s");
      if (sideBySide) {
        for (auto *side : {&leftText, &rightText})
          addRow(*side, "", row);
        for (auto *sideMarks : {&leftMarks, &rightMarks})
          sideMarks->push_back(IRView::FillerMark);
        leftNumbers.push_back(-1);
        rightNumbers.push_back(-1);
      } else {
        addRow(text, "  ", row);
        marks.push_back(IRView::FillerMark);
        numbers.push_back(-1);
      }
      ++foldedRows;
      i = end;
      continue;
    }
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
