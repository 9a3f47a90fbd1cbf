// A variant's condition region with an empty block: its verifier asked the
// block for a terminator (a read past the block, SIGSEGV in the server).
hal.executable private @two_conditions {
  hal.executable.variant public @v target(<"llvm-cpu", "embedded-elf-x86_64", {}>) objects([#hal.executable.object<{path = "a.o"}>]) {
    hal.executable.condition(%device: !hal.device) -> i1 {
        }
  }
}

// -----

hal.executable private @ex {
  hal.executable.variant public @v target(<"llvm-cpu", "embedded-elf-x86_64", {}>) {
    hal.executable.export public @a ordinal(0) layout(#hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer>]>]>) count(%device: !hal.device, %w: index) -> (index, index, index) {
    }
  }
}

// -----

flow.executable private @ex {
  flow.executable.export public @entry workgroups(%w: index) -> (index, index, index) {
  }
}
