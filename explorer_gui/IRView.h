//===- IRView.h - A read-only text view for very large IR -------*- C++ -*-===//
//
// Shows text by lines from one UTF-8 buffer and paints only the lines on
// screen, highlighting them as it paints: switching to a 100k-line module
// costs one scan for line starts, not a text document. Per-line background
// marks (diff additions and removals, source-linked ops), a gutter whose
// numbers can be replaced (a diff's old/new lines), a line cursor with
// selection, keyboard navigation, find and copy.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_EXPLORER_IRVIEW_H
#define TESSERA_EXPLORER_IRVIEW_H

#include <QAbstractScrollArea>

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::explorer {

class IRView : public QAbstractScrollArea {
  Q_OBJECT
public:
  enum LineMark : uint8_t {
    NoMark,
    AddedMark,
    RemovedMark,
    /// A blank row that aligns the two sides of a side-by-side diff.
    FillerMark,
    /// Ops linked to the current selection elsewhere (source <-> IR).
    LinkedMark,
  };

  explicit IRView(QWidget *parent = nullptr);

  /// Replaces the text; marks, custom line numbers and the cursor reset.
  void setText(std::string text);
  void setText(const QString &text) { setText(text.toStdString()); }
  QString toPlainText() const { return QString::fromStdString(text); }
  int lineCount() const { return lineStarts.size(); }
  QString lineText(int line) const;

  void setLineMarks(std::vector<uint8_t> marks);
  const std::vector<uint8_t> &getLineMarks() const { return marks; }
  /// Line-number labels per line (-1 shows none); empty: 1, 2, 3, ...
  void setLineNumbers(std::vector<int> numbers);
  /// Marks `lines` (0-based) as linked and scrolls `focus` (by default
  /// the first of them) into view without moving the cursor.
  void setLinkedLines(const std::vector<int> &lines, int focus = -1);

  /// The cursor (0-based line and column, in characters).
  int cursorLine() const { return cursor; }
  int cursorColumn() const { return column; }
  /// The first and last line of the selection (the cursor's line alone
  /// without one).
  std::pair<int, int> selectedLines() const;
  void goToLine(int line, int column = 0);
  /// Selects the next (or previous) line containing `needle` after the
  /// cursor, wrapping around; false when no line has it.
  bool find(const QString &needle, bool backwards = false);
  /// Scrolls so that `line` is the first one shown.
  void scrollToLine(int line);
  int firstVisibleLine() const;

  /// A run of text the last paint drew: line, first column, length and
  /// where it starts (viewport x). For tests of glyph positions.
  struct PaintedRun {
    int line, column, length;
    qreal x;
  };
  const std::vector<PaintedRun> &lastPaintedRuns() const { return painted; }
  /// The viewport x where the text of column 0 starts.
  qreal textOrigin() const;

Q_SIGNALS:
  void cursorPositionChanged();

protected:
  void paintEvent(QPaintEvent *event) override;
  void resizeEvent(QResizeEvent *event) override;
  void mousePressEvent(QMouseEvent *event) override;
  void mouseMoveEvent(QMouseEvent *event) override;
  void keyPressEvent(QKeyEvent *event) override;

private:
  void moveCursor(int line, int column, bool extend);
  void updateScrollBars();
  int gutterWidth() const;
  int lineHeight() const;
  int lineAt(int y) const;
  void ensureVisible(int line, bool center);

  std::string text;
  std::vector<uint32_t> lineStarts;
  size_t longestLine = 0;
  std::vector<uint8_t> marks;
  std::vector<int> numbers;
  /// The column at viewport x `x` on `line`, from the font's advances.
  int columnAt(int line, qreal x) const;
  /// Where column `column` of `line` starts, from the text origin.
  qreal advanceTo(int line, int column) const;

  int cursor = 0, column = 0, anchor = 0;
  /// The font's advance of one character: a fixed-width font's for every
  /// character, an estimate only to size scroll ranges and windows.
  qreal charWidth = 8;
  std::vector<PaintedRun> painted;
};

} // namespace tessera::explorer

#endif // TESSERA_EXPLORER_IRVIEW_H
