/// What to do in SQLite for one PostgreSQL statement.
enum SQLitePlan: Sendable, Equatable {
    case execute(String)
    /// A materialized view, emulated as a table filled from `select`.
    case materializedView(name: String, select: String, ifNotExists: Bool, withData: Bool)
    /// `REFRESH MATERIALIZED VIEW`: empty the table and fill it again.
    case refresh(name: String)
    /// `ALTER TABLE … ADD COLUMN IF NOT EXISTS`: SQLite lacks the IF NOT EXISTS.
    case addColumn(table: String, column: String, sql: String)
    case skip
}

/// Translates PostgreSQL statements (as the migrations and queries use them) into SQLite,
/// one tested rule per construct, recording a ``ConstructNote`` for each use. A statement it
/// does not recognise is an error, never silently dropped.
struct SQLTranslator {
    private(set) var notes: [ConstructNote] = []
    private var noted: Set<String> = []

    /// Records a construct once per statement.
    mutating func note(_ construct: String, _ handling: ConstructNote.Handling, _ statement: SQLStatement, _ detail: String) {
        guard noted.insert("\(construct)\u{1}\(statement.location)").inserted else { return }
        notes.append(ConstructNote(construct: construct, handling: handling, location: statement.location, detail: detail))
    }

    func failure(_ statement: SQLStatement, _ message: String) -> SchemaError {
        SchemaError(location: statement.location, message: message)
    }

    mutating func translate(_ statement: SQLStatement) throws(SchemaError) -> SQLitePlan {
        let t = statement.tokens
        let words = t.prefix(6).map(\.keyword)
        func starts(_ prefix: String...) -> Bool { words.count >= prefix.count && Array(words.prefix(prefix.count)) == prefix }

        if starts("CREATE", "SCHEMA") {
            note("CREATE SCHEMA", .emulated, statement, "schema-qualified names become prefixed tables: auth.users → auth_users")
            return .skip
        }
        if starts("CREATE", "EXTENSION") {
            note("CREATE EXTENSION", .skipped, statement, "\(t.count > 2 ? t.last!.text : "extension"): extensions are PostgreSQL server code")
            return .skip
        }
        if starts("CREATE", "ROLE") || starts("GRANT") || starts("REVOKE") {
            note(words[0] == "CREATE" ? "CREATE ROLE" : words[0], .skipped, statement, "SQLite has no roles or privileges")
            return .skip
        }
        if starts("CREATE", "POLICY") || starts("DROP", "POLICY") {
            note("row-level security policy", .skipped, statement, "SQLite has no row-level security; capsim reads as the service role")
            return .skip
        }
        if starts("ALTER", "TABLE"), t.contains(where: { $0.isKeyword("SECURITY") }), t.contains(where: { $0.isKeyword("LEVEL") }) {
            note("ENABLE ROW LEVEL SECURITY", .skipped, statement, "SQLite has no row-level security")
            return .skip
        }
        if starts("CREATE", "FUNCTION") || starts("CREATE", "OR", "REPLACE", "FUNCTION") {
            return functionDefinition(statement)
        }
        if starts("CREATE", "TRIGGER") || starts("DROP", "TRIGGER") {
            note("trigger", .skipped, statement, "its function is PL/pgSQL, which SQLite cannot run")
            return .skip
        }
        if starts("DO") {
            note("DO block (PL/pgSQL)", .skipped, statement, "procedural code; what it does (partitioning, roles) has no SQLite equivalent")
            return .skip
        }
        if starts("ALTER", "SYSTEM") {
            note("ALTER SYSTEM", .skipped, statement, "a server setting; SQLite has none")
            return .skip
        }
        if starts("COMMENT", "ON") || starts("SET") || starts("RESET") || starts("BEGIN") || starts("COMMIT") {
            note(words[0] == "COMMENT" ? "COMMENT ON" : words[0], .skipped, statement, "no effect on the data")
            return .skip
        }
        if starts("CREATE", "MATERIALIZED", "VIEW") { return try materializedView(statement) }
        if starts("REFRESH", "MATERIALIZED", "VIEW") {
            let name = mappedName(t.last!.text)
            note("REFRESH MATERIALIZED VIEW", .emulated, statement, "DELETE and INSERT … SELECT in one transaction (CONCURRENTLY is moot)")
            return .refresh(name: name)
        }
        if starts("DROP", "MATERIALIZED", "VIEW") {
            note("DROP MATERIALIZED VIEW", .emulated, statement, "drops the table that emulates it")
            return .execute("DROP TABLE IF EXISTS " + mappedName(t.last!.text))
        }
        if starts("CREATE", "TABLE") {
            if t.contains(where: { $0.isKeyword("PARTITION") }), t.contains(where: { $0.isKeyword("OF") }) {
                note("partition (PARTITION OF)", .skipped, statement, "rows stay in the single parent table")
                return .skip
            }
            return .execute(try createTable(statement))
        }
        if starts("CREATE", "INDEX") || starts("CREATE", "UNIQUE", "INDEX") { return try createIndex(statement) }
        if starts("ALTER", "TABLE") { return try alterTable(statement) }
        if starts("CREATE", "VIEW") || starts("CREATE", "OR", "REPLACE", "VIEW") || starts("SELECT") || starts("WITH")
            || starts("INSERT") || starts("UPDATE") || starts("DELETE") || starts("DROP", "TABLE") || starts("DROP", "INDEX")
            || starts("DROP", "VIEW") || starts("ANALYZE") {
            return .execute(SQLStatement.render(try rewriteExpressions(t, statement)))
        }
        if starts("VACUUM") {
            note("VACUUM", .translated, statement, "VACUUM ANALYZE becomes ANALYZE (an in-memory database needs no vacuum)")
            return t.contains(where: { $0.isKeyword("ANALYZE") }) ? .execute("ANALYZE") : .skip
        }
        throw failure(statement, "unrecognised statement '\(t.prefix(4).map(\.text).joined(separator: " "))…': capsim has no SQLite rule for it")
    }

