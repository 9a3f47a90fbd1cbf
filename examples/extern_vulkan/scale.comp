// The `scale` kernel of examples/extern as a Vulkan compute shader:
// out[i] = in[i] * factor, 256 invocations per workgroup (the CPU kernel's
// tile), the factor as push constant 0 and the bindings of the pipeline
// layout in scale.mlir. Compiled to SPIR-V by glslangValidator at build time,
// with `scale` as its entry point name (the export's name).
#version 450
layout(local_size_x = 256) in;
layout(set = 0, binding = 0) readonly buffer Input { float values[]; } in_;
layout(set = 0, binding = 1) writeonly buffer Output { float values[]; } out_;
layout(push_constant) uniform Constants { float factor; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i < out_.values.length())
    out_.values[i] = in_.values[i] * factor;
}
