/* double.c's kernel plus a constructor that leaves a file named
 * "constructor-ran" in the working directory (raw system calls: executables
 * have no libc). A runtime that dlopen()s the library runs it on load;
 * tessera's loader must refuse the library without running it. */
#include "tessera/executable_library.h"

static long system_call3(long number, long a, long b, long c) {
  long result;
  __asm__ volatile("syscall"
                   : "=a"(result)
                   : "a"(number), "D"(a), "S"(b), "d"(c)
                   : "rcx", "r11", "memory");
  return result;
}

__attribute__((constructor)) static void leave_a_mark(void) {
  /* open("constructor-ran", O_WRONLY | O_CREAT, 0644) */
  system_call3(2, (long)"constructor-ran", 0101, 0644);
}

int double_it(const tessera_executable_environment_v0_t *environment,
              const tessera_dispatch_state_v0_t *state,
              const tessera_workgroup_state_v0_t *workgroup) {
  (void)environment;
  (void)workgroup;
  const float *in = (const float *)state->binding_ptrs[0];
  float *out = (float *)state->binding_ptrs[1];
  size_t count = state->binding_lengths[1] / sizeof(float);
  for (size_t i = 0; i < count; ++i)
    out[i] = 2.0f * in[i];
  return 0;
}
