import CaptureCore
import Testing

@Suite struct EnvironmentTests {
  @Test func homeIsHomeWhenItIsSet() {
    #expect(Environment.homeDirectory { $0 == "HOME" ? "/home/dana" : nil } == "/home/dana")
  }

  @Test func anEmptyHomeCountsAsUnset() {
    let unset = Environment.homeDirectory { _ in nil }
    #expect(unset.hasPrefix("/"))
    #expect(Environment.homeDirectory { $0 == "HOME" ? "" : nil } == unset)
  }

  @Test func aLeadingTildeIsTheHomeDirectory() {
    #expect(Environment.expandingTilde("~", home: "/home/dana") == "/home/dana")
    #expect(Environment.expandingTilde("~/Mail", home: "/home/dana") == "/home/dana/Mail")
    #expect(Environment.expandingTilde("~/", home: "/home/dana") == "/home/dana/")
  }

  @Test func aTildeElsewhereOrAfterANameIsNotTheHomeDirectory() {
    #expect(Environment.expandingTilde("Mail/~", home: "/h") == "Mail/~")
    #expect(Environment.expandingTilde("/srv/~/x", home: "/h") == "/srv/~/x")
    #expect(Environment.expandingTilde("", home: "/h") == "")
    // `~name` is that user's home, never this one's.
    let root = Environment.expandingTilde("~root/x", home: "/h")
    #expect(root.hasPrefix("/") && root.hasSuffix("/x") && !root.hasPrefix("/h/"))
  }

  /// The XDG Base Directory spec: a relative path in an XDG variable is invalid, ignored.
  @Test func anXDGBaseDirectoryCountsOnlyWhenItIsAbsolute() {
    func base(_ value: String?) -> String? {
      Environment.baseDirectory("XDG_DATA_HOME") { $0 == "XDG_DATA_HOME" ? value : nil }
    }
    #expect(base("/home/dana/data") == "/home/dana/data")
    #expect(base("data") == nil)
    #expect(base("./data") == nil)
    #expect(base("~/data") == nil)
    #expect(base("") == nil)
    #expect(base(nil) == nil)
  }
}
