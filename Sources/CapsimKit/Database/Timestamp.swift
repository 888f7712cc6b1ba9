import Foundation

/// Timestamps as capsim's SQLite database stores them: UTC text
/// `YYYY-MM-DD HH:MM:SS.SSS+00:00`, which sorts chronologically and which SQLite's own
/// date() reads. Also the interval arithmetic and truncation PostgreSQL does on them.
public enum Timestamp {
    /// Seconds since 1970-01-01 UTC of `text`: `YYYY-MM-DD`, optionally followed by
    /// ` HH:MM[:SS[.fff]]` (or `T`) and a zone (`Z`, `+HH`, `+HH:MM`, `-HH:MM`).
    public static func parse(_ text: String) -> Double? {
        let s = Array(text.utf8)
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= s.count else { return nil }
            var value = 0
            for c in s[from..<(from + count)] {
                guard c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            return value
        }
        guard s.count >= 10, let year = digits(0, 4), s[4] == 45, let month = digits(5, 2), s[7] == 45,
              let day = digits(8, 2), (1...12).contains(month), (1...31).contains(day) else { return nil }
        var seconds = Double(daysFromCivil(year, month, day)) * 86400
        var index = 10
        if index < s.count, s[index] == 32 || s[index] == 84 {
            guard let hour = digits(index + 1, 2), s.count > index + 3, s[index + 3] == 58,
                  let minute = digits(index + 4, 2) else { return nil }
            seconds += Double(hour * 3600 + minute * 60)
            index += 6
            if index < s.count, s[index] == 58, let second = digits(index + 1, 2) {
                seconds += Double(second)
                index += 3
                if index < s.count, s[index] == 46 {
                    var fraction = 0.0, scale = 0.1
                    index += 1
                    while index < s.count, s[index] >= 48, s[index] <= 57 {
                        fraction += Double(s[index] - 48) * scale
                        scale /= 10
                        index += 1
                    }
                    seconds += fraction
                }
            }
        }
        if index < s.count {
            if s[index] == 90 { index += 1 } else if s[index] == 43 || s[index] == 45 {
                let sign: Double = s[index] == 43 ? 1 : -1
                guard let hours = digits(index + 1, 2) else { return nil }
                var offset = hours * 3600
                index += 3
                if index < s.count, s[index] == 58, let minutes = digits(index + 1, 2) {
                    offset += minutes * 60
                    index += 3
                }
                seconds -= sign * Double(offset)
            } else { return nil }
        }
        return index == s.count ? seconds : nil
    }

    /// `YYYY-MM-DD HH:MM:SS.SSS+00:00` for seconds since 1970 UTC.
    public static func format(_ seconds: Double) -> String {
        let millis = Int64((seconds * 1000).rounded(.down))
        let days = Int(millis >= 0 ? millis / 86_400_000 : (millis - 86_399_999) / 86_400_000)
        let rest = Int(millis - Int64(days) * 86_400_000)
        let (y, m, d) = civilFromDays(days)
        // Written digit by digit into a fixed buffer: this runs for every generated row.
        var bytes: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                    UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (48, 48, 48, 48, 45, 48, 48, 45, 48, 48, 32, 48, 48, 58, 48, 48, 58, 48, 48, 46, 48, 48, 48, 43, 48, 48, 58, 48, 48)
        return withUnsafeMutableBytes(of: &bytes) { buffer in
            func put(_ value: Int, _ at: Int, _ width: Int) {
                var v = value
                for offset in stride(from: width - 1, through: 0, by: -1) {
                    buffer[at + offset] = UInt8(48 + v % 10)
                    v /= 10
                }
            }
            put(y, 0, 4); put(m, 5, 2); put(d, 8, 2)
            put(rest / 3_600_000, 11, 2); put(rest / 60000 % 60, 14, 2); put(rest / 1000 % 60, 17, 2); put(rest % 1000, 20, 3)
            return String(decoding: buffer, as: UTF8.self)
        }
    }

    /// The current time in the stored format.
    public static func now() -> String { format(Date().timeIntervalSince1970) }

    /// `seconds` plus an interval such as `-7 days`, `+6 months`, `1 hour 30 minutes`;
    /// months and years keep the day of the month (clamped to the month's length), as PostgreSQL does.
    public static func add(_ interval: String, to seconds: Double) -> Double? {
        var words = interval.lowercased().split(whereSeparator: { $0 == " " }).map(String.init)
        var sign = 1.0
        if let first = words.first, first.hasPrefix("+") || first.hasPrefix("-") {
            sign = first.hasPrefix("-") ? -1 : 1
            words[0].removeFirst()
            if words[0].isEmpty { words.removeFirst() }
        }
        guard !words.isEmpty, words.count % 2 == 0 else { return nil }
        var result = seconds
        for pair in stride(from: 0, to: words.count, by: 2) {
            guard let amount = Double(words[pair]) else { return nil }
            let unit = words[pair + 1].hasSuffix("s") && words[pair + 1] != "s" ? String(words[pair + 1].dropLast()) : words[pair + 1]
            let value = sign * amount
            switch unit {
            case "second", "sec": result += value
            case "minute", "min": result += value * 60
            case "hour": result += value * 3600
            case "day": result += value * 86400
            case "week": result += value * 7 * 86400
            case "month", "mon": result = addMonths(Int(value), to: result)
            case "year": result = addMonths(Int(value) * 12, to: result)
            default: return nil
            }
        }
        return result
    }

    /// `date_trunc(unit, ts)`: the start of the second, minute, hour, day, week (Monday),
    /// month, quarter or year containing `seconds`.
    public static func truncate(_ unit: String, _ seconds: Double) -> Double? {
        let days = Int((seconds / 86400).rounded(.down))
        let (y, m, _) = civilFromDays(days)
        switch unit.lowercased() {
        case "second": return seconds.rounded(.down)
        case "minute": return (seconds / 60).rounded(.down) * 60
        case "hour": return (seconds / 3600).rounded(.down) * 3600
        case "day": return Double(days) * 86400
        case "week":
            // 1970-01-01 was a Thursday: days + 3 is 0 on Mondays (mod 7).
            let weekday = ((days + 3) % 7 + 7) % 7
            return Double(days - weekday) * 86400
        case "month": return Double(daysFromCivil(y, m, 1)) * 86400
        case "quarter": return Double(daysFromCivil(y, (m - 1) / 3 * 3 + 1, 1)) * 86400
        case "year": return Double(daysFromCivil(y, 1, 1)) * 86400
        default: return nil
        }
    }

    private static func addMonths(_ months: Int, to seconds: Double) -> Double {
        let days = Int((seconds / 86400).rounded(.down))
        let timeOfDay = seconds - Double(days) * 86400
        let (y, m, d) = civilFromDays(days)
        let index = y * 12 + (m - 1) + months
        let year = index >= 0 ? index / 12 : (index - 11) / 12
        let month = index - year * 12 + 1
        let length = [31, (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return Double(daysFromCivil(year, month, min(d, length))) * 86400 + timeOfDay
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
