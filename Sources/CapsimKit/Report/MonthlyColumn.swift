/// A column of the monthly export (CSV and JSON `months`), in the documented order.
public struct MonthlyColumn: Sendable {
    public enum Value: Sendable {
        /// A numeric column; undefined values (e.g. gross margin without revenue) are empty cells.
        case numeric(Metric)
        /// A text column (date, plan name).
        case label(@Sendable (MonthRow) -> String)
    }

    public let name: String
    public let value: Value

    /// The metric of a numeric column.
    public var metric: Metric? {
        if case let .numeric(metric) = value { return metric }
        return nil
    }

    /// The cell text for `row`: numbers in round-trip form, empty when undefined.
    public func cell(_ row: MonthRow) -> String {
        switch value {
        case let .numeric(metric): CSVWriter.cell(metric.value(in: row))
        case let .label(text): text(row)
        }
    }

    public func json(_ row: MonthRow) -> JSONValue {
        switch value {
        case let .numeric(metric): .number(metric.value(in: row))
        case let .label(text): .string(text(row))
        }
    }

    /// Every column of the monthly export for `scenario` (one `users_<tier>` column per tier, in file order).
    public static func all(for scenario: Scenario) -> [MonthlyColumn] {
        let planNames = scenario.supabase.plans.map(\.name)
        func number(_ name: String, _ metric: Metric) -> MonthlyColumn { MonthlyColumn(name: name, value: .numeric(metric)) }
        var columns = [
            number("month", .month),
            MonthlyColumn(name: "date", value: .label { $0.date.description }),
            number("phase", .phase),
            number("users_total", .usersTotal),
        ]
        columns += scenario.tiers.indices.map { number("users_\(scenario.tiers[$0].name)", .usersTier($0)) }
        columns += [
            number("paid_users", .paidUsers), number("signups", .signups), number("activated", .activated),
            number("churned", .churned), number("conversions", .conversions), number("dau", .dau),
            number("messages", .messages), number("messages_per_day", .messagesPerDay),
            number("db_bytes", .dbBytes), number("storage_bytes", .storageBytes), number("egress_bytes", .egressBytes),
            number("mrr_usd", .mrr), number("payment_fees_usd", .paymentFees),
            MonthlyColumn(name: "supabase_plan", value: .label { planNames[$0.planIndex] }),
            number("supabase_usd", .supabaseCost), number("services_usd", .servicesCost), number("team_usd", .teamCost),
            number("compliance_usd", .complianceCost), number("marketing_usd", .marketing),
            number("variable_usd", .variableCost), number("infra_usd", .infraCost), number("total_cost_usd", .totalCost),
            number("cash_usd", .cash), number("gross_margin", .grossMargin), number("cost_per_user_usd", .costPerUser),
        ]
        return columns
    }

    /// The numeric columns only (the series of Monte Carlo bands), in export order.
    public static func numeric(for scenario: Scenario) -> [(name: String, metric: Metric)] {
        // A plain loop: the equivalent compactMap crashes the Swift 6.3 optimizer (CopyPropagation).
        var result: [(name: String, metric: Metric)] = []
        for column in all(for: scenario) {
            if case let .numeric(metric) = column.value { result.append((column.name, metric)) }
        }
        return result
    }
}

extension Projection {
    /// The monthly CSV: a header row, then one row per month.
    public func csv() -> String {
        let columns = MonthlyColumn.all(for: scenario)
        var writer = CSVWriter()
        writer.writeRow(columns.map(\.name))
        for row in rows { writer.writeRow(columns.map { $0.cell(row) }) }
        return writer.text
    }
}
