// RUN: tessera-opt --split-input-file --tessera-hal-loader-materialize-executables %s | FileCheck %s

// Two executables, so that every executable and every lookup is rewritten:
// each becomes a global of the same name whose initializer queries the
// format, loads the binary from a constant buffer of its bytes, and fails
// with the formats it tried when none is supported.

// CHECK-LABEL: hal_loader.executable.global private @ex0 initializer {
// CHECK-NEXT:   %[[SUPPORTED:.+]] = hal_loader.executable.query_support format("embedded-elf-x86_64") : i1
// CHECK-NEXT:   cf.cond_br %[[SUPPORTED]], ^bb1, ^bb2
// CHECK-NEXT: ^bb1:
// CHECK-NEXT:   %[[DATA:.+]] = hal.buffer.constant "binary" {alignment = 64 : index, mime_type = "application/x-elf"} : !hal.buffer = dense<123> : vector<64xi8>
// CHECK-NEXT:   %[[EXE:.+]] = hal_loader.executable.load format("embedded-elf-x86_64") data(%[[DATA]]) : !hal.executable
// CHECK-NEXT:   hal_loader.return %[[EXE]] : !hal.executable
// CHECK-NEXT: ^bb2:
// CHECK-NEXT:   hal_loader.fail "no binary of @ex0 can be loaded on this device: @binary (embedded-elf-x86_64)"
// CHECK-NEXT: }
// CHECK-NOT: hal.executable private
hal.executable private @ex0 {
  hal.executable.binary public @binary attributes {data = dense<123> : vector<64xi8>, format = "embedded-elf-x86_64", mime_type = "application/x-elf"}
}

// CHECK-LABEL: func.func private @get_ex0
func.func private @get_ex0() -> !hal.executable {
  // Lookups now name the global.
  // CHECK: %[[EX0:.+]] = hal_loader.executable.lookup executable(@ex0) : !hal.executable
  %ex0 = hal_loader.executable.lookup executable(@ex0) : !hal.executable
  // CHECK: return %[[EX0]]
  return %ex0 : !hal.executable
}

// CHECK-LABEL: hal_loader.executable.global private @ex1 initializer
// CHECK: hal_loader.executable.load format("embedded-elf-aarch64")
hal.executable private @ex1 {
  hal.executable.binary public @binary attributes {data = dense<123> : vector<64xi8>, format = "embedded-elf-aarch64", mime_type = "application/x-elf"}
}

// CHECK-LABEL: func.func private @get_ex1
func.func private @get_ex1() -> !hal.executable {
  // CHECK: hal_loader.executable.lookup executable(@ex1)
  %ex1 = hal_loader.executable.lookup executable(@ex1) : !hal.executable
  return %ex1 : !hal.executable
}

// -----

// Binaries are tried in order; a binary's condition is checked (on the
// local device) together with its format, and the next one is tried when
// either fails.

// CHECK-LABEL: hal_loader.executable.global public @conditional initializer {
// CHECK-NEXT:   %[[FAST_OK:.+]] = hal_loader.executable.query_support format("embedded-elf-x86_64") : i1
// CHECK-NEXT:   %[[DEVICE:.+]] = hal.device.local : !hal.device
// CHECK-NEXT:   %{{.+}}, %[[AVX512:.+]] = hal.device.query<%[[DEVICE]] : !hal.device> key("cpu.features" :: "avx512f") : i1, i1
// CHECK-NEXT:   %[[FAST:.+]] = arith.andi %[[FAST_OK]], %[[AVX512]] : i1
// CHECK-NEXT:   cf.cond_br %[[FAST]], ^bb1, ^bb2
// CHECK-NEXT: ^bb1:
// CHECK-NEXT:   %[[FAST_DATA:.+]] = hal.buffer.constant "fast"
// CHECK-NEXT:   %[[FAST_EXE:.+]] = hal_loader.executable.load format("embedded-elf-x86_64") data(%[[FAST_DATA]])
// CHECK-NEXT:   hal_loader.return %[[FAST_EXE]]
// CHECK-NEXT: ^bb2:
// CHECK-NEXT:   %[[ARM_OK:.+]] = hal_loader.executable.query_support format("embedded-elf-arm_64") : i1
// CHECK-NEXT:   cf.cond_br %[[ARM_OK]], ^bb3, ^bb4
// CHECK-NEXT: ^bb3:
// CHECK-NEXT:   hal.buffer.constant "arm"
// CHECK:      ^bb4:
// CHECK-NEXT:   %[[GENERIC_OK:.+]] = hal_loader.executable.query_support format("embedded-elf-x86_64") : i1
// CHECK-NEXT:   cf.cond_br %[[GENERIC_OK]], ^bb5, ^bb6
// CHECK:      ^bb6:
// CHECK-NEXT:   hal_loader.fail "no binary of @conditional can be loaded on this device: @fast (embedded-elf-x86_64, if its condition holds), @arm (embedded-elf-arm_64), @generic (embedded-elf-x86_64)"
hal.executable public @conditional {
  hal.executable.binary public @fast if(%device: !hal.device) -> i1 {
    %ok, %avx512 = hal.device.query<%device : !hal.device> key("cpu.features" :: "avx512f") : i1, i1
    hal.return %avx512 : i1
  } attributes {data = dense<1> : vector<8xi8>, format = "embedded-elf-x86_64"}
  hal.executable.binary public @arm attributes {data = dense<2> : vector<8xi8>, format = "embedded-elf-arm_64"}
  hal.executable.binary public @generic attributes {data = dense<3> : vector<8xi8>, format = "embedded-elf-x86_64"}
}

// -----

// No binary at all: the initializer only fails.
// CHECK-LABEL: hal_loader.executable.global private @empty initializer {
// CHECK-NEXT:   hal_loader.fail "no binary of @empty can be loaded on this device: it has none"
// CHECK-NEXT: }
hal.executable private @empty {
}
