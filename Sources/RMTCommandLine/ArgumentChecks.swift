// ArgumentChecks: what the three tools add to ArgumentParser before it parses —
//   - a single-value option given twice (`-q a -q b`) is a usage error (ArgumentParser keeps the
//     last silently); array options (`--noise a --noise b`) still repeat;
//   - a negative number after an option (`--lr -1`) is its value, not an unknown flag: it is
//     passed on as `--lr=-1`, so it reaches the command's validation ("must be > 0").
// The option table comes from ArgumentParser's own description of the command tree
// (`_dumpHelp()`, the JSON of `--experimental-dump-help`), so new options need no registration.
import ArgumentParser
import Foundation

public enum ArgumentChecks {
    /// Runs `Root` like ArgumentParser's `main()`, after the checks above.
    public static func main<Root: ParsableCommand>(_ root: Root.Type, arguments: [String] = Array(CommandLine.arguments.dropFirst())) {
        let tree = commandTree(root)
        do {
            let rewritten = try check(arguments, tree: tree)
            root.main(rewritten)
        } catch {
            root.exit(withError: error)
        }
    }

    /// The arguments with negative-number values attached (`--lr=-1`).
    /// - Throws: ValidationError naming a single-value option given more than once.
    public static func check(_ arguments: [String], tree: CommandInfo) throws -> [String] {
        var out: [String] = []
        var command = tree
        var table = command.optionTable
        var values: [String: [String]] = [:]   // option's display name → values given
        var sawPositional = false
        var i = 0
        while i < arguments.count {
            let token = arguments[i]
            i += 1
            if token == "--" { out.append(contentsOf: arguments[(i - 1)...]); break }
            if token.hasPrefix("-"), token.count > 1, !isNegativeNumber(token) {
                let parts = token.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard let argument = table[String(parts[0])], argument.kind == "option" else {
                    out.append(token)
                    continue
                }
                var value: String?
                if parts.count == 2 {
                    value = String(parts[1])
                    out.append(token)
                } else if i < arguments.count, isNegativeNumber(arguments[i]), let long = argument.longName {
                    value = arguments[i]
                    out.append("\(long)=\(arguments[i])")
                    i += 1
                } else {
                    out.append(token)
                    // ArgumentParser takes the next token as the value unless it looks like an option.
                    if i < arguments.count, !arguments[i].hasPrefix("-") || argument.parsingStrategy == "unconditional" {
                        value = arguments[i]
                        out.append(arguments[i])
                        i += 1
                    }
                }
                if !argument.isRepeating, let value {
                    let key = argument.displayName
                    values[key, default: []].append(value)
                    if values[key]!.count > 1 {
                        // Control characters escaped and long values cut, so the error stays one
                        // line whatever was typed.
                        let shown = { (v: String) -> String in
                            let e = v.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F
                                ? $0.escaped(asASCII: false) : String($0) }.joined()
                            return e.count > 40 ? String(e.prefix(40)) + "…" : e
                        }
                        let given = values[key]!.map { "'\(shown($0))'" }.joined(separator: ", then ")
                        throw ValidationError("\(key) was given more than once (\(given)); give it once")
                    }
                }
                continue
            }
            out.append(token)
            if !sawPositional, let sub = command.subcommands?.first(where: { $0.commandName == token }) {
                command = sub
                table = sub.optionTable
                values = [:]
                continue
            }
            sawPositional = true
        }
        return out
    }

    /// `-1`, `-0.5`, `-.5`, `-1e-3`, `-inf`: a value, never an option name.
    static func isNegativeNumber(_ token: String) -> Bool {
        guard token.hasPrefix("-"), token.count > 1 else { return false }
        let body = token.dropFirst().lowercased()
        if body == "inf" || body == "infinity" { return true }
        return body.first.map { $0.isNumber || $0 == "." } == true && Double(body) != nil
    }

    /// ArgumentParser's description of `root` and its subcommands (with each command's default
    /// subcommand, which the JSON leaves out, taken from the command types).
    public static func commandTree<Root: ParsableCommand>(_ root: Root.Type) -> CommandInfo {
        let json = root._dumpHelp()
        guard var info = try? JSONDecoder().decode(ToolInfo.self, from: Data(json.utf8)).command else {
            return CommandInfo(commandName: "", defaultSubcommand: nil, subcommands: nil, arguments: nil)
        }
        addDefaultSubcommands(&info, root)
        return info
    }

    private static func addDefaultSubcommands(_ info: inout CommandInfo, _ type: ParsableCommand.Type) {
        info.defaultSubcommand = type.configuration.defaultSubcommand?._commandName
        for subType in type.configuration.subcommands {
            if let index = info.subcommands?.firstIndex(where: { $0.commandName == subType._commandName }) {
                addDefaultSubcommands(&info.subcommands![index], subType)
            }
        }
    }

    struct ToolInfo: Decodable { let command: CommandInfo }

    /// One command of the tree: the fields of ArgumentParserToolInfo's CommandInfoV0 used here.
    public struct CommandInfo: Decodable, Sendable {
        let commandName: String
        var defaultSubcommand: String?
        var subcommands: [CommandInfo]?
        let arguments: [ArgumentInfo]?

        /// Option and flag names ("--top-k", "-q") of this command and, while no subcommand was
        /// named, of its default subcommand.
        var optionTable: [String: ArgumentInfo] {
            var table: [String: ArgumentInfo] = [:]
            var sources = arguments ?? []
            if let name = defaultSubcommand, let sub = subcommands?.first(where: { $0.commandName == name }) {
                sources += sub.arguments ?? []
            }
            for argument in sources where argument.kind != "positional" {
                for name in argument.names ?? [] { table[name.spelled] = argument }
            }
            return table
        }
    }

    /// One argument: the fields of ArgumentInfoV0 used here.
    public struct ArgumentInfo: Decodable, Sendable {
        let kind: String
        let isRepeating: Bool
        let parsingStrategy: String?
        let names: [NameInfo]?

        var longName: String? { names?.first(where: { $0.kind == "long" })?.spelled }
        /// "--question/-q"
        var displayName: String { (names ?? []).map(\.spelled).joined(separator: "/") }
    }

    struct NameInfo: Decodable, Sendable {
        let kind: String
        let name: String
        var spelled: String { kind == "long" ? "--\(name)" : "-\(name)" }
    }
}
