/* A hand-written kernel for a tied hal.dispatch.extern result: triples
 * binding 0 in place, all in one workgroup. */
#include "tessera/executable_library.h"

int triple_in_place(const tessera_executable_environment_v0_t *environment,
                    const tessera_dispatch_state_v0_t *state,
                    const tessera_workgroup_state_v0_t *workgroup) {
  (void)environment;
  (void)workgroup;
  float *data = (float *)state->binding_ptrs[0];
  size_t count = state->binding_lengths[0] / sizeof(float);
  for (size_t i = 0; i < count; ++i)
    data[i] = 3.0f * data[i];
  return 0;
}
