// RUN: tessera-opt --split-input-file --tessera-hal-link-executables %s | FileCheck %s
// RUN: tessera-opt --split-input-file --tessera-hal-link-executables --tessera-hal-link-executables %s | FileCheck %s --check-prefix=TWICE

// Three dispatches with two distinct layouts link into one executable: the
// layouts are shared, ordinals are 0..2, every dispatch site is rewritten.
// The second target's variant (not a linked backend) stays where it was.

// CHECK-DAG: #[[CPU:.+]] = #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64"
// CHECK-DAG: #[[OTHER:.+]] = #hal.executable.target<"other", "other-fb">
// CHECK-DAG: #[[LAYOUT_A:pipeline_layout[0-9]*]] = #hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>
// CHECK-DAG: #[[LAYOUT_B:pipeline_layout[0-9]*]] = #hal.pipeline.layout<push_constants = 1, sets = [<0, bindings = [<0, storage_buffer>]>]>
// CHECK-NOT: #pipeline_layout
// CHECK-LABEL: hal.executable private @linked_llvm_cpu {
// CHECK-NEXT: hal.executable.variant public @cpu target(#[[CPU]]) {
// CHECK-NEXT: hal.executable.export public @d0 ordinal(0) layout(#[[LAYOUT_A]])
// CHECK: hal.executable.export public @d1 ordinal(1) layout(#[[LAYOUT_B]])
// CHECK: hal.executable.export public @d2 ordinal(2) layout(#[[LAYOUT_A]])
// CHECK: builtin.module {
// CHECK-NEXT: func.func @d0()
// CHECK: func.func @d1()
// CHECK: func.func @d2()
// CHECK-NOT: hal.executable.export
// CHECK-NOT: hal.executable private @ex0
// CHECK: hal.executable private @ex1 {
// CHECK-NEXT: hal.executable.variant public @other target(#[[OTHER]]) {
// CHECK-NEXT: hal.executable.export public @d1 ordinal(0)
// CHECK-NOT: hal.executable private @ex2
// CHECK-LABEL: func.func @main
// CHECK: flow.dispatch @linked_llvm_cpu::@cpu::@d0[%{{.+}}]
// CHECK: flow.dispatch {@linked_llvm_cpu::@cpu::@d1, @ex1::@other::@d1}[%{{.+}}]
// CHECK: flow.dispatch @linked_llvm_cpu::@cpu::@d2[%{{.+}}]

// Linking a linked module changes nothing.
// TWICE-LABEL: hal.executable private @linked_llvm_cpu {
// TWICE-NOT: hal.executable private @linked_llvm_cpu_1
// TWICE: flow.dispatch @linked_llvm_cpu::@cpu::@d0

#cpu = #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {target_triple = "x86_64-unknown-linux-gnu"}>
#other = #hal.executable.target<"other", "other-fb">
#layout_a = #hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>
#layout_b = #hal.pipeline.layout<push_constants = 1, sets = [<0, bindings = [<0, storage_buffer>]>]>
hal.executable private @ex0 {
  hal.executable.variant public @cpu target(#cpu) {
    hal.executable.export public @d0 ordinal(0) layout(#layout_a) count(%device: !hal.device, %w: index) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %w, %c1, %c1 : index, index, index
    }
    builtin.module {
      func.func @d0() {
        %0 = hal.interface.binding.subspan set(0) binding(0) : memref<4xf32>
        return
      }
    }
  }
}
hal.executable private @ex1 {
  hal.executable.variant public @cpu target(#cpu) {
    hal.executable.export public @d1 ordinal(0) layout(#layout_b) count(%device: !hal.device, %w: index) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %w, %c1, %c1 : index, index, index
    }
    builtin.module {
      func.func @d1() {
        %0 = hal.interface.constant.load[0] : i32
        return
      }
    }
  }
  hal.executable.variant public @other target(#other) {
    hal.executable.export public @d1 ordinal(0) layout(#layout_b) count(%device: !hal.device, %w: index) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %w, %c1, %c1 : index, index, index
    }
    builtin.module {
      func.func @d1() {
        return
      }
    }
  }
}
hal.executable private @ex2 {
  hal.executable.variant public @cpu target(#cpu) {
    hal.executable.export public @d2 ordinal(0) layout(#layout_a) count(%device: !hal.device, %w: index) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %w, %c1, %c1 : index, index, index
    }
    builtin.module {
      func.func @d2() {
        %0 = hal.interface.binding.subspan set(0) binding(1) : memref<4xf32>
        return
      }
    }
  }
}
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c4 = arith.constant 4 : index
  %0 = flow.dispatch @ex0::@cpu::@d0[%c4](%x) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = flow.dispatch {@ex1::@cpu::@d1, @ex1::@other::@d1}[%c4](%0) : (tensor<4xf32>) -> %0
  %2 = flow.dispatch @ex2::@cpu::@d2[%c4](%1) : (tensor<4xf32>) -> tensor<4xf32>
  return %2 : tensor<4xf32>
}

