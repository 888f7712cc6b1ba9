import ArgumentParser
import CapsimKit
import Foundation

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load the migrations into SQLite and show the schema and how each PostgreSQL construct was handled.",
        discussion: """
        Reads migrations/NNN_*.sql in order, translates each statement for an in-memory SQLite \
        database, and prints the schema as loaded (--dialect sqlite, the default) or as \
        written for PostgreSQL (--dialect postgres), then a table of every construct that was \
        translated, emulated or skipped, with where and why. A statement capsim cannot \
        translate is an error naming its file and line (exit 2).
        """)

    enum Dialect: String, ExpressibleByArgument, CaseIterable { case sqlite, postgres }

    @Option(help: "Which schema to print: sqlite (as loaded) or postgres (as written).")
    var dialect: Dialect = .sqlite

    @Option(help: "The migrations directory.")
    var migrations = "migrations"

    @Option(help: "Output format: table or markdown.")
    var format: ReportFormat = .table

    func run() throws {
        let schema = try SQLiteSchema(migrations: migrations)
        var document = ReportDocument(title: "capsim schema (\(dialect.rawValue))",
                                      subtitle: "\(schema.files.count) migration files from \(migrations)")
        switch dialect {
        case .sqlite:
            document.sections.append(.init(title: "Schema as loaded in SQLite",
                                           code: try schema.schemaSQL().map { $0 + ";" }.joined(separator: "\n"), codeLanguage: "sql"))
        case .postgres:
            document.sections.append(.init(title: "Schema as written for PostgreSQL", code: try schema.files.map { file in
                "-- \(file)\n" + (try String(contentsOfFile: file, encoding: .utf8))
            }.joined(separator: "\n"), codeLanguage: "sql"))
        }
        document.sections.append(SchemaReport.constructs(schema.notes))
        try OutputFile.writeStandardOutput(format == .markdown ? document.markdown() : document.plainText())
    }
}
