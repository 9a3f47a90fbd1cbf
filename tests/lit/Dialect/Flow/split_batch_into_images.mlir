// RUN: tessera-opt --split-input-file --tessera-flow-split-batch-into-images="min-dispatches=2 min-image-bytes=0" %s | FileCheck %s
// RUN: tessera-opt --split-input-file --tessera-flow-split-batch-into-images %s | FileCheck %s --check-prefix=SMALL

// By default an image of under 64 KiB stays batched (it fits the caches):
// SMALL-NOT: tensor.extract_slice
// SMALL-NOT: tensor.concat

// Two dispatches that keep images apart (a scale of the input, then a bias
// add and a row sum per image), read by a dispatch that mixes images (a
// matmul over the collapsed batch): the first two run once per image on
// slices of the input, retyped to one image, and their result is gathered.
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#bias = affine_map<(d0, d1, d2) -> (d2)>
#rows = affine_map<(d0, d1, d2) -> (d0, d1)>
flow.executable private @scale {
  flow.executable.export public @scale_2x4x8
  builtin.module {
    func.func @scale_2x4x8(%x: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
      %e = tensor.empty() : tensor<2x4x8xf32>
      %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x : tensor<2x4x8xf32>) outs(%e : tensor<2x4x8xf32>) {
      ^bb0(%a: f32, %o: f32):
        %m = arith.mulf %a, %a : f32
        linalg.yield %m : f32
      } -> tensor<2x4x8xf32>
      return %r : tensor<2x4x8xf32>
    }
  }
}
flow.executable private @rowsum {
  flow.executable.export public @rowsum_2x4
  builtin.module {
    func.func @rowsum_2x4(%x: tensor<2x4x8xf32>, %b: tensor<8xf32>) -> tensor<2x4xf32> {
      %zero = arith.constant 0.0 : f32
      %e = tensor.empty() : tensor<2x4xf32>
      %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
      %r = linalg.generic {indexing_maps = [#id, #bias, #rows], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %b : tensor<2x4x8xf32>, tensor<8xf32>) outs(%f : tensor<2x4xf32>) {
      ^bb0(%a: f32, %c: f32, %o: f32):
        %s = arith.addf %a, %c : f32
        %t = arith.addf %s, %o : f32
        linalg.yield %t : f32
      } -> tensor<2x4xf32>
      return %r : tensor<2x4xf32>
    }
  }
}
flow.executable private @mix {
  flow.executable.export public @mix_8x8
  builtin.module {
    func.func @mix_8x8(%x: tensor<8x1xf32>) -> tensor<8x8xf32> {
      %zero = arith.constant 0.0 : f32
      %e = tensor.empty() : tensor<8x8xf32>
      %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
      %t = tensor.collapse_shape %x [[0, 1]] : tensor<8x1xf32> into tensor<8xf32>
      %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%t, %t : tensor<8xf32>, tensor<8xf32>) outs(%f : tensor<8x8xf32>) {
      ^bb0(%a: f32, %c: f32, %o: f32):
        %m = arith.mulf %a, %c : f32
        linalg.yield %m : f32
      } -> tensor<8x8xf32>
      return %r : tensor<8x8xf32>
    }
  }
}
// The executables, for one image (their names say so):
// CHECK: flow.executable.export public @scale_1x4x8
// CHECK: func.func @scale_1x4x8(%{{.+}}: tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
// CHECK: tensor.empty() : tensor<1x4x8xf32>
// CHECK: flow.executable.export public @rowsum_1x4
// CHECK: func.func @rowsum_1x4(%{{.+}}: tensor<1x4x8xf32>, %{{.+}}: tensor<8xf32>) -> tensor<1x4xf32>
// CHECK: flow.executable.export public @mix_8x8
// CHECK: func.func @mix_8x8(%{{.+}}: tensor<8x1xf32>)

// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.+]]: tensor<2x4x8xf32>, %[[B:.+]]: tensor<8xf32>)
func.func @main(%x: tensor<2x4x8xf32>, %b: tensor<8xf32>) -> tensor<8x8xf32> {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  // CHECK: %[[X0:.+]] = tensor.extract_slice %[[X]][0, 0, 0] [1, 4, 8] [1, 1, 1] : tensor<2x4x8xf32> to tensor<1x4x8xf32>
  // CHECK: %[[S0:.+]] = flow.dispatch @scale::@scale_1x4x8[%{{.+}}, %{{.+}}, %{{.+}}](%[[X0]]) : (tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  // CHECK: %[[R0:.+]] = flow.dispatch @rowsum::@rowsum_1x4[%{{.+}}, %{{.+}}](%[[S0]], %[[B]]) : (tensor<1x4x8xf32>, tensor<8xf32>) -> tensor<1x4xf32>
  // CHECK: %[[X1:.+]] = tensor.extract_slice %[[X]][1, 0, 0] [1, 4, 8] [1, 1, 1] : tensor<2x4x8xf32> to tensor<1x4x8xf32>
  // CHECK: %[[S1:.+]] = flow.dispatch @scale::@scale_1x4x8[%{{.+}}, %{{.+}}, %{{.+}}](%[[X1]])
  // CHECK: %[[R1:.+]] = flow.dispatch @rowsum::@rowsum_1x4[%{{.+}}, %{{.+}}](%[[S1]], %[[B]])
  // CHECK: %[[ALL:.+]] = tensor.concat dim(0) %[[R0]], %[[R1]] : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<2x4xf32>
  // CHECK: %[[FLAT:.+]] = tensor.collapse_shape %[[ALL]]
  // CHECK: %[[COL:.+]] = tensor.expand_shape %[[FLAT]]
  // CHECK: flow.dispatch @mix::@mix_8x8[%{{.+}}, %{{.+}}](%[[COL]])
  %s = flow.dispatch @scale::@scale_2x4x8[%c2, %c4, %c8](%x) : (tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %r = flow.dispatch @rowsum::@rowsum_2x4[%c2, %c4](%s, %b) : (tensor<2x4x8xf32>, tensor<8xf32>) -> tensor<2x4xf32>
  %flat = tensor.collapse_shape %r [[0, 1]] : tensor<2x4xf32> into tensor<8xf32>
  %col = tensor.expand_shape %flat [[0, 1]] output_shape [8, 1] : tensor<8xf32> into tensor<8x1xf32>
  %m = flow.dispatch @mix::@mix_8x8[%c8, %c8](%col) : (tensor<8x1xf32>) -> tensor<8x8xf32>
  return %m : tensor<8x8xf32>
}

// -----

// Not split: the second dispatch sums over the batch (its batch loop is a
// reduction), and a prefix of one dispatch is too short.
#id = affine_map<(d0, d1) -> (d0, d1)>
flow.executable private @scale {
  flow.executable.export public @scale_2x4
  builtin.module {
    func.func @scale_2x4(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
      %e = tensor.empty() : tensor<2x4xf32>
      %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
      ^bb0(%a: f32, %o: f32):
        %m = arith.mulf %a, %a : f32
        linalg.yield %m : f32
      } -> tensor<2x4xf32>
      return %r : tensor<2x4xf32>
    }
  }
}
flow.executable private @mean {
  flow.executable.export public @mean_2x4
  builtin.module {
    func.func @mean_2x4(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
      %zero = arith.constant 0.0 : f32
      %e = tensor.empty() : tensor<4xf32>
      %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
      %s = linalg.generic {indexing_maps = [#id, affine_map<(d0, d1) -> (d1)>], iterator_types = ["reduction", "parallel"]} ins(%x : tensor<2x4xf32>) outs(%f : tensor<4xf32>) {
      ^bb0(%a: f32, %o: f32):
        %t = arith.addf %a, %o : f32
        linalg.yield %t : f32
      } -> tensor<4xf32>
      %e2 = tensor.empty() : tensor<2x4xf32>
      %r = linalg.generic {indexing_maps = [#id, affine_map<(d0, d1) -> (d1)>, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %s : tensor<2x4xf32>, tensor<4xf32>) outs(%e2 : tensor<2x4xf32>) {
      ^bb0(%a: f32, %c: f32, %o: f32):
        %t = arith.subf %a, %c : f32
        linalg.yield %t : f32
      } -> tensor<2x4xf32>
      return %r : tensor<2x4xf32>
    }
  }
}
// CHECK-LABEL: func.func @mixes_images
func.func @mixes_images(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  // CHECK-NOT: tensor.extract_slice
  // CHECK: flow.dispatch @scale::@scale_2x4[%{{.+}}, %{{.+}}](%{{.+}}) : (tensor<2x4xf32>) -> tensor<2x4xf32>
  // CHECK: flow.dispatch @mean::@mean_2x4
  // CHECK-NOT: tensor.concat
  %s = flow.dispatch @scale::@scale_2x4[%c2, %c4](%x) : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %m = flow.dispatch @mean::@mean_2x4[%c2, %c4](%s) : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %m : tensor<2x4xf32>
}

// -----

// A residual inside the prefix (the first dispatch's result read by the
// third) is per image too; the batch index (linalg.index 0) of the fourth
// ends the prefix.
#id = affine_map<(d0, d1) -> (d0, d1)>
flow.executable private @neg {
  flow.executable.export public @neg_2x4
  builtin.module {
    func.func @neg_2x4(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
      %e = tensor.empty() : tensor<2x4xf32>
      %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
      ^bb0(%a: f32, %o: f32):
        %m = arith.negf %a : f32
        linalg.yield %m : f32
      } -> tensor<2x4xf32>
      return %r : tensor<2x4xf32>
    }
  }
}
flow.executable private @neg2 {
  flow.executable.export public @neg2_2x4
  builtin.module {
    func.func @neg2_2x4(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
      %e = tensor.empty() : tensor<2x4xf32>
      %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
      ^bb0(%a: f32, %o: f32):
        %m = arith.negf %a : f32
        linalg.yield %m : f32
      } -> tensor<2x4xf32>
      return %r : tensor<2x4xf32>
    }
  }
}
flow.executable private @add {
  flow.executable.export public @add_2x4
  builtin.module {
    func.func @add_2x4(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<2x4xf32> {
      %e = tensor.empty() : tensor<2x4xf32>
      %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %y : tensor<2x4xf32>, tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
      ^bb0(%a: f32, %b: f32, %o: f32):
        %m = arith.addf %a, %b : f32
        linalg.yield %m : f32
      } -> tensor<2x4xf32>
      return %r : tensor<2x4xf32>
    }
  }
}
flow.executable private @index {
  flow.executable.export public @index_2x4
  builtin.module {
    func.func @index_2x4(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
      %e = tensor.empty() : tensor<2x4xf32>
      %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
      ^bb0(%a: f32, %o: f32):
        %i = linalg.index 0 : index
        %ii = arith.index_cast %i : index to i32
        %f = arith.sitofp %ii : i32 to f32
        %m = arith.addf %a, %f : f32
        linalg.yield %m : f32
      } -> tensor<2x4xf32>
      return %r : tensor<2x4xf32>
    }
  }
}
// CHECK-LABEL: func.func @residual
func.func @residual(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  // Per image: neg, neg, add (the residual read inside the prefix only).
  // CHECK: %[[N0:.+]] = flow.dispatch @neg::@neg_1x4
  // CHECK: %[[M0:.+]] = flow.dispatch @neg2::@neg2_1x4
  // CHECK: %[[A0:.+]] = flow.dispatch @add::@add_1x4[%{{.+}}, %{{.+}}](%[[M0]], %[[N0]])
  // CHECK: flow.dispatch @neg::@neg_1x4
  // CHECK: flow.dispatch @neg2::@neg2_1x4
  // CHECK: %[[A1:.+]] = flow.dispatch @add::@add_1x4
  // CHECK: %[[ALL:.+]] = tensor.concat dim(0) %[[A0]], %[[A1]]
  // The batch index (linalg.index 0) ends the prefix:
  // CHECK: flow.dispatch @index::@index_2x4[%{{.+}}, %{{.+}}](%[[ALL]])
  %n = flow.dispatch @neg::@neg_2x4[%c2, %c4](%x) : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %m = flow.dispatch @neg2::@neg2_2x4[%c2, %c4](%n) : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %a = flow.dispatch @add::@add_2x4[%c2, %c4](%m, %n) : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %i = flow.dispatch @index::@index_2x4[%c2, %c4](%a) : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %i : tensor<2x4xf32>
}

