import CaptureCore
import Foundation

/// One option of a command: its name, whether it takes a value, and its help.
struct OptionSpec: Sendable {
  enum Kind: Sendable {
    /// `--name`, no value.
    case flag
    /// `--name VALUE`, at most one value (the last given wins).
    case value
    /// `--name VALUE`, repeatable; values kept in order.
    case repeated
  }

  let name: String
  let kind: Kind
  /// The placeholder shown in help (`PATH`, `TYPE:ID`); unused for flags.
  let valueName: String
  let help: String
  /// Whether the command uses it. Every command accepts the workspace options
  /// (docs/commands.md), so one config file and one habit serve them all, but help lists
  /// only those it uses.
  var used = true

  /// The same option, accepted but not used by the command at hand.
  var unused: OptionSpec {
    var copy = self
    copy.used = false
    return copy
  }

  static func flag(_ name: String, _ help: String) -> OptionSpec {
    OptionSpec(name: name, kind: .flag, valueName: "", help: help)
  }

  static func value(_ name: String, _ valueName: String, _ help: String) -> OptionSpec {
    OptionSpec(name: name, kind: .value, valueName: valueName, help: help)
  }

  static func repeated(_ name: String, _ valueName: String, _ help: String) -> OptionSpec {
    OptionSpec(name: name, kind: .repeated, valueName: valueName, help: help)
  }
}

/// A subcommand: its name, help, options, at most one positional argument, and what it does.
struct CommandSpec: Sendable {
  let name: String
  let abstract: String
  let options: [OptionSpec]
  /// The positional argument's placeholder and help (`import FILE.json`), if it takes one.
  var argument: (name: String, help: String)? = nil
  /// Runs the command with its parsed arguments.
  let run: @Sendable (ParsedArguments) throws -> Void
}

/// What the user typed for one command, by option name.
struct ParsedArguments: Sendable {
  private(set) var values: [String: [String]] = [:]
  private(set) var flags: Set<String> = []
  private(set) var argument: String?

  init(values: [String: [String]] = [:], flags: Set<String> = [], argument: String? = nil) {
    self.values = values
    self.flags = flags
    self.argument = argument
  }

  /// A single-value option's value (the last one given), or nil when absent.
  func value(_ name: String) -> String? { values[name]?.last }

  /// A repeatable option's values in the order given.
  func values(_ name: String) -> [String] { values[name] ?? [] }

  func flag(_ name: String) -> Bool { flags.contains(name) }

  /// A required option's value, or a usage error naming it.
  func required(_ name: String, _ valueName: String) throws -> String {
    guard let value = value(name) else { throw UsageError("missing --\(name) \(valueName)") }
    return value
  }

  /// `--record TYPE:ID`, required; a malformed one is a usage mistake (exit 64).
  func record() throws -> RecordRef {
    let text = try required("record", "TYPE:ID")
    guard let ref = RecordRef(parsing: text) else {
      throw UsageError("bad record '\(text)': expected TYPE:ID such as account:a-fab")
    }
    return ref
  }

  /// A whole-number option's value; anything else is a usage error naming the option.
  func integer(_ name: String) throws -> Int? {
    guard let text = value(name) else { return nil }
    guard let number = Int(text) else {
      throw UsageError("--\(name) takes a whole number, not '\(text)'")
    }
    return number
  }
}

/// A mistake in the command line itself (unknown option, missing value): exit status 64.
struct UsageError: Error, CustomStringConvertible {
  var description: String
  init(_ message: String) { description = message }
}

/// Leaves the process with a status, after the command has said why (e.g. `sync` with
/// failed requests exits with 2).
struct ExitStatus: Error {
  var code: Int32
}

