import Foundation

/// One-at-a-time sensitivity (MODEL.md §11) drawn as a tornado: per input, a bar from the
/// outcome at the base to the outcome with that input at its low and at its high quantile,
/// widest first.
public struct TornadoChart: Sendable {
    public struct Row: Sendable {
        /// The input, as a key path with its low and high values.
        public var label: String
        public var low: Double?
        public var high: Double?

        public init(label: String, low: Double?, high: Double?) {
            self.label = label
            self.low = low
            self.high = high
        }
    }

    public var title: String
    public var unit: ChartUnit
    /// The outcome with every input at its mean.
    public var base: Double
    public var rows: [Row]
    public var lowLabel: String
    public var highLabel: String
    public var width: Double

    public init(title: String, unit: ChartUnit, base: Double, rows: [Row], lowLabel: String, highLabel: String, width: Double = 1180) {
        self.title = title
        self.unit = unit
        self.base = base
        self.rows = rows
        self.lowLabel = lowLabel
        self.highLabel = highLabel
        self.width = width
    }

    static let rowHeight = 24.0
    static let labelWidth = 380.0

    public func svg() -> String {
        let top = 44.0, bottom = 30.0
        let height = top + bottom + Double(max(rows.count, 1)) * Self.rowHeight
        var canvas = SVGCanvas(width: width, height: height)
        let plot = (left: Self.labelWidth, right: width - 24, top: top, bottom: height - bottom)
        let values = [base] + rows.flatMap { [$0.low, $0.high].compactMap { $0 } }
        let x = ChartScale(kind: .linear, covering: values, includeZero: false, pixels: (plot.left, plot.right))

        canvas.text(title, x: 12, y: 18, size: 14, colour: "#111", weight: "bold")
        var legend = plot.right - 56 - SVGCanvas.textWidth(lowLabel + highLabel, size: 11)
        for (label, colour) in [(lowLabel, Palette.sky), (highLabel, Palette.orange)] {
            canvas.rect(x: legend, y: 9, width: 16, height: 10, fill: colour)
            canvas.text(label, x: legend + 20, y: 18, size: 11)
            legend += 36 + SVGCanvas.textWidth(label, size: 11)
        }
        for tick in x.ticks {
            canvas.line(x1: x(tick), y1: plot.top, x2: x(tick), y2: plot.bottom, colour: "#E0E0E0")
            canvas.text(unit.format(tick), x: x(tick), y: plot.bottom + 16, anchor: "middle", size: 11)
        }
        for (index, row) in rows.enumerated() {
            let middle = plot.top + (Double(index) + 0.5) * Self.rowHeight
            canvas.text(row.label, x: plot.left - 8, y: middle + 4, anchor: "end", size: 11)
            for (value, colour, name) in [(row.low, Palette.sky, lowLabel), (row.high, Palette.orange, highLabel)] {
                guard let value, value.isFinite else { continue }
                let from = min(x(base), x(value)), to = max(x(base), x(value))
                canvas.rect(x: from, y: middle - 8, width: max(to - from, 1), height: 16, fill: colour,
                            tooltip: "\(row.label): \(name) → \(unit.format(value)) (base \(unit.format(base)))")
            }
        }
        canvas.line(x1: x(base), y1: plot.top - 4, x2: x(base), y2: plot.bottom, colour: "#111", width: 1.5)
        canvas.text("base \(unit.format(base))", x: x(base) + 4, y: plot.top - 6, size: 11)
        return canvas.document(title: title, className: "chart tornado")
    }
}
