//===- ExecutablesView.h - Executables, exports and binaries ----*- C++ -*-===//
//
// Every executable of a compile: its variants (target, condition) and
// exports (ordinal, layout, bindings, workgroup-count region), and per
// variant the binary: header, sections, symbols, the disassembly of the
// chosen export (Intel or AT&T) and the LLVM IR serialization kept.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_EXPLORER_EXECUTABLESVIEW_H
#define TESSERA_EXPLORER_EXECUTABLESVIEW_H

#include "ExplorerCompile.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QPlainTextEdit;
class QTabWidget;
class QTableWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace tessera::explorer {

class IRView;

class ExecutablesView : public QWidget {
  Q_OBJECT
public:
  explicit ExecutablesView(QWidget *parent = nullptr);

  void setOutcome(std::shared_ptr<const CompileOutcome> outcome);
  /// Selects `@executable::@variant::@export`; false when there is none.
  bool selectExport(const QString &exportRef);
  /// Selects the first export of the first variant.
  void selectFirstExport();

  QTreeWidget *tree() const { return executables; }
  QPlainTextEdit *disassembly() const { return disassemblyText; }
  QPlainTextEdit *details() const { return detailsText; }
  QTableWidget *symbols() const { return symbolTable; }
  QTabWidget *tabs() const { return pages; }
  void setIntelSyntax(bool intel);

Q_SIGNALS:
  /// The export `@executable::@variant::@export` was chosen.
  void exportSelected(const QString &exportRef);

private:
  void showItem(QTreeWidgetItem *item);
  void showBinary(const mlir::tessera::VariantSummary &variant,
                  const std::string &executable);
  void showDisassembly();

  std::shared_ptr<const CompileOutcome> outcome;
  QTreeWidget *executables;
  QTabWidget *pages;
  QPlainTextEdit *detailsText;
  QTableWidget *sectionTable, *symbolTable;
  QPlainTextEdit *headerText, *disassemblyText;
  IRView *llvmIRText;
  QComboBox *syntax;
  /// What the disassembly shows: variant (executable, index) and export.
  const mlir::tessera::VariantSummary *currentVariant = nullptr;
  QString currentExport;
};

} // namespace tessera::explorer

#endif // TESSERA_EXPLORER_EXECUTABLESVIEW_H
