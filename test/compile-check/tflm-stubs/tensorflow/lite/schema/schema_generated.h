// COMPILE-CHECK STUB, not TensorFlow Lite Micro: only the declarations generated runners use.
#ifndef TINYML_COMPILE_CHECK_STUB_SCHEMA_GENERATED_H_
#define TINYML_COMPILE_CHECK_STUB_SCHEMA_GENERATED_H_

#include <stdint.h>

namespace tflite {

struct Model {
  uint32_t version() const;
};

const Model* GetModel(const void* buf);

}  // namespace tflite

#endif  // TINYML_COMPILE_CHECK_STUB_SCHEMA_GENERATED_H_