// -----

// A weight reshaped on the host whose dimension 0 happens to equal the
// batch (2x4 from 8) is the same for every image: the prefix goes on. A
// linalg body that reads a batched tensor itself (a gather's
// tensor.extract) may read any image: the prefix ends before it.
#id = affine_map<(d0, d1) -> (d0, d1)>
flow.executable private @scale {
  flow.executable.export public @scale_2x4
  builtin.module {
    func.func @scale_2x4(%x: tensor<2x4xf32>, %w: tensor<2x4xf32>) -> tensor<2x4xf32> {
      %e = tensor.empty() : tensor<2x4xf32>
      %r = linalg.generic {indexing_maps = [#id, affine_map<(d0, d1) -> (1, d1)>, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %w : tensor<2x4xf32>, tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
      ^bb0(%a: f32, %b: f32, %o: f32):
        %m = arith.mulf %a, %b : f32
        linalg.yield %m : f32
      } -> tensor<2x4xf32>
      return %r : tensor<2x4xf32>
    }
  }
}
flow.executable private @neg {
  flow.executable.export public @neg_2x4
  builtin.module {
    func.func @neg_2x4(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
      %e = tensor.empty() : tensor<2x4xf32>
      %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
      ^bb0(%a: f32, %o: f32):
        %m = arith.negf %a : f32
        linalg.yield %m : f32
      } -> tensor<2x4xf32>
      return %r : tensor<2x4xf32>
    }
  }
}
flow.executable private @gather {
  flow.executable.export public @gather_2x4
  builtin.module {
    func.func @gather_2x4(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
      %e = tensor.empty() : tensor<2x4xf32>
      %r = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<2x4xf32>) {
      ^bb0(%o: f32):
        %i = linalg.index 1 : index
        %c1 = arith.constant 1 : index
        %v = tensor.extract %x[%c1, %i] : tensor<2x4xf32>
        linalg.yield %v : f32
      } -> tensor<2x4xf32>
      return %r : tensor<2x4xf32>
    }
  }
}
// CHECK-LABEL: func.func @weights_and_gathers
func.func @weights_and_gathers(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %cst = arith.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]> : tensor<8xf32>
  // CHECK: %[[W:.+]] = tensor.expand_shape %{{.+}} {{\[\[}}0, 1]] output_shape [2, 4]
  %w = tensor.expand_shape %cst [[0, 1]] output_shape [2, 4] : tensor<8xf32> into tensor<2x4xf32>
  // CHECK: %[[S0:.+]] = flow.dispatch @scale::@scale_1x4[%{{.+}}, %{{.+}}](%{{.+}}, %[[W]]) : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<1x4xf32>
  // CHECK: flow.dispatch @neg::@neg_1x4[%{{.+}}, %{{.+}}](%[[S0]])
  // CHECK: flow.dispatch @scale::@scale_1x4[%{{.+}}, %{{.+}}](%{{.+}}, %[[W]])
  // CHECK: %[[ALL:.+]] = tensor.concat
  // CHECK: flow.dispatch @gather::@gather_2x4[%{{.+}}, %{{.+}}](%[[ALL]]) : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %s = flow.dispatch @scale::@scale_2x4[%c2, %c4](%x, %w) : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %n = flow.dispatch @neg::@neg_2x4[%c2, %c4](%s) : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %g = flow.dispatch @gather::@gather_2x4[%c2, %c4](%n) : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %g : tensor<2x4xf32>
}

