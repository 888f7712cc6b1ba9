import Foundation

/// Observed months (MODEL.md §12): a CSV with a `month` column (`YYYY-MM`) and any of the
/// monthly CSV's numeric columns. An empty cell is a month where that column was not observed.
public struct Actuals: Sendable {
    public var path: String
    /// The observed columns, in the file's order (monthly CSV names).
    public var columns: [String]
    /// Each column's slot in a month's row.
    var slots: [Int]
    /// Each row's month index t (months since the scenario's start), in the file's order.
    public var months: [Int]
    /// `values[row][column]`; nil where the cell is empty.
    public var values: [[Double?]]

    /// Reads and checks an actuals file against the scenario whose months and columns it observes.
    /// - Throws: ``CalibrationError`` naming the file, line and column of what is wrong.
    public static func read(path: String, for scenario: Scenario) throws(CalibrationError) -> Actuals {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CalibrationError("cannot read '\(path)': no such file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CalibrationError("\(path): not UTF-8 text")
        }
        return try parse(text, path: path, for: scenario)
    }

    /// Parses actuals text (`path` names it in errors).
    public static func parse(_ text: String, path: String, for scenario: Scenario) throws(CalibrationError) -> Actuals {
        // LF or CRLF ("\r\n" is one Character, a newline).
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        while lines.last?.allSatisfy(\.isWhitespace) == true { lines.removeLast() }
        guard let header = lines.first, !header.allSatisfy(\.isWhitespace) else {
            throw CalibrationError("\(path): the file is empty; expected a header line: month,<monthly column>,…")
        }
        let names = fields(header)
        let exported = scenario.numericColumns.filter { $0.name != "month" }
        let numeric = exported.map(\.name)
        var monthField: Int?
        var columns: [String] = []
        var columnFields: [Int] = []
        for (index, name) in names.enumerated() {
            let at = "\(path):1: column \(index + 1) '\(name)'"
            if name == "month" {
                if monthField != nil { throw CalibrationError("\(at): 'month' is given twice") }
                monthField = index
            } else if columns.contains(name) {
                throw CalibrationError("\(at): given twice")
            } else if numeric.contains(name) {
                columns.append(name)
                columnFields.append(index)
            } else {
                var message = "\(at): not a numeric column of the monthly CSV"
                if let suggestion = Suggestion.nearest(to: name, in: numeric) { message += "; did you mean '\(suggestion)'?" }
                throw CalibrationError(message + " (see `capsim keys` or docs/model.md for the columns)")
            }
        }
        guard let monthField else {
            throw CalibrationError("\(path):1: no 'month' column (months as YYYY-MM, e.g. \(scenario.start))")
        }
        guard !columns.isEmpty else {
            throw CalibrationError("\(path):1: no observed columns besides 'month' (e.g. users_total, mrr_usd)")
        }
        var months: [Int] = []
        var values: [[Double?]] = []
        var lineOfMonth: [Int: Int] = [:]
        for (offset, line) in lines.enumerated().dropFirst() {
            let number = offset + 1
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            let cells = fields(line)
            guard cells.count == names.count else {
                throw CalibrationError("\(path):\(number): \(cells.count) fields, but the header has \(names.count)")
            }
            let monthText = cells[monthField]
            guard let yearMonth = YearMonth(monthText) else {
                throw CalibrationError("\(path):\(number): column 'month': expected a month as YYYY-MM, got '\(monthText)'")
            }
            let t = yearMonth.months(since: scenario.start)
            guard (0...scenario.horizonMonths).contains(t) else {
                throw CalibrationError("\(path):\(number): column 'month': \(monthText) is outside the scenario's months (\(scenario.start) to \(scenario.start.adding(months: scenario.horizonMonths)))")
            }
            if let first = lineOfMonth[t] {
                throw CalibrationError("\(path):\(number): column 'month': \(monthText) is given twice (also line \(first))")
            }
            lineOfMonth[t] = number
            var row: [Double?] = []
            for (column, field) in zip(columns, columnFields) {
                let cell = cells[field]
                if cell.isEmpty { row.append(nil); continue }
                guard let value = Double(cell), value.isFinite else {
                    throw CalibrationError("\(path):\(number): column '\(column)': expected a finite number or an empty cell, got '\(cell)'")
                }
                row.append(value)
            }
            months.append(t)
            values.append(row)
        }
        guard !months.isEmpty else { throw CalibrationError("\(path): no observed months after the header") }
        let slots = columns.map { name in exported.first { $0.name == name }!.slot! }
        return Actuals(path: path, columns: columns, slots: slots, months: months, values: values)
    }

    /// The fields of one CSV line (RFC 4180 quotes; surrounding spaces trimmed).
    private static func fields(_ line: Substring) -> [String] {
        var result: [String] = []
        var field = ""
        var quoted = false
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if quoted {
                if character == "\"" {
                    let next = line.index(after: index)
                    if next < line.endIndex, line[next] == "\"" { field.append("\""); index = next } else { quoted = false }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                result.append(field.trimmingCharacters(in: .whitespaces))
                field = ""
            } else {
                field.append(character)
            }
            index = line.index(after: index)
        }
        result.append(field.trimmingCharacters(in: .whitespaces))
        return result
    }
}

/// Bad actuals or fit requests (exit status 2).
public struct CalibrationError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
