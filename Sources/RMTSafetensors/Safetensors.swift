// Safetensors: reading and writing the safetensors tensor file format.
