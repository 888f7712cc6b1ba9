/// A column of the monthly export (CSV and JSON `months`), in the documented order.
public struct MonthlyColumn: Sendable {
    public enum Value: Sendable {
        /// A numeric column; nil where the value is undefined (e.g. gross margin without revenue).
        case numeric(@Sendable (MonthRow) -> Double?)
        /// A text column (date, plan name).
        case label(@Sendable (MonthRow) -> String)
    }

    public let name: String
    public let value: Value

    public var isNumeric: Bool {
        if case .numeric = value { return true }
        return false
    }

    /// The cell text for `row`: numbers in round-trip form, empty when undefined.
    public func cell(_ row: MonthRow) -> String {
        switch value {
        case let .numeric(number): CSVWriter.cell(number(row))
        case let .label(text): text(row)
        }
    }

    public func json(_ row: MonthRow) -> JSONValue {
        switch value {
        case let .numeric(number): .number(number(row))
        case let .label(text): .string(text(row))
        }
    }

    /// Every column of the monthly export for `scenario` (one `users_<tier>` column per tier, in file order).
    public static func all(for scenario: Scenario) -> [MonthlyColumn] {
        let planNames = scenario.supabase.plans.map(\.name)
        func number(_ name: String, _ value: @escaping @Sendable (MonthRow) -> Double?) -> MonthlyColumn {
            MonthlyColumn(name: name, value: .numeric(value))
        }
        var columns = [
            number("month") { Double($0.month) },
            MonthlyColumn(name: "date", value: .label { $0.date.description }),
            number("phase") { Double($0.phase) },
            number("users_total") { $0.users },
        ]
        for (index, tier) in scenario.tiers.enumerated() {
            columns.append(number("users_\(tier.name)") { $0.usersByTier[index] })
        }
        columns += [
            number("paid_users") { $0.paidUsers },
            number("signups") { $0.signups },
            number("activated") { $0.activated },
            number("churned") { $0.churned },
            number("conversions") { $0.conversions },
            number("dau") { $0.dau },
            number("messages") { $0.messages },
            number("messages_per_day") { $0.messagesPerDay },
            number("db_bytes") { $0.dbBytes },
            number("storage_bytes") { $0.storageBytes },
            number("egress_bytes") { $0.egressBytes },
            number("mrr_usd") { $0.mrr },
            number("payment_fees_usd") { $0.paymentFees },
            MonthlyColumn(name: "supabase_plan", value: .label { planNames[$0.planIndex] }),
            number("supabase_usd") { $0.supabaseCost },
            number("services_usd") { $0.servicesCost },
            number("team_usd") { $0.teamCost },
            number("compliance_usd") { $0.complianceCost },
            number("marketing_usd") { $0.marketing },
            number("variable_usd") { $0.variableCost },
            number("infra_usd") { $0.infraCost },
            number("total_cost_usd") { $0.totalCost },
            number("cash_usd") { $0.cash },
            number("gross_margin") { $0.grossMargin },
            number("cost_per_user_usd") { $0.costPerUser },
        ]
        return columns
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
