//===- DispatchGraphView.h - The program as a graph of dispatches -*- C++ -*-=//
//
// Draws a compile's DispatchGraph: a box per dispatch listing the source
// ops fused into it, its export and workgroup count; the program's inputs
// and results; the tensors between them with their sizes. Laid out by
// GraphLayout; zoom (Ctrl+wheel, +/-), pan (drag), fit, find. Choosing a
// node tells the window, which selects the export, its IR and its source
// ops.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_EXPLORER_DISPATCHGRAPHVIEW_H
#define TESSERA_EXPLORER_DISPATCHGRAPHVIEW_H

#include "ExplorerCompile.h"
#include "GraphLayout.h"

#include <QWidget>

#include <memory>

class QGraphicsScene;
class QGraphicsView;
class QLabel;
class QLineEdit;
class QTreeWidget;

namespace tessera::explorer {

class GraphNodeItem;
class GraphOverview;
class GraphEdgeItem;

class DispatchGraphView : public QWidget {
  Q_OBJECT
public:
  explicit DispatchGraphView(QWidget *parent = nullptr);
  ~DispatchGraphView() override;

  void setOutcome(std::shared_ptr<const CompileOutcome> outcome);

  /// One dispatch's part of a profile.
  struct Hotspot {
    int dispatch;
    QString exportName;
    /// Of the calls' total time, 0 to 1.
    double share;
    double meanMicroseconds;
  };
  /// Colours the nodes by their share of a profile's time and lists them
  /// beside the graph, the largest first; empty: back to plain. A new
  /// outcome clears it.
  void setHotspots(std::vector<Hotspot> hotspots);
  QTreeWidget *hotspotList() const { return hotspotTree; }
  GraphOverview *overview() const { return overviewView; }
  /// Selects the node of dispatch `index` (in CompileOutcome::dispatches)
  /// and scrolls to it without emitting dispatchSelected.
  bool selectDispatch(int index);
  /// The selected dispatch, or -1.
  int selectedDispatch() const;
  /// Selects the next node whose dispatch, export or ops contain `text`.
  bool find(const QString &text);
  void zoomBy(double factor);
  void fitToWindow();

  QGraphicsView *view() const { return graphView; }
  QGraphicsScene *scene() const { return graphScene; }
  /// What was laid out: the graph's nodes, then a copy of an input for
  /// each of its readers but the first; the edges in graph order.
  const GraphLayout &layout() const { return currentLayout; }
  const std::vector<LayoutSize> &laidOutSizes() const { return layoutSizes; }
  const std::vector<LayoutEdge> &laidOutEdges() const { return layoutEdges; }
  /// The node items in DispatchGraph::nodes order.
  const std::vector<GraphNodeItem *> &nodeItems() const { return nodes; }
  const std::vector<GraphEdgeItem *> &edgeItems() const { return edges; }

Q_SIGNALS:
  /// The user chose the node of dispatch `index`.
  void dispatchSelected(int index);
  /// The user asked to see the dispatch's IR (double click).
  void dispatchActivated(int index);

private:
  void rebuild();
  void highlightSelection();

  std::shared_ptr<const CompileOutcome> outcome;
  QGraphicsScene *graphScene;
  QGraphicsView *graphView;
  QLineEdit *findLine;
  QLabel *summary;
  GraphOverview *overviewView;
  QTreeWidget *hotspotTree;
  GraphLayout currentLayout;
  std::vector<LayoutSize> layoutSizes;
  std::vector<LayoutEdge> layoutEdges;
  std::vector<GraphNodeItem *> nodes;
  std::vector<GraphEdgeItem *> edges;
  bool selectingProgrammatically = false;
  int lastFound = -1;
};

} // namespace tessera::explorer

#endif // TESSERA_EXPLORER_DISPATCHGRAPHVIEW_H
