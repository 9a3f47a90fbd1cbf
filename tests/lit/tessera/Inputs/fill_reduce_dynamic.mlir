func.func @main(%x: tensor<?xi32>) -> tensor<24x48xi32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?xi32>
  %two = arith.constant 2 : i32
  %zero = arith.constant 0 : i32
  %e = tensor.empty(%n) : tensor<24x48x?xi32>
  %f = linalg.fill ins(%two : i32) outs(%e : tensor<24x48x?xi32>) -> tensor<24x48x?xi32>
  %e2 = tensor.empty() : tensor<24x48xi32>
  %z = linalg.fill ins(%zero : i32) outs(%e2 : tensor<24x48xi32>) -> tensor<24x48xi32>
  %r = linalg.reduce ins(%f : tensor<24x48x?xi32>) outs(%z : tensor<24x48xi32>) dimensions = [2]
    (%in: i32, %acc: i32) {
      %s = arith.addi %in, %acc : i32
      linalg.yield %s : i32
    }
  return %r : tensor<24x48xi32>
}
