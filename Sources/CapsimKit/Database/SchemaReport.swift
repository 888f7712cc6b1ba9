/// Reports on how PostgreSQL constructs were carried into SQLite.
public enum SchemaReport {
    /// One row per construct and handling: how often, where (file:line), and how or why.
    public static func constructs(_ notes: [ConstructNote]) -> ReportDocument.Section {
        var groups: [(key: String, notes: [ConstructNote])] = []
        for note in notes {
            let key = "\(note.construct)\u{1}\(note.handling.rawValue)"
            if let index = groups.firstIndex(where: { $0.key == key }) { groups[index].notes.append(note) } else {
                groups.append((key, [note]))
            }
        }
        let order: [ConstructNote.Handling] = [.skipped, .emulated, .translated]
        let rows = groups.sorted { a, b in
            let ha = order.firstIndex(of: a.notes[0].handling)!, hb = order.firstIndex(of: b.notes[0].handling)!
            return ha != hb ? ha < hb : a.notes[0].construct < b.notes[0].construct
        }.map { group -> [String] in
            let first = group.notes[0]
            let places = group.notes.map { $0.location.split(separator: "/").last.map(String.init) ?? $0.location }
            let shown = places.count > 4 ? places.prefix(3).joined(separator: ", ") + ", … (\(places.count) in all)" : places.joined(separator: ", ")
            let details = Set(group.notes.map(\.detail))
            return [first.construct, first.handling.rawValue, "\(group.notes.count)", shown,
                    details.count == 1 ? first.detail : details.sorted().prefix(3).joined(separator: "; ")]
        }
        return .init(title: "PostgreSQL constructs", lines: ["How each construct of the migrations reached SQLite; skipped ones have no effect on the simulation's data."],
                     table: .init(headers: ["construct", "handling", "uses", "where", "how / why"], rows: rows, rightAligned: [2]))
    }
}
