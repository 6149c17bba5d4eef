/* Writes the generated model array back to a file so a test can compare it with the .tflite it came from. */
#include <stdint.h>
#include <stdio.h>

#include "model_data.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: roundtrip OUTPUT_FILE\n");
    return 2;
  }
  if (((uintptr_t)g_model) % 16 != 0) {
    fprintf(stderr, "g_model is not 16-byte aligned\n");
    return 3;
  }
  FILE* f = fopen(argv[1], "wb");
  if (f == NULL || fwrite(g_model, 1, g_model_len, f) != g_model_len || fclose(f) != 0) {
    fprintf(stderr, "cannot write %s\n", argv[1]);
    return 4;
  }
  return 0;
}
