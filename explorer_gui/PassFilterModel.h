//===- PassFilterModel.h - Hide unchanged passes, filter by name -*- C++
//-*-===//
#ifndef TESSERA_EXPLORER_PASSFILTERMODEL_H
#define TESSERA_EXPLORER_PASSFILTERMODEL_H

#include <QSortFilterProxyModel>

namespace tessera::explorer {

/// Shows a pass when it matches the name filter and (with "hide unchanged")
/// changed the IR; groups show while any of their passes does.
class PassFilterModel : public QSortFilterProxyModel {
  Q_OBJECT
public:
  explicit PassFilterModel(QObject *parent = nullptr);
  void setHideUnchanged(bool hide);
  void setNameFilter(const QString &text);
  bool hidesUnchanged() const { return hideUnchanged; }

protected:
  bool filterAcceptsRow(int row, const QModelIndex &parent) const override;

private:
  bool hideUnchanged = false;
  QString name;
};

} // namespace tessera::explorer

#endif // TESSERA_EXPLORER_PASSFILTERMODEL_H
