// COMPILE-CHECK STUB, not TensorFlow Lite Micro: only the declarations generated runners use.
#ifndef TINYML_COMPILE_CHECK_STUB_MICRO_LOG_H_
#define TINYML_COMPILE_CHECK_STUB_MICRO_LOG_H_

void MicroPrintf(const char* format, ...) __attribute__((format(printf, 1, 2)));

#endif  // TINYML_COMPILE_CHECK_STUB_MICRO_LOG_H_
