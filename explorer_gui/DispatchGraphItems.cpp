//===- DispatchGraphItems.cpp - Nodes and edges of the dispatch graph ----===//

#include "DispatchGraphItems.h"

#include <QFileInfo>
#include <QFontMetricsF>
#include <QPainter>

using namespace mlir::tessera;

namespace tessera::explorer {

namespace {
constexpr int kMaxOpLines = 8;
constexpr qreal kPadding = 6, kRadius = 5;
const QColor kDispatchFill(0xf4, 0xf8, 0xfd), kDispatchHeader(0xd6, 0xe4, 0xf5),
    kBorder(0x4a, 0x78, 0xb0), kTerminalFill(0xee, 0xee, 0xee),
    kSelected(0xd9, 0x82, 0x2b), kEdge(0x80, 0x80, 0x80),
    kEdgeLabel(0x50, 0x50, 0x50);

/// "tensor<4x32xf32>" -> "4x32xf32".
QString shortType(const std::string &type) {
  QString text = QString::fromStdString(type);
  if (text.startsWith("tensor<") && text.endsWith('>'))
    return text.mid(7, text.size() - 8);
  return text;
}

/// The export's own name when known (it says what the dispatch computes),
/// else the dispatch's.
QString titleOf(const DispatchInfo &info) {
  QString ref = QString::fromStdString(info.exportRef);
  int last = ref.lastIndexOf("::@");
  if (last >= 0)
    return ref.mid(last + 3);
  return QString::fromStdString(info.name);
}

} // namespace

GraphNodeItem::GraphNodeItem(const DispatchGraph::Node &node,
                             const CompileOutcome &outcome,
                             const QFont &titleFont, const QFont &bodyFont)
    : dispatch(node.dispatch),
      terminal(node.kind != DispatchGraph::Node::Kind::Dispatch),
      titleFont(titleFont), bodyFont(bodyFont) {
  setFlags(ItemIsSelectable);
  if (terminal) {
    bool input = node.kind == DispatchGraph::Node::Kind::Input;
    title = QStringLiteral("%1 %2")
                .arg(input ? "input" : "result")
                .arg(node.position);
    lines << "@" + QString::fromStdString(node.function);
  } else if (node.dispatch >= 0 &&
             node.dispatch < int(outcome.dispatches.size())) {
    const DispatchInfo &info = outcome.dispatches[node.dispatch];
    title = titleOf(info);
    QStringList tip{QString::fromStdString(info.name)};
    if (!info.exportRef.empty())
      tip << QString::fromStdString(info.exportRef);
    int shown = 0;
    for (unsigned i : info.computeOps) {
      QString line =
          QStringLiteral("%1  %2:%3")
              .arg(QString::fromStdString(info.opNames[i]),
                   QFileInfo(QString::fromStdString(info.ops[i].file))
                       .fileName())
              .arg(info.ops[i].line);
      tip << line;
      if (shown++ < kMaxOpLines)
        lines << line;
    }
    if (shown > kMaxOpLines)
      lines << QStringLiteral("… %1 more").arg(shown - kMaxOpLines);
    QStringList footer;
    if (info.workgroups)
      footer << QStringLiteral("workgroups %1×%2×%3")
                    .arg((*info.workgroups)[0])
                    .arg((*info.workgroups)[1])
                    .arg((*info.workgroups)[2]);
    if (node.constants)
      footer << QStringLiteral("%1 const, %2")
                    .arg(node.constants)
                    .arg(QString::fromStdString(
                        formatByteSize(node.constantBytes)));
    if (!footer.isEmpty())
      lines << footer.join(" · ");
    setToolTip(tip.join('\n'));
  }
  QFontMetricsF titleMetrics(titleFont), bodyMetrics(bodyFont);
  qreal width = titleMetrics.horizontalAdvance(title);
  for (const QString &line : lines)
    width = std::max(width, bodyMetrics.horizontalAdvance(line));
  titleHeight = titleMetrics.height() + kPadding;
  lineHeight = bodyMetrics.height();
  size = QSizeF(width + 2 * kPadding,
                titleHeight + lines.size() * lineHeight + kPadding);
}

QRectF GraphNodeItem::boundingRect() const {
  // Above the box: room for the share of a profile.
  return QRectF(-size.width() / 2 - 2, -size.height() / 2 - 2 - lineHeight,
                size.width() + 4, size.height() + 4 + lineHeight);
}

void GraphNodeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *,
                          QWidget *) {
  QRectF box(-size.width() / 2, -size.height() / 2, size.width(),
             size.height());
  painter->setRenderHint(QPainter::Antialiasing);
  painter->setPen(
      QPen(isSelected() ? kSelected : kBorder, isSelected() ? 2.5 : 1));
  QColor fill = terminal ? kTerminalFill : kDispatchFill;
  if (heat >= 0) {
    // White to orange to red as the share grows.
    QColor hot =
        heat < 0.5 ? QColor(0xff, 0xb8, 0x6c) : QColor(0xf8, 0x51, 0x49);
    qreal t = heat < 0.5 ? heat * 2 : (heat - 0.5) * 2;
    QColor from =
        heat < 0.5 ? QColor(0xff, 0xf8, 0xf0) : QColor(0xff, 0xb8, 0x6c);
    fill = QColor::fromRgbF(from.redF() + (hot.redF() - from.redF()) * t,
                            from.greenF() + (hot.greenF() - from.greenF()) * t,
                            from.blueF() + (hot.blueF() - from.blueF()) * t);
  }
  painter->setBrush(fill);
  painter->drawRoundedRect(box, kRadius, kRadius);
  if (!terminal && heat < 0) {
    QPainterPath header;
    header.addRoundedRect(box.adjusted(0.5, 0.5, -0.5, 0), kRadius, kRadius);
    QPainterPath band;
    band.addRect(box.left(), box.top(), box.width(), titleHeight);
    painter->fillPath(header.intersected(band), kDispatchHeader);
  }
  painter->setPen(Qt::black);
  painter->setFont(titleFont);
  painter->drawText(QRectF(box.left() + kPadding, box.top(),
                           box.width() - 2 * kPadding, titleHeight),
                    Qt::AlignVCenter | Qt::AlignLeft, title);
  // The share over the box's right corner, clear of the title.
  if (!heatLabel.isEmpty()) {
    painter->setFont(bodyFont);
    painter->setPen(QColor(0xa4, 0x0e, 0x26));
    painter->drawText(
        QRectF(box.left(), box.top() - lineHeight - 1, box.width(), lineHeight),
        Qt::AlignBottom | Qt::AlignRight, heatLabel + " of the time");
    painter->setPen(Qt::black);
  }
  painter->setFont(bodyFont);
  qreal y = box.top() + titleHeight + kPadding / 2;
  for (const QString &line : lines) {
    painter->drawText(QRectF(box.left() + kPadding, y,
                             box.width() - 2 * kPadding, lineHeight),
                      Qt::AlignVCenter | Qt::AlignLeft, line);
    y += lineHeight;
  }
}

