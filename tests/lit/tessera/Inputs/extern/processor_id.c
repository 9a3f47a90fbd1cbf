/* A hand-written kernel for hal.dispatch.extern: writes the processor_id
 * (task worker) that ran each workgroup, as f32, into binding 1, after
 * checking that local_memory is its documented scratch (code 1 if not). */
#include "tessera/executable_library.h"

int processor_id(const tessera_executable_environment_v0_t *environment,
                 const tessera_dispatch_state_v0_t *state,
                 const tessera_workgroup_state_v0_t *workgroup) {
  (void)environment;
  volatile uint32_t *scratch = (volatile uint32_t *)workgroup->local_memory;
  if (!scratch || ((uintptr_t)scratch & 63) != 0 ||
      workgroup->local_memory_size != TESSERA_WORKGROUP_LOCAL_MEMORY_SIZE)
    return 1;
  uint32_t x = workgroup->workgroup_id[0];
  uint32_t last = workgroup->local_memory_size / sizeof(uint32_t) - 1;
  scratch[0] = x;
  scratch[last] = ~x;
  /* Long enough that the other workers take workgroups too. */
  for (volatile int i = 0; i < 100000; ++i)
    ;
  if (scratch[0] != x || scratch[last] != ~x)
    return 1;
  ((float *)state->binding_ptrs[1])[x] = (float)workgroup->processor_id;
  return 0;
}