// -----

// Symbol collisions: identical definitions are shared, different ones are
// renamed (with their callers), exports of the same name but different
// functions are renamed with their function.

// CHECK-LABEL: hal.executable private @linked_llvm_cpu {
// CHECK: hal.executable.export public @main ordinal(0)
// CHECK: hal.executable.export public @main_1 ordinal(1)
// CHECK: hal.executable.export public @other ordinal(2)
// CHECK-NOT: hal.executable.export
// CHECK: builtin.module {
// CHECK-NEXT: func.func private @helper() -> i32 {
// CHECK-NEXT: arith.constant 1 : i32
// CHECK: func.func @main() {
// CHECK-NEXT: call @helper() : () -> i32
// CHECK: func.func private @helper_1() -> i32 {
// CHECK-NEXT: arith.constant 2 : i32
// CHECK: func.func @main_1() {
// CHECK-NEXT: call @helper_1() : () -> i32
// CHECK: func.func @other() {
// CHECK-NEXT: call @helper() : () -> i32
// CHECK-NOT: func.func
// CHECK-LABEL: func.func @caller
// CHECK-NEXT: flow.dispatch @linked_llvm_cpu::@cpu::@main(
// CHECK-NEXT: flow.dispatch @linked_llvm_cpu::@cpu::@main_1(
// CHECK-NEXT: flow.dispatch @linked_llvm_cpu::@cpu::@other(

#cpu = #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {target_triple = "x86_64-unknown-linux-gnu"}>
#layout = #hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer>]>]>
hal.executable private @a {
  hal.executable.variant public @cpu target(#cpu) {
    hal.executable.export public @main ordinal(0) layout(#layout) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    builtin.module {
      func.func private @helper() -> i32 {
        %c = arith.constant 1 : i32
        return %c : i32
      }
      func.func @main() {
        %0 = call @helper() : () -> i32
        return
      }
    }
  }
}
hal.executable private @b {
  hal.executable.variant public @cpu target(#cpu) {
    hal.executable.export public @main ordinal(0) layout(#layout) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    builtin.module {
      func.func private @helper() -> i32 {
        %c = arith.constant 2 : i32
        return %c : i32
      }
      func.func @main() {
        %0 = call @helper() : () -> i32
        return
      }
    }
  }
}
hal.executable private @c {
  hal.executable.variant public @cpu target(#cpu) {
    hal.executable.export public @other ordinal(0) layout(#layout) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    builtin.module {
      func.func private @helper() -> i32 {
        %c = arith.constant 1 : i32
        return %c : i32
      }
      func.func @other() {
        %0 = call @helper() : () -> i32
        return
      }
    }
  }
}
func.func @caller(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = flow.dispatch @a::@cpu::@main(%x) : (tensor<4xf32>) -> %x
  %1 = flow.dispatch @b::@cpu::@main(%0) : (tensor<4xf32>) -> %0
  %2 = flow.dispatch @c::@cpu::@other(%1) : (tensor<4xf32>) -> %1
  return %2 : tensor<4xf32>
}

// -----

