// RUN: tessera-opt --split-input-file %s | tessera-opt --split-input-file | FileCheck %s

// CHECK-LABEL: flow.executable private @ex
// CHECK-NEXT: flow.executable.export public @entry workgroups(%[[W:.+]]: index) -> (index, index, index) {
// CHECK: flow.return %[[W]], %{{.+}}, %{{.+}} : index, index, index
// CHECK: builtin.module
flow.executable private @ex {
  flow.executable.export public @entry workgroups(%w: index) -> (index, index, index) {
    %c1 = arith.constant 1 : index
    flow.return %w, %c1, %c1 : index, index, index
  }
  builtin.module {
    func.func @entry(%arg0: tensor<?xf32>, %arg1: index) -> tensor<?xf32> {
      return %arg0 : tensor<?xf32>
    }
  }
}

// CHECK-LABEL: func.func @dispatch
func.func @dispatch(%arg0: tensor<?xf32>, %d: index) -> (tensor<?xf32>, tensor<?xf32>) {
  // CHECK: %{{.+}} = flow.dispatch @ex::@entry[%arg1](%arg0, %arg1) : (tensor<?xf32>{%arg1}, index) -> tensor<?xf32>{%arg1}
  %0 = flow.dispatch @ex::@entry[%d](%arg0, %d) : (tensor<?xf32>{%d}, index) -> tensor<?xf32>{%d}
  // Tied result: written in place of operand %arg0.
  // CHECK: %{{.+}} = flow.dispatch @ex::@entry[%arg1](%arg0, %arg1) : (tensor<?xf32>{%arg1}, index) -> %arg0{%arg1}
  %1 = flow.dispatch @ex::@entry[%d](%arg0, %d) : (tensor<?xf32>{%d}, index) -> %arg0{%d}
  return %0, %1 : tensor<?xf32>, tensor<?xf32>
}