/// The command line, parsed from a table of commands and their options.
///
/// A hand-written parser rather than swift-argument-parser: that library builds each
/// command's options by reflection, which adds about 1.8 ms to every process of a ~5 ms
/// `autocapture timeline --json` (Decisions.md has the measurement), and whole-process time
/// is one of our benchmark goals. The grammar is the usual one: `--name value`,
/// `--name=value`, flags, `--` before arguments that start with a dash, `-h`/`--help`
/// anywhere. A repeated single-value option keeps its last value. Usage errors exit with 64
/// (EX_USAGE), other errors with 1.
enum CommandLineParser {
  /// What the words after the program name ask for.
  enum Request {
    case run(CommandSpec, ParsedArguments)
    /// Help for one command, or for the program when nil.
    case help(CommandSpec?)
    /// `--version` (or `-V`) as the only word.
    case version
  }

  /// Picks the command (the first word when it names one, else `defaultCommand`) and
  /// parses the rest against its options.
  static func request(_ words: [String], commands: [CommandSpec], defaultCommand: String)
    throws -> Request
  {
    var rest = words[...]
    if rest.count == 1, rest.first == "--version" || rest.first == "-V" { return .version }
    if rest.first == "help" {
      rest = rest.dropFirst()
      guard let name = rest.first else { return .help(nil) }
      guard let command = commands.first(where: { $0.name == name }) else {
        throw UsageError("unknown command '\(name)' (commands: \(names(commands)))")
      }
      return .help(command)
    }
    let command: CommandSpec
    if let first = rest.first, let named = commands.first(where: { $0.name == first }) {
      command = named
      rest = rest.dropFirst()
    } else if let first = rest.first, !first.hasPrefix("-") {
      throw UsageError("unknown command '\(first)' (commands: \(names(commands)))")
    } else {
      if rest.contains(where: { $0 == "-h" || $0 == "--help" }) { return .help(nil) }
      guard let fallback = commands.first(where: { $0.name == defaultCommand }) else {
        throw UsageError("no default command '\(defaultCommand)'")
      }
      command = fallback
    }
    if rest.prefix(while: { $0 != "--" }).contains(where: { $0 == "-h" || $0 == "--help" }) {
      return .help(command)
    }
    return .run(command, try parse(Array(rest), for: command))
  }

  /// Parses one command's words.
  static func parse(_ words: [String], for command: CommandSpec) throws -> ParsedArguments {
    var values: [String: [String]] = [:]
    var flags: Set<String> = []
    var positionals: [String] = []
    var i = 0
    var optionsEnded = false
    while i < words.count {
      let word = words[i]
      i += 1
      if optionsEnded || !word.hasPrefix("-") || word == "-" {
        positionals.append(word)
        continue
      }
      if word == "--" {
        optionsEnded = true
        continue
      }
      guard word.hasPrefix("--") else {
        throw UsageError("unknown option '\(word)' for '\(command.name)'"
          + " (options start with --; see 'autocapture help \(command.name)')")
      }
      var name = String(word.dropFirst(2))
      var inline: String? = nil
      if let equals = name.firstIndex(of: "=") {
        inline = String(name[name.index(after: equals)...])
        name = String(name[..<equals])
      }
      guard let option = command.options.first(where: { $0.name == name }) else {
        throw UsageError("unknown option '--\(name)' for '\(command.name)'"
          + suggestion(for: name, in: command))
      }
      switch option.kind {
      case .flag:
        if inline != nil { throw UsageError("--\(name) takes no value") }
        flags.insert(name)
      case .value, .repeated:
        let value: String
        if let inline {
          value = inline
        } else {
          guard i < words.count, !words[i].hasPrefix("--") else {
            throw UsageError("--\(name) needs a value (\(option.valueName))")
          }
          value = words[i]
          i += 1
        }
        values[name, default: []].append(value)
      }
    }
    if let argument = command.argument {
      guard positionals.count <= 1 else {
        throw UsageError("'\(command.name)' takes one \(argument.name), got "
          + positionals.map { "'\($0)'" }.joined(separator: ", "))
      }
      guard let given = positionals.first else {
        throw UsageError("missing \(argument.name) (usage: \(usage(command)))")
      }
      return ParsedArguments(values: values, flags: flags, argument: given)
    }
    if let extra = positionals.first {
      throw UsageError("unexpected argument '\(extra)' for '\(command.name)'")
    }
    return ParsedArguments(values: values, flags: flags)
  }

