// RUN: tessera-opt --split-input-file --tessera-hal-loader-conversion %s | FileCheck %s

// A dispatch with every kind of operand: a tensor with a dynamic dim, an
// index and an f32 scalar (push constants, in the order the interface plan
// gives: scalars, then operand dims, then result dims), and a new result.
#layout = #hal.pipeline.layout<push_constants = 4, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>
hal.executable private @ex {
  hal.executable.variant public @cpu target(<"llvm-cpu", "embedded-elf-x86_64", {}>) {
    hal.executable.export public @entry ordinal(2) layout(#layout) count(%device: !hal.device, %w: index) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      %c4 = arith.constant 4 : index
      %groups = arith.ceildivui %w, %c4 : index
      hal.return %groups, %c1, %c1 : index, index, index
    }
  }
}

// CHECK-LABEL: func.func @dispatch
// CHECK-SAME: (%[[X:.+]]: tensor<?x4xf32>, %[[N:.+]]: index, %[[K:.+]]: f32)
func.func @dispatch(%x: tensor<?x4xf32>, %n: index, %k: f32) -> tensor<?x8xf32> {
  // CHECK: %[[EXE:.+]] = hal_loader.executable.lookup executable(@ex) : !hal.executable
  // The count region, inlined on the workload:
  // CHECK: %[[DEVICE:.+]] = hal.device.local : !hal.device
  // CHECK: %[[GROUPS:.+]] = arith.ceildivui %[[N]], %{{.+}} : index
  // Push constants carry 32 bits each. An index operand travels signed and
  // a dim unsigned, each checked on the host to fit first (else it would
  // arrive as another number):
  // CHECK: %[[SHIFTED:.+]] = arith.addi %[[N]], %c2147483648 : index
  // CHECK: %[[FITS:.+]] = arith.cmpi ule, %[[SHIFTED]], %c4294967295 : index
  // CHECK: cf.assert %[[FITS]], "an index operand of dispatch @entry is outside the signed 32-bit range a dispatch takes"
  // CHECK: %[[N32:.+]] = arith.index_cast %[[N]] : index to i32
  // CHECK: %[[K32:.+]] = arith.bitcast %[[K]] : f32 to i32
  // The operand's storage, 16 bytes per row:
  // CHECK: %[[XBUF:.+]] = hal.tensor.export %[[X]] : tensor<?x4xf32>{%[[N]]} -> !hal.buffer
  // CHECK: %[[XSIZE:.+]] = arith.muli %{{.+}}, %[[N]] : index
  // CHECK: %[[DIMFITS:.+]] = arith.cmpi ule, %[[N]], %{{.+}} : index
  // CHECK: cf.assert %[[DIMFITS]], "a dynamic dimension of dispatch @entry is outside the unsigned 32-bit range a dispatch takes"
  // CHECK: %[[XDIM:.+]] = arith.index_castui %[[N]] : index to i32
  // The result: a new buffer, 32 bytes per row.
  // CHECK: %[[RDIM:.+]] = arith.index_castui %[[N]] : index to i32
  // CHECK: %[[RSIZE:.+]] = arith.muli %{{.+}}, %[[N]] : index
  // CHECK: %[[RBUF:.+]] = hal.buffer.allocate size(%[[RSIZE]]) : !hal.buffer
  //      CHECK: hal_loader.executable.dispatch.symbol executable(%[[EXE]] : !hal.executable)
  // CHECK-SAME:   target(@ex::@cpu::@entry)
  // CHECK-SAME:   workgroups([%[[GROUPS]], %c1, %c1])
  // CHECK-SAME:   constants([%[[N32]], %[[K32]], %[[XDIM]], %[[RDIM]]])
  // CHECK-SAME:   bindings([
  // CHECK-NEXT:     (%[[XBUF]] : !hal.buffer)[%{{.+}}, %[[XSIZE]]],
  // CHECK-NEXT:     (%[[RBUF]] : !hal.buffer)[%{{.+}}, %[[RSIZE]]]
  // CHECK-NEXT:   ])
  // CHECK: %[[R:.+]] = hal.tensor.import %[[RBUF]] : !hal.buffer -> tensor<?x8xf32>{%[[N]]}
  %r = flow.dispatch @ex::@cpu::@entry[%n](%n, %k, %x) : (index, f32, tensor<?x4xf32>{%n}) -> tensor<?x8xf32>{%n}
  // CHECK: return %[[R]]
  return %r : tensor<?x8xf32>
}

// -----

