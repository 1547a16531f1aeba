// Tests for RMTModel.
import Testing
import RMTModel