    // MARK: Statements

    private mutating func functionDefinition(_ statement: SQLStatement) -> SQLitePlan {
        let t = statement.tokens
        let nameIndex = (t.firstIndex { $0.isKeyword("FUNCTION") } ?? 0) + 1
        var name = nameIndex < t.count ? t[nameIndex].text : "?"
        if nameIndex + 2 < t.count, t[nameIndex + 1].isSymbol(".") { name += "." + t[nameIndex + 2].text }
        let language = t.firstIndex { $0.isKeyword("LANGUAGE") }.map { $0 + 1 < t.count ? t[$0 + 1].text.lowercased() : "" } ?? ""
        if name == "auth.uid" {
            note("auth.uid()", .emulated, statement, "a registered function auth_uid(), NULL outside a request (the service role)")
        } else {
            note("CREATE FUNCTION (\(language))", .skipped, statement,
                 "\(name)(): \(language == "plpgsql" ? "PL/pgSQL" : "SQL function used by policies"); SQLite runs neither")
        }
        return .skip
    }

    private mutating func materializedView(_ statement: SQLStatement) throws(SchemaError) -> SQLitePlan {
        var t = statement.tokens
        var ifNotExists = false
        var index = 3
        if index + 2 < t.count, t[index].isKeyword("IF"), t[index + 1].isKeyword("NOT"), t[index + 2].isKeyword("EXISTS") {
            ifNotExists = true
            index += 3
        }
        guard index + 1 < t.count, t[index + 1].isKeyword("AS") else {
            throw failure(statement, "expected CREATE MATERIALIZED VIEW name AS SELECT …")
        }
        let name = mappedName(t[index].text)
        var withData = true
        if t.count >= 2, t[t.count - 1].isKeyword("DATA"), t[t.count - 2].isKeyword("WITH") || t[t.count - 2].isKeyword("NO") {
            withData = !t[t.count - 2].isKeyword("NO")
            t.removeLast(withData ? 2 : 3)
        }
        let select = SQLStatement.render(try rewriteExpressions(Array(t[(index + 2)...]), statement))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        note("CREATE MATERIALIZED VIEW", .emulated, statement, "\(name): a table filled by its SELECT; REFRESH empties and refills it")
        return .materializedView(name: name, select: select, ifNotExists: ifNotExists, withData: withData)
    }