// A tied result starts as a copy of its operand (which may be read again)
// and reuses the operand's binding.
#layout = #hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer>]>]>
hal.executable private @ex {
  hal.executable.variant public @cpu target(<"llvm-cpu", "embedded-elf-x86_64", {}>) {
    hal.executable.export public @inplace ordinal(0) layout(#layout) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
  }
}

// CHECK-LABEL: func.func @tied
func.func @tied(%x: tensor<16xf32>) -> (tensor<16xf32>, tensor<16xf32>) {
  // CHECK: %[[XBUF:.+]] = hal.tensor.export %{{.+}} : tensor<16xf32> -> !hal.buffer
  // CHECK: %[[COPY:.+]] = hal.buffer.allocate size(%[[SIZE:.+]]) : !hal.buffer
  // CHECK: hal.buffer.copy source(%[[XBUF]])[%[[ZERO:.+]]] target(%[[COPY]])[%[[ZERO]]] length(%[[SIZE]])
  // CHECK: hal_loader.executable.dispatch.symbol {{.+}} bindings([
  // CHECK-NEXT: (%[[COPY]] : !hal.buffer)
  // CHECK: hal.tensor.import %[[COPY]] : !hal.buffer -> tensor<16xf32>
  %r = flow.dispatch @ex::@cpu::@inplace(%x) : (tensor<16xf32>) -> %x
  return %x, %r : tensor<16xf32>, tensor<16xf32>
}

// -----

// A tied result takes its operand's buffer when the operand is an earlier
// dispatch's result that nothing reads afterwards; it copies one that is
// read again, and one the function did not allocate (its argument).
#layout = #hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer>]>]>
hal.executable private @ex {
  hal.executable.variant public @cpu target(<"llvm-cpu", "embedded-elf-x86_64", {}>) {
    hal.executable.export public @inplace ordinal(0) layout(#layout) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
  }
}

// CHECK-LABEL: func.func @tied_dying
func.func @tied_dying(%x: tensor<16xf32>) -> (tensor<16xf32>, tensor<16xf32>) {
  // The argument is the caller's: copied.
  // CHECK: %[[XBUF:.+]] = hal.tensor.export %{{.+}} : tensor<16xf32> -> !hal.buffer
  // CHECK: %[[ABUF:.+]] = hal.buffer.allocate
  // CHECK: hal.buffer.copy source(%[[XBUF]])[{{.+}}] target(%[[ABUF]])
  // CHECK: %[[A:.+]] = hal.tensor.import %[[ABUF]]
  %a = flow.dispatch @ex::@cpu::@inplace(%x) : (tensor<16xf32>) -> %x
  // %a is read again by the last dispatch: copied.
  // CHECK: %[[AEXP:.+]] = hal.tensor.export %[[A]]
  // CHECK: %[[BBUF:.+]] = hal.buffer.allocate
  // CHECK: hal.buffer.copy source(%[[AEXP]])[{{.+}}] target(%[[BBUF]])
  // CHECK: %[[B:.+]] = hal.tensor.import %[[BBUF]]
  %b = flow.dispatch @ex::@cpu::@inplace(%a) : (tensor<16xf32>) -> %a
  // %b dies here: written in place, no allocation and no copy.
  // CHECK: %[[BEXP:.+]] = hal.tensor.export %[[B]]
  // CHECK-NOT: hal.buffer.allocate
  // CHECK-NOT: hal.buffer.copy
  // CHECK: hal_loader.executable.dispatch.symbol {{.+}} bindings([
  // CHECK-NEXT: (%[[BEXP]] : !hal.buffer)
  // CHECK: %[[C:.+]] = hal.tensor.import %[[BEXP]] : !hal.buffer -> tensor<16xf32>
  %c = flow.dispatch @ex::@cpu::@inplace(%b) : (tensor<16xf32>) -> %b
  // %a dies at the last dispatch.
  // CHECK: %[[AEXP2:.+]] = hal.tensor.export %[[A]]
  // CHECK-NOT: hal.buffer.allocate
  // CHECK: %[[D:.+]] = hal.tensor.import %[[AEXP2]]
  %d = flow.dispatch @ex::@cpu::@inplace(%a) : (tensor<16xf32>) -> %a
  // CHECK: return %[[C]], %[[D]]
  return %c, %d : tensor<16xf32>, tensor<16xf32>
}

// -----

// Variants chosen at load must offer the export the same way.
#layout = #hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer>]>]>
hal.executable private @ex {
  hal.executable.variant public @a target(<"llvm-cpu", "embedded-elf-x86_64", {}>) {
    hal.executable.export public @f ordinal(0) layout(#layout) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
  }
  hal.executable.variant public @b target(<"llvm-cpu", "embedded-elf-x86_64", {}>) {
    hal.executable.export public @g ordinal(1) layout(#layout) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
    hal.executable.export public @f ordinal(0) layout(#layout) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
  }
}

// CHECK-LABEL: func.func @variants
func.func @variants(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: hal_loader.executable.dispatch.symbol {{.+}} target(@ex::@a::@f)
  %r = flow.dispatch {@ex::@a::@f, @ex::@b::@f}(%x) : (tensor<4xf32>) -> %x
  return %r : tensor<4xf32>
}

// -----

// A batch run image by image: each image's operand binds the batch's buffer
// at the image's offset (16 bytes per row), and the concat is one buffer
// that the dispatches write their rows of in place. A part also read by
// something else is written to its own buffer and copied in.
#layout = #hal.pipeline.layout<push_constants = 0, sets = [<0, bindings = [<0, storage_buffer, ReadOnly>, <1, storage_buffer>]>]>
hal.executable private @ex {
  hal.executable.variant public @cpu target(<"llvm-cpu", "embedded-elf-x86_64", {}>) {
    hal.executable.export public @image ordinal(0) layout(#layout) count(%device: !hal.device) -> (index, index, index) {
      %c1 = arith.constant 1 : index
      hal.return %c1, %c1, %c1 : index, index, index
    }
  }
}

// CHECK-LABEL: func.func @images
func.func @images(%x: tensor<3x4xf32>) -> (tensor<3x4xf32>, tensor<1x4xf32>) {
  // CHECK: %[[X0:.+]] = hal.tensor.export %[[ARG:.+]] : tensor<3x4xf32> -> !hal.buffer
  // CHECK: %[[ALL:.+]] = hal.buffer.allocate size(%c48) : !hal.buffer
  // CHECK: hal_loader.executable.dispatch.symbol {{.+}} bindings([
  // CHECK-NEXT: (%[[X0]] : !hal.buffer)[%c0{{.*}}, %c16{{.*}}],
  // CHECK-NEXT: (%[[ALL]] : !hal.buffer)[%c0{{.*}}, %c16{{.*}}]
  %s0 = tensor.extract_slice %x[0, 0] [1, 4] [1, 1] : tensor<3x4xf32> to tensor<1x4xf32>
  %r0 = flow.dispatch @ex::@cpu::@image(%s0) : (tensor<1x4xf32>) -> tensor<1x4xf32>
  // CHECK: %[[X1:.+]] = hal.tensor.export %[[ARG]] : tensor<3x4xf32> -> !hal.buffer
  // CHECK-NOT: hal.buffer.allocate
  // CHECK: hal_loader.executable.dispatch.symbol {{.+}} bindings([
  // CHECK-NEXT: (%[[X1]] : !hal.buffer)[%c16{{.*}}, %c16{{.*}}],
  // CHECK-NEXT: (%[[ALL]] : !hal.buffer)[%c16{{.*}}, %c16{{.*}}]
  %s1 = tensor.extract_slice %x[1, 0] [1, 4] [1, 1] : tensor<3x4xf32> to tensor<1x4xf32>
  %r1 = flow.dispatch @ex::@cpu::@image(%s1) : (tensor<1x4xf32>) -> tensor<1x4xf32>
  // The last part is also returned: its own buffer, copied in at 32.
  // CHECK: %[[X2:.+]] = hal.tensor.export %[[ARG]] : tensor<3x4xf32> -> !hal.buffer
  // CHECK: %[[OWN:.+]] = hal.buffer.allocate size(%c16{{.*}}) : !hal.buffer
  // CHECK: hal_loader.executable.dispatch.symbol {{.+}} bindings([
  // CHECK-NEXT: (%[[X2]] : !hal.buffer)[%c32{{.*}}, %c16{{.*}}],
  // CHECK-NEXT: (%[[OWN]] : !hal.buffer)[%c0{{.*}}, %c16{{.*}}]
  // CHECK: %[[R2:.+]] = hal.tensor.import %[[OWN]] : !hal.buffer -> tensor<1x4xf32>
  %s2 = tensor.extract_slice %x[2, 0] [1, 4] [1, 1] : tensor<3x4xf32> to tensor<1x4xf32>
  %r2 = flow.dispatch @ex::@cpu::@image(%s2) : (tensor<1x4xf32>) -> tensor<1x4xf32>
  // CHECK: %[[R2BUF:.+]] = hal.tensor.export %[[R2]] : tensor<1x4xf32> -> !hal.buffer
  // CHECK: hal.buffer.copy source(%[[R2BUF]])[%c0{{.*}}] target(%[[ALL]])[%c32{{.*}}] length(%c16{{.*}})
  // CHECK: %[[WHOLE:.+]] = hal.tensor.import %[[ALL]] : !hal.buffer -> tensor<3x4xf32>
  // CHECK-NOT: tensor.concat
  // CHECK-NOT: tensor.extract_slice
  // CHECK-NOT: tensor.empty
  // CHECK: return %[[WHOLE]], %[[R2]]
  %all = tensor.concat dim(0) %r0, %r1, %r2 : (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<3x4xf32>
  return %all, %r2 : tensor<3x4xf32>, tensor<1x4xf32>
}
