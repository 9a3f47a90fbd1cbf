//===- DispatchGraphView.cpp - The program as a graph of dispatches -------===//

#include "DispatchGraphView.h"
#include "GraphOverview.h"

#include "DispatchGraphItems.h"

#include <QFileInfo>
#include <QFontDatabase>
#include <QFontMetricsF>
#include <QGraphicsItem>
#include <QGraphicsScene>
#include <QGraphicsSceneMouseEvent>
#include <QGraphicsView>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QSplitter>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <cmath>
#include <utility>

using namespace mlir::tessera;

namespace tessera::explorer {

namespace {
/// Zooms with Ctrl+wheel and +/-; plain wheel scrolls.
class ZoomingGraphicsView : public QGraphicsView {
public:
  ZoomingGraphicsView(QGraphicsScene *scene, DispatchGraphView *owner)
      : QGraphicsView(scene, owner), owner(owner) {}

protected:
  void wheelEvent(QWheelEvent *event) override {
    if (event->modifiers() & Qt::ControlModifier) {
      owner->zoomBy(std::pow(1.0015, event->angleDelta().y()));
      event->accept();
      return;
    }
    QGraphicsView::wheelEvent(event);
  }
  void keyPressEvent(QKeyEvent *event) override {
    if (event->key() == Qt::Key_Plus || event->key() == Qt::Key_Equal)
      owner->zoomBy(1.25);
    else if (event->key() == Qt::Key_Minus)
      owner->zoomBy(0.8);
    else
      QGraphicsView::keyPressEvent(event);
  }

private:
  DispatchGraphView *owner;
};
} // namespace

DispatchGraphView::DispatchGraphView(QWidget *parent) : QWidget(parent) {
  auto *layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto *bar = new QHBoxLayout();
  bar->setContentsMargins(4, 2, 4, 2);
  summary = new QLabel(this);
  summary->setObjectName("graphSummary");
  summary->setWordWrap(true);
  summary->setContentsMargins(4, 0, 4, 0);
  bar->addStretch(1);
  findLine = new QLineEdit(this);
  findLine->setObjectName("graphFind");
  findLine->setPlaceholderText("Find dispatch or op (Enter)");
  findLine->setClearButtonEnabled(true);
  findLine->setMinimumWidth(160);
  bar->addWidget(findLine);
  for (auto [text, factor] :
       {std::pair<const char *, double>{"−", 0.8}, {"+", 1.25}}) {
    auto *button = new QPushButton(text, this);
    button->setMaximumWidth(32);
    connect(button, &QPushButton::clicked, this,
            [this, factor = factor] { zoomBy(factor); });
    bar->addWidget(button);
  }
  auto *fit = new QPushButton("Fit", this);
  connect(fit, &QPushButton::clicked, this, &DispatchGraphView::fitToWindow);
  bar->addWidget(fit);
  auto *actual = new QPushButton("100%", this);
  connect(actual, &QPushButton::clicked, this,
          [this] { graphView->resetTransform(); });
  bar->addWidget(actual);
  layout->addLayout(bar);
  layout->addWidget(summary);

  graphScene = new QGraphicsScene(this);
  graphView = new ZoomingGraphicsView(graphScene, this);
  graphView->setObjectName("graphView");
  graphView->setDragMode(QGraphicsView::ScrollHandDrag);
  graphView->setRenderHints(QPainter::Antialiasing |
                            QPainter::TextAntialiasing);
  graphView->setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
  graphView->setBackgroundBrush(Qt::white);
  overviewView = new GraphOverview(graphView);
  overviewView->hide();

  // After a profile: the dispatches by their share of the time.
  hotspotTree = new QTreeWidget(this);
  hotspotTree->setObjectName("hotspots");
  hotspotTree->setHeaderLabels({"Share (%)", "Dispatch"});
  hotspotTree->setRootIsDecorated(false);
  hotspotTree->setMinimumWidth(200);
  // "72 conv_2d_nhwc_hwcf_1x7…": the number and the op stay readable.
  hotspotTree->setTextElideMode(Qt::ElideRight);
  hotspotTree->header()->setStretchLastSection(false);
  hotspotTree->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  hotspotTree->header()->setSectionResizeMode(1, QHeaderView::Stretch);
  hotspotTree->setToolTip("The dispatches of the last profile, the largest "
                          "share of its time first; choose one to see it");
  hotspotTree->hide();
  auto *split = new QSplitter(Qt::Horizontal, this);
  split->setObjectName("graphSplit");
  split->addWidget(graphView);
  split->addWidget(hotspotTree);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 1);
  layout->addWidget(split, 1);
  connect(hotspotTree, &QTreeWidget::currentItemChanged, this,
          [this](QTreeWidgetItem *item) {
            if (!item)
              return;
            int dispatch = item->data(0, Qt::UserRole).toInt();
            if (selectDispatch(dispatch))
              Q_EMIT dispatchSelected(dispatch);
          });

