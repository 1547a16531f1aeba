// swift-tools-version:6.1
// RMT — a Recurrent Memory Transformer in Swift on OpenBLAS.
//
// Layers (imports only point down):
//   COpenBLAS + CRMTVector → RMTKernels → RMTModel (+ RMTSafetensors) → RMTRecurrence → RMTData (+ RMTTokenizer)
//   → RMTTraining → RMT (umbrella) → RMTCommandLine (shared CLI plumbing) → executables.
//
// Trait MPI (off by default): `swift build -c release --traits MPI` links rmt-train against the
// system Open MPI (CMPI) for data-parallel training and sharded evaluation under mpirun
// (Docs/distributed.md). Without it nothing needs MPI.
import PackageDescription

let package = Package(
    name: "RMT",
    products: [
        .library(name: "RMT", targets: ["RMT"]),
        .executable(name: "rmt-tool", targets: ["rmt-tool"]),
        .executable(name: "rmt-ask", targets: ["rmt-ask"]),
        .executable(name: "rmt-train", targets: ["rmt-train"]),
    ],
    traits: [
        .trait(name: "MPI", description: "rmt-train runs data-parallel under mpirun (system Open MPI, libopenmpi-dev)."),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System OpenBLAS: module map includes <cblas.h> and links openblas.
        .systemLibrary(
            name: "COpenBLAS",
            path: "Sources/COpenBLAS",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // System Open MPI (trait MPI only): C wrappers over MPI_COMM_WORLD calls; paths from pkg-config.
        .systemLibrary(
            name: "CMPI",
            path: "Sources/CMPI",
            pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]
        ),
        // CPU feature detection (CPUID + XGETBV, one place), the own packed GEMM micro-kernels,
        // the fused attention head and the AVX-512 / AVX2 row kernels (softmax, GELU, bias + GELU,
        // residual + LayerNorm), chosen at run time: per-function target attributes, so the
        // package needs no unsafe flags.
        .target(name: "CRMTVector"),
        // Float32 kernels (GEMM on the own kernels or OpenBLAS, LayerNorm, GELU, softmax,
        // embeddings) with plain-loop twins; KernelSet says which run.
        .target(name: "RMTKernels", dependencies: ["COpenBLAS", "CRMTVector"]),
        // The safetensors file format: strict, validating reader and atomic writer.
        .target(name: "RMTSafetensors"),
        // BERT WordPiece tokenizer (Hugging Face `tokenizers` compatible), incremental.
        .target(name: "RMTTokenizer"),
        // BERT config, parameters, forward pass, Hugging Face checkpoint loading.
        .target(name: "RMTModel", dependencies: ["RMTKernels", "RMTSafetensors", "RMTTokenizer"]),
        // The recurrent memory: segments, memory state, question layout, streaming answers.
        .target(name: "RMTRecurrence", dependencies: ["RMTModel", "RMTTokenizer", "RMTSafetensors"]),
        // Training and evaluation data: noise prose, memory tasks, bAbI world simulator.
        .target(name: "RMTData", dependencies: ["RMTKernels", "RMTTokenizer", "RMTRecurrence"]),
        // Training: BPTT through memory, AdamW, schedules, the curriculum driver.
        .target(name: "RMTTraining", dependencies: ["RMTKernels", "RMTModel", "RMTRecurrence", "RMTData"]),
        // The umbrella library users import.
        .target(name: "RMT", dependencies: ["RMTKernels", "RMTSafetensors", "RMTTokenizer", "RMTModel", "RMTRecurrence", "RMTData", "RMTTraining"]),

        // What the three tools share on top of ArgumentParser: --version (version + commit),
        // repeated-option and negative-number handling, the one-line error reporter.
        .target(name: "RMTCommandLine", dependencies: [
            "RMT", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .executableTarget(name: "rmt-tool", dependencies: [
            "RMT", "RMTCommandLine", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "rmt-ask", dependencies: [
            "RMT", "RMTCommandLine", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "rmt-train", dependencies: [
            "RMT", "RMTCommandLine", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .target(name: "CMPI", condition: .when(traits: ["MPI"])),
        ]),

        // The library examples of Docs/library.md, runnable.
        .executableTarget(name: "rmt-library-tour", dependencies: ["RMT"], path: "Examples/LibraryTour"),

        // Helpers shared by the test targets (fixtures, MiniLM location, comparisons).
        .target(name: "RMTTestSupport", dependencies: ["RMTSafetensors"], path: "Tests/Support"),

        .testTarget(name: "RMTKernelsTests", dependencies: ["RMTKernels", "RMTTestSupport"]),
        .testTarget(name: "RMTSafetensorsTests", dependencies: ["RMTSafetensors", "RMTTestSupport"]),
        .testTarget(name: "RMTTokenizerTests", dependencies: ["RMTTokenizer", "RMTTestSupport"],
                    resources: []),
        .testTarget(name: "RMTModelTests", dependencies: ["RMTModel", "RMTTestSupport"]),
        .testTarget(name: "RMTRecurrenceTests", dependencies: ["RMTRecurrence", "RMTTestSupport"]),
        .testTarget(name: "RMTDataTests", dependencies: ["RMTData"]),
        .testTarget(name: "RMTTrainingTests", dependencies: ["RMTTraining", "RMTTestSupport"]),
        // Runs the built executables on bad and odd inputs.
        .testTarget(name: "CLITests", dependencies: ["rmt-ask", "rmt-tool", "rmt-train", "rmt-library-tour", "RMTCommandLine", "RMTTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
