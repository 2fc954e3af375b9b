import Foundation
import TerminalUI

/// `autocapture completions bash|zsh|fish`: a completion script written from the same table
/// of commands and options that parses the command line and prints help, so the three
/// never disagree.
struct CompletionsCommand {
  static let spec = CommandSpec(
    name: "completions",
    abstract: "Print a shell completion script (bash, zsh or fish).",
    options: [],
    argument: (name: "SHELL", help: "bash, zsh or fish. For example, in ~/.bashrc: "
      + "eval \"$(autocapture completions bash)\"; zsh: autocapture completions zsh > "
      + "~/.zfunc/_autocapture; fish: autocapture completions fish > "
      + "~/.config/fish/completions/autocapture.fish."),
    run: { print(try CompletionsCommand.script(for: $0.argument ?? "")) })

  /// What a value of an option completes to.
  enum ValueCompletion: Equatable {
    case nothing
    case files
    case directories
    case words([String])
  }

  /// Record types complete as `type:`; ids would need the database, which a completion
  /// must not open on every Tab.
  static let recordTypes = ["account:", "contact:", "opportunity:", "lead:", "case:"]

  static func completion(for option: OptionSpec) -> ValueCompletion {
    switch (option.kind, option.name) {
    case (.flag, _): return .nothing
    case (_, .maildir), (_, .indexDir): return .directories
    case (_, .record): return .words(recordTypes)
    case (_, .to): return .words(recordTypes)
    case (_, .theme): return .words(themeNames())
    default:
      if option.valueName == "PATH" { return .files }
      if option.valueName.contains("|") {
        return .words(option.valueName.split(separator: "|").map(String.init))
      }
      return .nothing
    }
  }

  /// The themes this binary would find, shipped and the user's own.
  static func themeNames() -> [String] {
    Set(TUILauncher.themeDirectories().flatMap {
      (try? ThemeLoader(directory: $0).availableThemeNames()) ?? []
    }).union(["default"]).sorted()
  }

  static func script(for shell: String) throws -> String {
    let commands = AutoCapture.commands
    switch shell {
    case "bash": return bash(commands)
    case "zsh": return zsh(commands)
    case "fish": return fish(commands)
    default: throw CLIError.usage("completions for '\(shell)'? (bash, zsh or fish)")
    }
  }

  /// The options a command takes that are worth offering (those it uses).
  static func offered(_ command: CommandSpec) -> [OptionSpec] {
    command.options.filter(\.used)
  }

  // MARK: - bash

  static func bash(_ commands: [CommandSpec]) -> String {
    let names = (commands.map(\.name) + ["help"]).joined(separator: " ")
    var valueCases: [String] = []
    let allOptions = Dictionary(commands.flatMap(\.options).map { ($0.name, $0) },
                                uniquingKeysWith: { first, _ in first })
    for option in allOptions.values.sorted(by: { $0.name.rawValue < $1.name.rawValue })
    where option.kind != .flag {
      let action: String
      switch completion(for: option) {
      case .nothing: action = "return"
      case .files: action = "_autocapture_reply -f; compopt -o filenames 2>/dev/null; return"
      case .directories: action = "_autocapture_reply -d; compopt -o filenames 2>/dev/null; return"
      case .words(let words):
        action = "_autocapture_reply -W \(shellQuoted(words.joined(separator: " ")))"
          + ([.record, .to].contains(option.name) ? "; compopt -o nospace 2>/dev/null" : "")
          + "; return"
      }
      valueCases.append("    --\(option.name)) \(action) ;;")
    }
    var optionCases: [String] = []
    for command in commands {
      let words = (offered(command).map { "--\($0.name)" } + ["--help"]).joined(separator: " ")
      optionCases.append("    \(command.name)) options=\(shellQuoted(words)) ;;")
    }
    let withArgument = commands.filter { $0.argument != nil && $0.name != "completions" }
      .map(\.name).joined(separator: "|")
    return """
      # bash completion for autocapture: eval "$(autocapture completions bash)"
      _autocapture_reply() {
        mapfile -t COMPREPLY < <(compgen "$@" -- "$cur")
      }
      _autocapture() {
        local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
        local cmd=\(AutoCapture.defaultCommand) options
        COMPREPLY=()
        if (( COMP_CWORD == 1 )) && [[ $cur != -* ]]; then
          _autocapture_reply -W \(shellQuoted(names)); return
        fi
        case ${COMP_WORDS[1]} in
          help) (( COMP_CWORD == 2 )) && _autocapture_reply -W \(shellQuoted(names)); return ;;
          completions) (( COMP_CWORD == 2 )) && _autocapture_reply -W 'bash zsh fish'; return ;;
          -*) ;;
          *) cmd=${COMP_WORDS[1]} ;;
        esac
        case $prev in
      \(valueCases.joined(separator: "\n"))
        esac
        case $cmd in
      \(optionCases.joined(separator: "\n"))
        esac
        if [[ $cur == -* ]]; then
          _autocapture_reply -W "$options"
        elif [[ $cmd == @(\(withArgument.isEmpty ? "-" : withArgument)) ]]; then
          _autocapture_reply -f; compopt -o filenames 2>/dev/null
        fi
      }
      complete -F _autocapture autocapture

      """
  }

