// COMPILE-CHECK STUB, not TensorFlow Lite Micro: only the declarations generated runners use.
#ifndef TINYML_COMPILE_CHECK_STUB_MICRO_ALLOCATOR_H_
#define TINYML_COMPILE_CHECK_STUB_MICRO_ALLOCATOR_H_

#include <stddef.h>
#include <stdint.h>

namespace tflite {

class MicroAllocator {
 public:
  static MicroAllocator* Create(uint8_t* tensor_arena, size_t arena_size);
};

}  // namespace tflite

#endif  // TINYML_COMPILE_CHECK_STUB_MICRO_ALLOCATOR_H_