// -----

// A pad whose value is computed from the position (here the batch index)
// ends the prefix: one image's pad would see index 0 only.
#id = affine_map<(d0, d1) -> (d0, d1)>
flow.executable private @neg {
  flow.executable.export public @neg_2x4
  builtin.module {
    func.func @neg_2x4(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
      %e = tensor.empty() : tensor<2x4xf32>
      %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
      ^bb0(%a: f32, %o: f32):
        %m = arith.negf %a : f32
        linalg.yield %m : f32
      } -> tensor<2x4xf32>
      return %r : tensor<2x4xf32>
    }
  }
}
flow.executable private @neg2 {
  flow.executable.export public @neg2_2x4
  builtin.module {
    func.func @neg2_2x4(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
      %e = tensor.empty() : tensor<2x4xf32>
      %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
      ^bb0(%a: f32, %o: f32):
        %m = arith.negf %a : f32
        linalg.yield %m : f32
      } -> tensor<2x4xf32>
      return %r : tensor<2x4xf32>
    }
  }
}
flow.executable private @pad {
  flow.executable.export public @pad_2x6
  builtin.module {
    func.func @pad_2x6(%x: tensor<2x4xf32>) -> tensor<2x6xf32> {
      %p = tensor.pad %x low[0, 1] high[0, 1] {
      ^bb0(%i: index, %j: index):
        %ii = arith.index_cast %i : index to i32
        %f = arith.sitofp %ii : i32 to f32
        tensor.yield %f : f32
      } : tensor<2x4xf32> to tensor<2x6xf32>
      return %p : tensor<2x6xf32>
    }
  }
}
// CHECK-LABEL: func.func @pad_by_image
func.func @pad_by_image(%x: tensor<2x4xf32>) -> tensor<2x6xf32> {
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c6 = arith.constant 6 : index
  // CHECK: flow.dispatch @neg::@neg_1x4
  // CHECK: flow.dispatch @neg2::@neg2_1x4
  // CHECK: flow.dispatch @neg::@neg_1x4
  // CHECK: flow.dispatch @neg2::@neg2_1x4
  // CHECK: %[[ALL:.+]] = tensor.concat
  // CHECK: flow.dispatch @pad::@pad_2x6[%{{.+}}, %{{.+}}](%[[ALL]]) : (tensor<2x4xf32>) -> tensor<2x6xf32>
  %n = flow.dispatch @neg::@neg_2x4[%c2, %c4](%x) : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %m = flow.dispatch @neg2::@neg2_2x4[%c2, %c4](%n) : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %p = flow.dispatch @pad::@pad_2x6[%c2, %c6](%m) : (tensor<2x4xf32>) -> tensor<2x6xf32>
  return %p : tensor<2x6xf32>
}
