import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Environment variables, read one at a time.
///
/// `ProcessInfo.processInfo.environment` copies the whole environment into a dictionary
/// (and sets up `ProcessInfo`) for the one or two names a command start needs: ~0.1 ms of
/// a 3.5 ms `index` with nothing to do.
public enum Environment {
  /// The value of `name`, or nil when it is unset or not UTF-8.
  public static func value(_ name: String) -> String? {
    guard let raw = getenv(name) else { return nil }
    return String(validatingCString: raw)
  }

  /// The user's home directory: `$HOME` when it is set and not empty, else the password
  /// database's entry. An empty `$HOME` counts as unset, as in the shell's `~`: taken as a
  /// path it would put the config and the index under whatever directory the command runs in.
  /// `$HOME` is read first because looking the user up costs ~0.7 ms (nsswitch).
  /// `lookup` reads a variable; tests pass their own.
  public static func homeDirectory(_ lookup: (String) -> String? = value) -> String {
    if let home = lookup("HOME"), !home.isEmpty { return home }
    return FileManager.default.homeDirectoryForCurrentUser.path
  }

  /// An XDG base directory (`XDG_DATA_HOME`, `XDG_CONFIG_HOME`) when the variable names an
  /// absolute path, else nil for the default. The XDG Base Directory spec calls a relative
  /// path invalid and says to ignore it: taken as it is, it would put the private index, or
  /// read a config file, under whatever directory the command runs in.
  public static func baseDirectory(_ name: String, _ lookup: (String) -> String? = value)
    -> String?
  {
    guard let path = lookup(name), path.hasPrefix("/") else { return nil }
    return path
  }

  /// `path` with a leading `~` expanded as the shell does: `~` and `~/…` to `homeDirectory`,
  /// `~name/…` to that user's home. Other paths are returned as they are. For paths the
  /// shell did not see: those in the config file, and `--maildir=~/Mail`.
  public static func expandingTilde(
    _ path: String, home: @autoclosure () -> String = homeDirectory()
  ) -> String {
    guard path.hasPrefix("~") else { return path }
    if path == "~" { return home() }
    if path.hasPrefix("~/") { return home() + path.dropFirst() }
    return (path as NSString).expandingTildeInPath
  }
}
