// ErrorReporter: the one place where the three tools turn an error into what the user sees —
// one line on stderr, "<tool>: <path>: <cause>", and exit status 1 (`run` for a thrown error,
// `exit` for a command that stops itself). Usage errors
// (ValidationError, ExitCode, help and version requests) pass through to ArgumentParser.
// Foundation's file errors (NSError/CocoaError, e.g. writing --out over an existing file) are
// reduced to their path and POSIX cause instead of their multi-line Objective-C description.
import ArgumentParser
import Foundation

public enum ErrorReporter {
    /// Runs `body`; any other error becomes one line "<tool>: …" on stderr and exit status 1.
    public static func run(_ tool: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch let error as CleanExit {
            throw error
        } catch {
            throw exit(tool, describe(error))
        }
    }

    /// Writes "<tool>: <message>" as one line on stderr and returns the exit status to throw,
    /// for a command that must stop without ArgumentParser's usage text.
    public static func exit(_ tool: String, _ message: String, code: Int32 = 1) -> ExitCode {
        FileHandle.standardError.write(Data("\(tool): \(message)\n".utf8))
        return ExitCode(code)
    }

    /// One line: the error's own description for the project's error types (which name the path),
    /// "path: cause" for Foundation file errors.
    public static func describe(_ error: Error) -> String {
        let line: String
        if let cocoa = error as? CocoaError {
            line = describeFoundation(cocoa as NSError)
        } else if let posix = error as? POSIXError {
            line = String(cString: strerror(posix.code.rawValue)).lowercased()
        } else if let ns = error as AnyObject as? NSError, type(of: error) is NSError.Type {
            line = describeFoundation(ns)
        } else {
            line = String(describing: error)
        }
        return line.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    private static func describeFoundation(_ error: NSError) -> String {
        let path = (error.userInfo[NSFilePathErrorKey] as? String)
            ?? (error.userInfo[NSURLErrorKey] as? URL)?.path
        var cause: String
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            cause = String(cString: strerror(Int32(underlying.code))).lowercased()
        } else if error.domain == NSPOSIXErrorDomain {
            cause = String(cString: strerror(Int32(error.code))).lowercased()
        } else {
            switch CocoaError.Code(rawValue: error.code) {
            case .fileWriteFileExists: cause = "file exists"
            case .fileNoSuchFile, .fileReadNoSuchFile: cause = "no such file"
            case .fileWriteNoPermission, .fileReadNoPermission: cause = "permission denied"
            case .fileWriteOutOfSpace: cause = "no space left on device"
            case .fileWriteVolumeReadOnly: cause = "read-only file system"
            default: cause = error.localizedDescription
            }
        }
        if let path, !cause.contains(path) { cause = "\(path): \(cause)" }
        return cause
    }
}

/// "1 segment", "2 segments", "0 segments".
public func plural(_ count: Int, _ word: String) -> String {
    "\(count) \(word)\(count == 1 ? "" : "s")"
}
