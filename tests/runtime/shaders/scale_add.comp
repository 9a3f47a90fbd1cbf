// y[i] = x[i] * factor + bias for i < n: two storage buffers and three push
// constants, 64 invocations per workgroup (a partial last workgroup).
#version 450
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer Input { float x[]; };
layout(set = 0, binding = 1) writeonly buffer Output { float y[]; };
layout(push_constant) uniform Constants {
  float factor;
  float bias;
  uint n;
};
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i < n)
    y[i] = x[i] * factor + bias;
}
