//===- PassFilterModel.cpp - Hide unchanged passes, filter by name --------===//

#include "PassFilterModel.h"

#include "PassTreeModel.h"

namespace tessera::explorer {

PassFilterModel::PassFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent) {
  // A group is shown when one of its passes is accepted.
  setRecursiveFilteringEnabled(true);
}

void PassFilterModel::setHideUnchanged(bool hide) {
  hideUnchanged = hide;
  invalidateFilter();
}

void PassFilterModel::setNameFilter(const QString &text) {
  name = text.trimmed();
  invalidateFilter();
}

bool PassFilterModel::filterAcceptsRow(int row,
                                       const QModelIndex &parent) const {
  QModelIndex index = sourceModel()->index(row, 0, parent);
  int record = index.data(PassTreeModel::RecordIndexRole).toInt();
  if (record < 0)
    return false;
  if (hideUnchanged && !index.data(PassTreeModel::ChangedRole).toBool())
    return false;
  return name.isEmpty() ||
         index.data(Qt::DisplayRole)
             .toString()
             .contains(name, Qt::CaseInsensitive) ||
         index.data(Qt::ToolTipRole)
             .toString()
             .contains(name, Qt::CaseInsensitive);
}

} // namespace tessera::explorer
