// COMPILE-CHECK STUB of the Chirale_TensorFlowLite library header, not the library: intentionally empty.
