//===- ExecutablesView.cpp - Executables, exports and binaries ------------===//

#include "ExecutablesView.h"

#include "IRView.h"
#include "Inspect/Disassembler.h"
#include "Inspect/ObjectFileSummary.h"

#include "llvm/Support/Error.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace mlir::tessera;

namespace tessera::explorer {

namespace {
enum ItemRole { ExecutableRole = Qt::UserRole + 1, VariantRole, ExportRole };

QString hex(uint64_t value) { return QStringLiteral("0x%1").arg(value, 0, 16); }

QTableWidget *makeTable(const QStringList &headers, QWidget *parent) {
  auto *table = new QTableWidget(0, headers.size(), parent);
  table->setHorizontalHeaderLabels(headers);
  table->verticalHeader()->hide();
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->setSelectionBehavior(QAbstractItemView::SelectRows);
  table->horizontalHeader()->setStretchLastSection(true);
  table->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  return table;
}

QPlainTextEdit *makeText(QWidget *parent) {
  auto *text = new QPlainTextEdit(parent);
  text->setReadOnly(true);
  text->setLineWrapMode(QPlainTextEdit::NoWrap);
  text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  return text;
}
} // namespace

ExecutablesView::ExecutablesView(QWidget *parent) : QWidget(parent) {
  auto *layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto *split = new QSplitter(Qt::Horizontal, this);
  layout->addWidget(split);

  executables = new QTreeWidget(split);
  executables->setObjectName("executablesTree");
  executables->setHeaderLabels({"Executable / variant / export", "Ordinal"});
  executables->header()->setStretchLastSection(false);
  executables->header()->setSectionResizeMode(0, QHeaderView::Stretch);
  executables->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
  split->addWidget(executables);

  auto *right = new QWidget(split);
  auto *rightLayout = new QVBoxLayout(right);
  rightLayout->setContentsMargins(0, 0, 0, 0);
  auto *bar = new QHBoxLayout();
  bar->addWidget(new QLabel("Assembly syntax:", right));
  syntax = new QComboBox(right);
  syntax->setObjectName("asmSyntax");
  syntax->addItems({"AT&T", "Intel"});
  bar->addWidget(syntax);
  bar->addStretch(1);
  rightLayout->addLayout(bar);
  pages = new QTabWidget(right);
  pages->setObjectName("executableTabs");
  detailsText = makeText(pages);
  detailsText->setObjectName("exportDetails");
  pages->addTab(detailsText, "Export");
  disassemblyText = makeText(pages);
  disassemblyText->setObjectName("disassembly");
  pages->addTab(disassemblyText, "Disassembly");
  auto *binaryPage = new QSplitter(Qt::Vertical, pages);
  headerText = makeText(binaryPage);
  headerText->setObjectName("binaryHeader");
  sectionTable = makeTable({"Section", "Address", "Size", "Kind"}, binaryPage);
  sectionTable->setObjectName("sections");
  symbolTable =
      makeTable({"Symbol", "Address", "Size", "Kind", "Section"}, binaryPage);
  symbolTable->setObjectName("symbols");
  binaryPage->addWidget(headerText);
  binaryPage->addWidget(sectionTable);
  binaryPage->addWidget(symbolTable);
  binaryPage->setStretchFactor(0, 0);
  binaryPage->setStretchFactor(1, 1);
  binaryPage->setStretchFactor(2, 2);
  pages->addTab(binaryPage, "Binary");
  llvmIRText = new IRView(pages);
  llvmIRText->setObjectName("llvmIR");
  pages->addTab(llvmIRText, "LLVM IR");
  rightLayout->addWidget(pages, 1);
  split->addWidget(right);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 2);
  split->setSizes({380, 620});

  connect(executables, &QTreeWidget::currentItemChanged, this,
          [this](QTreeWidgetItem *item) { showItem(item); });
  connect(syntax, &QComboBox::currentIndexChanged, this,
          [this] { showDisassembly(); });
}

void ExecutablesView::setIntelSyntax(bool intel) {
  syntax->setCurrentIndex(intel ? 1 : 0);
}

