//===- main.cpp - Embedding the Tessera runtime ---------------------------===//
//
// Loads a compiled module (scale_add.tsm from scale_add.mlir), calls its
// function scale_add(a, b) = 2 * a + b and prints the result:
//
//   embed_runtime scale_add.tsm
//   scale_add: 12 24 36 48
//
//===----------------------------------------------------------------------===//

#include "tessera/runtime/Session.h"

#include <cstdio>
#include <vector>

using namespace tessera::rt;

static StatusOr<Tensor> vector4(const float (&values)[4]) {
  StatusOr<Tensor> tensor = Tensor::allocate(ElementType::F32, {4});
  if (tensor.ok())
    for (int i = 0; i < 4; ++i)
      tensor->mutableData<float>()[i] = values[i];
  return tensor;
}

static int fail(const Status &status) {
  std::fprintf(stderr, "embed_runtime: %s\n", status.message().c_str());
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: embed_runtime scale_add.tsm\n");
    return 2;
  }
  StatusOr<Runtime> runtime = Runtime::create("cpu");
  if (!runtime.ok())
    return fail(runtime.status());
  StatusOr<std::shared_ptr<Module>> module = runtime->loadModule(argv[1]);
  if (!module.ok())
    return fail(module.status());
  Session session = runtime->createSession(*module);

  StatusOr<Tensor> a = vector4({1, 2, 3, 4});
  StatusOr<Tensor> b = vector4({10, 20, 30, 40});
  if (!a.ok())
    return fail(a.status());
  if (!b.ok())
    return fail(b.status());
  StatusOr<std::vector<Tensor>> results = session.call("scale_add", {*a, *b});
  if (!results.ok())
    return fail(results.status());

  const Tensor &y = results->front();
  std::printf("scale_add:");
  for (int64_t i = 0; i < y.elementCount(); ++i)
    std::printf(" %g", y.elementAsDouble(i));
  std::printf("\n");
  return 0;
}
