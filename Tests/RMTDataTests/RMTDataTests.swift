// Tests for RMTData.
import Testing
import RMTData
