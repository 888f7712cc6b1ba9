extension ExportColumn {
    /// The CSV cell of `row` in this column: numbers in round-trip form, empty when undefined.
    public func cell(_ row: MonthRow, scenario: Scenario) -> String {
        switch value {
        case let .numeric(slot): CSVWriter.cell(row[slot: slot])
        default: label(row, scenario: scenario)
        }
    }

    /// The JSON value of `row` in this column (null when undefined).
    public func json(_ row: MonthRow, scenario: Scenario) -> JSONValue {
        switch value {
        case let .numeric(slot): .number(row[slot: slot])
        case .computeSize: row.computeIndex == nil ? .null : .string(label(row, scenario: scenario))
        default: .string(label(row, scenario: scenario))
        }
    }

    private func label(_ row: MonthRow, scenario: Scenario) -> String {
        switch value {
        case .numeric: ""
        case .date: scenario.start.adding(months: row.month).description
        case .plan: scenario.supabase.plans[row.planIndex].name
        case .computeSize: row.computeIndex.map { scenario.supabase.compute!.sizes[$0].name } ?? ""
        }
    }
}

extension Scenario {
    /// The monthly export's columns for this scenario.
    public var exportColumns: [ExportColumn] { ExportColumn.all(tierNames: tiers.map(\.name)) }

    /// Its numeric columns.
    public var numericColumns: [ExportColumn] { ExportColumn.numeric(tierNames: tiers.map(\.name)) }
}

extension Projection {
    /// The monthly CSV: a header row, then one row per month.
    public func csv() -> String {
        let columns = scenario.exportColumns
        var writer = CSVWriter()
        writer.writeRow(columns.map(\.name))
        for month in 0...scenario.horizonMonths {
            let row = self.row(month)
            writer.writeRow(columns.map { $0.cell(row, scenario: scenario) })
        }
        return writer.text
    }

    /// A numeric monthly column's value by name in month `month` (nil: undefined, or no such column).
    public func value(column name: String, month: Int) -> Double? {
        guard let slot = scenario.numericColumns.first(where: { $0.name == name })?.slot else { return nil }
        let value = row(month)[slot: slot]
        return value.isNaN ? nil : value
    }
}
