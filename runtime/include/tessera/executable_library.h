/*===- executable_library.h - ABI of compiled CPU executables ------------===*
 *
 * A CPU executable is a shared library (ELF for now) with no dependencies,
 * not even libc, no constructors and no imports. It exports one function per
 * dispatch entry point, under the export's name, the table that describes
 * them all (tessera_executable_library_v0, data) and a query function that
 * returns it. The compiler (lib/Codegen/LLVMCPU, lib/Target/LLVMCPU)
 * produces this ABI; the runtime consumes it. Plain C so that both sides, and
 *hand-written executables, can include it.
 *
 *===----------------------------------------------------------------------===*/
#ifndef TESSERA_EXECUTABLE_LIBRARY_H
#define TESSERA_EXECUTABLE_LIBRARY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TESSERA_EXECUTABLE_LIBRARY_VERSION_0 0u
#define TESSERA_EXECUTABLE_LIBRARY_QUERY_NAME "tessera_executable_library_query"
/* The library table of version 0, exported as data: the runtime reads it
 * without running any code of the library. */
#define TESSERA_EXECUTABLE_LIBRARY_V0_NAME "tessera_executable_library_v0"

/* Reserved for imports the runtime provides (none yet); may be NULL. */
typedef struct tessera_executable_environment_v0_t {
  const void *reserved;
} tessera_executable_environment_v0_t;

/* Read-only state shared by all workgroups of one dispatch. */
typedef struct tessera_dispatch_state_v0_t {
  uint32_t workgroup_size[3];     /* offset 0 */
  uint32_t push_constant_count;   /* offset 12 */
  uint32_t workgroup_count[3];    /* offset 16 */
  uint32_t binding_count;         /* offset 28 */
  const uint32_t *push_constants; /* offset 32 */
  void *const *binding_ptrs;      /* offset 40: one per binding of set 0 */
  const size_t *binding_lengths;  /* offset 48: bytes */
} tessera_dispatch_state_v0_t;

/* Bytes of stack a dispatch function may use for its temporaries (the
 * compiler refuses more, or checks a size known only at run time); the
 * runtime's worker threads have at least twice this much stack, as a
 * caller running dispatches inline must. */
#define TESSERA_WORKGROUP_STACK_SIZE (6u << 20)

/* Bytes of local_memory every workgroup gets. */
#define TESSERA_WORKGROUP_LOCAL_MEMORY_SIZE 65536u

/* State of the workgroup being run. */
typedef struct tessera_workgroup_state_v0_t {
  uint32_t workgroup_id[3]; /* offset 0: x, y, z */
  /* offset 12: the task worker running it, 0 to workers - 1 (0 inline). */
  uint32_t processor_id;
  /* offset 16: scratch of the thread running the workgroup, 64-byte
   * aligned, local_memory_size bytes; its contents are undefined when a
   * workgroup starts. */
  void *local_memory;
  uint32_t local_memory_size; /* offset 24 */
} tessera_workgroup_state_v0_t;

/* What a dispatch function returns when its own checks refuse to run: the
 * host program gave it a binding smaller than the data it indexes, or a
 * workgroup outside its grid (a damaged or crafted module), or a temporary
 * whose size depends on the data would need more stack than the compiler
 * allows a workgroup (TESSERA_WORKGROUP_STACK_SIZE). */
#define TESSERA_DISPATCH_ERROR_BINDING_TOO_SMALL 2
#define TESSERA_DISPATCH_ERROR_WORKGROUP_OUTSIDE_GRID 3
#define TESSERA_DISPATCH_ERROR_STACK_TEMPORARIES 4

/* Runs one workgroup; returns 0 on success. */
typedef int (*tessera_dispatch_fn_v0_t)(
    const tessera_executable_environment_v0_t *environment,
    const tessera_dispatch_state_v0_t *dispatch_state,
    const tessera_workgroup_state_v0_t *workgroup_state);

/* What the query function returns: exports in ordinal order. */
typedef struct tessera_executable_library_v0_t {
  uint32_t version; /* TESSERA_EXECUTABLE_LIBRARY_VERSION_0 */
  uint32_t export_count;
  const char *name;                        /* the executable's name */
  const tessera_dispatch_fn_v0_t *exports; /* export_count entries */
  const char *const *export_names;         /* export_count entries */
} tessera_executable_library_v0_t;

/* `tessera_executable_library_query`: returns the library for `version`, or
 * NULL when the library does not support it. */
typedef const tessera_executable_library_v0_t *(
    *tessera_executable_library_query_fn_t)(
    uint32_t version, const tessera_executable_environment_v0_t *environment);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TESSERA_EXECUTABLE_LIBRARY_H */
