// COMPILE-CHECK STUB, not TensorFlow Lite Micro: only the declarations generated runners use.
#ifndef TINYML_COMPILE_CHECK_STUB_MICRO_RESOURCE_VARIABLE_H_
#define TINYML_COMPILE_CHECK_STUB_MICRO_RESOURCE_VARIABLE_H_

#include "tensorflow/lite/micro/micro_allocator.h"

namespace tflite {

class MicroResourceVariables {
 public:
  static MicroResourceVariables* Create(MicroAllocator* allocator, int num_variables);
};

}  // namespace tflite

#endif  // TINYML_COMPILE_CHECK_STUB_MICRO_RESOURCE_VARIABLE_H_
