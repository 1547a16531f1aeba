// Error reporting shared by the subcommands: a known error becomes one line on stderr
// ("rmt-tool: <file>: <problem>") and exit status 1 — never a stack trace or a trap.
import ArgumentParser
import Foundation

func runReportingErrors(_ body: () throws -> Void) throws {
    do { try body() } catch let error as ValidationError { throw error } catch let error as ExitCode { throw error } catch {
        FileHandle.standardError.write(Data("rmt-tool: \(error)\n".utf8))
        throw ExitCode(1)
    }
}
