// RMTData: training and evaluation documents (noise prose, memory tasks, bAbI). Work in progress.
