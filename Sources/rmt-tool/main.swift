// rmt-tool: command-line entry point (work in progress).
print("rmt-tool: not implemented yet")
