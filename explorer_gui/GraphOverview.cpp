//===- GraphOverview.cpp - A minimap of the dispatch graph ----------------===//

#include "GraphOverview.h"

#include <QEvent>
#include <QMouseEvent>
#include <QScrollBar>

namespace tessera::explorer {

namespace {
constexpr int kMaxWidth = 180, kMaxHeight = 220, kMargin = 8;
} // namespace

GraphOverview::GraphOverview(QGraphicsView *main)
    : QGraphicsView(main->scene(), main), main(main) {
  setObjectName("graphOverview");
  setInteractive(false);
  setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setFrameShape(QFrame::Box);
  setBackgroundBrush(QColor(0xfa, 0xfb, 0xfc));
  setCursor(Qt::PointingHandCursor);
  setToolTip("Overview: click or drag to move the graph view");
  // Redraw the outline whenever the main view moves or is resized.
  for (QScrollBar *bar :
       {main->horizontalScrollBar(), main->verticalScrollBar()})
    connect(bar, &QScrollBar::valueChanged, viewport(),
            [this] { viewport()->update(); });
  main->installEventFilter(this);
}

void GraphOverview::refit() {
  QRectF scene = main->scene()->sceneRect();
  if (scene.isEmpty()) {
    hide();
    return;
  }
  // The scene's aspect, within the largest box allowed.
  qreal scale =
      std::min(kMaxWidth / scene.width(), kMaxHeight / scene.height());
  int width = std::max(40, int(scene.width() * scale) + 2);
  int height = std::max(40, int(scene.height() * scale) + 2);
  resize(width, height);
  move(main->width() - width - kMargin -
           (main->verticalScrollBar()->isVisible()
                ? main->verticalScrollBar()->width()
                : 0),
       main->height() - height - kMargin -
           (main->horizontalScrollBar()->isVisible()
                ? main->horizontalScrollBar()->height()
                : 0));
  fitInView(scene, Qt::KeepAspectRatio);
  raise();
  show();
  viewport()->update();
}

QRectF GraphOverview::shownArea() const {
  return main->mapToScene(main->viewport()->rect()).boundingRect();
}

void GraphOverview::drawForeground(QPainter *painter, const QRectF &) {
  painter->setPen(QPen(QColor(0x1f, 0x6f, 0xeb), 0));
  painter->setBrush(QColor(0x1f, 0x6f, 0xeb, 0x28));
  painter->drawRect(shownArea().intersected(main->scene()->sceneRect()));
}

void GraphOverview::mousePressEvent(QMouseEvent *event) {
  main->centerOn(mapToScene(event->position().toPoint()));
  viewport()->update();
  event->accept();
}

void GraphOverview::mouseMoveEvent(QMouseEvent *event) {
  if (event->buttons() & Qt::LeftButton)
    mousePressEvent(event);
}

void GraphOverview::wheelEvent(QWheelEvent *event) { event->accept(); }

bool GraphOverview::eventFilter(QObject *watched, QEvent *event) {
  if (watched == main && event->type() == QEvent::Resize)
    refit();
  return QGraphicsView::eventFilter(watched, event);
}

} // namespace tessera::explorer
