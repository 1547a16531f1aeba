// rmt-ask: command-line entry point (work in progress).
print("rmt-ask: not implemented yet")
