//===- GraphOverview.h - A minimap of the dispatch graph --------*- C++ -*-===//
//
// A small view of the whole dispatch graph in a corner of the graph view,
// with the part the graph view shows outlined: a model of a few hundred
// dispatches is a tall graph of which the view shows a few nodes at a
// readable size. Clicking or dragging in it moves the graph view there.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_EXPLORER_GRAPHOVERVIEW_H
#define TESSERA_EXPLORER_GRAPHOVERVIEW_H

#include <QGraphicsView>

namespace tessera::explorer {

class GraphOverview : public QGraphicsView {
  Q_OBJECT
public:
  /// An overview of `main`'s scene, floating over `main`.
  explicit GraphOverview(QGraphicsView *main);

  /// Fits the whole scene again (after it changed) and places the overview
  /// in `main`'s lower right corner.
  void refit();
  /// The part of the scene `main` shows, as outlined.
  QRectF shownArea() const;

protected:
  void drawForeground(QPainter *painter, const QRectF &rect) override;
  void mousePressEvent(QMouseEvent *event) override;
  void mouseMoveEvent(QMouseEvent *event) override;
  void wheelEvent(QWheelEvent *event) override;
  bool eventFilter(QObject *watched, QEvent *event) override;

private:
  QGraphicsView *main;
};

} // namespace tessera::explorer

#endif // TESSERA_EXPLORER_GRAPHOVERVIEW_H