    private mutating func createIndex(_ statement: SQLStatement) throws(SchemaError) -> SQLitePlan {
        var t = statement.tokens
        if let using = t.firstIndex(where: { $0.isKeyword("USING") }), using + 1 < t.count {
            let method = t[using + 1].text.lowercased()
            switch method {
            case "gin", "gist", "spgist":
                note("\(method.uppercased()) index", .skipped, statement, "SQLite has only B-tree indexes; containment queries on this column scan")
                return .skip
            case "brin", "hash", "btree":
                if method != "btree" {
                    note("\(method.uppercased()) index", .emulated, statement, "a B-tree index on the same columns")
                }
                t.removeSubrange(using...(using + 1))
            default:
                throw failure(statement, "unknown index method '\(method)'")
            }
        }
        if let only = t.firstIndex(where: { $0.isKeyword("ONLY") }) { t.remove(at: only) }
        if t.contains(where: { $0.isKeyword("INCLUDE") }) {
            throw failure(statement, "INCLUDE columns have no SQLite rule yet")
        }
        return .execute(SQLStatement.render(try rewriteExpressions(t, statement)))
    }

    private mutating func alterTable(_ statement: SQLStatement) throws(SchemaError) -> SQLitePlan {
        let t = statement.tokens
        guard t.count > 3 else { throw failure(statement, "incomplete ALTER TABLE") }
        var index = 2
        if t[index].isKeyword("IF") { index += 2 }
        if t[index].isKeyword("ONLY") { index += 1 }
        let (table, afterName) = qualifiedName(t, at: index)
        guard afterName < t.count else { throw failure(statement, "incomplete ALTER TABLE") }
        if t[afterName].isKeyword("RENAME") {
            return .execute(SQLStatement.render(try rewriteExpressions(t, statement)))
        }
        guard t[afterName].isKeyword("ADD") else {
            throw failure(statement, "ALTER TABLE … \(t[afterName].text) has no SQLite rule (only ADD COLUMN, RENAME and ROW LEVEL SECURITY do)")
        }
        var column = afterName + 1
        if column < t.count, t[column].isKeyword("COLUMN") { column += 1 }
        var ifNotExists = false
        if column + 2 < t.count, t[column].isKeyword("IF"), t[column + 1].isKeyword("NOT"), t[column + 2].isKeyword("EXISTS") {
            ifNotExists = true
            column += 3
        }
        guard column < t.count, !["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"].contains(t[column].keyword) else {
            throw failure(statement, "ALTER TABLE … ADD CONSTRAINT has no SQLite rule (SQLite cannot add constraints to a table)")
        }
        let definition = try columnDefinition(Array(t[column...]), statement)
        let sql = "ALTER TABLE \(table) ADD COLUMN \(definition)"
        if ifNotExists {
            note("ADD COLUMN IF NOT EXISTS", .emulated, statement, "the column is added only when the table lacks it")
            return .addColumn(table: table, column: t[column].text, sql: sql)
        }
        return .execute(sql)
    }

