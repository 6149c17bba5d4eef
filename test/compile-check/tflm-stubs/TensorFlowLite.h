// COMPILE-CHECK STUB of the Arduino TensorFlowLite library header, not the library: intentionally empty.