// Two configurations of one backend give two variants of one linked
// executable (the runtime loads the one it can), with the same ordinals.
// An executable compiled for only one of them (a Vulkan variant excluded,
// say) links with the others of its set, separately: its ordinals need not
// agree with variants it does not have.

// CHECK-LABEL: hal.executable private @linked_llvm_cpu {
// CHECK-NEXT: hal.executable.variant public @x86
// CHECK: hal.executable.export public @same ordinal(0)
// CHECK-NOT: hal.executable.export
// CHECK: hal.executable.variant public @arm
// CHECK: hal.executable.export public @same ordinal(0)
// CHECK-LABEL: hal.executable private @linked_llvm_cpu_1 {
// CHECK-NEXT: hal.executable.variant public @x86
// CHECK: hal.executable.export public @same ordinal(0)
// CHECK-NOT: hal.executable.variant
// CHECK-LABEL: func.func @caller
// CHECK-NEXT: flow.dispatch {@linked_llvm_cpu::@x86::@same, @linked_llvm_cpu::@arm::@same}(
// CHECK-NEXT: flow.dispatch @linked_llvm_cpu_1::@x86::@same(

#x86 = #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {target_triple = "x86_64-unknown-linux-gnu"}>
#arm = #hal.executable.target<"llvm-cpu", "embedded-elf-aarch64", {target_triple = "aarch64-unknown-linux-gnu"}>
#layout = #hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer>]>]>
hal.executable private @a {
  hal.executable.variant public @x86 target(#x86) {
    hal.executable.export public @same ordinal(0) layout(#layout) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    builtin.module {
      func.func @same() {
        return
      }
    }
  }
  hal.executable.variant public @arm target(#arm) {
    hal.executable.export public @same ordinal(0) layout(#layout) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    builtin.module {
      func.func @same() {
        return
      }
    }
  }
}
hal.executable private @b {
  hal.executable.variant public @x86 target(#x86) {
    hal.executable.export public @same ordinal(0) layout(#layout) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    builtin.module {
      func.func @same() {
        return
      }
    }
  }
}
func.func @caller(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = flow.dispatch {@a::@x86::@same, @a::@arm::@same}(%x) : (tensor<4xf32>) -> %x
  %1 = flow.dispatch @b::@x86::@same(%0) : (tensor<4xf32>) -> %0
  return %1 : tensor<4xf32>
}

// -----

// Same export name, different layout, identical function: the export and
// its function are renamed rather than merged or dropped.

// CHECK-LABEL: hal.executable private @linked_llvm_cpu {
// CHECK: hal.executable.export public @k ordinal(0) layout(#{{.+}}) count(
// CHECK: hal.executable.export public @k_1 ordinal(1) layout(#{{.+}}) count(
// CHECK: func.func @k()
// CHECK: func.func @k_1()
// CHECK-LABEL: func.func @caller
// CHECK-NEXT: flow.dispatch @linked_llvm_cpu::@cpu::@k(
// CHECK-NEXT: flow.dispatch @linked_llvm_cpu::@cpu::@k_1(

#cpu = #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {target_triple = "x86_64-unknown-linux-gnu"}>
#layout_a = #hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer>]>]>
#layout_b = #hal.pipeline.layout<push_constants = 2, sets = [<0, bindings = [<0, storage_buffer>]>]>
hal.executable private @a {
  hal.executable.variant public @cpu target(#cpu) {
    hal.executable.export public @k ordinal(0) layout(#layout_a) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    builtin.module {
      func.func @k() {
        return
      }
    }
  }
}
hal.executable private @b {
  hal.executable.variant public @cpu target(#cpu) {
    hal.executable.export public @k ordinal(0) layout(#layout_b) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    builtin.module {
      func.func @k() {
        return
      }
    }
  }
}
func.func @caller(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = flow.dispatch @a::@cpu::@k(%x) : (tensor<4xf32>) -> %x
  %1 = flow.dispatch @b::@cpu::@k(%0) : (tensor<4xf32>) -> %0
  return %1 : tensor<4xf32>
}
