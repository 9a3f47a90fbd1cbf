//===- IRView.cpp - A read-only IR text view that stays fast --------------===//

#include "IRView.h"

#include "MLIRSyntax.h"

#include <QFontDatabase>
#include <QPainter>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextLayout>

namespace tessera::explorer {

namespace {

/// The gutter is a child widget that paints through its IRView.
class Gutter : public QWidget {
public:
  explicit Gutter(IRView *view) : QWidget(view), view(view) {}
  QSize sizeHint() const override { return {view->gutterWidth(), 0}; }

protected:
  void paintEvent(QPaintEvent *event) override { view->paintGutter(event); }

private:
  IRView *view;
};

/// A user state on blocks the highlighter has formatted.
constexpr int kHighlighted = 1;

QTextCharFormat formatFor(TokenClass kind) {
  QTextCharFormat format;
  switch (kind) {
  case TokenClass::Comment:
    format.setForeground(QColor(0x6a, 0x73, 0x7d));
    format.setFontItalic(true);
    break;
  case TokenClass::String:
    format.setForeground(QColor(0x03, 0x2f, 0x62));
    break;
  case TokenClass::Value:
    format.setForeground(QColor(0x00, 0x5c, 0xc5));
    break;
  case TokenClass::Block:
    format.setForeground(QColor(0x6f, 0x42, 0xc1));
    break;
  case TokenClass::Symbol:
    format.setForeground(QColor(0x6f, 0x42, 0xc1));
    format.setFontWeight(QFont::DemiBold);
    break;
  case TokenClass::AttributeAlias:
  case TokenClass::TypeAlias:
    format.setForeground(QColor(0x95, 0x38, 0x00));
    break;
  case TokenClass::OpName:
    format.setForeground(QColor(0xd7, 0x3a, 0x49));
    format.setFontWeight(QFont::DemiBold);
    break;
  case TokenClass::Type:
    format.setForeground(QColor(0x22, 0x86, 0x3a));
    break;
  case TokenClass::Keyword:
    format.setForeground(QColor(0x73, 0x3c, 0x8c));
    break;
  case TokenClass::Number:
    format.setForeground(QColor(0x00, 0x5c, 0xc5));
    break;
  }
  return format;
}

QColor colorFor(uint8_t mark) {
  switch (mark) {
  case IRView::AddedMark:
    return QColor(0xe6, 0xff, 0xec);
  case IRView::RemovedMark:
    return QColor(0xff, 0xeb, 0xe9);
  case IRView::FillerMark:
    return QColor(0xf0, 0xf0, 0xf0);
  case IRView::LinkedMark:
    return QColor(0xff, 0xf5, 0xb1);
  default:
    return {};
  }
}

} // namespace

IRView::IRView(QWidget *parent) : QPlainTextEdit(parent) {
  setReadOnly(true);
  setLineWrapMode(QPlainTextEdit::NoWrap);
  setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  setTextInteractionFlags(Qt::TextSelectableByMouse |
                          Qt::TextSelectableByKeyboard);
  // The cursor stays visible in a read-only view: it is how a line is
  // chosen for the source link.
  setCursorWidth(2);
  gutter = new Gutter(this);
  connect(this, &QPlainTextEdit::blockCountChanged, this,
          [this] { setViewportMargins(gutterWidth(), 0, 0, 0); });
  connect(this, &QPlainTextEdit::updateRequest, this, &IRView::updateGutter);
  setViewportMargins(gutterWidth(), 0, 0, 0);
}

void IRView::setText(const QString &text) {
  marks.clear();
  numbers.clear();
  setPlainText(text);
  setViewportMargins(gutterWidth(), 0, 0, 0);
  highlightVisibleLines();
}

void IRView::setLineMarks(std::vector<uint8_t> newMarks) {
  marks = std::move(newMarks);
  viewport()->update();
}

void IRView::setLineNumbers(std::vector<int> newNumbers) {
  numbers = std::move(newNumbers);
  setViewportMargins(gutterWidth(), 0, 0, 0);
  gutter->update();
}

void IRView::setLinkedLines(const std::vector<int> &lines) {
  std::vector<uint8_t> updated(std::max<size_t>(marks.size(), blockCount()),
                               NoMark);
  for (size_t i = 0; i < marks.size(); ++i)
    if (marks[i] != LinkedMark)
      updated[i] = marks[i];
  for (int line : lines)
    if (line >= 0 && line < static_cast<int>(updated.size()) &&
        updated[line] == NoMark)
      updated[line] = LinkedMark;
  setLineMarks(std::move(updated));
  if (!lines.empty()) {
    int first = *std::min_element(lines.begin(), lines.end());
    QTextBlock block = document()->findBlockByNumber(first);
    if (block.isValid()) {
      // Scroll without moving the cursor (the user's selection stays).
      int top = verticalScrollBar()->value();
      int visible = viewport()->height() / fontMetrics().height();
      if (first < top || first >= top + visible)
        verticalScrollBar()->setValue(std::max(0, first - visible / 3));
    }
  }
}

std::pair<int, int> IRView::selectedLines() const {
  QTextCursor cursor = textCursor();
  int begin = document()->findBlock(cursor.selectionStart()).blockNumber();
  int end = document()->findBlock(cursor.selectionEnd()).blockNumber();
  return {begin, end};
}

void IRView::goToLine(int line, int column) {
  QTextBlock block = document()->findBlockByNumber(line);
  if (!block.isValid())
    return;
  QTextCursor cursor(block);
  cursor.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor,
                      std::min(column, block.length() - 1));
  setTextCursor(cursor);
  centerCursor();
}

