// RMT: the umbrella module. `import RMT` gives the whole public API:
// kernels, safetensors I/O, the tokenizer, the BERT model and (as they land)
// the recurrent memory, data and training layers. It holds no logic of its own.
@_exported import RMTBase
@_exported import RMTKernels
@_exported import RMTModel
@_exported import RMTSafetensors
@_exported import RMTTokenizer
@_exported import RMTRecurrence
@_exported import RMTData
@_exported import RMTTraining
