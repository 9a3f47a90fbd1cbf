# tessera_add_module: compile an .mlir program into a Tessera module (.tsm)
# as part of another project's build.
#
#   include(path/to/tessera/cmake/TesseraModule.cmake)
#   tessera_add_module(NAME
#     SRC program.mlir                 # the program (relative: to this dir)
#     [TARGETS llvm-cpu vulkan-spirv]  # target backends (default: llvm-cpu)
#     [OUTPUT file.tsm]                # default: NAME.tsm in the binary dir
#     [FLAGS --opt-level=3 ...]        # more `tessera compile` flags
#     [WORKING_DIRECTORY dir]          # where relative extern objects are
#                                      # also looked for (after SRC's dir)
#     [DEPENDS targets-or-files...])   # built first (e.g. extern objects)
#
# Each module is one build statement running `tessera compile SRC -o OUT
# --depfile=OUT.d`: Ninja and Make run them in parallel, a distributed
# build tool spreads them over machines, and the depfile makes a module
# rebuild when its source or any object file it links changes. The target
# NAME builds the module; its TESSERA_MODULE_FILE property is the file.
#
# `tessera` is TESSERA_EXECUTABLE, else found on PATH.

cmake_minimum_required(VERSION 3.20) # DEPFILE with Make and Ninja

if(NOT TESSERA_EXECUTABLE)
  find_program(TESSERA_EXECUTABLE tessera)
endif()

function(tessera_add_module name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG ""
                        "SRC;OUTPUT;WORKING_DIRECTORY" "TARGETS;FLAGS;DEPENDS")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR
            "tessera_add_module(${name}): unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_SRC)
    message(FATAL_ERROR "tessera_add_module(${name}): SRC is required")
  endif()
  if(NOT TESSERA_EXECUTABLE)
    message(FATAL_ERROR
            "tessera_add_module(${name}): no tessera executable; set "
            "TESSERA_EXECUTABLE or put tessera on PATH")
  endif()
  get_filename_component(source "${ARG_SRC}" ABSOLUTE
                         BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(ARG_OUTPUT)
    get_filename_component(output "${ARG_OUTPUT}" ABSOLUTE
                           BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  else()
    set(output "${CMAKE_CURRENT_BINARY_DIR}/${name}.tsm")
  endif()
  set(targets llvm-cpu)
  if(ARG_TARGETS)
    set(targets ${ARG_TARGETS})
  endif()
  list(JOIN targets "," target_list)
  set(working_directory "${CMAKE_CURRENT_BINARY_DIR}")
  if(ARG_WORKING_DIRECTORY)
    set(working_directory "${ARG_WORKING_DIRECTORY}")
  endif()
  add_custom_command(
    OUTPUT "${output}"
    COMMAND "${TESSERA_EXECUTABLE}" compile "${source}" -o "${output}"
            --target=${target_list} "--depfile=${output}.d" ${ARG_FLAGS}
    DEPENDS "${source}" ${ARG_DEPENDS}
    DEPFILE "${output}.d"
    WORKING_DIRECTORY "${working_directory}"
    COMMENT "Compiling Tessera module ${name}"
    VERBATIM)
  add_custom_target(${name} ALL DEPENDS "${output}")
  set_target_properties(${name} PROPERTIES TESSERA_MODULE_FILE "${output}")
endfunction()
