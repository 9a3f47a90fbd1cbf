// RUN: tessera-opt --split-input-file --verify-diagnostics %s

flow.executable private @ex {
  // expected-error @+1 {{refers to function @missing which is not defined in the executable's module}}
  flow.executable.export public @missing
  builtin.module {
  }
}

// -----

flow.executable private @ex {
  // expected-error @+1 {{'func.func' op is not allowed in a flow.executable}}
  func.func @f() {
    return
  }
}

// -----

flow.executable private @ex {
  // expected-error @+1 {{workgroups region must end in flow.return of 3 index values}}
  flow.executable.export public @entry workgroups(%w: index) -> (index, index, index) {
    flow.return %w : index
  }
  builtin.module {
    func.func @entry() {
      return
    }
  }
}

// -----

func.func @bad_return() {
  // expected-error @+1 {{'flow.return' op expects parent op 'flow.executable.export'}}
  flow.return
}

// -----

func.func @unknown_entry(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %c4 = arith.constant 4 : index
  // expected-error @+1 {{entry point @nowhere::@entry not found}}
  %0 = flow.dispatch @nowhere::@entry[%c4](%arg0) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @missing_dims(%arg0: tensor<?xf32>) -> tensor<4xf32> {
  %c4 = arith.constant 4 : index
  // expected-error @+1 {{expected 1 dynamic dimension values in `{...}` for 'tensor<?xf32>'}}
  %0 = flow.dispatch @ex::@entry[%c4](%arg0) : (tensor<?xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
