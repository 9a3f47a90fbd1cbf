//===- DispatchGraphItems.h - Nodes and edges of the dispatch graph -*- C++
//-*-//
//
// The scene items DispatchGraphView draws: a node per dispatch (its export,
// the source ops fused into it, workgroups, constants) or program
// input/result, and an edge per tensor passed (a curve through the layers
// it crosses, with its type and size).
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_EXPLORER_DISPATCHGRAPHITEMS_H
#define TESSERA_EXPLORER_DISPATCHGRAPHITEMS_H

#include "ExplorerCompile.h"
#include "GraphLayout.h"

#include <QFont>
#include <QGraphicsItem>
#include <QPainterPath>
#include <QStringList>

#include <functional>

namespace tessera::explorer {

class GraphNodeItem : public QGraphicsItem {
public:
  GraphNodeItem(const mlir::tessera::DispatchGraph::Node &node,
                const CompileOutcome &outcome, const QFont &titleFont,
                const QFont &bodyFont);

  QRectF boundingRect() const override;
  void paint(QPainter *painter, const QStyleOptionGraphicsItem *,
             QWidget *) override;

  QSizeF nodeSize() const { return size; }
  /// The dispatch's index, or -1 for program inputs and results.
  int dispatchIndex() const { return dispatch; }
  const QString &titleText() const { return title; }
  const QStringList &lineTexts() const { return lines; }
  /// Colours the node by its share of a profile's time: `heat` from 0
  /// (none) to 1 (the largest share), `label` ("12.3 %") in its title;
  /// a negative heat removes it.
  void setHeat(qreal heat, const QString &label);
  qreal heatValue() const { return heat; }
  /// Called with the dispatch on a double click.
  void setOnActivated(std::function<void(int)> callback) {
    onActivated = std::move(callback);
  }

protected:
  void mouseDoubleClickEvent(QGraphicsSceneMouseEvent *event) override;

private:
  int dispatch;
  bool terminal;
  QFont titleFont, bodyFont;
  QString title;
  QStringList lines;
  QSizeF size;
  qreal titleHeight = 0, lineHeight = 0;
  qreal heat = -1;
  QString heatLabel;
  std::function<void(int)> onActivated;
};

class GraphEdgeItem : public QGraphicsItem {
public:
  /// Where the type and size go: by the end where the edge is alone.
  enum class LabelPlacement { BelowSource, AboveTarget, Halfway };
  GraphEdgeItem(const mlir::tessera::DispatchGraph::Edge &edge,
                const std::vector<LayoutPoint> &route, LabelPlacement placement,
                const QFont &font);

  QRectF boundingRect() const override;
  void paint(QPainter *painter, const QStyleOptionGraphicsItem *,
             QWidget *) override;

  unsigned source() const { return from; }
  unsigned target() const { return to; }
  const QString &labelText() const { return label; }
  /// Drawn in the selection's colour, above the other edges.
  void setHighlighted(bool on);
  bool isHighlighted() const { return highlighted; }

private:
  unsigned from, to;
  QFont font;
  QString label;
  QPainterPath path;
  QPointF end;
  QRectF labelRect;
  bool highlighted = false;
};

} // namespace tessera::explorer

#endif // TESSERA_EXPLORER_DISPATCHGRAPHITEMS_H
