//===- PassTreeModel.cpp - The captured passes as a tree ------------------===//

#include "PassTreeModel.h"

#include <QBrush>
#include <QColor>
#include <QFont>

#include <map>

using mlir::tessera::PassRecord;

namespace tessera::explorer {

struct PassTreeModel::Node {
  Node *parent = nullptr;
  int row = 0;
  /// -1 for groups.
  int record = -1;
  QString label;
  /// Groups: sum of their passes; passes: their own.
  double wallMs = 0;
  bool changed = false;
  std::vector<std::unique_ptr<Node>> children;
  /// Groups by label, to find a child anchor group again.
  std::map<QString, Node *> groups;

  Node *group(const QString &name) {
    auto it = groups.find(name);
    if (it != groups.end())
      return it->second;
    auto child = std::make_unique<Node>();
    child->parent = this;
    child->row = children.size();
    child->label = name;
    Node *raw = child.get();
    children.push_back(std::move(child));
    groups[name] = raw;
    return raw;
  }
};

PassTreeModel::PassTreeModel(QObject *parent)
    : QAbstractItemModel(parent), root(std::make_unique<Node>()) {}

PassTreeModel::~PassTreeModel() = default;

void PassTreeModel::setMarkedRecords(const std::vector<int> &records) {
  std::vector<bool> next(this->records ? this->records->size() : 0, false);
  for (int record : records)
    if (record >= 0 && size_t(record) < next.size())
      next[record] = true;
  std::swap(marked, next);
  // Repaint the rows whose mark changed.
  for (size_t record = 0; record < marked.size(); ++record)
    if (marked[record] != (record < next.size() && next[record]))
      if (QModelIndex row = indexOfRecord(record); row.isValid())
        Q_EMIT dataChanged(row, row.siblingAtColumn(ColumnCount - 1),
                           {Qt::BackgroundRole, Qt::FontRole});
}

void PassTreeModel::setRecords(const std::vector<PassRecord> *newRecords) {
  marked.clear();
  beginResetModel();
  records = newRecords;
  root = std::make_unique<Node>();
  recordNodes.clear();
  if (records) {
    recordNodes.resize(records->size(), nullptr);
    for (const PassRecord &record : *records) {
      Node *parent = root->group(QString::fromStdString(record.phase));
      // "builtin.module/hal.executable @a/hal.executable.variant @v": one
      // group per op below the module.
      QStringList parts =
          QString::fromStdString(record.nesting).split('/', Qt::SkipEmptyParts);
      for (int i = 1; i < parts.size(); ++i)
        parent = parent->group(parts[i]);
      auto node = std::make_unique<Node>();
      node->parent = parent;
      node->row = parent->children.size();
      node->record = record.index;
      node->label = QString::fromStdString(record.passName);
      node->wallMs = record.wallMs;
      node->changed = record.changed;
      recordNodes[record.index] = node.get();
      for (Node *up = parent; up; up = up->parent) {
        up->wallMs += record.wallMs;
        up->changed |= record.changed;
      }
      parent->children.push_back(std::move(node));
    }
  }
  endResetModel();
}

PassTreeModel::Node *PassTreeModel::nodeOf(const QModelIndex &index) const {
  return index.isValid() ? static_cast<Node *>(index.internalPointer())
                         : root.get();
}

QModelIndex PassTreeModel::indexOfRecord(int recordIndex) const {
  if (recordIndex < 0 || recordIndex >= static_cast<int>(recordNodes.size()))
    return {};
  Node *node = recordNodes[recordIndex];
  return createIndex(node->row, 0, node);
}

QModelIndex PassTreeModel::index(int row, int column,
                                 const QModelIndex &parent) const {
  Node *node = nodeOf(parent);
  if (row < 0 || row >= static_cast<int>(node->children.size()) || column < 0 ||
      column >= ColumnCount)
    return {};
  return createIndex(row, column, node->children[row].get());
}

QModelIndex PassTreeModel::parent(const QModelIndex &child) const {
  if (!child.isValid())
    return {};
  Node *parent = nodeOf(child)->parent;
  if (!parent || parent == root.get())
    return {};
  return createIndex(parent->row, 0, parent);
}

int PassTreeModel::rowCount(const QModelIndex &parent) const {
  if (parent.isValid() && parent.column() != 0)
    return 0;
  return nodeOf(parent)->children.size();
}

int PassTreeModel::columnCount(const QModelIndex &) const {
  return ColumnCount;
}

QVariant PassTreeModel::data(const QModelIndex &index, int role) const {
  if (!index.isValid())
    return {};
  Node *node = nodeOf(index);
  switch (role) {
  case Qt::DisplayRole:
    switch (index.column()) {
    case PassColumn:
      if (node->record >= 0)
        return QStringLiteral("%1  %2")
            .arg(node->record + 1, 3)
            .arg(node->label);
      return node->label;
    case TimeColumn:
      return QString::number(node->wallMs, 'f', node->wallMs < 10 ? 2 : 1);
    case ChangedColumn:
      return node->changed ? QStringLiteral("●") : QString();
    }
    break;
  case Qt::ToolTipRole:
    if (node->record >= 0 && records) {
      const PassRecord &record = (*records)[node->record];
      return QStringLiteral("%1\n%2\non %3\n%4 ms%5")
          .arg(QString::fromStdString(record.passName),
               QString::fromStdString(record.passArgument),
               QString::fromStdString(record.nesting))
          .arg(record.wallMs, 0, 'f', 3)
          .arg(record.failed    ? QStringLiteral(", failed")
               : record.changed ? QStringLiteral(", changed the IR")
                                : QStringLiteral(", no change"));
    }
    return node->label;
  case Qt::BackgroundRole:
    if (isMarked(node->record))
      return QBrush(QColor(0xff, 0xf5, 0xb1));
    break;
  case Qt::ForegroundRole:
    if (node->record >= 0 && records && (*records)[node->record].failed)
      return QBrush(QColor(0xcf, 0x22, 0x2e));
    if (node->record >= 0 && !node->changed)
      return QBrush(QColor(0x80, 0x80, 0x80));
    if (index.column() == ChangedColumn)
      return QBrush(QColor(0xd0, 0x70, 0x00));
    break;
  case Qt::FontRole:
    if (isMarked(node->record)) {
      QFont font;
      font.setBold(true);
      return font;
    }
    if (node->record < 0) {
      QFont font;
      font.setBold(node->parent == root.get());
      return font;
    }
    break;
  case Qt::TextAlignmentRole:
    if (index.column() != PassColumn)
      return int(Qt::AlignRight | Qt::AlignVCenter);
    break;
  case RecordIndexRole:
    return node->record;
  case ChangedRole:
    return node->changed;
  }
  return {};
}

QVariant PassTreeModel::headerData(int section, Qt::Orientation orientation,
                                   int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
    return {};
  switch (section) {
  case PassColumn:
    return QStringLiteral("Pass");
  case TimeColumn:
    return QStringLiteral("ms");
  case ChangedColumn:
    return QStringLiteral("Δ");
  }
  return {};
}

} // namespace tessera::explorer
