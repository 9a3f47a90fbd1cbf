"""Prints a program of N functions (argv[1]), each a 2-D elementwise
doubling in its own dispatch: a compile that lasts long enough to be
interrupted in the middle."""
import sys

for i in range(int(sys.argv[1])):
    print(f"""func.func @f{i}(%x: tensor<{i + 2}x3xf32>) -> tensor<{i + 2}x3xf32> {{
  %e = tensor.empty() : tensor<{i + 2}x3xf32>
  %r = linalg.generic {{indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}}
      ins(%x : tensor<{i + 2}x3xf32>) outs(%e : tensor<{i + 2}x3xf32>) {{
  ^bb0(%v: f32, %o: f32):
    %a = arith.addf %v, %v : f32
    linalg.yield %a : f32
  }} -> tensor<{i + 2}x3xf32>
  return %r : tensor<{i + 2}x3xf32>
}}""")
