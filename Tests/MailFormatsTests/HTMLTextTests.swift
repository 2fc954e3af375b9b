import Testing
@testable import MailFormats

@Suite struct HTMLTextTests {
  func text(_ html: String) -> String { HTMLText.text(fromHTML: html) }

  @Test func scriptStyleAndHeadAreDropped() {
    let html = """
      <html><head><title>T</title><style>p { color: red }</style></head>
      <body><script>alert("x < y")</script><p>Hello</p></body></html>
      """
    #expect(text(html) == "Hello")
  }

  @Test func paragraphsAndBreaksBecomeLines() {
    #expect(text("<p>One</p><p>Two<br>Three</p><div>Four</div>") == "One\n\nTwo\nThree\n\nFour")
  }

  @Test func listItemsStartWithADash() {
    #expect(text("<ul><li>apples</li><li>pears</li></ul>") == "- apples\n- pears")
  }

  @Test func entitiesAreDecoded() {
    #expect(text("a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39; f&nbsp;g &#233; &#xE9; &euro;")
      == "a & b <c> \"d\" 'e' f g é é €")
  }

  @Test func unknownEntitiesAndStrayAmpersandsStay() {
    #expect(text("AT&T &bogus; & more") == "AT&T &bogus; & more")
  }

  @Test func whitespaceCollapses() {
    #expect(text("  lots \n\n of\t\tspace  ") == "lots of space")
  }

  @Test func linkTextIsKept() {
    #expect(text(#"See <a href="https://example.com/x?a=1&b=2">the report</a> now"#)
      == "See the report now")
  }

  @Test func commentsAndUnclosedTagsDoNotLoseText() {
    #expect(text("a<!-- hidden -->b < c") == "ab < c")
    #expect(text("tail <b") == "tail")
  }

  @Test func lessThanBeforeADigitIsText() {
    #expect(text("<p>Orders with total<100 ship in 3<5 days.</p>")
      == "Orders with total<100 ship in 3<5 days.")
  }

  @Test func apostropheInsideAnUnquotedAttributeValueDoesNotOpenAQuote() {
    #expect(text("<td width=50%'>Hello, it's me</td><td>there</td>") == "Hello, it's me there")
  }

  @Test func numericReferencesInTheC1RangeAreReadAsWindows1252() {
    // HTML reads &#146; as Windows-1252 0x92 (’), as browsers do.
    #expect(text("It&#146;s &#147;ok&#148; &#128;5") == "It’s “ok” €5")
  }

  @Test func latin1NamedEntitiesAreDecoded() {
    #expect(text("Informaci&oacute;n para Jos&eacute; Mu&ntilde;oz &ndash; S&atilde;o Paulo")
      == "Información para José Muñoz – São Paulo")
    #expect(text("&Aacute;&Ccedil;&Otilde;&ecirc;&icirc;&ucirc;&yuml;&frac12;&para;")
      == "ÁÇÕêîûÿ½¶")
  }

  @Test func tableCellsAreSeparated() {
    #expect(text("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>")
      == "a b\nc")
  }
}

@Suite struct HostileHTMLTests {
  /// `<img,alt=` repeated: no alt value holds the rest of the text to be converted again,
  /// once per repetition (quadratic time, one stack frame per repetition).
  @Test(.timeLimit(.minutes(1)))
  func repeatedImageAltIsReadAsTextInOnePass() {
    let html = String(repeating: "<img,alt=", count: 3_000)
    #expect(HTMLText.text(fromHTML: html) == String(repeating: "<img,alt=", count: 2_999))
  }

  @Test func altTextIsTextNotMarkup() {
    #expect(HTMLText.text(fromHTML: #"<p>Logo: <img src="l.png" ALT = " A &amp;  <b>B</b> "/></p>"#)
      == "Logo: A & <b>B</b>")
    #expect(HTMLText.text(fromHTML: #"<img data-alt="no" alt=yes/>"#) == "yes")
    #expect(HTMLText.text(fromHTML: #"<img title="alt=no">"#) == "")
  }

  @Test func htmlBeyondTheCapIsCutWithANote() {
    let html = "<p>" + String(repeating: "x", count: HTMLText.maximumLength + 1_000)
    let text = HTMLText.text(fromHTML: html)
    #expect(text.hasSuffix(HTMLText.cutNote))
    #expect(text.unicodeScalars.count <= HTMLText.maximumLength + HTMLText.cutNote.count)
  }
}
