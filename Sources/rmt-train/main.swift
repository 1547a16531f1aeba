// rmt-train: command-line entry point (work in progress).
print("rmt-train: not implemented yet")
