//===- IRView.cpp - A read-only text view for very large IR ---------------===//

#include "IRView.h"

#include "MLIRSyntax.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QTextLayout>

#include <algorithm>
#include <cmath>

namespace tessera::explorer {

namespace {

QColor colorFor(TokenClass kind) {
  switch (kind) {
  case TokenClass::Comment:
    return QColor(0x6a, 0x73, 0x7d);
  case TokenClass::String:
    return QColor(0x03, 0x2f, 0x62);
  case TokenClass::Value:
  case TokenClass::Number:
    return QColor(0x00, 0x5c, 0xc5);
  case TokenClass::Block:
  case TokenClass::Symbol:
    return QColor(0x6f, 0x42, 0xc1);
  case TokenClass::AttributeAlias:
  case TokenClass::TypeAlias:
    return QColor(0x95, 0x38, 0x00);
  case TokenClass::OpName:
    return QColor(0xd7, 0x3a, 0x49);
  case TokenClass::Type:
    return QColor(0x22, 0x86, 0x3a);
  case TokenClass::Keyword:
    return QColor(0x73, 0x3c, 0x8c);
  }
  return Qt::black;
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

/// Lines up to this long are shaped whole when painted.
constexpr int kShapeWholeLine = 4096;

/// Tabs shown as two spaces: columns stay one character wide.
QString displayed(QString line) { return line.replace('\t', "  "); }

} // namespace

IRView::IRView(QWidget *parent) : QAbstractScrollArea(parent) {
  setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  setFocusPolicy(Qt::StrongFocus);
  viewport()->setCursor(Qt::IBeamCursor);
  viewport()->setBackgroundRole(QPalette::Base);
  viewport()->setAutoFillBackground(true);
  charWidth = std::max<qreal>(
      1, QFontMetricsF(font()).horizontalAdvance(QLatin1Char('M')));
  setText(std::string());
}

void IRView::setText(std::string newText) {
  text = std::move(newText);
  lineStarts.clear();
  lineStarts.push_back(0);
  longestLine = 0;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') {
      longestLine = std::max(longestLine, i - start);
      start = i + 1;
      lineStarts.push_back(start);
    }
  longestLine = std::max(longestLine, text.size() - start);
  marks.clear();
  numbers.clear();
  cursor = column = anchor = 0;
  updateScrollBars();
  verticalScrollBar()->setValue(0);
  horizontalScrollBar()->setValue(0);
  viewport()->update();
}

QString IRView::lineText(int line) const {
  if (line < 0 || line >= lineCount())
    return {};
  size_t begin = lineStarts[line];
  size_t end = line + 1 < lineCount() ? lineStarts[line + 1] - 1 : text.size();
  return QString::fromUtf8(text.data() + begin, end - begin);
}

void IRView::setLineMarks(std::vector<uint8_t> newMarks) {
  marks = std::move(newMarks);
  viewport()->update();
}

void IRView::setLineNumbers(std::vector<int> newNumbers) {
  numbers = std::move(newNumbers);
  updateScrollBars();
  viewport()->update();
}

void IRView::setLinkedLines(const std::vector<int> &lines, int focus) {
  std::vector<uint8_t> updated(std::max<size_t>(marks.size(), lineCount()),
                               NoMark);
  for (size_t i = 0; i < marks.size(); ++i)
    if (marks[i] != LinkedMark)
      updated[i] = marks[i];
  for (int line : lines)
    if (line >= 0 && line < static_cast<int>(updated.size()) &&
        updated[line] == NoMark)
      updated[line] = LinkedMark;
  setLineMarks(std::move(updated));
  if (focus >= 0)
    ensureVisible(focus, /*center=*/false);
  else if (!lines.empty())
    ensureVisible(*std::min_element(lines.begin(), lines.end()),
                  /*center=*/false);
}

std::pair<int, int> IRView::selectedLines() const {
  return {std::min(anchor, cursor), std::max(anchor, cursor)};
}

int IRView::lineHeight() const { return fontMetrics().lineSpacing(); }

int IRView::gutterWidth() const {
  int largest = lineCount();
  for (int number : numbers)
    largest = std::max(largest, number);
  QString digits = QString::number(std::max(1, largest));
  return 12 + std::ceil(QFontMetricsF(font()).horizontalAdvance(
                  QString(digits.size(), QLatin1Char('9'))));
}

qreal IRView::textOrigin() const {
  return gutterWidth() + 4 - horizontalScrollBar()->value();
}

qreal IRView::advanceTo(int line, int newColumn) const {
  QString content = displayed(lineText(line));
  newColumn = std::clamp(newColumn, 0, int(content.size()));
  return QFontMetricsF(font()).horizontalAdvance(content.left(newColumn));
}

int IRView::columnAt(int line, qreal x) const {
  QString content = displayed(lineText(line));
  qreal offset = x - textOrigin();
  if (offset <= 0 || content.isEmpty())
    return 0;
  QTextLayout layout(content, font());
  layout.beginLayout();
  QTextLine textLine = layout.createLine();
  textLine.setLineWidth(1e9);
  layout.endLayout();
  return textLine.xToCursor(offset);
}

int IRView::firstVisibleLine() const { return verticalScrollBar()->value(); }

int IRView::lineAt(int y) const {
  return std::clamp(firstVisibleLine() + y / lineHeight(), 0, lineCount() - 1);
}

void IRView::scrollToLine(int line) { verticalScrollBar()->setValue(line); }

void IRView::ensureVisible(int line, bool center) {
  int visible = std::max(1, viewport()->height() / lineHeight());
  int first = firstVisibleLine();
  if (center)
    scrollToLine(std::max(0, line - visible / 2));
  else if (line < first || line >= first + visible)
    scrollToLine(std::max(0, line - visible / 3));
}

void IRView::updateScrollBars() {
  int visible = std::max(1, viewport()->height() / lineHeight());
  verticalScrollBar()->setRange(0, std::max(0, lineCount() - visible));
  verticalScrollBar()->setPageStep(visible);
  verticalScrollBar()->setSingleStep(1);
  int textWidth = viewport()->width() - gutterWidth();
  horizontalScrollBar()->setRange(
      0,
      std::max(0, int(std::ceil((longestLine + 2) * charWidth)) - textWidth));
  horizontalScrollBar()->setPageStep(std::max(1, textWidth));
  horizontalScrollBar()->setSingleStep(std::ceil(charWidth * 4));
}

void IRView::resizeEvent(QResizeEvent *event) {
  QAbstractScrollArea::resizeEvent(event);
  updateScrollBars();
}

void IRView::moveCursor(int line, int newColumn, bool extend) {
  line = std::clamp(line, 0, lineCount() - 1);
  newColumn = std::max(0, newColumn);
  if (line == cursor && newColumn == column && (extend || anchor == cursor))
    return;
  cursor = line;
  column = newColumn;
  if (!extend)
    anchor = line;
  viewport()->update();
  Q_EMIT cursorPositionChanged();
}

void IRView::goToLine(int line, int newColumn) {
  if (line < 0 || line >= lineCount())
    return;
  moveCursor(line, newColumn, /*extend=*/false);
  ensureVisible(line, /*center=*/true);
}

bool IRView::find(const QString &needle, bool backwards) {
  if (needle.isEmpty() || text.empty())
    return false;
  std::string pattern = needle.toStdString();
  int count = lineCount();
  for (int step = 1; step <= count; ++step) {
    int line =
        ((backwards ? cursor - step : cursor + step) % count + count) % count;
    size_t begin = lineStarts[line];
    size_t end = line + 1 < count ? lineStarts[line + 1] : text.size();
    size_t at = text.find(pattern, begin);
    if (at != std::string::npos && at + pattern.size() <= end) {
      goToLine(line, QString::fromUtf8(text.data() + begin, at - begin).size());
      return true;
    }
  }
  return false;
}

void IRView::mousePressEvent(QMouseEvent *event) {
  if (event->button() != Qt::LeftButton)
    return;
  int line = lineAt(event->position().y());
  moveCursor(line, columnAt(line, event->position().x()),
             event->modifiers() & Qt::ShiftModifier);
}

void IRView::mouseMoveEvent(QMouseEvent *event) {
  if (!(event->buttons() & Qt::LeftButton))
    return;
  int line = lineAt(event->position().y());
  moveCursor(line, columnAt(line, event->position().x()), /*extend=*/true);
  ensureVisible(cursor, /*center=*/false);
}

void IRView::keyPressEvent(QKeyEvent *event) {
  bool extend = event->modifiers() & Qt::ShiftModifier;
  int page = std::max(1, viewport()->height() / lineHeight() - 1);
  int line = cursor;
  switch (event->key()) {
  case Qt::Key_Up:
    line -= 1;
    break;
  case Qt::Key_Down:
    line += 1;
    break;
  case Qt::Key_PageUp:
    line -= page;
    break;
  case Qt::Key_PageDown:
    line += page;
    break;
  case Qt::Key_Home:
    if (event->modifiers() & Qt::ControlModifier)
      line = 0;
    break;
  case Qt::Key_End:
    if (event->modifiers() & Qt::ControlModifier)
      line = lineCount() - 1;
    break;
  default:
    if (event->matches(QKeySequence::Copy)) {
      auto [first, last] = selectedLines();
      QStringList lines;
      for (int i = first; i <= last; ++i)
        lines << lineText(i);
      QApplication::clipboard()->setText(lines.join('\n'));
      return;
    }
    if (event->matches(QKeySequence::SelectAll)) {
      anchor = 0;
      moveCursor(lineCount() - 1, 0, /*extend=*/true);
      return;
    }
    QAbstractScrollArea::keyPressEvent(event);
    return;
  }
  moveCursor(line, column, extend);
  ensureVisible(cursor, /*center=*/false);
}

void IRView::paintEvent(QPaintEvent *event) {
  QPainter painter(viewport());
  painter.setFont(font());
  const int height = lineHeight();
  const int ascent = fontMetrics().ascent();
  const int gutter = gutterWidth();
  const int width = viewport()->width();
  const int scrollX = horizontalScrollBar()->value();
  const int first = firstVisibleLine();
  const int rows = viewport()->height() / height + 2;
  auto [selectionFirst, selectionLast] = selectedLines();
  bool selecting = selectionFirst != selectionLast;
  const QFontMetricsF metrics(font());
  const qreal origin = textOrigin();
  painted.clear();

  painter.setClipRect(gutter, 0, width - gutter, viewport()->height());
  for (int row = 0; row < rows; ++row) {
    int line = first + row;
    if (line >= lineCount())
      break;
    int y = row * height;
    if (line < static_cast<int>(marks.size()) && marks[line] != NoMark)
      painter.fillRect(gutter, y, width - gutter, height,
                       colorFor(marks[line]));
    if (selecting && line >= selectionFirst && line <= selectionLast)
      painter.fillRect(gutter, y, width - gutter, height,
                       QColor(0x1f, 0x6f, 0xeb, 0x30));
    if (line == cursor) {
      painter.setPen(QColor(0x1f, 0x6f, 0xeb, hasFocus() ? 0xa0 : 0x50));
      painter.drawRect(gutter, y, width - gutter - 1, height - 1);
    }
    QString content = displayed(lineText(line));
    // Every glyph where the font puts it (its shaped advances, kerning
    // included), not at a column times a character width: a font whose
    // advances are fractional, or a fallback glyph, would drift the tokens
    // into each other. A very long line is shaped from the window on
    // screen on, placed at its prefix's advance.
    int from = 0, to = content.size();
    qreal fromX = 0;
    if (content.size() > kShapeWholeLine) {
      from = std::max(0, int((scrollX - 4) / charWidth) - 64);
      to = std::min<int>(content.size(),
                         from + int((width - gutter) / charWidth) + 128);
      fromX = metrics.horizontalAdvance(content.left(from));
    }
    QString shown = content.mid(from, to - from);
    QList<QTextLayout::FormatRange> formats;
    for (const SyntaxToken &token : lexMLIRLine(content)) {
      int start = std::max(token.start, from),
          end = std::min(token.start + token.length, to);
      if (start >= end)
        continue;
      QTextLayout::FormatRange range;
      range.start = start - from;
      range.length = end - start;
      range.format.setForeground(colorFor(token.kind));
      formats.push_back(range);
    }
    QTextLayout layout(shown, font());
    layout.setFormats(formats);
    layout.beginLayout();
    QTextLine textLine = layout.createLine();
    textLine.setLineWidth(1e9);
    layout.endLayout();
    qreal x0 = origin + fromX;
    painter.setPen(Qt::black);
    layout.draw(&painter, QPointF(x0, y + ascent - textLine.ascent()));
    // What was drawn where, token by token and the text between.
    int at = 0;
    auto record = [&](int start, int end) {
      if (start < end)
        painted.push_back(
            {line, from + start, end - start, x0 + textLine.cursorToX(start)});
    };
    for (const QTextLayout::FormatRange &range : formats) {
      record(at, range.start);
      record(range.start, range.start + range.length);
      at = range.start + range.length;
    }
    record(at, shown.size());
    if (line == cursor && hasFocus()) {
      qreal caret = column <= to && column >= from
                        ? x0 + textLine.cursorToX(column - from)
                        : origin + advanceTo(line, column);
      painter.fillRect(QRectF(caret, y, 2, height), QColor(0x1f, 0x6f, 0xeb));
    }
  }

  // The gutter, over the text's left edge.
  painter.setClipping(false);
  painter.fillRect(0, 0, gutter, viewport()->height(),
                   QColor(0xf6, 0xf8, 0xfa));
  painter.setPen(QColor(0x95, 0x9d, 0xa5));
  for (int row = 0; row < rows; ++row) {
    int line = first + row;
    if (line >= lineCount())
      break;
    int label = numbers.empty()                           ? line + 1
                : line < static_cast<int>(numbers.size()) ? numbers[line]
                                                          : -1;
    if (label >= 0)
      painter.drawText(QRect(0, row * height, gutter - 6, height),
                       Qt::AlignRight | Qt::AlignVCenter,
                       QString::number(label));
  }
  (void)event;
}

} // namespace tessera::explorer
