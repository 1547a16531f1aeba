// swift-tools-version:6.1
// RMT — a Recurrent Memory Transformer in Swift on OpenBLAS.
//
// Layers (imports only point down):
//   COpenBLAS + CRMTVector → RMTKernels → RMTModel (+ RMTSafetensors, RMTTokenizer) → RMTRecurrence
//   → RMTTraining (+ RMTData) → RMT (umbrella) → RMTCommandLine (shared CLI plumbing) → executables.
//   RMTBase (seeded random numbers, FNV-1a, default labels, question layout and domain) sits below
//   every layer but the kernels; RMTData (tasks, noise, documents) needs only RMTBase and RMTTokenizer;
//   RMTReference (the plain-loop and Double twins) is test-only, in no product.
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
        // Foundation-free small things every layer may use: the seeded random numbers (SplitMix64),
        // the FNV-1a hash, the default answer labels, the question layout and question domain.
        .target(name: "RMTBase"),
        // Float32 kernels (GEMM on the own kernels or OpenBLAS, LayerNorm, GELU, softmax,
        // embeddings); KernelSet says which run.
        .target(name: "RMTKernels", dependencies: ["COpenBLAS", "CRMTVector"]),
        // The safetensors file format: strict, validating reader and atomic writer.
        .target(name: "RMTSafetensors"),
        // BERT WordPiece tokenizer (Hugging Face `tokenizers` compatible), incremental.
        .target(name: "RMTTokenizer"),
        // BERT config, parameters, forward pass, Hugging Face checkpoint loading.
        .target(name: "RMTModel", dependencies: ["RMTBase", "RMTKernels", "RMTSafetensors", "RMTTokenizer"]),
        // The recurrent memory: segments, memory state, streaming answers; the question layout's checks as
        // ModelError and the question matcher (a domain's forms as the model's tokens).
        .target(name: "RMTRecurrence", dependencies: ["RMTBase", "RMTKernels", "RMTModel", "RMTTokenizer", "RMTSafetensors"]),
        // Training and evaluation data: noise prose, memory tasks, bAbI world simulator. The question
        // layout and the question domain each task declares are RMTBase's, so data needs neither
        // the recurrence layer nor the kernels.
        .target(name: "RMTData", dependencies: ["RMTBase", "RMTTokenizer"]),
        // Training: BPTT through memory, AdamW, schedules, the curriculum driver.
        .target(name: "RMTTraining", dependencies: [
            "RMTBase", "RMTKernels", "RMTSafetensors", "RMTModel", "RMTRecurrence", "RMTData",
        ]),
        // The umbrella library users import.
        .target(name: "RMT", dependencies: ["RMTBase", "RMTKernels", "RMTSafetensors", "RMTTokenizer", "RMTModel", "RMTRecurrence", "RMTData", "RMTTraining"]),

        // What the three tools share on top of ArgumentParser: --version (version + commit),
        // repeated-option and negative-number handling, the one-line error reporter, the option
        // values they share (--preset/--config, --bptt) and the bench commands' JSON line.
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

        // Test-only (in no product): the plain-loop Float twins of every kernel and the Double
        // BERT + RMT that the gradient checks differentiate; the tests hold the fast code against them.
        .target(name: "RMTReference", dependencies: ["RMTBase", "RMTKernels"]),

        // Test-only: counts every heap allocation of the test process (malloc & co. interposed,
        // forwarding to glibc's); Scripts/count-allocations.sh preloads the same file into the CLIs.
        .target(name: "RMTAllocationCounter", path: "Tests/AllocationCounter"),

        // Helpers shared by the test targets (fixtures, MiniLM location, comparisons).
        .target(name: "RMTTestSupport", dependencies: ["RMTSafetensors"], path: "Tests/Support"),

        .testTarget(name: "RMTKernelsTests", dependencies: ["RMTBase", "RMTKernels", "RMTReference", "RMTTestSupport"]),
        .testTarget(name: "RMTSafetensorsTests", dependencies: ["RMTSafetensors", "RMTTestSupport"]),
        .testTarget(name: "RMTTokenizerTests", dependencies: ["RMTTokenizer", "RMTTestSupport"],
                    resources: []),
        .testTarget(name: "RMTModelTests", dependencies: [
            "RMTBase", "RMTKernels", "RMTModel", "RMTSafetensors", "RMTTokenizer", "RMTTestSupport", "RMTAllocationCounter"]),
        .testTarget(name: "RMTRecurrenceTests", dependencies: [
            "RMTBase", "RMTKernels", "RMTModel", "RMTRecurrence", "RMTSafetensors", "RMTTokenizer", "RMTTestSupport",
            "RMTAllocationCounter"]),
        // RMTRecurrence for QuestionMatcher only: each task's questions must have its declared forms.
        .testTarget(name: "RMTDataTests", dependencies: ["RMTBase", "RMTData", "RMTRecurrence", "RMTTokenizer"]),
        .testTarget(name: "RMTTrainingTests", dependencies: [
            "RMTBase", "RMTKernels", "RMTModel", "RMTRecurrence", "RMTData", "RMTTokenizer", "RMTSafetensors", "RMTTraining",
            "RMTReference", "RMTTestSupport",
        ]),
        // Runs the built executables on bad and odd inputs.
        .testTarget(name: "CLITests", dependencies: [
            "rmt-ask", "rmt-tool", "rmt-train", "rmt-library-tour", "RMT", "RMTCommandLine", "RMTTestSupport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
