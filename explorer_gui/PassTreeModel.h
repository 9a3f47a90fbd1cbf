//===- PassTreeModel.h - The captured passes as a tree ----------*- C++ -*-===//
//
// Phases at the top; under each, the passes on the module and, for nested
// pipelines, one group per anchor op (`hal.executable @d0` >
// `hal.executable.variant @v` > passes), as the pass manager nested them.
// Columns: pass, anchor, time, changed.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_EXPLORER_PASSTREEMODEL_H
#define TESSERA_EXPLORER_PASSTREEMODEL_H

#include "Pipeline/PassCapture.h"

#include <QAbstractItemModel>

#include <memory>
#include <vector>

namespace tessera::explorer {

class PassTreeModel : public QAbstractItemModel {
  Q_OBJECT
public:
  enum Column { PassColumn, TimeColumn, ChangedColumn, ColumnCount };
  enum Role {
    /// The pass record's index, or -1 for phase and anchor groups.
    RecordIndexRole = Qt::UserRole + 1,
    ChangedRole,
  };

  explicit PassTreeModel(QObject *parent = nullptr);
  ~PassTreeModel() override;

  void setRecords(const std::vector<mlir::tessera::PassRecord> *records);
  /// Marks the rows of `records` (the passes that changed a followed op);
  /// empty: none.
  void setMarkedRecords(const std::vector<int> &records);
  bool isMarked(int record) const {
    return record >= 0 && size_t(record) < marked.size() && marked[record];
  }
  /// The index (column 0) of the row of record `recordIndex`.
  QModelIndex indexOfRecord(int recordIndex) const;

  QModelIndex index(int row, int column,
                    const QModelIndex &parent = {}) const override;
  QModelIndex parent(const QModelIndex &child) const override;
  int rowCount(const QModelIndex &parent = {}) const override;
  int columnCount(const QModelIndex &parent = {}) const override;
  QVariant data(const QModelIndex &index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role) const override;

private:
  std::vector<bool> marked;
  struct Node;
  Node *nodeOf(const QModelIndex &index) const;
  std::unique_ptr<Node> root;
  std::vector<Node *> recordNodes;
  const std::vector<mlir::tessera::PassRecord> *records = nullptr;
};

} // namespace tessera::explorer

#endif // TESSERA_EXPLORER_PASSTREEMODEL_H