  // MARK: - zsh

  static func zsh(_ commands: [CommandSpec]) -> String {
    func escaped(_ text: String) -> String {
      text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "[", with: "\\[")
        .replacingOccurrences(of: "]", with: "\\]").replacingOccurrences(of: ":", with: "\\:")
    }
    func spec(_ option: OptionSpec) -> String {
      let repeatable = option.kind == .repeated ? "*" : ""
      let help = escaped(summary(option.help))
      switch option.kind {
      case .flag: return shellQuoted("--\(option.name)[\(help)]")
      case .value, .repeated:
        let action: String
        switch completion(for: option) {
        case .nothing: action = " "
        case .files: action = "_files"
        case .directories: action = "_files -/"
        case .words(let words): action = "(\(words.map(escaped).joined(separator: " ")))"
        }
        return shellQuoted("\(repeatable)--\(option.name)=[\(help)]:\(option.valueName):\(action)")
      }
    }
    var described: [String] = []
    var cases: [String] = []
    for command in commands {
      described.append("    " + shellQuoted("\(command.name):\(escaped(command.abstract))"))
      var specs = offered(command).map(spec)
      if command.argument != nil {
        specs.append(command.name == "completions" ? "'1:shell:(bash zsh fish)'" : "'1:file:_files'")
      }
      cases.append("      \(command.name)) _arguments -s \\\n        "
        + (specs + ["'(- *)--help[show help]'"]).joined(separator: " \\\n        ") + " ;;")
    }
    let defaultSpecs = offered(commands.first { $0.name == AutoCapture.defaultCommand }!)
      .map(spec)
    return """
      #compdef autocapture
      # zsh completion for autocapture: autocapture completions zsh > ~/.zfunc/_autocapture
      # (with ~/.zfunc on $fpath before compinit)
      _autocapture() {
        local -a commands
        commands=(
      \(described.joined(separator: "\n"))
          'help:Show help for a command'
        )
        if (( CURRENT == 2 )) && [[ $words[2] != -* ]]; then
          _describe -t commands command commands
          return
        fi
        if [[ $words[2] == -* ]]; then
          _arguments -s \(defaultSpecs.joined(separator: " ")) '(- *)--version[print the version]' '(- *)--help[show help]'
          return
        fi
        local cmd=$words[2]
        shift words
        (( CURRENT-- ))
        case $cmd in
          help) _describe -t commands command commands ;;
      \(cases.joined(separator: "\n"))
        esac
      }
      if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
        _autocapture "$@"
      else
        compdef _autocapture autocapture
      fi

      """
  }

  // MARK: - fish

  static func fish(_ commands: [CommandSpec]) -> String {
    let names = (commands.map(\.name) + ["help"]).joined(separator: " ")
    var lines = [
      "# fish completion for autocapture:",
      "#   autocapture completions fish > ~/.config/fish/completions/autocapture.fish",
      "complete -c autocapture -f",
      "complete -c autocapture -n __fish_use_subcommand -s V -l version -d 'Print the version'",
      "complete -c autocapture -n '__fish_seen_subcommand_from help' -a \(shellQuoted(names))",
      "complete -c autocapture -n '__fish_seen_subcommand_from completions' -a 'bash zsh fish'",
    ]
    for command in commands {
      lines.append("complete -c autocapture -n '__fish_use_subcommand' -a \(command.name) -d "
        + shellQuoted(command.abstract))
    }
    lines.append("complete -c autocapture -n __fish_use_subcommand -a help -d 'Show help for a command'")
    for command in commands {
      var conditions = ["'__fish_seen_subcommand_from \(command.name)'"]
      if command.name == AutoCapture.defaultCommand { conditions.append("__fish_use_subcommand") }
      for condition in conditions {
        for option in offered(command) {
          var line = "complete -c autocapture -n \(condition) -l \(option.name)"
          switch completion(for: option) {
          case .nothing: if option.kind != .flag { line += " -x" }
          case .files: line += " -r -F"
          case .directories: line += " -x -a '(__fish_complete_directories)'"
          case .words(let words): line += " -x -a \(shellQuoted(words.joined(separator: " ")))"
          }
          lines.append(line + " -d " + shellQuoted(summary(option.help)))
        }
      }
      if command.argument != nil, command.name != "completions" {
        lines.append("complete -c autocapture -n '__fish_seen_subcommand_from \(command.name)' -F")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// An option's help up to its first full stop, for the one line a menu shows.
  static func summary(_ help: String) -> String {
    let end = help.range(of: ". ")?.lowerBound ?? help.endIndex
    let sentence = help[..<end]
    return String(sentence.hasSuffix(".") ? sentence.dropLast() : sentence)
  }

  /// Single-quoted for sh, zsh and fish alike.
  static func shellQuoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
