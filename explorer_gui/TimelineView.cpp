//===- TimelineView.cpp - Dispatches on a time axis -----------------------===//

#include "TimelineView.h"

#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace tessera::explorer {

namespace {
constexpr int kLabelWidth = 140;
constexpr int kLaneHeight = 28;
constexpr int kRulerHeight = 20;
} // namespace

TimelineView::TimelineView(QWidget *parent) : QWidget(parent) {
  setMouseTracking(true);
  setMinimumHeight(kRulerHeight + 2 * kLaneHeight);
}

void TimelineView::setTimeline(QStringList lanes, std::vector<Item> items) {
  laneNames = std::move(lanes);
  entries = std::move(items);
  setMinimumHeight(kRulerHeight +
                   std::max<int>(2, laneNames.size()) * kLaneHeight);
  fitAll();
}

double TimelineView::endMicroseconds() const {
  double end = 0;
  for (const Item &item : entries)
    end = std::max(end, item.startMicroseconds + item.microseconds);
  return end;
}

void TimelineView::fitAll() {
  originMicroseconds = 0;
  double width = std::max(1, this->width() - kLabelWidth - 4);
  microsecondsPerPixel = std::max(endMicroseconds(), 1.0) / width;
  fitted = true;
  update();
}

void TimelineView::zoom(double factor, double anchor) {
  double at =
      originMicroseconds + (anchor - kLabelWidth) * microsecondsPerPixel;
  microsecondsPerPixel = std::max(1e-4, microsecondsPerPixel / factor);
  originMicroseconds = at - (anchor - kLabelWidth) * microsecondsPerPixel;
  fitted = false;
  update();
}

QRectF TimelineView::itemRect(const Item &item) const {
  double x = kLabelWidth + (item.startMicroseconds - originMicroseconds) /
                               microsecondsPerPixel;
  // At least a pixel: the shortest dispatches stay visible.
  double w = std::max(1.0, item.microseconds / microsecondsPerPixel);
  return QRectF(x, kRulerHeight + item.lane * kLaneHeight + 3, w,
                kLaneHeight - 6);
}

int TimelineView::itemAt(QPoint point) const {
  for (int i = entries.size() - 1; i >= 0; --i)
    if (itemRect(entries[i]).adjusted(-1, 0, 1, 0).contains(point))
      return i;
  return -1;
}

void TimelineView::paintEvent(QPaintEvent *) {
  QPainter painter(this);
  painter.fillRect(rect(), palette().base());
  // Ruler: ticks at round numbers (1, 2 or 5 x 10^k us) at least 90 px
  // apart.
  double least = microsecondsPerPixel * 90;
  double step = std::pow(10, std::floor(std::log10(least)));
  for (double multiple : {1.0, 2.0, 5.0, 10.0})
    if (step * multiple >= least) {
      step *= multiple;
      break;
    }
  painter.setPen(palette().color(QPalette::Mid));
  double first = std::ceil(originMicroseconds / step) * step;
  for (double t = first;; t += step) {
    double x = kLabelWidth + (t - originMicroseconds) / microsecondsPerPixel;
    if (x > width())
      break;
    painter.drawLine(QPointF(x, kRulerHeight - 5), QPointF(x, height()));
    // The unit of the step, so that labels stay short.
    QString label = step >= 1e6   ? QString::number(t / 1e6, 'g', 6) + " s"
                    : step >= 1e3 ? QString::number(t / 1e3, 'g', 6) + " ms"
                                  : QString::number(t, 'g', 6) + " us";
    painter.drawText(QPointF(x + 2, kRulerHeight - 7), label);
  }
  // Lanes.
  for (int lane = 0; lane < laneNames.size(); ++lane) {
    QRect labelRect(4, kRulerHeight + lane * kLaneHeight, kLabelWidth - 8,
                    kLaneHeight);
    painter.setPen(palette().color(QPalette::Text));
    painter.drawText(labelRect, Qt::AlignVCenter | Qt::AlignLeft,
                     painter.fontMetrics().elidedText(
                         laneNames[lane], Qt::ElideRight, labelRect.width()));
  }
  painter.setClipRect(kLabelWidth, kRulerHeight, width() - kLabelWidth,
                      height() - kRulerHeight);
  for (const Item &item : entries) {
    QRectF box = itemRect(item);
    if (box.right() < kLabelWidth || box.left() > width())
      continue;
    // One hue per export, stable across runs.
    QColor color =
        item.exportName.isEmpty()
            ? QColor(170, 170, 170)
            : QColor::fromHsv(qHash(item.exportName) % 360, 120, 230);
    painter.fillRect(box, color);
    painter.setPen(color.darker(150));
    painter.drawRect(box);
    if (box.width() > 30) {
      painter.setPen(Qt::black);
      painter.drawText(box.adjusted(3, 0, -3, 0), Qt::AlignVCenter,
                       painter.fontMetrics().elidedText(
                           item.label, Qt::ElideRight, box.width() - 6));
    }
  }
}

void TimelineView::wheelEvent(QWheelEvent *event) {
  double factor = event->angleDelta().y() > 0 ? 1.25 : 0.8;
  zoom(factor, event->position().x());
  event->accept();
}

void TimelineView::mousePressEvent(QMouseEvent *event) {
  dragX = event->position().x();
  dragged = false;
}

void TimelineView::mouseMoveEvent(QMouseEvent *event) {
  if (dragX >= 0 && (event->buttons() & Qt::LeftButton)) {
    int dx = event->position().x() - dragX;
    if (dx != 0) {
      originMicroseconds -= dx * microsecondsPerPixel;
      dragX = event->position().x();
      dragged = true;
      fitted = false;
      update();
    }
    return;
  }
  int index = itemAt(event->position().toPoint());
  if (index >= 0)
    QToolTip::showText(event->globalPosition().toPoint(),
                       entries[index].details, this);
  else
    QToolTip::hideText();
}

void TimelineView::mouseReleaseEvent(QMouseEvent *event) {
  if (!dragged) {
    int index = itemAt(event->position().toPoint());
    if (index >= 0 && !entries[index].exportName.isEmpty())
      Q_EMIT exportClicked(entries[index].exportName);
  }
  dragX = -1;
}

void TimelineView::resizeEvent(QResizeEvent *) {
  if (fitted)
    fitAll();
}

} // namespace tessera::explorer
