// RUN: tessera-opt --split-input-file --canonicalize --cse %s | FileCheck %s

hal.executable private @ex {
  hal.executable.variant public @cpu target(<"llvm-cpu", "embedded-elf-x86_64", {}>) {
    hal.executable.export public @first ordinal(0) layout(#hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer>]>]>)
    hal.executable.export public @second ordinal(7) layout(#hal.pipeline.layout<push_constants = 1, sets = [<0, bindings = [<0, storage_buffer>]>]>)
  }
}

// The symbol form becomes the ordinal form: the export's ordinal is known.
// CHECK-LABEL: @symbol_to_ordinal
// CHECK-SAME: (%[[EXE:.+]]: !hal.executable, %[[BUF:.+]]: !hal.buffer, %[[X:.+]]: index, %[[K:.+]]: i32)
func.func @symbol_to_ordinal(%exe: !hal.executable, %buf: !hal.buffer, %x: index, %k: i32) {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  // CHECK: hal_loader.executable.dispatch executable(%[[EXE]] : !hal.executable)[7] workgroups([%[[X]], %[[X]], %[[X]]]) constants([%[[K]]]) bindings([
  // CHECK-NEXT: (%[[BUF]] : !hal.buffer)[%c0, %c64]
  // CHECK-NOT: dispatch.symbol
  hal_loader.executable.dispatch.symbol executable(%exe : !hal.executable) target(@ex::@cpu::@second) workgroups([%x, %x, %x]) constants([%k]) bindings([(%buf : !hal.buffer)[%c0, %c64]])
  return
}

// -----

// A binding of a subspan binds its source at the summed offset.
// CHECK-LABEL: @fold_subspans_into_bindings
// CHECK-SAME: (%[[EXE:.+]]: !hal.executable, %[[BUF:.+]]: !hal.buffer, %[[SUB_OFFSET:.+]]: index, %[[SUB_LENGTH:.+]]: index)
func.func @fold_subspans_into_bindings(%exe: !hal.executable, %buf: !hal.buffer, %sub_offset: index, %sub_length: index) -> index {
  %c1 = arith.constant 1 : index
  %subspan = hal.buffer.subspan %buf[%sub_offset, %sub_length] : !hal.buffer
  // CHECK-DAG: %[[LENGTH:.+]] = arith.constant 128 : index
  %binding_offset = arith.constant 100 : index
  %binding_length = arith.constant 128 : index
  // CHECK-DAG: %[[ABSOLUTE:.+]] = arith.addi %[[SUB_OFFSET]], %c100
  // CHECK: hal_loader.executable.dispatch executable(%[[EXE]] : !hal.executable)[16] workgroups
  // CHECK-NEXT: (%[[BUF]] : !hal.buffer)[%[[ABSOLUTE]], %[[LENGTH]]]
  hal_loader.executable.dispatch executable(%exe : !hal.executable)[16] workgroups([%c1, %c1, %c1]) bindings([(%subspan : !hal.buffer)[%binding_offset, %binding_length]])
  // The length of a subspan is the length it was made with.
  %length = hal.buffer.length %subspan : !hal.buffer
  // CHECK: return %[[SUB_LENGTH]]
  return %length : index
}

// -----

// A tensor imported from a buffer is exported as that buffer; the length
// of an allocation is its size.
// CHECK-LABEL: @export_of_import
// CHECK-SAME: (%[[BYTES:.+]]: index)
func.func @export_of_import(%bytes: index) -> (!hal.buffer, index) {
  // CHECK: %[[NEW:.+]] = hal.buffer.allocate size(%[[BYTES]])
  %new = hal.buffer.allocate size(%bytes) : !hal.buffer
  %t = hal.tensor.import %new : !hal.buffer -> tensor<16xf32>
  %again = hal.tensor.export %t : tensor<16xf32> -> !hal.buffer
  %length = hal.buffer.length %again : !hal.buffer
  // CHECK-NOT: hal.tensor
  // CHECK: return %[[NEW]], %[[BYTES]]
  return %again, %length : !hal.buffer, index
}
