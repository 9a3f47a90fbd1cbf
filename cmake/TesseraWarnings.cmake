# tessera_target_warnings(target): the project's warnings on one target's own
# sources (not on its dependants), errors with TESSERA_WERROR.
#
# Two of -Wextra's are off, as LLVM builds itself:
#  -Wno-unused-parameter: overrides of MLIR and LLVM interfaces (patterns,
#   passes, type converters) keep parameters they do not use, and naming
#   them all out would hide the interface's signature.
#  -Wno-missing-field-initializers: `T x = {first}` zero-initializes the
#   other members on purpose (Vulkan's `{VK_STRUCTURE_TYPE_...}` idiom).
function(tessera_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter
                                           -Wno-missing-field-initializers)
  if(TESSERA_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  set_property(TARGET ${target} PROPERTY TESSERA_WARNINGS ON)
endfunction()

# tessera_check_target_warnings(dir): fails the configure when a target
# compiled under `dir` did not call tessera_target_warnings, so that a new
# library or tool cannot silently build without them.
function(tessera_check_target_warnings dir)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(NOT type MATCHES "^(STATIC|SHARED|MODULE|OBJECT)_LIBRARY$|^EXECUTABLE$")
      continue()
    endif()
    get_target_property(warnings ${target} TESSERA_WARNINGS)
    if(NOT warnings)
      message(FATAL_ERROR "${target} (${dir}) has no warning flags: add "
                          "tessera_target_warnings(${target}) after it")
    endif()
  endforeach()
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(subdir IN LISTS subdirs)
    tessera_check_target_warnings(${subdir})
  endforeach()
endfunction()
