import CaptureCore
import Foundation

/// The name of a command-line option, spelt once: the parser, help, the completions and
/// the config file (whose keys are the workspace options' names) all take it from here.
enum OptionName: String, Sendable, CaseIterable, CustomStringConvertible {
  case db, user, maildir, mbox, calendar
  case imap
  case imapPasswordCommand = "imap-password-command"
  case caldav
  case caldavPasswordCommand = "caldav-password-command"
  case tlsCAFile = "tls-ca-file"
  case indexDir = "index-dir"
  case now
  case maxEmails = "max-emails"
  case meetingWindowHours = "meeting-window-hours"
  case theme, record, json, item
  case showUntracked = "show-untracked"
  case trackReplies = "track-replies"
  case exclude, include
  case reset
  case prepareOnly = "prepare-only"
  /// `move --to TYPE:ID`: the record a tracked item moves to.
  case to

  /// As written on the command line and in the config file: `index-dir`, so `"--\(name)"`
  /// is the option as typed.
  var description: String { rawValue }
}

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

  let name: OptionName
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

  static func flag(_ name: OptionName, _ help: String) -> OptionSpec {
    OptionSpec(name: name, kind: .flag, valueName: "", help: help)
  }

  static func value(_ name: OptionName, _ valueName: String, _ help: String) -> OptionSpec {
    OptionSpec(name: name, kind: .value, valueName: valueName, help: help)
  }

  static func repeated(_ name: OptionName, _ valueName: String, _ help: String)
    -> OptionSpec
  {
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

/// Where option values come from: the command line, or for the workspace options the
/// config file. Each source words its own errors.
protocol OptionValues {
  /// A single-value option's value, or nil when absent.
  func value(_ name: OptionName) throws -> String?
  /// A repeatable option's values in order.
  func values(_ name: OptionName) throws -> [String]
  /// A whole number's value, or nil when absent.
  func integer(_ name: OptionName) throws -> Int?
  /// The IMAP accounts named, each with its password command.
  func imapAccounts() throws -> [IMAPAccountOption]
}

/// What the user typed for one command, by option name.
struct ParsedArguments: OptionValues, Sendable {
  private(set) var values: [OptionName: [String]] = [:]
  private(set) var flags: Set<OptionName> = []
  private(set) var argument: String?
  /// The command's options, for the placeholders errors show.
  private(set) var options: [OptionSpec] = []

  init(values: [OptionName: [String]] = [:], flags: Set<OptionName> = [],
       argument: String? = nil, options: [OptionSpec] = []) {
    self.values = values
    self.flags = flags
    self.argument = argument
    self.options = options
  }

  /// A single-value option's value (the last one given), or nil when absent.
  func value(_ name: OptionName) -> String? { values[name]?.last }

  /// A repeatable option's values in the order given.
  func values(_ name: OptionName) -> [String] { values[name] ?? [] }

  func flag(_ name: OptionName) -> Bool { flags.contains(name) }

  /// `--imap` URLs, all read with the one `--imap-password-command`.
  func imapAccounts() -> [IMAPAccountOption] {
    let command = value(.imapPasswordCommand)
    return values(.imap).map {
      IMAPAccountOption(url: $0, passwordCommand: command, fromConfigFile: false)
    }
  }

  /// A required option's value, or a usage error naming it and its placeholder.
  func required(_ name: OptionName) throws -> String {
    guard let value = value(name) else {
      let valueName = options.first { $0.name == name }?.valueName ?? "VALUE"
      throw CLIError.usage("missing --\(name) \(valueName)")
    }
    return value
  }

  /// `--record TYPE:ID`, required; a malformed one is a usage mistake (exit 64).
  func record() throws -> RecordRef {
    let text = try required(.record)
    guard let ref = RecordRef(parsing: text) else {
      throw CLIError.usage("bad record '\(text)': expected TYPE:ID such as account:a-fab")
    }
    return ref
  }

  /// A whole-number option's value; anything else is a usage error naming the option.
  func integer(_ name: OptionName) throws -> Int? {
    guard let text = value(name) else { return nil }
    guard let number = Int(text) else {
      throw CLIError.usage("--\(name) takes a whole number, not '\(text)'")
    }
    return number
  }
}

/// A one-line error for the user, printed as `Error: <message>`. Its exit status says whose
/// mistake it was: 64 (EX_USAGE) for the command line itself (unknown option, missing or
/// malformed value), 1 for a failure while running.
struct CLIError: Error, CustomStringConvertible {
  var description: String
  var exitStatus: Int32

  /// A failure while running: exit status 1.
  init(_ message: String) {
    description = message
    exitStatus = 1
  }

  /// A mistake in the command line: exit status 64.
  static func usage(_ message: String) -> CLIError {
    var error = CLIError(message)
    error.exitStatus = 64
    return error
  }
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
        throw CLIError.usage("unknown command '\(name)' (commands: \(names(commands)))")
      }
      return .help(command)
    }
    let command: CommandSpec
    if let first = rest.first, let named = commands.first(where: { $0.name == first }) {
      command = named
      rest = rest.dropFirst()
    } else if let first = rest.first, !first.hasPrefix("-") {
      throw CLIError.usage("unknown command '\(first)' (commands: \(names(commands)))")
    } else {
      if rest.contains(where: { $0 == "-h" || $0 == "--help" }) { return .help(nil) }
      guard let fallback = commands.first(where: { $0.name == defaultCommand }) else {
        throw CLIError.usage("no default command '\(defaultCommand)'")
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
    var values: [OptionName: [String]] = [:]
    var flags: Set<OptionName> = []
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
        throw CLIError.usage("unknown option '\(word)' for '\(command.name)'"
          + " (options start with --; see 'autocapture help \(command.name)')")
      }
      var name = String(word.dropFirst(2))
      var inline: String? = nil
      if let equals = name.firstIndex(of: "=") {
        inline = String(name[name.index(after: equals)...])
        name = String(name[..<equals])
      }
      guard let option = command.options.first(where: { $0.name.rawValue == name }) else {
        throw CLIError.usage("unknown option '--\(name)' for '\(command.name)'"
          + suggestion(for: name, in: command))
      }
      switch option.kind {
      case .flag:
        if inline != nil { throw CLIError.usage("--\(name) takes no value") }
        flags.insert(option.name)
      case .value, .repeated:
        let value: String
        if let inline {
          value = inline
        } else {
          guard i < words.count, !words[i].hasPrefix("--") else {
            throw CLIError.usage("--\(name) needs a value (\(option.valueName))")
          }
          value = words[i]
          i += 1
        }
        values[option.name, default: []].append(value)
      }
    }
    if let argument = command.argument {
      guard positionals.count <= 1 else {
        throw CLIError.usage("'\(command.name)' takes one \(argument.name), got "
          + positionals.map { "'\($0)'" }.joined(separator: ", "))
      }
      guard let given = positionals.first else {
        throw CLIError.usage("missing \(argument.name) (usage: \(usage(command)))")
      }
      return ParsedArguments(
        values: values, flags: flags, argument: given, options: command.options)
    }
    if let extra = positionals.first {
      throw CLIError.usage("unexpected argument '\(extra)' for '\(command.name)'")
    }
    return ParsedArguments(values: values, flags: flags, options: command.options)
  }

  private static func names(_ commands: [CommandSpec]) -> String {
    commands.map(\.name).joined(separator: ", ")
  }

  /// " (did you mean --x?)" for a misspelt option whose prefix or edit distance is close.
  private static func suggestion(for name: String, in command: CommandSpec) -> String {
    let close = command.options.map(\.name.rawValue).filter {
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
