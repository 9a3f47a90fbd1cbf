/* A hand-written kernel for hal.dispatch.extern: doubles binding 0 into
 * binding 1, all in one workgroup. Built with -DMARK=1000 it adds 1000 too,
 * so a test can tell which variant ran. */
#include "tessera/executable_library.h"

#ifndef MARK
#define MARK 0
#endif

int double_it(const tessera_executable_environment_v0_t *environment,
              const tessera_dispatch_state_v0_t *state,
              const tessera_workgroup_state_v0_t *workgroup) {
  (void)environment;
  (void)workgroup;
  const float *in = (const float *)state->binding_ptrs[0];
  float *out = (float *)state->binding_ptrs[1];
  size_t count = state->binding_lengths[1] / sizeof(float);
  for (size_t i = 0; i < count; ++i)
    out[i] = 2.0f * in[i] + (float)MARK;
  return 0;
}
