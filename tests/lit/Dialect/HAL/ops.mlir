// RUN: tessera-opt --split-input-file %s | tessera-opt --split-input-file | FileCheck %s

// Targets and layouts print once, as aliases.
// CHECK: #[[TARGET:executable_target_embedded_elf_x86_64]] = #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {target_triple = "x86_64-unknown-linux-gnu"}>
// CHECK: #[[LAYOUT:pipeline_layout]] = #hal.pipeline.layout<push_constants = 1, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>
// CHECK-LABEL: hal.executable private @ex
// CHECK-NEXT: hal.executable.variant public @cpu target(#[[TARGET]]) objects([#hal.executable.object<{path = "a.o"}>])
// CHECK-NEXT: hal.executable.export public @entry ordinal(0) layout(#[[LAYOUT]]) count(%[[DEV:.+]]: !hal.device, %[[W:.+]]: index) -> (index, index, index) {
// CHECK: hal.return %[[W]], %{{.+}}, %{{.+}} : index, index, index
hal.executable private @ex {
  hal.executable.variant public @cpu target(#hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {target_triple = "x86_64-unknown-linux-gnu"}>) objects([#hal.executable.object<{path = "a.o"}>]) {
    hal.executable.export public @entry ordinal(0) layout(#hal.pipeline.layout<push_constants = 1, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>) count(%device: !hal.device, %w: index) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %w, %c1, %c1 : index, index, index
    }
    builtin.module {
      // CHECK: func.func @entry()
      func.func @entry() {
        // CHECK: %[[C:.+]] = hal.interface.constant.load[0] : i32
        %n = hal.interface.constant.load[0] : i32
        %d = arith.index_castui %n : i32 to index
        // CHECK: hal.interface.binding.subspan set(0) binding(0) : memref<?xf32>{%{{.+}}}
        %0 = hal.interface.binding.subspan set(0) binding(0) : memref<?xf32>{%d}
        // CHECK: hal.interface.workgroup.id[0] : index
        %id = hal.interface.workgroup.id[0] : index
        // CHECK: hal.interface.workgroup.count[2] : index
        %count = hal.interface.workgroup.count[2] : index
        return
      }
    }
  }
}

// -----

// CHECK-LABEL: hal.executable private @serialized
// CHECK-NEXT: hal.executable.binary public @cpu attributes {data = dense<[1, 2, 3]> : vector<3xi8>, format = "embedded-elf-x86_64", mime_type = "application/x-elf"}
hal.executable private @serialized {
  hal.executable.binary public @cpu attributes {data = dense<[1, 2, 3]> : vector<3xi8>, format = "embedded-elf-x86_64", mime_type = "application/x-elf"}
}

// -----

// Empty descriptor lists round-trip.
// CHECK: #[[NOSETS:pipeline_layout]] = #hal.pipeline.layout<push_constants = 1, sets = []>
// CHECK: #[[NOBINDINGS:pipeline_layout1]] = #hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = []>]>
// CHECK-LABEL: hal.executable private @no_bindings
// CHECK: layout(#[[NOSETS]])
// CHECK: layout(#[[NOBINDINGS]])
hal.executable private @no_bindings {
  hal.executable.variant public @v target(<"llvm-cpu", "embedded-elf-x86_64", {}>) {
    hal.executable.export public @x ordinal(0) layout(<push_constants = 1, sets = []>) count(%d: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    hal.executable.export public @y ordinal(1) layout(<push_constants = 0, sets = [<0, bindings = []>]>) count(%d: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
  }
}