void ExecutablesView::setOutcome(std::shared_ptr<const CompileOutcome> next) {
  outcome = std::move(next);
  currentVariant = nullptr;
  currentExport.clear();
  executables->clear();
  detailsText->clear();
  disassemblyText->clear();
  headerText->clear();
  sectionTable->setRowCount(0);
  symbolTable->setRowCount(0);
  llvmIRText->setText(std::string());
  if (!outcome)
    return;
  for (size_t e = 0; e < outcome->executables.size(); ++e) {
    const ExecutableSummary &executable = outcome->executables[e];
    auto *executableItem = new QTreeWidgetItem(
        executables, {"@" + QString::fromStdString(executable.name)});
    executableItem->setData(0, ExecutableRole, int(e));
    for (size_t v = 0; v < executable.variants.size(); ++v) {
      const VariantSummary &variant = executable.variants[v];
      QString label =
          QStringLiteral("@%1  %2").arg(QString::fromStdString(variant.name),
                                        QString::fromStdString(variant.format));
      if (!variant.condition.empty())
        label += "  (conditional)";
      auto *variantItem = new QTreeWidgetItem(executableItem, {label});
      variantItem->setData(0, ExecutableRole, int(e));
      variantItem->setData(0, VariantRole, int(v));
      variantItem->setToolTip(0, QString::fromStdString(variant.target));
      for (const ExportSummary &exportOp : variant.exports) {
        auto *exportItem = new QTreeWidgetItem(
            variantItem, {"@" + QString::fromStdString(exportOp.name),
                          QString::number(exportOp.ordinal)});
        exportItem->setData(0, ExecutableRole, int(e));
        exportItem->setData(0, VariantRole, int(v));
        exportItem->setData(0, ExportRole,
                            QString::fromStdString(exportOp.name));
      }
    }
  }
  executables->expandAll();
}

bool ExecutablesView::selectExport(const QString &exportRef) {
  for (QTreeWidgetItemIterator it(executables); *it; ++it) {
    QTreeWidgetItem *item = *it;
    QString name = item->data(0, ExportRole).toString();
    if (name.isEmpty())
      continue;
    QTreeWidgetItem *variant = item->parent();
    QTreeWidgetItem *executable = variant->parent();
    QString ref = QStringLiteral("%1::%2::@%3")
                      .arg(executable->text(0),
                           variant->text(0).section(' ', 0, 0), name);
    if (ref == exportRef || exportRef == "@" + name) {
      executables->setCurrentItem(item);
      return true;
    }
  }
  return false;
}

void ExecutablesView::selectFirstExport() {
  for (QTreeWidgetItemIterator it(executables); *it; ++it)
    if (!(*it)->data(0, ExportRole).toString().isEmpty()) {
      executables->setCurrentItem(*it);
      return;
    }
}

void ExecutablesView::showItem(QTreeWidgetItem *item) {
  if (!item || !outcome)
    return;
  int e = item->data(0, ExecutableRole).toInt();
  QVariant v = item->data(0, VariantRole);
  const ExecutableSummary &executable = outcome->executables[e];
  QString text;
  if (!v.isValid()) {
    text = QStringLiteral("hal.executable @%1\n%2 variant(s)\n")
               .arg(QString::fromStdString(executable.name))
               .arg(executable.variants.size());
    detailsText->setPlainText(text);
    return;
  }
  const VariantSummary &variant = executable.variants[v.toInt()];
  text += QStringLiteral("variant @%1\ntarget    %2\n")
              .arg(QString::fromStdString(variant.name),
                   QString::fromStdString(variant.target));
  if (!variant.condition.empty())
    text += "condition " + QString::fromStdString(variant.condition) + "\n";
  text += QStringLiteral("binary    %1\n\n")
              .arg(variant.binary.empty()
                       ? QStringLiteral("(not serialized)")
                       : QStringLiteral("%1, %2 bytes")
                             .arg(QString::fromStdString(variant.binaryFormat))
                             .arg(variant.binary.size()));
  QString exportName = item->data(0, ExportRole).toString();
  for (const ExportSummary &exportOp : variant.exports) {
    if (!exportName.isEmpty() && exportName.toStdString() != exportOp.name)
      continue;
    text += QStringLiteral("export @%1  ordinal %2\n")
                .arg(QString::fromStdString(exportOp.name))
                .arg(exportOp.ordinal);
    text +=
        QStringLiteral("  push constants: %1\n").arg(exportOp.pushConstants);
    for (const std::string &binding : exportOp.bindings)
      text += "  " + QString::fromStdString(binding) + "\n";
    if (!exportName.isEmpty())
      text += "\n" + QString::fromStdString(exportOp.text) + "\n";
  }
  detailsText->setPlainText(text);

  if (currentVariant != &variant)
    showBinary(variant, executable.name);
  currentVariant = &variant;
  currentExport = exportName;
  showDisassembly();
  if (!exportName.isEmpty())
    Q_EMIT exportSelected(QStringLiteral("@%1::@%2::@%3")
                              .arg(QString::fromStdString(executable.name),
                                   QString::fromStdString(variant.name),
                                   exportName));
}