    private mutating func createTable(_ statement: SQLStatement) throws(SchemaError) -> String {
        let t = statement.tokens
        guard let open = t.firstIndex(where: { $0.isSymbol("(") }), let close = matchingParen(t, from: open) else {
            throw failure(statement, "CREATE TABLE without a column list (CREATE TABLE … AS has no rule)")
        }
        let head = try rewriteExpressions(Array(t[..<open]), statement)
        var elements: [String] = []
        for element in splitTopLevel(Array(t[(open + 1)..<close])) where !element.isEmpty {
            if ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"].contains(element[0].keyword) {
                elements.append(SQLStatement.render(try rewriteExpressions(element, statement)).trimmingCharacters(in: .whitespacesAndNewlines))
            } else if element[0].isKeyword("LIKE") || element[0].isKeyword("EXCLUDE") {
                throw failure(statement, "\(element[0].text.uppercased()) in a table definition has no SQLite rule")
            } else {
                elements.append(try columnDefinition(element, statement))
            }
        }
        let tail = Array(t[(close + 1)...])
        if let partition = tail.first, partition.isKeyword("PARTITION") {
            note("PARTITION BY", .emulated, statement, "one SQLite table holds every partition's rows")
        } else if !tail.isEmpty {
            throw failure(statement, "unexpected '\(tail[0].text)' after the column list")
        }
        return SQLStatement.render(head) + " (\n    " + elements.joined(separator: ",\n    ") + "\n)"
    }

    /// `name type [constraints]` with the type mapped to SQLite's and defaults made expressions.
    private mutating func columnDefinition(_ element: [SQLToken], _ statement: SQLStatement) throws(SchemaError) -> String {
        let stops: Set<String> = ["NOT", "NULL", "DEFAULT", "PRIMARY", "REFERENCES", "CHECK", "UNIQUE", "GENERATED", "CONSTRAINT", "COLLATE"]
        let name = element[0].text
        var index = 1
        var typeTokens: [SQLToken] = []
        var depth = 0
        while index < element.count {
            let token = element[index]
            if token.isSymbol("(") { depth += 1 } else if token.isSymbol(")") { depth -= 1 }
            if depth == 0, stops.contains(token.keyword) { break }
            typeTokens.append(token)
            index += 1
        }
        let typeName = typeTokens.filter { $0.kind == .word }.map { $0.text.lowercased() }.joined(separator: " ")
        guard let mapped = Self.sqliteType(typeName) else {
            throw failure(statement, "column '\(name)': type '\(typeName)' has no SQLite rule")
        }
        if !["text", "integer", "bigint", "smallint", "int"].contains(typeName), !typeName.isEmpty {
            note("type \(typeName.components(separatedBy: " ").first!)", .translated, statement, "stored as \(mapped)")
        }
        var constraints = Array(element[index...])
        // GENERATED … AS IDENTITY: an INTEGER PRIMARY KEY is SQLite's own row id.
        if let generated = constraints.firstIndex(where: { $0.isKeyword("GENERATED") }),
           let identity = constraints[generated...].firstIndex(where: { $0.isKeyword("IDENTITY") }) {
            constraints.removeSubrange(generated...identity)
            note("identity column", .translated, statement, "\(name): INTEGER PRIMARY KEY (SQLite's rowid)")
        }
        // DEFAULT f(...) needs parentheses in SQLite.
        if let defaultIndex = constraints.firstIndex(where: { $0.isKeyword("DEFAULT") }), defaultIndex + 1 < constraints.count {
            // The expression runs to the next constraint keyword (NULL is part of it: DEFAULT NULL).
            let ends = stops.subtracting(["NULL", "DEFAULT"])
            var end = defaultIndex + 1
            var depth = 0
            while end < constraints.count {
                let token = constraints[end]
                if token.isSymbol("(") { depth += 1 } else if token.isSymbol(")") { depth -= 1 }
                if depth == 0, end > defaultIndex + 1, ends.contains(token.keyword) { break }
                end += 1
            }
            let expression = try rewriteExpressions(Array(constraints[(defaultIndex + 1)..<end]), statement)
            let isLiteral = expression.count == 1 && [.string, .number].contains(expression[0].kind)
                || (expression.count == 1 && ["NULL", "TRUE", "FALSE", "CURRENT_DATE", "CURRENT_TIMESTAMP"].contains(expression[0].keyword))
                || (expression.count == 2 && expression[0].isSymbol("-") && expression[1].kind == .number)
            var replacement = expression
            if !isLiteral {
                replacement[0].leading = ""
                replacement = [SQLToken(kind: .symbol, text: "(", leading: " ", line: expression[0].line)] + replacement
                    + [SQLToken(kind: .symbol, text: ")", leading: "", line: expression[0].line)]
            }
            constraints.replaceSubrange((defaultIndex + 1)..<end, with: replacement)
        }
        let rest = SQLStatement.render(try rewriteExpressions(constraints, statement)).trimmingCharacters(in: .whitespacesAndNewlines)
        return "\(name) \(mapped)" + (rest.isEmpty ? "" : " " + rest)
    }

    static func sqliteType(_ type: String) -> String? {
        let base = type.replacingOccurrences(of: "[]", with: "")
        switch base {
        case "uuid", "text", "varchar", "character varying", "char", "character", "citext", "timestamptz", "timestamp",
             "timestamp with time zone", "timestamp without time zone", "date", "time", "jsonb", "json", "inet", "interval":
            return "TEXT"
        case "boolean", "bool", "smallint", "integer", "int", "int2", "int4", "int8", "bigint", "serial", "bigserial", "smallserial":
            return "INTEGER"
        case "numeric", "decimal", "real", "double precision", "float4", "float8":
            return "REAL"
        case "bytea":
            return "BLOB"
        case "":
            return ""
        default:
            return nil
        }
    }

    // MARK: Expressions

    /// Rewrites names, casts, INTERVAL arithmetic and ordered-set aggregates, leaving the rest as written.
    mutating func rewriteExpressions(_ input: [SQLToken], _ statement: SQLStatement) throws(SchemaError) -> [SQLToken] {
        var t = input
        // Schema-qualified names: auth.users → auth_users, public.x → x.
        var index = 0
        while index + 2 < t.count {
            if t[index].kind == .word, t[index + 1].isSymbol("."), t[index + 2].kind == .word,
               ["auth", "public"].contains(t[index].text.lowercased()) {
                let schema = t[index].text.lowercased()
                let merged = schema == "public" ? t[index + 2].text : "auth_" + t[index + 2].text
                t.replaceSubrange(index...(index + 2), with: [SQLToken(kind: .word, text: merged, leading: t[index].leading, line: t[index].line)])
                if schema == "auth" {
                    note("auth schema", .emulated, statement, "auth.\(t[index].text.dropFirst(5)) → \(merged)")
                }
            }
            index += 1
        }
        // PERCENTILE_CONT(f) WITHIN GROUP (ORDER BY e) → percentile_cont(f, e)
        index = 0
        while index < t.count {
            if t[index].isKeyword("PERCENTILE_CONT") || t[index].isKeyword("PERCENTILE_DISC"),
               index + 1 < t.count, t[index + 1].isSymbol("("), let close = matchingParen(t, from: index + 1),
               close + 4 < t.count, t[close + 1].isKeyword("WITHIN"), t[close + 2].isKeyword("GROUP"), t[close + 3].isSymbol("("),
               let groupClose = matchingParen(t, from: close + 3), t[close + 4].isKeyword("ORDER"), t[close + 5].isKeyword("BY") {
                var ordered = Array(t[(close + 6)..<groupClose])
                if let last = ordered.last, last.isKeyword("ASC") { ordered.removeLast() }
                if ordered.last?.isKeyword("DESC") == true { throw failure(statement, "WITHIN GROUP (ORDER BY … DESC) has no SQLite rule") }
                let name = t[index].text.lowercased()
                let fraction = Array(t[(index + 1)...close].dropLast())
                var rewritten = [SQLToken(kind: .word, text: name, leading: t[index].leading, line: t[index].line)] + fraction
                rewritten.append(SQLToken(kind: .symbol, text: ",", leading: "", line: t[index].line))
                if !ordered.isEmpty { ordered[0].leading = " " }
                rewritten += ordered
                rewritten.append(SQLToken(kind: .symbol, text: ")", leading: "", line: t[index].line))
                t.replaceSubrange(index...groupClose, with: rewritten)
                note("\(name.uppercased()) … WITHIN GROUP", .emulated, statement, "a registered aggregate \(name)(fraction, value)")
            }
            index += 1
        }
        // expr ± INTERVAL 'n unit' → pg_add_interval(expr, '±n unit')
        index = 0
        while index < t.count {
            if t[index].isKeyword("INTERVAL"), index + 1 < t.count, t[index + 1].kind == .string {
                guard index >= 2, t[index - 1].isSymbol("+") || t[index - 1].isSymbol("-") else {
                    throw failure(statement, "INTERVAL outside date arithmetic (expr ± INTERVAL '…') has no SQLite rule")
                }
                let start = operandStart(t, before: index - 1)
                let sign = t[index - 1].text
                var literal = t[index + 1].text
                literal.removeFirst()
                literal = "'" + sign + literal
                var operand = Array(t[start..<(index - 1)])
                let leading = operand[0].leading
                operand[0].leading = ""
                let rewritten = [SQLToken(kind: .word, text: "pg_add_interval", leading: leading, line: t[start].line),
                                 SQLToken(kind: .symbol, text: "(", leading: "", line: t[start].line)] + operand
                    + [SQLToken(kind: .symbol, text: ",", leading: "", line: t[start].line),
                       SQLToken(kind: .string, text: literal, leading: " ", line: t[start].line),
                       SQLToken(kind: .symbol, text: ")", leading: "", line: t[start].line)]
                t.replaceSubrange(start...(index + 1), with: rewritten)
                note("INTERVAL arithmetic", .emulated, statement, "a registered function pg_add_interval(timestamp, '±n unit')")
                index = start + rewritten.count
                continue
            }
            index += 1
        }
        // expr::type
        index = 0
        while index < t.count {
            if t[index].isSymbol("::") {
                let start = operandStart(t, before: index)
                var end = index + 1
                var typeWords: [String] = []
                while end < t.count, t[end].kind == .word {
                    typeWords.append(t[end].text.lowercased())
                    end += 1
                    let joined = typeWords.joined(separator: " ")
                    if !["timestamp", "double", "character", "timestamp with", "timestamp without", "timestamp with time",
                         "timestamp without time"].contains(joined) { break }
                }
                if end < t.count, t[end].isSymbol("("), let close = matchingParen(t, from: end) { end = close + 1 }
                let type = typeWords.joined(separator: " ")
                guard let mapped = Self.sqliteType(type), !type.isEmpty else {
                    throw failure(statement, "cast to '\(type)' has no SQLite rule")
                }
                var operand = Array(t[start..<index])
                let leading = operand.first?.leading ?? ""
                let replacement: [SQLToken]
                if type == "date" {
                    operand[0].leading = ""
                    replacement = [SQLToken(kind: .word, text: "date", leading: leading, line: t[index].line),
                                   SQLToken(kind: .symbol, text: "(", leading: "", line: t[index].line)] + operand
                        + [SQLToken(kind: .symbol, text: ")", leading: "", line: t[index].line)]
                } else if mapped == "TEXT" || mapped == "BLOB" {
                    replacement = operand
                } else {
                    operand[0].leading = ""
                    replacement = [SQLToken(kind: .word, text: "CAST", leading: leading, line: t[index].line),
                                   SQLToken(kind: .symbol, text: "(", leading: "", line: t[index].line)] + operand
                        + [SQLToken(kind: .word, text: "AS " + mapped, leading: " ", line: t[index].line),
                           SQLToken(kind: .symbol, text: ")", leading: "", line: t[index].line)]
                }
                t.replaceSubrange(start..<end, with: replacement)
                note("::\(typeWords.first ?? type) cast", .translated, statement,
                     type == "date" ? "date(…)" : mapped == "TEXT" ? "dropped: the value is stored as text" : "CAST(… AS \(mapped))")
                index = start + replacement.count
                continue
            }
            index += 1
        }
        // CURRENT_DATE → date(now()), so that it follows the database's clock.
        for index in t.indices where t[index].isKeyword("CURRENT_DATE") {
            t[index].text = "date(now())"
        }
        // Functions SQLite lacks, provided by registered functions of the same name.
        for token in t where token.kind == .word {
            switch token.keyword {
            case "NOW": note("now()", .emulated, statement, "a registered function: UTC time as YYYY-MM-DD HH:MM:SS.SSS+00:00")
            case "GEN_RANDOM_UUID": note("gen_random_uuid()", .emulated, statement, "a registered function (random UUID v4)")
            case "DATE_TRUNC": note("date_trunc()", .emulated, statement, "a registered function (week starts on Monday)")
            case "LEAST", "GREATEST": note("\(token.keyword)()", .emulated, statement, "a registered function that ignores NULLs, as PostgreSQL's")
            case "DATE": note("DATE(x) = CURRENT_DATE", .translated, statement, "SQLite's date(); CURRENT_DATE becomes date(now()) (UTC)")
            case "ILIKE", "SIMILAR", "LATERAL", "TABLESAMPLE":
                throw failure(statement, "\(token.keyword) has no SQLite rule")
            default: break
            }
        }
        for token in t where token.kind == .symbol && ["@>", "<@", "?|", "?&", "~"].contains(token.text) {
            throw failure(statement, "the operator \(token.text) has no SQLite rule")
        }
        return t
    }

    /// The index where the operand ending just before `end` starts: a name chain (a.b.c), a
    /// literal, or a parenthesised group with the function name before it.
    func operandStart(_ t: [SQLToken], before end: Int) -> Int {
        var index = end - 1
        guard index >= 0 else { return 0 }
        if t[index].isSymbol(")") {
            var depth = 0
            while index >= 0 {
                if t[index].isSymbol(")") { depth += 1 } else if t[index].isSymbol("(") { depth -= 1 }
                if depth == 0 { break }
                index -= 1
            }
            let keywords: Set<String> = ["AND", "OR", "NOT", "IN", "SELECT", "WHERE", "ON", "WHEN", "THEN", "ELSE", "AS", "BY", "EXISTS"]
            if index > 0, t[index - 1].kind == .word, !keywords.contains(t[index - 1].keyword) {
                index -= 1
                while index >= 2, t[index - 1].isSymbol("."), t[index - 2].kind == .word { index -= 2 }
            }
            return index
        }
        while index >= 2, t[index - 1].isSymbol("."), t[index - 2].kind == .word || t[index - 2].kind == .quotedName { index -= 2 }
        return index
    }

    func matchingParen(_ t: [SQLToken], from open: Int) -> Int? {
        var depth = 0
        for index in open..<t.count {
            if t[index].isSymbol("(") { depth += 1 } else if t[index].isSymbol(")") {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return nil
    }

    func splitTopLevel(_ t: [SQLToken]) -> [[SQLToken]] {
        var result: [[SQLToken]] = [[]]
        var depth = 0
        for token in t {
            if token.isSymbol("(") { depth += 1 } else if token.isSymbol(")") { depth -= 1 }
            if depth == 0, token.isSymbol(",") { result.append([]); continue }
            result[result.count - 1].append(token)
        }
        return result.map { element in
            var element = element
            if !element.isEmpty { element[0].leading = "" }
            return element
        }
    }

    /// A possibly schema-qualified name at `index`, mapped for SQLite, and the index after it.
    func qualifiedName(_ t: [SQLToken], at index: Int) -> (String, Int) {
        if index + 2 < t.count, t[index + 1].isSymbol(".") {
            return (mappedName(t[index].text + "." + t[index + 2].text), index + 3)
        }
        return (mappedName(t[index].text), index + 1)
    }

    func mappedName(_ name: String) -> String {
        let lower = name.lowercased()
        if lower.hasPrefix("auth.") { return "auth_" + name.dropFirst(5) }
        if lower.hasPrefix("public.") { return String(name.dropFirst(7)) }
        return name
    }
}
