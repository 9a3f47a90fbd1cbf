/* A hand-written kernel dispatched by hal.dispatch.extern (scale.mlir):
 * out[i] = in[i] * factor for the 256 elements of one workgroup's tile.
 * Built twice by CMake: with -mavx512f for the variant chosen on CPUs that
 * have AVX-512, and for baseline x86-64. No libc: executables link none. */
#include "tessera/executable_library.h"

#define TILE 256

int scale(const tessera_executable_environment_v0_t *environment,
          const tessera_dispatch_state_v0_t *state,
          const tessera_workgroup_state_v0_t *workgroup) {
  (void)environment;
  const float *in = (const float *)state->binding_ptrs[0];
  float *out = (float *)state->binding_ptrs[1];
  size_t count = state->binding_lengths[1] / sizeof(float);
  /* Push constant 0: the factor, as f32 bits. */
  union {
    uint32_t bits;
    float value;
  } factor = {state->push_constants[0]};
  size_t begin = (size_t)workgroup->workgroup_id[0] * TILE;
  size_t end = begin + TILE < count ? begin + TILE : count;
  for (size_t i = begin; i < end; ++i)
    out[i] = in[i] * factor.value;
  return 0;
}
