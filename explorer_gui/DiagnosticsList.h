//===- DiagnosticsList.h - A compile's diagnostics, clickable ---*- C++ -*-===//
#ifndef TESSERA_EXPLORER_DIAGNOSTICSLIST_H
#define TESSERA_EXPLORER_DIAGNOSTICSLIST_H

#include "Pipeline/CompileSession.h"

#include <QTreeWidget>

namespace tessera::explorer {

/// One row per diagnostic (notes as children): severity, location, message,
/// phase and pass. Activating a row reports its location.
class DiagnosticsList : public QTreeWidget {
  Q_OBJECT
public:
  explicit DiagnosticsList(QWidget *parent = nullptr);
  void setDiagnostics(const std::vector<mlir::tessera::Diagnostic> &list);

Q_SIGNALS:
  /// 1-based line and column in `file`.
  void locationActivated(const QString &file, int line, int column);
};

} // namespace tessera::explorer

#endif // TESSERA_EXPLORER_DIAGNOSTICSLIST_H
