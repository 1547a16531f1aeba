// Tests for RMTTokenizer.
import Testing
import RMTTokenizer
