// RUN: tessera-opt --split-input-file --tessera-hal-loader-resolve-export-ordinals %s | FileCheck %s

hal.executable private @ex {
  hal.executable.variant public @cpu target(<"llvm-cpu", "embedded-elf-x86_64", {}>) {
    hal.executable.export public @first ordinal(0) layout(#hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer>]>]>)
    hal.executable.export public @second ordinal(1) layout(#hal.pipeline.layout<push_constants = 1, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>)
  }
}

// Every symbol dispatch, in every function, becomes its export's ordinal;
// operands stay as they were.
// CHECK-LABEL: @two_dispatches
// CHECK-SAME: (%[[EXE:.+]]: !hal.executable, %[[A:.+]]: !hal.buffer, %[[B:.+]]: !hal.buffer, %[[X:.+]]: index, %[[K:.+]]: i32)
func.func @two_dispatches(%exe: !hal.executable, %a: !hal.buffer, %b: !hal.buffer, %x: index, %k: i32) {
  // CHECK: hal_loader.executable.dispatch executable(%[[EXE]] : !hal.executable)[0] workgroups([%[[X]], %[[X]], %[[X]]]) bindings([
  // CHECK-NEXT: (%[[A]] : !hal.buffer)[%[[X]], %[[X]]]
  hal_loader.executable.dispatch.symbol executable(%exe : !hal.executable) target(@ex::@cpu::@first) workgroups([%x, %x, %x]) bindings([(%a : !hal.buffer)[%x, %x]])
  // CHECK: hal_loader.executable.dispatch executable(%[[EXE]] : !hal.executable)[1] workgroups([%[[X]], %[[X]], %[[X]]]) constants([%[[K]]]) bindings([
  // CHECK-NEXT: (%[[A]] : !hal.buffer)[%[[X]], %[[X]]],
  // CHECK-NEXT: (%[[B]] : !hal.buffer)[%[[X]], %[[X]]]
  hal_loader.executable.dispatch.symbol executable(%exe : !hal.executable) target(@ex::@cpu::@second) workgroups([%x, %x, %x]) constants([%k]) bindings([(%a : !hal.buffer)[%x, %x], (%b : !hal.buffer)[%x, %x]])
  // CHECK-NOT: dispatch.symbol
  return
}

// CHECK-LABEL: @another_function
func.func @another_function(%exe: !hal.executable, %a: !hal.buffer, %x: index) {
  // CHECK: hal_loader.executable.dispatch executable(%{{.+}} : !hal.executable)[0]
  hal_loader.executable.dispatch.symbol executable(%exe : !hal.executable) target(@ex::@cpu::@first) workgroups([%x, %x, %x]) bindings([(%a : !hal.buffer)[%x, %x]])
  return
}