  private static func names(_ commands: [CommandSpec]) -> String {
    commands.map(\.name).joined(separator: ", ")
  }

  /// " (did you mean --x?)" for a misspelt option whose prefix or edit distance is close.
  private static func suggestion(for name: String, in command: CommandSpec) -> String {
    let close = command.options.map(\.name).filter {
      $0.hasPrefix(name) || name.hasPrefix($0) || editDistance($0, name) <= 2
    }
    guard !close.isEmpty else { return " (see 'autocapture help \(command.name)')" }
    return " (did you mean " + close.map { "--\($0)" }.joined(separator: " or ") + "?)"
  }

  private static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty else { return b.count }
    var row = Array(0...b.count)
    for i in 1...a.count {
      var previous = row[0]
      row[0] = i
      for j in stride(from: 1, through: b.count, by: 1) {
        let current = row[j]
        row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
        previous = current
      }
    }
    return row[b.count]
  }

  // MARK: - Help

  /// One line: the command and its required parts.
  static func usage(_ command: CommandSpec) -> String {
    var parts = ["autocapture", command.name]
    if let argument = command.argument { parts.append(argument.name) }
    parts.append("[options]")
    return parts.joined(separator: " ")
  }

  static func help(for command: CommandSpec) -> String {
    var lines = ["\(command.abstract)", "", "Usage: \(usage(command))"]
    if let argument = command.argument {
      lines += ["", "Arguments:", row(argument.name, argument.help)]
    }
    lines += ["", "Options:"]
    for option in command.options where option.used {
      let left = "--\(option.name)" + (option.kind == .flag ? "" : " \(option.valueName)")
      let help = option.help + (option.kind == .repeated ? " Repeatable." : "")
      lines.append(row(left, help))
    }
    lines.append(row("-h, --help", "Show this help."))
    let unused = command.options.filter { !$0.used }.map { "--\($0.name)" }
    if !unused.isEmpty {
      lines += ["", wrapped("Also accepted and unused here, as every command takes them: "
        + unused.joined(separator: ", ") + ".")]
    }
    return lines.joined(separator: "\n")
  }

  static func help(commands: [CommandSpec], defaultCommand: String, overview: String) -> String {
    var lines = [overview, "", "Usage: autocapture [command] [options]", "", "Commands:"]
    for command in commands {
      lines.append(row(command.name + (command.name == defaultCommand ? " (default)" : ""),
                       command.abstract))
    }
    lines += ["", "Options:", row("-V, --version", "Print the version."),
              row("-h, --help", "Show this help."),
              "", "See 'autocapture help <command>' for a command's options."]
    return lines.joined(separator: "\n")
  }

  /// Prose wrapped at 80 columns.
  private static func wrapped(_ text: String) -> String {
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ") {
      if !line.isEmpty, line.count + word.count + 1 > 80 {
        lines.append(line)
        line = ""
      }
      line += (line.isEmpty ? "" : " ") + word
    }
    lines.append(line)
    return lines.joined(separator: "\n")
  }

  /// "  left   help", the help wrapped at 80 columns and aligned.
  private static func row(_ left: String, _ help: String) -> String {
    let indent = 28
    var line = "  " + left
    var out: [String] = []
    if line.count >= indent - 1 {
      out.append(line)
      line = ""
    }
    line += String(repeating: " ", count: indent - line.count)
    var width = line.count
    for word in help.split(separator: " ") {
      if width + word.count + 1 > 80, width > indent {
        out.append(line)
        line = String(repeating: " ", count: indent)
        width = indent
      }
      if width > indent { line += " "; width += 1 }
      line += word
      width += word.count
    }
    out.append(line)
    return out.joined(separator: "\n")
  }
}
