// Objects named by #hal.executable.object are linked into the library:
// relative paths are found beside the source file; a missing object, one
// for another architecture or a file that is no object is an error on the
// variant naming the path.
// RUN: rm -rf %t && mkdir -p %t/src && cp %s %t/src/input.mlir
// RUN: llvm-mc -filetype=obj -triple=x86_64-unknown-linux-gnu %S/Inputs/extern_scale_x86_64.s -o %t/src/scale.o
// RUN: llvm-mc -filetype=obj -triple=aarch64-unknown-linux-gnu %S/Inputs/extern_scale_aarch64.s -o %t/src/scale_arm.o
// RUN: cd %t && tessera-opt --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(hal.executable(hal.executable.variant(tessera-llvmcpu-codegen),tessera-llvmcpu-serialize))' src/input.mlir | FileCheck %s

// CHECK-LABEL: hal.executable private @linked
// CHECK-NEXT: hal.executable.binary public @cpu attributes {data = dense<"0x7F454C46
#cpu = #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {cpu = "generic", cpu_features = "", target_triple = "x86_64-unknown-linux-gnu"}>
#layout = #hal.pipeline.layout<push_constants = 1, sets = [<0, bindings = [<0, storage_buffer>]>]>
hal.executable private @linked {
  hal.executable.variant public @cpu target(#cpu) objects([#hal.executable.object<{path = "scale.o"}>]) {
    hal.executable.export public @entry ordinal(0) layout(#layout) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    builtin.module {
      func.func private @extern_scale(i32) -> i32
      func.func @entry() {
        %x = hal.interface.constant.load[0] : i32
        %0 = hal.interface.binding.subspan set(0) binding(0) : memref<1xi32>
        %y = func.call @extern_scale(%x) : (i32) -> i32
        %c0 = arith.constant 0 : index
        memref.store %y, %0[%c0] : memref<1xi32>
        return
      }
    }
  }
}

// -----

#cpu = #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {cpu = "generic", cpu_features = "", target_triple = "x86_64-unknown-linux-gnu"}>
#layout = #hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer>]>]>
hal.executable private @missing {
  // expected-error @below {{executable object 'nowhere.o' not found (looked for 'src/nowhere.o', 'nowhere.o')}}
  hal.executable.variant public @cpu target(#cpu) objects([#hal.executable.object<{path = "nowhere.o"}>]) {
    hal.executable.export public @entry ordinal(0) layout(#layout) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    builtin.module {
      func.func @entry() {
        return
      }
    }
  }
}

// -----

#cpu = #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {cpu = "generic", cpu_features = "", target_triple = "x86_64-unknown-linux-gnu"}>
#layout = #hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer>]>]>
hal.executable private @wrong_arch {
  // expected-error @below {{executable object 'src/scale_arm.o' is elf for aarch64, but the target 'x86_64-unknown-linux-gnu' needs elf for x86_64}}
  hal.executable.variant public @cpu target(#cpu) objects([#hal.executable.object<{path = "scale_arm.o"}>]) {
    hal.executable.export public @entry ordinal(0) layout(#layout) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    builtin.module {
      func.func @entry() {
        return
      }
    }
  }
}

// -----

#cpu = #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {cpu = "generic", cpu_features = "", target_triple = "x86_64-unknown-linux-gnu"}>
#layout = #hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer>]>]>
hal.executable private @not_an_object {
  // expected-error @below {{executable object 'src/input.mlir' is not an object file}}
  hal.executable.variant public @cpu target(#cpu) objects([#hal.executable.object<{path = "input.mlir"}>]) {
    hal.executable.export public @entry ordinal(0) layout(#layout) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    builtin.module {
      func.func @entry() {
        return
      }
    }
  }
}

// -----

// Without its object the extern function is undefined: lld says which.
#cpu = #hal.executable.target<"llvm-cpu", "embedded-elf-x86_64", {cpu = "generic", cpu_features = "", target_triple = "x86_64-unknown-linux-gnu"}>
#layout = #hal.pipeline.layout<push_constants = 1, sets = [<0, bindings = [<0, storage_buffer>]>]>
hal.executable private @unresolved {
  // expected-error @below {{undefined symbol: extern_scale}}
  hal.executable.variant public @cpu target(#cpu) {
    hal.executable.export public @entry ordinal(0) layout(#layout) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    builtin.module {
      func.func private @extern_scale(i32) -> i32
      func.func @entry() {
        %x = hal.interface.constant.load[0] : i32
        %0 = hal.interface.binding.subspan set(0) binding(0) : memref<1xi32>
        %y = func.call @extern_scale(%x) : (i32) -> i32
        %c0 = arith.constant 0 : index
        memref.store %y, %0[%c0] : memref<1xi32>
        return
      }
    }
  }
}