  connect(graphScene, &QGraphicsScene::selectionChanged, this, [this] {
    highlightSelection();
    int selected = selectedDispatch();
    if (!selectingProgrammatically && selected >= 0)
      Q_EMIT dispatchSelected(selected);
  });
  connect(findLine, &QLineEdit::returnPressed, this,
          [this] { find(findLine->text()); });
}

DispatchGraphView::~DispatchGraphView() {
  // The scene deletes its items after this; they must not call back.
  disconnect(graphScene, nullptr, this, nullptr);
}

void DispatchGraphView::setOutcome(std::shared_ptr<const CompileOutcome> next) {
  outcome = std::move(next);
  rebuild();
}

void DispatchGraphView::rebuild() {
  int previous = selectedDispatch();
  // Forget the items before the scene deletes them (deleting a selected
  // item changes the selection).
  nodes.clear();
  edges.clear();
  selectingProgrammatically = true;
  graphScene->clear();
  selectingProgrammatically = false;
  currentLayout = {};
  lastFound = -1;
  if (!outcome || outcome->graph.nodes.empty()) {
    overviewView->hide();
    hotspotTree->clear();
    hotspotTree->hide();
    summary->setText(
        !outcome              ? QString()
        : outcome->inProgress ? "Compiling: the graph is drawn when the "
                                "compile ends."
        : outcome->cancelled  ? "The compile was cancelled: no dispatches to "
                                "draw."
        : outcome->crashed    ? "The compile crashed before its dispatches "
                                "were read."
                              : "No dispatches: the compile stopped before "
                                "the flow phase or the program has none.");
    return;
  }
  const DispatchGraph &graph = outcome->graph;
  QFont bodyFont = QFontDatabase::systemFont(QFontDatabase::FixedFont);
  bodyFont.setPointSizeF(bodyFont.pointSizeF() * 0.9);
  QFont titleFont = font();
  titleFont.setBold(true);
  QFont edgeFont = font();
  edgeFont.setPointSizeF(edgeFont.pointSizeF() * 0.85);

  layoutSizes.clear();
  layoutEdges.clear();
  for (const DispatchGraph::Node &node : graph.nodes) {
    auto *item = new GraphNodeItem(node, *outcome, titleFont, bodyFont);
    item->setOnActivated(
        [this](int dispatch) { Q_EMIT dispatchActivated(dispatch); });
    nodes.push_back(item);
    layoutSizes.push_back(
        {item->nodeSize().width(), item->nodeSize().height()});
  }
  // An input read by many dispatches (weights passed as arguments) would
  // draw a bundle of long edges down the whole graph: its first reader
  // gets the input, every other one a copy of it right above.
  std::vector<char> read(graph.nodes.size(), false);
  std::vector<GraphNodeItem *> copies;
  for (const DispatchGraph::Edge &edge : graph.edges) {
    unsigned from = edge.from;
    if (graph.nodes[from].kind == DispatchGraph::Node::Kind::Input &&
        std::exchange(read[from], char(true))) {
      auto *copy =
          new GraphNodeItem(graph.nodes[from], *outcome, titleFont, bodyFont);
      copy->setFlag(QGraphicsItem::ItemIsSelectable, false);
      copies.push_back(copy);
      from = layoutSizes.size();
      layoutSizes.push_back(layoutSizes[edge.from]);
    }
    layoutEdges.push_back({from, edge.to});
  }
  currentLayout = layoutLayered(layoutSizes, layoutEdges);
  for (unsigned i = 0; i < nodes.size(); ++i) {
    nodes[i]->setPos(currentLayout.centers[i].x, currentLayout.centers[i].y);
    graphScene->addItem(nodes[i]);
  }
  for (unsigned i = 0; i < copies.size(); ++i) {
    const LayoutPoint &center = currentLayout.centers[nodes.size() + i];
    copies[i]->setPos(center.x, center.y);
    graphScene->addItem(copies[i]);
  }
  std::vector<unsigned> outDegree(layoutSizes.size()),
      inDegree(layoutSizes.size());
  for (const LayoutEdge &edge : layoutEdges)
    ++outDegree[edge.from], ++inDegree[edge.to];
  for (unsigned e = 0; e < graph.edges.size(); ++e) {
    using Placement = GraphEdgeItem::LabelPlacement;
    Placement placement =
        outDegree[layoutEdges[e].from] == 1 ? Placement::BelowSource
        : inDegree[layoutEdges[e].to] == 1  ? Placement::AboveTarget
                                            : Placement::Halfway;
    auto *item = new GraphEdgeItem(graph.edges[e], currentLayout.routes[e],
                                   placement, edgeFont);
    edges.push_back(item);
    graphScene->addItem(item);
  }
  graphScene->setSceneRect(0, 0, currentLayout.width, currentLayout.height);

  int64_t moved = 0;
  for (const DispatchGraph::Edge &edge : graph.edges)
    moved += edge.bytes.value_or(0);
  summary->setText(
      QStringLiteral("%1 dispatches, %2 tensors (%3) in %4 "
                     "layers")
          .arg(outcome->dispatches.size())
          .arg(graph.edges.size())
          .arg(QString::fromStdString(formatByteSize(moved)))
          .arg(currentLayout.layers.empty()
                   ? 0
                   : *std::max_element(currentLayout.layers.begin(),
                                       currentLayout.layers.end()) +
                         1));
  if (previous >= 0)
    selectDispatch(previous);
  else
    graphView->centerOn(currentLayout.width / 2, 0);
  // A graph larger than the view gets its overview.
  setHotspots({});
  QTimer::singleShot(0, this, [this] { overviewView->refit(); });
}

