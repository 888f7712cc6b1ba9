/// A token of PostgreSQL text, with the spacing before it, so that rewritten statements keep
/// their layout.
struct SQLToken: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// A keyword or name (unquoted).
        case word
        /// "quoted identifier"
        case quotedName
        /// 'string', E'string'
        case string
        /// $tag$ ... $tag$
        case dollarString
        case number
        /// Punctuation and operators: ( ) , ; . :: + - * / = < > and longer operators.
        case symbol
    }

    var kind: Kind
    var text: String
    /// Whitespace and comments before the token.
    var leading: String
    /// 1-based line of the token's first character.
    var line: Int

    /// The word in upper case (for keyword tests); empty for other kinds.
    var keyword: String { kind == .word ? text.uppercased() : "" }

    func isKeyword(_ word: String) -> Bool { kind == .word && text.uppercased() == word }
    func isSymbol(_ symbol: String) -> Bool { kind == .symbol && text == symbol }
}

/// A statement of a SQL file: its tokens (without the closing `;`) and where it starts.
struct SQLStatement: Sendable {
    var tokens: [SQLToken]
    var file: String
    var line: Int

    /// The statement's text as written (without leading comments).
    var text: String { SQLStatement.render(tokens).trimmingCharacters(in: .whitespacesAndNewlines) }

    var location: String { "\(file):\(line)" }

    static func render(_ tokens: [SQLToken]) -> String {
        var text = ""
        for (index, token) in tokens.enumerated() {
            text += index == 0 ? "" : token.leading
            text += token.text
        }
        return text
    }
}

/// Splits PostgreSQL text into statements and tokens, aware of comments, quoted strings,
/// quoted names and dollar-quoted bodies.
enum SQLLexer {
    struct Failure: Error, CustomStringConvertible {
        var file: String
        var line: Int
        var message: String
        var description: String { "\(file):\(line): \(message)" }
    }

    static func statements(in text: String, file: String) throws(Failure) -> [SQLStatement] {
        let tokens = try tokenize(text, file: file)
        var statements: [SQLStatement] = []
        var current: [SQLToken] = []
        for token in tokens {
            if token.isSymbol(";") {
                if !current.isEmpty { statements.append(SQLStatement(tokens: current, file: file, line: current[0].line)) }
                current = []
            } else {
                current.append(token)
            }
        }
        if !current.isEmpty { statements.append(SQLStatement(tokens: current, file: file, line: current[0].line)) }
        return statements
    }

    static func tokenize(_ text: String, file: String) throws(Failure) -> [SQLToken] {
        let chars = Array(text.unicodeScalars)
        var tokens: [SQLToken] = []
        var index = 0
        var line = 1
        var leading = ""
        func peek(_ offset: Int = 0) -> Unicode.Scalar? { index + offset < chars.count ? chars[index + offset] : nil }
        func take() -> Unicode.Scalar {
            let c = chars[index]
            index += 1
            if c == "\n" { line += 1 }
            return c
        }
        func isWordStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic }
        func isWordPart(_ c: Unicode.Scalar) -> Bool { isWordStart(c) || ("0"..."9").contains(c) || c == "$" }

        while let c = peek() {
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                leading.unicodeScalars.append(take())
                continue
            }
            if c == "-", peek(1) == "-" {
                while let d = peek(), d != "\n" { leading.unicodeScalars.append(take()) }
                continue
            }
            if c == "/", peek(1) == "*" {
                let start = line
                leading.unicodeScalars.append(take()); leading.unicodeScalars.append(take())
                var depth = 1
                while depth > 0 {
                    guard let d = peek() else { throw Failure(file: file, line: start, message: "unterminated /* comment") }
                    if d == "*", peek(1) == "/" { depth -= 1; leading += "*/"; index += 2; continue }
                    if d == "/", peek(1) == "*" { depth += 1; leading += "/*"; index += 2; continue }
                    leading.unicodeScalars.append(take())
                }
                continue
            }
            let start = line
            var text = ""
            let kind: SQLToken.Kind
            if c == "'" || ((c == "E" || c == "e") && peek(1) == "'") {
                if c != "'" { text.unicodeScalars.append(take()) }
                text.unicodeScalars.append(take())
                while true {
                    guard let d = peek() else { throw Failure(file: file, line: start, message: "unterminated string literal") }
                    text.unicodeScalars.append(take())
                    if d == "'" {
                        if peek() == "'" { text.unicodeScalars.append(take()); continue }
                        break
                    }
                }
                kind = .string
            } else if c == "\"" {
                text.unicodeScalars.append(take())
                while true {
                    guard let d = peek() else { throw Failure(file: file, line: start, message: "unterminated quoted name") }
                    text.unicodeScalars.append(take())
                    if d == "\"" { break }
                }
                kind = .quotedName
            } else if c == "$", let tagEnd = dollarTagEnd(chars, from: index) {
                let tag = String(String.UnicodeScalarView(chars[index...tagEnd]))
                for _ in index...tagEnd { text.unicodeScalars.append(take()) }
                while true {
                    guard peek() != nil else { throw Failure(file: file, line: start, message: "unterminated \(tag) body") }
                    if peek() == "$", index + tag.unicodeScalars.count <= chars.count,
                       String(String.UnicodeScalarView(chars[index..<(index + tag.unicodeScalars.count)])) == tag {
                        for _ in 0..<tag.unicodeScalars.count { text.unicodeScalars.append(take()) }
                        break
                    }
                    text.unicodeScalars.append(take())
                }
                kind = .dollarString
            } else if isWordStart(c) {
                while let d = peek(), isWordPart(d) { text.unicodeScalars.append(take()) }
                kind = .word
            } else if ("0"..."9").contains(c) || (c == "." && peek(1).map { ("0"..."9").contains($0) } == true) {
                while let d = peek(), ("0"..."9").contains(d) || d == "." || d == "e" || d == "E" { text.unicodeScalars.append(take()) }
                kind = .number
            } else {
                let twoChar = peek(1).map { String(c) + String($0) } ?? ""
                if ["::", "<=", ">=", "<>", "!=", "||", "->", "=>", "@>", "<@", "?|", "?&", "#>", "~~", "!~"].contains(twoChar) {
                    text.unicodeScalars.append(take()); text.unicodeScalars.append(take())
                    if twoChar == "->", peek() == ">" { text.unicodeScalars.append(take()) }
                } else {
                    text.unicodeScalars.append(take())
                }
                kind = .symbol
            }
            tokens.append(SQLToken(kind: kind, text: text, leading: leading, line: start))
            leading = ""
        }
        return tokens
    }

    /// The index of the closing `$` of a dollar-quote tag starting at `start` (`$$`, `$body$`).
    private static func dollarTagEnd(_ chars: [Unicode.Scalar], from start: Int) -> Int? {
        var index = start + 1
        while index < chars.count {
            let c = chars[index]
            if c == "$" { return index }
            guard c == "_" || c.properties.isAlphabetic || (index > start + 1 && ("0"..."9").contains(c)) else { return nil }
            index += 1
        }
        return nil
    }
}