void GraphNodeItem::setHeat(qreal newHeat, const QString &label) {
  heat = newHeat;
  heatLabel = newHeat >= 0 ? label : QString();
  update();
}

void GraphNodeItem::mouseDoubleClickEvent(QGraphicsSceneMouseEvent *event) {
  if (dispatch >= 0 && onActivated)
    onActivated(dispatch);
  QGraphicsItem::mouseDoubleClickEvent(event);
}

GraphEdgeItem::GraphEdgeItem(const DispatchGraph::Edge &edge,
                             const std::vector<LayoutPoint> &route,
                             LabelPlacement placement, const QFont &font)
    : from(edge.from), to(edge.to), font(font) {
  setZValue(-1);
  label = shortType(edge.type);
  if (edge.bytes)
    label += " · " + QString::fromStdString(formatByteSize(*edge.bytes));
  QStringList tip{QString::fromStdString(edge.type)};
  for (const std::string &via : edge.via)
    tip << "via " + QString::fromStdString(via);
  setToolTip(tip.join('\n'));
  // Vertical tangents at every point: the curve leaves and enters nodes
  // straight and runs smoothly through the layers.
  path.moveTo(route.front().x, route.front().y);
  for (size_t i = 1; i < route.size(); ++i) {
    QPointF a(route[i - 1].x, route[i - 1].y), b(route[i].x, route[i].y);
    qreal bend = (b.y() - a.y()) / 2;
    path.cubicTo(a + QPointF(0, bend), b - QPointF(0, bend), b);
  }
  end = QPointF(route.back().x, route.back().y);
  // The label goes where this edge is alone: below its source, or above
  // its target; where both are shared, halfway, on the side the edge
  // bends away from.
  QFontMetricsF metrics(font);
  auto pointOn = [&](size_t segment, qreal t) {
    QPointF a(route[segment].x, route[segment].y),
        b(route[segment + 1].x, route[segment + 1].y);
    qreal bend = (b.y() - a.y()) / 2, u = 1 - t;
    QPointF c1 = a + QPointF(0, bend), c2 = b - QPointF(0, bend);
    return u * u * u * a + 3 * u * u * t * c1 + 3 * u * t * t * c2 +
           t * t * t * b;
  };
  QPointF at;
  bool leftSide = false;
  if (placement == LabelPlacement::BelowSource) {
    at = pointOn(0, 0.3);
  } else if (placement == LabelPlacement::AboveTarget) {
    at = pointOn(route.size() - 2, 0.7);
  } else {
    at = pointOn(0, 0.5);
    leftSide = route[1].x < route[0].x - 1;
  }
  qreal width = metrics.horizontalAdvance(label) + 2;
  qreal left = leftSide ? at.x() - 6 - width : at.x() + 6;
  labelRect =
      QRectF(left, at.y() - metrics.height() / 2, width, metrics.height());
}

QRectF GraphEdgeItem::boundingRect() const {
  return path.boundingRect().adjusted(-6, -6, 6, 6).united(labelRect);
}

void GraphEdgeItem::setHighlighted(bool on) {
  if (highlighted == on)
    return;
  highlighted = on;
  setZValue(on ? 0.5 : -1);
  update();
}

void GraphEdgeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *,
                          QWidget *) {
  painter->setRenderHint(QPainter::Antialiasing);
  QColor color = highlighted ? kSelected : kEdge;
  painter->setPen(QPen(color, highlighted ? 2 : 1.2));
  painter->setBrush(Qt::NoBrush);
  painter->drawPath(path);
  QPolygonF arrow;
  arrow << end << end + QPointF(-4, -8) << end + QPointF(4, -8);
  painter->setBrush(color);
  painter->drawPolygon(arrow);
  painter->setFont(font);
  painter->setPen(highlighted ? kSelected : kEdgeLabel);
  painter->drawText(labelRect, Qt::AlignLeft | Qt::AlignVCenter, label);
}

} // namespace tessera::explorer
