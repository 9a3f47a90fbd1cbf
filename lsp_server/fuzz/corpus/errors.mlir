func.func @fine(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = arith.addf %a, %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @wrong_result(%a: i32) -> i64 {
  return %a : i32
}

// -----

func.func @unknown_dialect() {
  %x = foo.bar : i32
  return
}
