// Tests for RMTSafetensors.
import Testing
import RMTSafetensors
