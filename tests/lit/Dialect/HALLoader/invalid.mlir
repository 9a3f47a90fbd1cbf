// RUN: tessera-opt --split-input-file --verify-diagnostics %s

func.func @empty_format() -> i1 {
  // expected-error @+1 {{'hal_loader.executable.query_support' op needs a non-empty executable format}}
  %ok = hal_loader.executable.query_support format("") : i1
  return %ok : i1
}

// -----

func.func @load_empty_format(%b: !hal.buffer) -> !hal.executable {
  // expected-error @+1 {{'hal_loader.executable.load' op needs a non-empty executable format}}
  %exe = hal_loader.executable.load format("") data(%b) : !hal.executable
  return %exe : !hal.executable
}

// -----

func.func private @not_an_executable()
func.func @lookup_a_function() -> !hal.executable {
  // expected-error @+1 {{'hal_loader.executable.lookup' op 'not_an_executable' does not name a hal.executable}}
  %exe = hal_loader.executable.lookup executable(@not_an_executable) : !hal.executable
  return %exe : !hal.executable
}

// -----

func.func @lookup_nothing() -> !hal.executable {
  // expected-error @+1 {{'hal_loader.executable.lookup' op 'missing' does not name a hal.executable}}
  %exe = hal_loader.executable.lookup executable(@missing) : !hal.executable
  return %exe : !hal.executable
}

// -----

hal.executable private @ex {
  hal.executable.variant public @cpu target(<"llvm-cpu", "embedded-elf-x86_64", {}>) {
    hal.executable.export public @entry ordinal(0) layout(#hal.pipeline.layout<push_constants = 1, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>)
  }
}

func.func @wrong_binding_count(%exe: !hal.executable, %b: !hal.buffer, %x: index, %k: i32) {
  // expected-error @+1 {{'hal_loader.executable.dispatch.symbol' op passes 1 bindings; @ex::@cpu::@entry declares 2}}
  hal_loader.executable.dispatch.symbol executable(%exe : !hal.executable) target(@ex::@cpu::@entry) workgroups([%x, %x, %x]) constants([%k]) bindings([(%b : !hal.buffer)[%x, %x]])
  return
}

// -----

hal.executable private @ex {
  hal.executable.variant public @cpu target(<"llvm-cpu", "embedded-elf-x86_64", {}>) {
    hal.executable.export public @entry ordinal(0) layout(#hal.pipeline.layout<push_constants = 1, sets = [<0, bindings = [<0, storage_buffer>]>]>)
  }
}

func.func @wrong_constant_count(%exe: !hal.executable, %b: !hal.buffer, %x: index) {
  // expected-error @+1 {{'hal_loader.executable.dispatch.symbol' op passes 0 push constants; @ex::@cpu::@entry declares 1}}
  hal_loader.executable.dispatch.symbol executable(%exe : !hal.executable) target(@ex::@cpu::@entry) workgroups([%x, %x, %x]) bindings([(%b : !hal.buffer)[%x, %x]])
  return
}

// -----

func.func @unknown_export(%exe: !hal.executable, %x: index) {
  // expected-error @+1 {{'hal_loader.executable.dispatch.symbol' op target @ex::@cpu::@missing does not name a hal.executable.export}}
  hal_loader.executable.dispatch.symbol executable(%exe : !hal.executable) target(@ex::@cpu::@missing) workgroups([%x, %x, %x]) bindings([])
  return
}

// -----

func.func @flat_target(%exe: !hal.executable, %x: index) {
  // expected-error @+1 {{'hal_loader.executable.dispatch.symbol' op target must be @executable::@variant::@export, not @entry}}
  hal_loader.executable.dispatch.symbol executable(%exe : !hal.executable) target(@entry) workgroups([%x, %x, %x]) bindings([])
  return
}

// -----

func.func @negative_ordinal(%exe: !hal.executable, %x: index) {
  // expected-error @+1 {{'hal_loader.executable.dispatch' op entry point ordinal must not be negative}}
  hal_loader.executable.dispatch executable(%exe : !hal.executable)[-1] workgroups([%x, %x, %x]) bindings([])
  return
}

// -----

func.func @bad_binding_syntax(%exe: !hal.executable, %b: !hal.buffer, %x: index) {
  // expected-error @+1 {{expected ','}}
  hal_loader.executable.dispatch executable(%exe : !hal.executable)[0] workgroups([%x, %x, %x]) bindings([(%b : !hal.buffer)[%x]])
  return
}

// -----

// expected-error @+1 {{'hal_loader.executable.global' op initializer must not loop}}
hal_loader.executable.global private @loops initializer {
  %ok = hal_loader.executable.query_support format("embedded-elf-x86_64") : i1
  cf.br ^retry
^retry:
  cf.cond_br %ok, ^fail, ^retry
^fail:
  hal_loader.fail "never"
}

// -----

// expected-error @+1 {{'hal_loader.executable.global' op initializer takes no arguments}}
hal_loader.executable.global private @args initializer {
^bb0(%x: i1):
  hal_loader.fail "never"
}

// -----

func.func @return_outside(%exe: !hal.executable) {
  // expected-error @+1 {{'hal_loader.return' op expects parent op 'hal_loader.executable.global'}}
  hal_loader.return %exe : !hal.executable
}