void DispatchGraphView::setHotspots(std::vector<Hotspot> hotspots) {
  std::stable_sort(
      hotspots.begin(), hotspots.end(),
      [](const Hotspot &a, const Hotspot &b) { return a.share > b.share; });
  double largest = hotspots.empty() ? 0 : hotspots.front().share;
  for (GraphNodeItem *node : nodes)
    node->setHeat(-1, {});
  hotspotTree->clear();
  for (const Hotspot &hotspot : hotspots) {
    for (GraphNodeItem *node : nodes)
      if (node->dispatchIndex() == hotspot.dispatch)
        node->setHeat(largest > 0 ? hotspot.share / largest : 0,
                      QString::number(100 * hotspot.share, 'f', 1) + " %");
    // "12 conv_2d_nhwc_hwcf_...": the number and op, not the function.
    QString name = hotspot.exportName;
    if (int at = name.indexOf("dispatch_"); at >= 0) {
      name = name.mid(at + 9);
      if (int underscore = name.indexOf('_'); underscore > 0)
        name[underscore] = ' ';
    }
    auto *item = new QTreeWidgetItem(
        {QString::number(100 * hotspot.share, 'f', 1), name});
    item->setData(0, Qt::UserRole, hotspot.dispatch);
    QString tip = QString("%1\n%2 us per call, %3 % of the time")
                      .arg(hotspot.exportName)
                      .arg(hotspot.meanMicroseconds, 0, 'f', 1)
                      .arg(100 * hotspot.share, 0, 'f', 1);
    item->setToolTip(0, tip);
    item->setToolTip(1, tip);
    item->setTextAlignment(0, Qt::AlignRight | Qt::AlignVCenter);
    hotspotTree->addTopLevelItem(item);
  }

  bool wasHidden = hotspotTree->isHidden();
  hotspotTree->setVisible(!hotspots.empty());
  // Wide enough to read share, number and op.
  if (wasHidden && !hotspots.empty())
    if (auto *split = qobject_cast<QSplitter *>(hotspotTree->parentWidget())) {
      int total = split->width();
      int list = std::min(340, total * 2 / 5);
      split->setSizes({total - list, list});
    }
  overviewView->viewport()->update();
}

bool DispatchGraphView::selectDispatch(int index) {
  for (GraphNodeItem *item : nodes) {
    if (item->dispatchIndex() != index)
      continue;
    selectingProgrammatically = true;
    graphScene->clearSelection();
    item->setSelected(true);
    selectingProgrammatically = false;
    graphView->ensureVisible(item, 40, 40);
    return true;
  }
  return false;
}

int DispatchGraphView::selectedDispatch() const {
  for (GraphNodeItem *item : nodes)
    if (item->isSelected())
      return item->dispatchIndex();
  return -1;
}

void DispatchGraphView::highlightSelection() {
  for (GraphEdgeItem *edge : edges)
    edge->setHighlighted(nodes[edge->source()]->isSelected() ||
                         nodes[edge->target()]->isSelected());
}

bool DispatchGraphView::find(const QString &text) {
  if (text.isEmpty() || nodes.empty())
    return false;
  for (size_t step = 1; step <= nodes.size(); ++step) {
    size_t at = (lastFound + step) % nodes.size();
    GraphNodeItem *item = nodes[at];
    bool match = item->titleText().contains(text, Qt::CaseInsensitive) ||
                 item->toolTip().contains(text, Qt::CaseInsensitive);
    if (!match)
      continue;
    lastFound = at;
    graphScene->clearSelection();
    item->setSelected(true);
    graphView->centerOn(item);
    return true;
  }
  summary->setText("Not found: " + text);
  return false;
}

void DispatchGraphView::zoomBy(double factor) {
  double scale = graphView->transform().m11() * factor;
  if (scale < 0.05 || scale > 4)
    return;
  graphView->scale(factor, factor);
  overviewView->viewport()->update();
}

void DispatchGraphView::fitToWindow() {
  graphView->fitInView(graphScene->sceneRect(), Qt::KeepAspectRatio);
  overviewView->viewport()->update();
}

} // namespace tessera::explorer
