// Version: the package's release number, one constant for the library and the three tools'
// `--version` (which add the git commit of the source checkout, read at run time: see
// Sources/RMTCommandLine/BuildInfo.swift).

/// The RMT package version.
public enum RMTVersion {
    /// Semantic version of this source tree; raised by hand with each release.
    public static let string = "0.1.0"
}
