// RUN: tessera-opt --split-input-file --tessera-flow-tie-dying-operands %s | FileCheck %s

// A residual add after a matmul: the result is tied to the residual when
// the residual is an earlier dispatch's result read by nothing afterwards.
#id = affine_map<(d0, d1) -> (d0, d1)>
flow.executable private @mm {
  flow.executable.export public @mm
  builtin.module {
    func.func @mm(%a: tensor<4x4xf32>) -> tensor<4x4xf32> {
      %e = tensor.empty() : tensor<4x4xf32>
      %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
      ^bb0(%x: f32, %o: f32):
        %n = arith.negf %x : f32
        linalg.yield %n : f32
      } -> tensor<4x4xf32>
      return %r : tensor<4x4xf32>
    }
  }
}
flow.executable private @residual {
  flow.executable.export public @residual
  builtin.module {
    func.func @residual(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>, %res: tensor<4x4xf32>) -> tensor<4x4xf32> {
      %zero = arith.constant 0.0 : f32
      %e = tensor.empty() : tensor<4x4xf32>
      %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
      %m = linalg.matmul ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
      %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%m, %res : tensor<4x4xf32>, tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
      ^bb0(%x: f32, %y: f32, %o: f32):
        %s = arith.addf %x, %y : f32
        linalg.yield %s : f32
      } -> tensor<4x4xf32>
      return %r : tensor<4x4xf32>
    }
  }
}
// CHECK-LABEL: func.func @dies
func.func @dies(%x: tensor<4x4xf32>, %w: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // CHECK: %[[P:.+]] = flow.dispatch @mm::@mm(%{{.+}}) : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %p = flow.dispatch @mm::@mm(%x) : (tensor<4x4xf32>) -> tensor<4x4xf32>
  // CHECK: flow.dispatch @residual::@residual(%{{.+}}, %{{.+}}, %[[P]]) : (tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>) -> %[[P]]
  %r = flow.dispatch @residual::@residual(%x, %w, %p) : (tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %r : tensor<4x4xf32>
}

// -----

// Not tied: the residual is read again after the dispatch; the residual is
// the caller's argument; the residual is also the matmul's operand.
#id = affine_map<(d0, d1) -> (d0, d1)>
flow.executable private @mm {
  flow.executable.export public @mm
  builtin.module {
    func.func @mm(%a: tensor<4x4xf32>) -> tensor<4x4xf32> {
      %e = tensor.empty() : tensor<4x4xf32>
      %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
      ^bb0(%x: f32, %o: f32):
        %n = arith.negf %x : f32
        linalg.yield %n : f32
      } -> tensor<4x4xf32>
      return %r : tensor<4x4xf32>
    }
  }
}
flow.executable private @later {
  flow.executable.export public @later
  builtin.module {
    func.func @later(%res: tensor<4x4xf32>, %b: tensor<4x4xf32>) -> tensor<4x4xf32> {
      %e = tensor.empty() : tensor<4x4xf32>
      %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%res, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
      ^bb0(%x: f32, %y: f32, %o: f32):
        %s = arith.addf %x, %y : f32
        linalg.yield %s : f32
      } -> tensor<4x4xf32>
      return %r : tensor<4x4xf32>
    }
  }
}
flow.executable private @caller {
  flow.executable.export public @caller
  builtin.module {
    func.func @caller(%res: tensor<4x4xf32>, %b: tensor<4x4xf32>) -> tensor<4x4xf32> {
      %e = tensor.empty() : tensor<4x4xf32>
      %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%res, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
      ^bb0(%x: f32, %y: f32, %o: f32):
        %s = arith.addf %x, %y : f32
        linalg.yield %s : f32
      } -> tensor<4x4xf32>
      return %r : tensor<4x4xf32>
    }
  }
}
flow.executable private @twice {
  flow.executable.export public @twice
  builtin.module {
    func.func @twice(%res: tensor<4x4xf32>, %b: tensor<4x4xf32>) -> tensor<4x4xf32> {
      %zero = arith.constant 0.0 : f32
      %e = tensor.empty() : tensor<4x4xf32>
      %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
      %m = linalg.matmul ins(%res, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
      %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%m, %res : tensor<4x4xf32>, tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
      ^bb0(%x: f32, %y: f32, %o: f32):
        %s = arith.addf %x, %y : f32
        linalg.yield %s : f32
      } -> tensor<4x4xf32>
      return %r : tensor<4x4xf32>
    }
  }
}
// CHECK-LABEL: func.func @lives
func.func @lives(%x: tensor<4x4xf32>, %w: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>) {
  %p = flow.dispatch @mm::@mm(%x) : (tensor<4x4xf32>) -> tensor<4x4xf32>
  // CHECK: flow.dispatch @later::@later({{.+}}) : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %r = flow.dispatch @later::@later(%p, %w) : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  // CHECK: flow.dispatch @caller::@caller({{.+}}) : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %s = flow.dispatch @caller::@caller(%x, %w) : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  // CHECK: flow.dispatch @twice::@twice({{.+}}) : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %t = flow.dispatch @twice::@twice(%p, %w) : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %r, %s, %t : tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// Not tied: the operand is read transposed, where the result is written.
#id = affine_map<(d0, d1) -> (d0, d1)>
#t = affine_map<(d0, d1) -> (d1, d0)>
flow.executable private @mm {
  flow.executable.export public @mm
  builtin.module {
    func.func @mm(%a: tensor<4x4xf32>) -> tensor<4x4xf32> {
      %e = tensor.empty() : tensor<4x4xf32>
      %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
      ^bb0(%x: f32, %o: f32):
        %n = arith.negf %x : f32
        linalg.yield %n : f32
      } -> tensor<4x4xf32>
      return %r : tensor<4x4xf32>
    }
  }
}
flow.executable private @transposed {
  flow.executable.export public @transposed
  builtin.module {
    func.func @transposed(%res: tensor<4x4xf32>) -> tensor<4x4xf32> {
      %e = tensor.empty() : tensor<4x4xf32>
      %r = linalg.generic {indexing_maps = [#t, #id], iterator_types = ["parallel", "parallel"]} ins(%res : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
      ^bb0(%x: f32, %o: f32):
        linalg.yield %x : f32
      } -> tensor<4x4xf32>
      return %r : tensor<4x4xf32>
    }
  }
}
// CHECK-LABEL: func.func @read_transposed
func.func @read_transposed(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %p = flow.dispatch @mm::@mm(%x) : (tensor<4x4xf32>) -> tensor<4x4xf32>
  // CHECK: flow.dispatch @transposed::@transposed(%{{.+}}) : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %r = flow.dispatch @transposed::@transposed(%p) : (tensor<4x4xf32>) -> tensor<4x4xf32>
  return %r : tensor<4x4xf32>
}

// -----

// An executable called once per image has one interface: its result is
// tied where the residual dies at every call, and at none when it lives on
// after one of them.
#id = affine_map<(d0, d1) -> (d0, d1)>
flow.executable private @mm {
  flow.executable.export public @mm
  builtin.module {
    func.func @mm(%a: tensor<4x4xf32>) -> tensor<4x4xf32> {
      %e = tensor.empty() : tensor<4x4xf32>
      %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
      ^bb0(%x: f32, %o: f32):
        %n = arith.negf %x : f32
        linalg.yield %n : f32
      } -> tensor<4x4xf32>
      return %r : tensor<4x4xf32>
    }
  }
}
flow.executable private @add {
  flow.executable.export public @add
  builtin.module {
    func.func @add(%a: tensor<4x4xf32>, %res: tensor<4x4xf32>) -> tensor<4x4xf32> {
      %e = tensor.empty() : tensor<4x4xf32>
      %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%res, %a : tensor<4x4xf32>, tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
      ^bb0(%x: f32, %y: f32, %o: f32):
        %s = arith.addf %x, %y : f32
        linalg.yield %s : f32
      } -> tensor<4x4xf32>
      return %r : tensor<4x4xf32>
    }
  }
}
flow.executable private @add2 {
  flow.executable.export public @add2
  builtin.module {
    func.func @add2(%a: tensor<4x4xf32>, %res: tensor<4x4xf32>) -> tensor<4x4xf32> {
      %e = tensor.empty() : tensor<4x4xf32>
      %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%res, %a : tensor<4x4xf32>, tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
      ^bb0(%x: f32, %y: f32, %o: f32):
        %s = arith.addf %x, %y : f32
        linalg.yield %s : f32
      } -> tensor<4x4xf32>
      return %r : tensor<4x4xf32>
    }
  }
}
// CHECK-LABEL: func.func @per_image
func.func @per_image(%x: tensor<4x4xf32>, %y: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>) {
  // CHECK: %[[P0:.+]] = flow.dispatch @mm::@mm
  // CHECK: flow.dispatch @add::@add(%{{.+}}, %[[P0]]) : (tensor<4x4xf32>, tensor<4x4xf32>) -> %[[P0]]
  // CHECK: %[[P1:.+]] = flow.dispatch @mm::@mm
  // CHECK: flow.dispatch @add::@add(%{{.+}}, %[[P1]]) : (tensor<4x4xf32>, tensor<4x4xf32>) -> %[[P1]]
  %p0 = flow.dispatch @mm::@mm(%x) : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %r0 = flow.dispatch @add::@add(%x, %p0) : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %p1 = flow.dispatch @mm::@mm(%y) : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %r1 = flow.dispatch @add::@add(%y, %p1) : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  // The second call's residual is returned: neither call is tied.
  // CHECK: %[[Q0:.+]] = flow.dispatch @mm::@mm
  // CHECK: flow.dispatch @add2::@add2(%{{.+}}, %[[Q0]]) : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  // CHECK: %[[Q1:.+]] = flow.dispatch @mm::@mm
  // CHECK: flow.dispatch @add2::@add2(%{{.+}}, %[[Q1]]) : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %q0 = flow.dispatch @mm::@mm(%x) : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %s0 = flow.dispatch @add2::@add2(%x, %q0) : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %q1 = flow.dispatch @mm::@mm(%y) : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %s1 = flow.dispatch @add2::@add2(%y, %q1) : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %r0, %r1, %s0, %s1, %q1 : tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>
}