bool IRView::isHighlighted(int line) const {
  QTextBlock block = document()->findBlockByNumber(line);
  return block.isValid() && block.userState() == kHighlighted;
}

void IRView::highlightVisibleLines() {
  QTextBlock block = firstVisibleBlock();
  int bottom = viewport()->height();
  int first = -1, last = -1;
  // One screen past the bottom too, so scrolling shows formatted lines.
  for (int seen = 0; block.isValid() && seen < 2; block = block.next()) {
    if (blockBoundingGeometry(block).translated(contentOffset()).top() > bottom)
      ++seen;
    if (block.userState() == kHighlighted)
      continue;
    QList<QTextLayout::FormatRange> ranges;
    for (const SyntaxToken &token : lexMLIRLine(block.text()))
      ranges.push_back({token.start, token.length, formatFor(token.kind)});
    block.layout()->setFormats(ranges);
    block.setUserState(kHighlighted);
    if (first < 0)
      first = block.position();
    last = block.position() + block.length();
  }
  if (first >= 0)
    document()->markContentsDirty(first, last - first);
}

int IRView::gutterWidth() const {
  int largest = blockCount();
  for (int number : numbers)
    largest = std::max(largest, number);
  int digits = QString::number(std::max(1, largest)).size();
  return 10 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * digits;
}

void IRView::updateGutter(const QRect &rect, int dy) {
  if (dy)
    gutter->scroll(0, dy);
  else
    gutter->update(0, rect.y(), gutter->width(), rect.height());
  highlightVisibleLines();
}

void IRView::resizeEvent(QResizeEvent *event) {
  QPlainTextEdit::resizeEvent(event);
  QRect area = contentsRect();
  gutter->setGeometry(area.left(), area.top(), gutterWidth(), area.height());
}

void IRView::paintGutter(QPaintEvent *event) {
  QPainter painter(gutter);
  painter.fillRect(event->rect(), QColor(0xf6, 0xf8, 0xfa));
  painter.setPen(QColor(0x95, 0x9d, 0xa5));
  painter.setFont(font());
  QTextBlock block = firstVisibleBlock();
  QPointF offset = contentOffset();
  while (block.isValid()) {
    QRectF box = blockBoundingGeometry(block).translated(offset);
    if (box.top() > event->rect().bottom())
      break;
    int number = block.blockNumber();
    int label = numbers.empty()                             ? number + 1
                : number < static_cast<int>(numbers.size()) ? numbers[number]
                                                            : -1;
    if (label >= 0 && box.bottom() >= event->rect().top())
      painter.drawText(QRectF(0, box.top(), gutter->width() - 5, box.height()),
                       Qt::AlignRight | Qt::AlignVCenter,
                       QString::number(label));
    block = block.next();
  }
}

void IRView::paintEvent(QPaintEvent *event) {
  if (!marks.empty()) {
    QPainter painter(viewport());
    QTextBlock block = firstVisibleBlock();
    QPointF offset = contentOffset();
    int width = viewport()->width();
    while (block.isValid()) {
      QRectF box = blockBoundingGeometry(block).translated(offset);
      if (box.top() > event->rect().bottom())
        break;
      int number = block.blockNumber();
      if (number < static_cast<int>(marks.size()) && marks[number] != NoMark)
        painter.fillRect(QRectF(0, box.top(), width, box.height()),
                         colorFor(marks[number]));
      block = block.next();
    }
  }
  QPlainTextEdit::paintEvent(event);
}

} // namespace tessera::explorer
