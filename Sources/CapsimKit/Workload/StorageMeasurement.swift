import GRDB

/// Bytes a generated database really takes, per table (its B-tree pages and those of its
/// indexes, from SQLite's `dbstat`), and the sizes per row the model's usage keys stand for.
public struct StorageMeasurement: Sendable {
    public struct Table: Sendable, Hashable {
        public var name: String
        public var rows: Int
        /// Bytes of the table's pages and its indexes' pages.
        public var bytes: Int

        public var bytesPerRow: Double? { rows > 0 ? Double(bytes) / Double(rows) : nil }
    }

    public var tables: [Table]

    public func table(_ name: String) -> Table? { tables.first { $0.name == name } }

    /// chat_messages bytes per row: what `usage.bytes_per_message` stands for.
    public var bytesPerMessage: Double? { table("chat_messages")?.bytesPerRow }
    /// analytics_events bytes per row: `usage.bytes_per_event`.
    public var bytesPerEvent: Double? { table("analytics_events")?.bytesPerRow }
    /// auth_users and profiles bytes per account: `usage.bytes_per_account`.
    public var bytesPerAccount: Double? {
        guard let users = table("auth_users"), users.rows > 0 else { return nil }
        return Double(users.bytes + (table("profiles")?.bytes ?? 0)) / Double(users.rows)
    }
}

extension SQLiteSchema {
    /// Measures every table with rows (materialized views excluded).
    public func measureStorage() throws -> StorageMeasurement {
        try queue.read { db in
            let owners = try Row.fetchAll(db, sql: "SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')")
            var tableOf: [String: String] = [:]
            for row in owners { tableOf[row["name"]] = row["tbl_name"] as String }
            var bytes: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, SUM(pgsize) AS size FROM dbstat('main') GROUP BY name") {
                let name: String = row["name"]
                if let table = tableOf[name] { bytes[table, default: 0] += row["size"] as Int }
            }
            var tables: [StorageMeasurement.Table] = []
            for name in bytes.keys.sorted() where materializedViews[name] == nil && !name.hasPrefix("sqlite_") {
                let rows = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(name)") ?? 0
                if rows > 0 { tables.append(.init(name: name, rows: rows, bytes: bytes[name]!)) }
            }
            return StorageMeasurement(tables: tables)
        }
    }
}

extension Scenario {
    /// The scenario with `bytes_per_message`, `bytes_per_event` and `bytes_per_account` replaced
    /// by measured sizes (those measured; the others stay).
    public func withMeasuredStorage(_ measurement: StorageMeasurement) -> Scenario {
        var scenario = self
        let usage = self.usage
        if let value = measurement.bytesPerMessage { scenario.set(usage.bytesPerMessage, to: value) }
        if let value = measurement.bytesPerEvent { scenario.set(usage.bytesPerEvent, to: value) }
        if let value = measurement.bytesPerAccount { scenario.set(usage.bytesPerAccount, to: value) }
        return scenario
    }
}

extension SyntheticData {
    /// Generates a sample of month `month` (at most `maxRows` rows in its largest table) and
    /// measures its storage.
    public static func measure(_ scenario: Scenario, month: Int, maxRows: Int = 100_000, seed: UInt64 = 1,
                               migrations: String) throws -> StorageMeasurement {
        let generated = try generate(try Simulator.project(scenario), options: DataOptions(month: month, seed: seed), maxRows: maxRows) {
            try SQLiteSchema(migrations: migrations)
        }
        return try generated.schema.measureStorage()
    }
}

extension StorageMeasurement {
    /// Measured sizes next to the scenario's, for people.
    public func comparison(with scenario: Scenario) -> ReportDocument.Section {
        let usage = scenario.usage
        func row(_ name: String, _ measured: Double?, _ assumed: Double) -> [String] {
            guard let measured else { return [name, "–", NumberFormat.grouped(assumed), "–"] }
            let difference = assumed > 0 ? NumberFormat.percent((measured - assumed) / assumed) : "–"
            return [name, NumberFormat.grouped(measured), NumberFormat.grouped(assumed), difference]
        }
        return .init(title: "Storage per row (measured, indexes included)", lines: tables.map {
            "\($0.name): \(NumberFormat.grouped(Double($0.rows))) rows, \(NumberFormat.bytes(Double($0.bytes))), \($0.bytesPerRow.map { NumberFormat.grouped($0) } ?? "–") bytes/row"
        }, table: .init(headers: ["scenario key", "measured bytes", "scenario bytes", "difference"], rows: [
            row("bytes_per_message", bytesPerMessage, scenario[usage.bytesPerMessage]),
            row("bytes_per_event", bytesPerEvent, scenario[usage.bytesPerEvent]),
            row("bytes_per_account", bytesPerAccount, scenario[usage.bytesPerAccount]),
        ], rightAligned: [1, 2, 3]))
    }
}
