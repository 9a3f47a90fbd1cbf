//===- TimelineView.h - Dispatches on a time axis ---------------*- C++ -*-===//
//
// A profile's calls and dispatches as bars on lanes (the host's calls, then
// one lane per device queue), like a trace viewer: the wheel zooms around
// the pointer, dragging pans, hovering tells the dispatch's details, and a
// click names its export.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_EXPLORER_TIMELINEVIEW_H
#define TESSERA_EXPLORER_TIMELINEVIEW_H

#include <QString>
#include <QStringList>
#include <QWidget>

#include <vector>

namespace tessera::explorer {

class TimelineView : public QWidget {
  Q_OBJECT
public:
  struct Item {
    int lane = 0;
    double startMicroseconds = 0, microseconds = 0;
    QString label;
    /// Shown on hover.
    QString details;
    /// Named by a click ("" for calls).
    QString exportName;
  };

  explicit TimelineView(QWidget *parent = nullptr);

  void setTimeline(QStringList lanes, std::vector<Item> items);
  const std::vector<Item> &items() const { return entries; }
  const QStringList &lanes() const { return laneNames; }

  /// Shows everything (zoom 1).
  void fitAll();
  /// Microseconds per pixel now.
  double scale() const { return microsecondsPerPixel; }
  /// Zooms by `factor` (> 1 in) around the x pixel `anchor`.
  void zoom(double factor, double anchor);
  /// The item under a point, or -1.
  int itemAt(QPoint point) const;

  QSize sizeHint() const override { return {800, 160}; }

Q_SIGNALS:
  void exportClicked(const QString &exportName);

protected:
  void paintEvent(QPaintEvent *event) override;
  void wheelEvent(QWheelEvent *event) override;
  void mousePressEvent(QMouseEvent *event) override;
  void mouseMoveEvent(QMouseEvent *event) override;
  void mouseReleaseEvent(QMouseEvent *event) override;
  void resizeEvent(QResizeEvent *event) override;

private:
  QRectF itemRect(const Item &item) const;
  double endMicroseconds() const;

  QStringList laneNames;
  std::vector<Item> entries;
  double microsecondsPerPixel = 1;
  /// The time at the left edge of the bars.
  double originMicroseconds = 0;
  bool fitted = true;
  int dragX = -1;
  bool dragged = false;
};

} // namespace tessera::explorer

#endif // TESSERA_EXPLORER_TIMELINEVIEW_H