void ExecutablesView::showBinary(const VariantSummary &variant,
                                 const std::string &executable) {
  sectionTable->setRowCount(0);
  symbolTable->setRowCount(0);
  QString llvmIR;
  for (const KeptLLVMIR &kept : outcome->llvmIR)
    if (kept.executable == executable && kept.variant == variant.name)
      llvmIR = QString::fromStdString(kept.text);
  llvmIRText->setText(llvmIR.isEmpty()
                          ? QStringLiteral("; no LLVM IR kept for this variant")
                          : llvmIR);
  if (variant.binary.empty()) {
    headerText->setPlainText("No binary: the compile stopped before "
                             "serialization.");
    return;
  }
  auto summary = summarizeObjectFile(variant.binary);
  if (!summary) {
    headerText->setPlainText(
        QStringLiteral("%1 bytes of %2, not an object file LLVM reads: %3")
            .arg(variant.binary.size())
            .arg(QString::fromStdString(variant.binaryFormat),
                 QString::fromStdString(llvm::toString(summary.takeError()))));
    return;
  }
  // Only x86 has two assembly syntaxes.
  QString arch = QString::fromStdString(summary->triple).section('-', 0, 0);
  syntax->setEnabled(arch == "x86_64" ||
                     (arch.startsWith("i") && arch.endsWith("86")));
  headerText->setPlainText(
      QStringLiteral("format  %1\ntriple  %2\ntype    %3\nsize    %4 bytes")
          .arg(QString::fromStdString(summary->format),
               QString::fromStdString(summary->triple),
               QString::fromStdString(summary->fileType))
          .arg(summary->fileSize));
  auto setRow = [](QTableWidget *table, int row, const QStringList &cells) {
    for (int column = 0; column < cells.size(); ++column)
      table->setItem(row, column, new QTableWidgetItem(cells[column]));
  };
  sectionTable->setRowCount(summary->sections.size());
  for (size_t i = 0; i < summary->sections.size(); ++i) {
    const ObjectSection &section = summary->sections[i];
    setRow(sectionTable, i,
           {QString::fromStdString(section.name), hex(section.address),
            QString::number(section.size),
            QString::fromStdString(section.kind)});
  }
  symbolTable->setRowCount(summary->symbols.size());
  for (size_t i = 0; i < summary->symbols.size(); ++i) {
    const ObjectSymbol &symbol = summary->symbols[i];
    setRow(symbolTable, i,
           {QString::fromStdString(symbol.name), hex(symbol.address),
            QString::number(symbol.size),
            QString::fromStdString(symbol.kind) +
                (symbol.global ? " (global)" : ""),
            QString::fromStdString(symbol.section)});
  }
  sectionTable->resizeColumnsToContents();
  symbolTable->resizeColumnsToContents();
}

void ExecutablesView::showDisassembly() {
  if (!currentVariant || currentVariant->binary.empty()) {
    disassemblyText->setPlainText("No binary to disassemble.");
    return;
  }
  if (currentExport.isEmpty()) {
    disassemblyText->setPlainText("Choose an export to disassemble it.");
    return;
  }
  auto instructions = disassembleSymbol(
      currentVariant->binary, currentExport.toStdString(),
      syntax->currentIndex() == 1 ? AsmSyntax::Intel : AsmSyntax::ATT);
  if (!instructions) {
    disassemblyText->setPlainText(
        "Cannot disassemble: " +
        QString::fromStdString(llvm::toString(instructions.takeError())));
    return;
  }
  // Encodings past 8 bytes are cut so that the instructions stay in view.
  constexpr int kBytesWidth = 23;
  // SPIR-V has no encodings to show.
  bool showBytes = llvm::any_of(
      *instructions, [](const auto &inst) { return !inst.bytes.empty(); });
  QString text = currentExport + ":\n";
  for (const DisassembledInstruction &inst : *instructions) {
    QString bytes = QString::fromStdString(inst.bytes);
    if (bytes.size() > kBytesWidth)
      bytes = bytes.left(kBytesWidth - 1) + "…";
    text += QStringLiteral("%1:  ").arg(inst.address, 8, 16, QLatin1Char('0'));
    if (showBytes)
      text += QStringLiteral("%1  ").arg(bytes, -kBytesWidth);
    text += QString::fromStdString(inst.text) + "\n";
  }
  disassemblyText->setPlainText(text);
}

} // namespace tessera::explorer
