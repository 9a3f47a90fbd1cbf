/* A hand-written CPU executable for CpuDeviceTest: built by clang into a
 * shared library following executable_library.h, loaded by the CPU device.
 * No libc: executables link none. */
#include "tessera/executable_library.h"

/* Work enough that a dispatch's workgroups spread over several workers,
 * even on a loaded machine. */
static void spin(int iterations) {
  for (volatile int i = 0; i < iterations; ++i)
    ;
}

/* Binding 0 (u32): element x = x + 1, slowly. */
static int iota(const tessera_executable_environment_v0_t *environment,
                const tessera_dispatch_state_v0_t *state,
                const tessera_workgroup_state_v0_t *workgroup) {
  (void)environment;
  spin(20000);
  uint32_t x = workgroup->workgroup_id[0];
  ((uint32_t *)state->binding_ptrs[0])[x] = x + 1;
  return 0;
}

/* Binding 1 (u32) = binding 0 (u32) * 2. */
static int twice(const tessera_executable_environment_v0_t *environment,
                 const tessera_dispatch_state_v0_t *state,
                 const tessera_workgroup_state_v0_t *workgroup) {
  (void)environment;
  uint32_t x = workgroup->workgroup_id[0];
  const uint32_t *in = (const uint32_t *)state->binding_ptrs[0];
  ((uint32_t *)state->binding_ptrs[1])[x] = in[x] * 2;
  return 0;
}

/* Binding 0 (u32): the processor_id that ran workgroup x, after checking
 * that local_memory is the documented scratch and holds what is written
 * to it (returns 1 otherwise). */
static int processor_id(const tessera_executable_environment_v0_t *environment,
                        const tessera_dispatch_state_v0_t *state,
                        const tessera_workgroup_state_v0_t *workgroup) {
  (void)environment;
  uint32_t *scratch = (uint32_t *)workgroup->local_memory;
  if (!scratch || ((uintptr_t)scratch & 63) != 0 ||
      workgroup->local_memory_size != TESSERA_WORKGROUP_LOCAL_MEMORY_SIZE)
    return 1;
  uint32_t words = workgroup->local_memory_size / sizeof(uint32_t);
  uint32_t x = workgroup->workgroup_id[0];
  for (uint32_t i = 0; i < words; i += 97)
    scratch[i] = x ^ i;
  spin(300000);
  for (uint32_t i = 0; i < words; i += 97)
    if (scratch[i] != (x ^ i))
      return 1;
  ((uint32_t *)state->binding_ptrs[0])[x] = workgroup->processor_id;
  return 0;
}

/* Fails in workgroup 7. */
static int fail_at_7(const tessera_executable_environment_v0_t *environment,
                     const tessera_dispatch_state_v0_t *state,
                     const tessera_workgroup_state_v0_t *workgroup) {
  (void)environment;
  (void)state;
  return workgroup->workgroup_id[0] == 7 ? 1 : 0;
}

static const tessera_dispatch_fn_v0_t exports[] = {iota, twice, processor_id,
                                                   fail_at_7};
static const char *const names[] = {"iota", "twice", "processor_id",
                                    "fail_at_7"};
const tessera_executable_library_v0_t tessera_executable_library_v0 = {
    TESSERA_EXECUTABLE_LIBRARY_VERSION_0, 4, "cpu_kernels", exports, names};
