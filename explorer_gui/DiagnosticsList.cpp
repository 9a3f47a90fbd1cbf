//===- DiagnosticsList.cpp - A compile's diagnostics, clickable -----------===//

#include "DiagnosticsList.h"

#include <QHeaderView>

using mlir::tessera::Diagnostic;

namespace tessera::explorer {

namespace {
enum Role { LineRole = Qt::UserRole + 1, ColumnRole, FileRole };

QTreeWidgetItem *makeItem(const Diagnostic &diag) {
  QString location =
      diag.file.empty()
          ? QString()
          : QStringLiteral("%1:%2:%3")
                .arg(QString::fromStdString(diag.file).section('/', -1))
                .arg(diag.line)
                .arg(diag.column);
  QString origin = QString::fromStdString(diag.phase);
  if (!diag.pass.empty())
    origin += " / " + QString::fromStdString(diag.pass);
  auto *item = new QTreeWidgetItem(
      {QString(Diagnostic::severityName(diag.severity)), location,
       QString::fromStdString(diag.message), origin});
  item->setData(0, FileRole, QString::fromStdString(diag.file));
  item->setData(0, LineRole, diag.line);
  item->setData(0, ColumnRole, diag.column);
  item->setToolTip(2, QString::fromStdString(diag.format()));
  if (diag.severity == Diagnostic::Severity::Error)
    item->setForeground(0, QColor(0xcf, 0x22, 0x2e));
  else if (diag.severity == Diagnostic::Severity::Warning)
    item->setForeground(0, QColor(0x9a, 0x67, 0x00));
  for (const Diagnostic &note : diag.notes)
    item->addChild(makeItem(note));
  return item;
}
} // namespace

DiagnosticsList::DiagnosticsList(QWidget *parent) : QTreeWidget(parent) {
  setObjectName("diagnostics");
  setHeaderLabels({"Severity", "Location", "Message", "Phase / pass"});
  setRootIsDecorated(true);
  header()->setSectionResizeMode(2, QHeaderView::Stretch);
  header()->setStretchLastSection(false);
  auto activate = [this](QTreeWidgetItem *item) {
    if (!item || item->data(0, LineRole).toInt() <= 0)
      return;
    Q_EMIT locationActivated(item->data(0, FileRole).toString(),
                             item->data(0, LineRole).toInt(),
                             item->data(0, ColumnRole).toInt());
  };
  connect(this, &QTreeWidget::itemClicked, this, activate);
  connect(this, &QTreeWidget::itemActivated, this, activate);
}

void DiagnosticsList::setDiagnostics(const std::vector<Diagnostic> &list) {
  clear();
  for (const Diagnostic &diag : list)
    addTopLevelItem(makeItem(diag));
  expandAll();
  resizeColumnToContents(0);
  resizeColumnToContents(1);
}

} // namespace tessera::explorer
