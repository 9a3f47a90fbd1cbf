//===- IRView.h - A read-only IR text view that stays fast ------*- C++ -*-===//
//
// QPlainTextEdit with MLIR highlighting applied only to the lines on screen
// (a 20k-line module is shown without formatting all of it), per-line
// background marks (diff additions and removals, source-linked ops), and a
// line-number gutter that can show other numbers (a diff's old/new lines).
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_EXPLORER_IRVIEW_H
#define TESSERA_EXPLORER_IRVIEW_H

#include <QPlainTextEdit>

#include <cstdint>
#include <vector>

namespace tessera::explorer {

class IRView : public QPlainTextEdit {
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

  /// Replaces the text; marks and custom line numbers are cleared.
  void setText(const QString &text);
  void setLineMarks(std::vector<uint8_t> marks);
  const std::vector<uint8_t> &getLineMarks() const { return marks; }
  /// Line-number labels per line (-1 shows none); empty: 1, 2, 3, ...
  void setLineNumbers(std::vector<int> numbers);
  /// Marks `lines` (0-based) as linked and scrolls the first into view.
  void setLinkedLines(const std::vector<int> &lines);
  /// The 0-based lines of the cursor's selection (or its line).
  std::pair<int, int> selectedLines() const;
  void goToLine(int line, int column = 0);
  /// Whether the line has been formatted by the highlighter (it has been on
  /// screen).
  bool isHighlighted(int line) const;

  int gutterWidth() const;
  void paintGutter(QPaintEvent *event);

protected:
  void paintEvent(QPaintEvent *event) override;
  void resizeEvent(QResizeEvent *event) override;

private:
  void highlightVisibleLines();
  void updateGutter(const QRect &rect, int dy);

  QWidget *gutter;
  std::vector<uint8_t> marks;
  std::vector<int> numbers;
};

} // namespace tessera::explorer

#endif // TESSERA_EXPLORER_IRVIEW_H
