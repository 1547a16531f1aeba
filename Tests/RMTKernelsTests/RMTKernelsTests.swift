// Tests for RMTKernels.
import Testing
import RMTKernels
