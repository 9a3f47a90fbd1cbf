//===- CompareView.cpp - Two compiles side by side ------------------------===//

#include "CompareView.h"

#include "DiffView.h"

#include <QCheckBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace mlir::tessera;

namespace tessera::explorer {

namespace {
enum Column {
  PassColumn,
  AnchorColumn,
  LeftTimeColumn,
  RightTimeColumn,
  LeftChangedColumn,
  RightChangedColumn,
  IRColumn,
  ColumnCount
};
constexpr int RowRole = Qt::UserRole;
const QColor kDiffers(0xfc, 0xe4, 0xc4), kOneSided(0xee, 0xee, 0xee);

/// One fact about a compile's request, in bold when the other differs.
QString fact(const QString &mine, const QString &theirs, bool haveOther) {
  return haveOther && mine != theirs ? "<b>" + mine.toHtmlEscaped() + "</b>"
                                     : mine.toHtmlEscaped();
}

QString describe(const QString &side, const CompileOutcome &outcome,
                 const CompileOutcome *other) {
  auto facts = [](const CompileOutcome &o) {
    const CompileRequest &r = o.request;
    return QStringList{
        QFileInfo(QString::fromStdString(r.file)).fileName(),
        QString::fromStdString(r.targets.empty() ? std::string()
                                                 : r.targets.front()),
        QString::fromStdString(r.targetTriple),
        "up to " + QString::fromStdString(r.compileTo),
        r.linkExecutables ? QStringLiteral("linked")
                          : QStringLiteral("one library per dispatch"),
        QStringLiteral("-O%1").arg(r.optLevel)};
  };
  QStringList mine = facts(outcome), theirs;
  if (other)
    theirs = facts(*other);
  QStringList shown;
  for (int i = 0; i < mine.size(); ++i)
    shown << fact(mine[i], other ? theirs[i] : QString(), other);
  if (other && other->request.file == outcome.request.file &&
      other->source != outcome.source)
    shown << "<b>source edited</b>";
  return QStringLiteral("<b>%1</b>: %2 — %3 passes, %4 dispatches, %5 ms%6")
      .arg(side, shown.join(" · "))
      .arg(outcome.records.size())
      .arg(outcome.dispatches.size())
      .arg(outcome.wallMs, 0, 'f', 0)
      .arg(outcome.succeeded ? QString() : QStringLiteral(", <b>failed</b>"));
}

QString anchorOf(const PassRecord &record) {
  QString nesting = QString::fromStdString(record.nesting);
  int slash = nesting.indexOf('/');
  return slash < 0 ? nesting : nesting.mid(slash + 1);
}
} // namespace

CompareView::CompareView(QWidget *parent) : QWidget(parent) {
  auto *layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  leftLabel = new QLabel(this);
  leftLabel->setObjectName("compareLeft");
  rightLabel = new QLabel(this);
  rightLabel->setObjectName("compareRight");
  for (QLabel *label : {leftLabel, rightLabel}) {
    label->setContentsMargins(4, 1, 4, 1);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(label);
  }
  auto *bar = new QHBoxLayout();
  bar->setContentsMargins(4, 0, 4, 0);
  summary = new QLabel(this);
  summary->setObjectName("compareSummary");
  summary->setWordWrap(true);
  bar->addWidget(summary, 1);
  onlyDifferences = new QCheckBox("Only passes whose IR differs", this);
  onlyDifferences->setObjectName("onlyDifferences");
  bar->addWidget(onlyDifferences);
  auto *first = new QPushButton("First difference", this);
  first->setObjectName("firstDifference");
  bar->addWidget(first);
  auto *next = new QPushButton("Next difference", this);
  next->setObjectName("nextDifference");
  bar->addWidget(next);
  layout->addLayout(bar);

  auto *split = new QSplitter(Qt::Vertical, this);
  table = new QTreeWidget(split);
  table->setObjectName("comparePasses");
  table->setRootIsDecorated(false);
  table->setUniformRowHeights(true);
  table->setColumnCount(ColumnCount);
  table->setHeaderLabels(
      {"Pass", "Anchor", "Left ms", "Right ms", "Left Δ", "Right Δ", "IR"});
  table->header()->setStretchLastSection(false);
  table->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table->header()->setSectionResizeMode(AnchorColumn, QHeaderView::Stretch);
  diff = new DiffView(split);
  diff->setObjectName("compareDiff");
  diff->setSideBySide(true);
  split->addWidget(table);
  split->addWidget(diff);
  split->setStretchFactor(0, 2);
  split->setStretchFactor(1, 3);
  layout->addWidget(split, 1);

  connect(table, &QTreeWidget::currentItemChanged, this,
          [this](QTreeWidgetItem *item) {
            if (!item)
              return;
            int row = item->data(0, RowRole).toInt();
            showRow(row);
            if (!selectingProgrammatically)
              Q_EMIT rightRecordSelected(aligned[row].right);
          });
  connect(onlyDifferences, &QCheckBox::toggled, this, [this](bool only) {
    for (int i = 0; i < table->topLevelItemCount(); ++i)
      table->topLevelItem(i)->setHidden(only && !aligned[i].irDiffers);
  });
  connect(first, &QPushButton::clicked, this,
          [this] { selectNextDifference(true); });
  connect(next, &QPushButton::clicked, this,
          [this] { selectNextDifference(false); });
  updateHeaders();
}

void CompareView::setLeft(std::shared_ptr<const CompileOutcome> outcome) {
  left = std::move(outcome);
  rebuild();
}

void CompareView::setRight(std::shared_ptr<const CompileOutcome> outcome) {
  right = std::move(outcome);
  rebuild();
}

void CompareView::updateHeaders() {
  if (!left) {
    leftLabel->setText("<b>Left</b>: nothing pinned — Compile › Pin for "
                       "comparison keeps the current compile here; then "
                       "change options or edit the file and compile.");
    rightLabel->setText(right ? describe("Right", *right, nullptr)
                              : QStringLiteral("<b>Right</b>: no compile"));
    return;
  }
  leftLabel->setText(describe("Left (pinned)", *left, right.get()));
  rightLabel->setText(right ? describe("Right", *right, left.get())
                            : QStringLiteral("<b>Right</b>: no compile"));
}

void CompareView::rebuild() {
  int keepRight = -1;
  if (int row = currentRow(); row >= 0)
    keepRight = aligned[row].right;
  updateHeaders();
  selectingProgrammatically = true;
  table->clear();
  selectingProgrammatically = false;
  aligned.clear();
  shownDiff.clear();
  diff->setDiff(shownDiff, "", "");
  if (!left || !right) {
    summary->clear();
    return;
  }
  aligned = alignPasses(left->records, right->records);
  QList<QTreeWidgetItem *> items;
  int differing = 0, leftOnly = 0, rightOnly = 0;
  for (size_t row = 0; row < aligned.size(); ++row) {
    const AlignedPass &pair = aligned[row];
    const PassRecord *a = pair.left >= 0 ? &left->records[pair.left] : nullptr;
    const PassRecord *b =
        pair.right >= 0 ? &right->records[pair.right] : nullptr;
    const PassRecord &shown = a ? *a : *b;
    auto *item = new QTreeWidgetItem();
    item->setData(0, RowRole, int(row));
    item->setText(PassColumn, QString::fromStdString(shown.passName));
    item->setToolTip(PassColumn, QString::fromStdString(shown.passArgument));
    item->setText(AnchorColumn, anchorOf(shown));
    item->setText(LeftTimeColumn,
                  a ? QString::number(a->wallMs, 'f', 2) : QStringLiteral("—"));
    item->setText(RightTimeColumn,
                  b ? QString::number(b->wallMs, 'f', 2) : QStringLiteral("—"));
    item->setText(LeftChangedColumn, a && a->changed ? "●" : "");
    item->setText(RightChangedColumn, b && b->changed ? "●" : "");
    for (int column : {LeftTimeColumn, RightTimeColumn, LeftChangedColumn,
                       RightChangedColumn})
      item->setTextAlignment(column, Qt::AlignRight | Qt::AlignVCenter);
    if (!a || !b) {
      item->setText(IRColumn, a ? "left only" : "right only");
      for (int column = 0; column < ColumnCount; ++column)
        item->setBackground(column, kOneSided);
      (a ? leftOnly : rightOnly)++;
    } else if (pair.irDiffers) {
      item->setText(IRColumn, "differs");
      item->setBackground(IRColumn, kDiffers);
      ++differing;
    }
    item->setHidden(onlyDifferences->isChecked() && !pair.irDiffers);
    items.push_back(item);
  }
  table->addTopLevelItems(items);
  summary->setText(QStringLiteral("%1 aligned passes: the IR after %2 differs; "
                                  "%3 ran only left, %4 only right")
                       .arg(aligned.size())
                       .arg(differing)
                       .arg(leftOnly)
                       .arg(rightOnly));
  if (keepRight < 0 || !selectRightRecord(keepRight))
    selectRightRecord(right->records.empty() ? -1 : 0);
}

int CompareView::currentRow() const {
  QTreeWidgetItem *item = table->currentItem();
  return item ? item->data(0, RowRole).toInt() : -1;
}

bool CompareView::selectRightRecord(int record) {
  for (size_t row = 0; row < aligned.size(); ++row) {
    if (aligned[row].right != record)
      continue;
    QTreeWidgetItem *item = table->topLevelItem(row);
    if (item != table->currentItem()) {
      selectingProgrammatically = true;
      table->setCurrentItem(item);
      selectingProgrammatically = false;
    }
    table->scrollToItem(item);
    return true;
  }
  return false;
}

bool CompareView::selectNextDifference(bool fromStart) {
  if (!left || !right) {
    summary->setText("Nothing to compare: pin a compile first (Compile › Pin "
                     "for comparison, Ctrl+Shift+P).");
    return false;
  }
  int start = fromStart ? 0 : currentRow() + 1;
  for (int row = std::max(start, 0); row < int(aligned.size()); ++row) {
    if (!aligned[row].irDiffers)
      continue;
    QTreeWidgetItem *item = table->topLevelItem(row);
    table->setCurrentItem(item);
    table->scrollToItem(item);
    return true;
  }
  summary->setText(fromStart ? "The two compiles print the same IR after "
                               "every pass they share."
                             : "No later pass differs.");
  return false;
}

void CompareView::restrictTo(const QString &symbol) {
  restrictSymbol = symbol;
  if (int row = currentRow(); row >= 0)
    showRow(row);
}

void CompareView::showRow(int row) {
  shownDiff.clear();
  leftText.clear();
  rightText.clear();
  const AlignedPass &pair = aligned[row];
  const PassRecord *a = pair.left >= 0 ? &left->records[pair.left] : nullptr;
  const PassRecord *b = pair.right >= 0 ? &right->records[pair.right] : nullptr;
  const CapturedIR *irA = a ? a->irAfter.get() : nullptr;
  const CapturedIR *irB = b ? b->irAfter.get() : nullptr;
  std::string symbol = restrictSymbol.toStdString();
  bool restricted = !symbol.empty() && (a ? a->depth : b->depth) == 0;
  if (restricted) {
    const CapturedIR::Piece *pieceA = irA ? irA->findPiece(symbol) : nullptr;
    const CapturedIR::Piece *pieceB = irB ? irB->findPiece(symbol) : nullptr;
    static const std::string none;
    shownDiff =
        diffLines(pieceA ? *pieceA->text : none, pieceB ? *pieceB->text : none);
  } else if (irA && irB) {
    shownDiff = diffSnapshots(*irA, *irB);
  } else {
    // One side only: the whole of it, against nothing.
    leftText = irA ? irA->str() : std::string();
    rightText = irB ? irB->str() : std::string();
    shownDiff = diffLines(leftText, rightText);
  }
  auto name = [](const QString &side, const PassRecord *record) {
    return record ? QStringLiteral("%1 #%2 %3")
                        .arg(side)
                        .arg(record->index + 1)
                        .arg(QString::fromStdString(record->passName))
                  : side + " (did not run)";
  };
  diff->setDiff(shownDiff, name("left", a), name("right", b));
}

} // namespace tessera::explorer
