import Foundation

/// A chart of values against x (months, or rows on a log axis): bands, lines, points,
/// reference lines and shaded spans, with axes, ticks, a legend and tooltips.
public struct XYChart: Sendable {
    public struct Axis: Sendable {
        public var label: String
        public var unit: ChartUnit
        public var kind: ChartScale.Kind
        /// A linear axis starts at zero unless told otherwise.
        public var includeZero: Bool
        /// A time axis: months 0 … H labelled by calendar date.
        public var months: MonthTicks?

        public init(label: String, unit: ChartUnit, kind: ChartScale.Kind = .linear, includeZero: Bool = true, months: MonthTicks? = nil) {
            self.label = label
            self.unit = unit
            self.kind = kind
            self.includeZero = includeZero
            self.months = months
        }

        /// Months 0 … `months` from `start`.
        public static func time(from start: YearMonth, months: Int) -> Axis {
            Axis(label: "", unit: .plain, months: MonthTicks(start: start, months: months))
        }
    }

    /// One point with a tooltip.
    public struct Point: Sendable {
        public var x: Double
        public var y: Double
        public var tooltip: String

        public init(x: Double, y: Double, tooltip: String) {
            self.x = x
            self.y = y
            self.tooltip = tooltip
        }
    }

    public enum Mark: Sendable {
        /// A filled area between `low` and `high` at each x (a gap where either is nil).
        case band(label: String, colour: String, opacity: Double, x: [Double], low: [Double?], high: [Double?])
        /// A line through (x, y), broken where y is nil; `step` holds each value until the next x.
        case line(label: String, colour: String, x: [Double], y: [Double?], dashed: Bool, step: Bool)
        /// Dots with tooltips; `radius` 0 draws invisible hover targets.
        case points(label: String, colour: String, radius: Double, [Point])
        /// A horizontal reference line across the plot.
        case rule(label: String, colour: String, y: Double)
        /// A shaded vertical span from x `from` to `to` (a phase), its label at the top.
        case span(label: String, tooltip: String, shade: Int, from: Double, to: Double)
        /// A vertical line at x (a funding round), its label beside it.
        case marker(label: String, colour: String, x: Double)
    }

    public var title: String
    public var x: Axis
    public var y: Axis
    public var marks: [Mark]
    public var width: Double
    public var height: Double

    public init(title: String, x: Axis, y: Axis, marks: [Mark], width: Double = 1180, height: Double = 340) {
        self.title = title
        self.x = x
        self.y = y
        self.marks = marks
        self.width = width
        self.height = height
    }

    static let margin = (left: 74.0, right: 16.0, top: 40.0, bottom: 44.0)

    /// The chart as an SVG element.
    public func svg() -> String {
        var canvas = SVGCanvas(width: width, height: height)
        let plot = (left: Self.margin.left, right: width - Self.margin.right, top: Self.margin.top, bottom: height - Self.margin.bottom)
        let timeScale = x.months.map { ChartScale.exact(0, Double($0.months), pixels: (plot.left, plot.right)) }
            ?? ChartScale(kind: x.kind, covering: xValues, includeZero: x.includeZero, pixels: (plot.left, plot.right))
        let ys = ChartScale(kind: y.kind, covering: yValues, includeZero: y.includeZero, pixels: (plot.bottom, plot.top))

        drawSpans(&canvas, x: timeScale, plot: plot)
        drawAxes(&canvas, x: timeScale, y: ys, plot: plot)
        for mark in marks { draw(mark, on: &canvas, x: timeScale, y: ys, plot: plot) }
        drawLegend(&canvas)
        return canvas.document(title: title, className: "chart")
    }

    private var xValues: [Double] {
        marks.flatMap { mark -> [Double] in
            switch mark {
            case let .band(_, _, _, x, _, _), let .line(_, _, x, _, _, _): x
            case let .points(_, _, _, points): points.map(\.x)
            case let .span(_, _, _, from, to): [from, to]
            case let .marker(_, _, x): [x]
            case .rule: []
            }
        }
    }

    private var yValues: [Double] {
        marks.flatMap { mark -> [Double] in
            switch mark {
            case let .band(_, _, _, _, low, high): low.compactMap { $0 } + high.compactMap { $0 }
            case let .line(_, _, _, y, _, _): y.compactMap { $0 }
            case let .points(_, _, _, points): points.map(\.y)
            case let .rule(_, _, y): [y]
            case .span, .marker: []
            }
        }
    }

    private typealias Plot = (left: Double, right: Double, top: Double, bottom: Double)

    private func drawSpans(_ canvas: inout SVGCanvas, x: ChartScale, plot: Plot) {
        for case let .span(label, tooltip, shade, from, to) in marks {
            let left = x(from), right = x(to)
            canvas.rect(x: left, y: plot.top, width: right - left, height: plot.bottom - plot.top,
                        fill: shade % 2 == 0 ? "#F2F2F2" : "#E6E6E6", tooltip: tooltip)
            if right - left > SVGCanvas.textWidth(label, size: 10) + 4 {
                canvas.text(label, x: left + 3, y: plot.top + 11, size: 10, colour: Palette.grey)
            }
        }
    }

    private func drawAxes(_ canvas: inout SVGCanvas, x: ChartScale, y: ChartScale, plot: Plot) {
        for tick in y.ticks {
            let position = y(tick)
            canvas.line(x1: plot.left, y1: position, x2: plot.right, y2: position, colour: "#E0E0E0")
            canvas.text(self.y.unit.format(tick),
                        x: plot.left - 6, y: position + 4, anchor: "end", size: 11)
        }
        if let months = self.x.months {
            for tick in months.ticks {
                let position = x(Double(tick.month))
                canvas.line(x1: position, y1: plot.bottom, x2: position, y2: plot.bottom + 4, colour: "#333")
                canvas.text(tick.label, x: position, y: plot.bottom + 17, anchor: "middle", size: 11)
            }
        } else {
            for tick in x.ticks {
                let position = x(tick)
                canvas.line(x1: position, y1: plot.top, x2: position, y2: plot.bottom, colour: "#EEEEEE")
                canvas.text(self.x.unit.format(tick), x: position, y: plot.bottom + 17, anchor: "middle", size: 11)
            }
        }
        canvas.line(x1: plot.left, y1: plot.bottom, x2: plot.right, y2: plot.bottom, colour: "#333")
        canvas.line(x1: plot.left, y1: plot.top, x2: plot.left, y2: plot.bottom, colour: "#333")
        if !self.x.label.isEmpty {
            canvas.text(self.x.label, x: (plot.left + plot.right) / 2, y: plot.bottom + 36, anchor: "middle", size: 12)
        }
        canvas.text(self.y.label, x: 14, y: (plot.top + plot.bottom) / 2, anchor: "middle", size: 12, rotate: true)
    }

    private func draw(_ mark: Mark, on canvas: inout SVGCanvas, x: ChartScale, y: ChartScale, plot: Plot) {
        func usable(_ value: Double?) -> Double? {
            guard let value, value.isFinite, self.y.kind == .linear || value > 0 else { return nil }
            return value
        }
        switch mark {
        case let .band(label, colour, opacity, xs, low, high):
            for run in Self.runs(count: xs.count, where: { usable(low[$0]) != nil && usable(high[$0]) != nil }) {
                let upper = run.map { (x(xs[$0]), y(high[$0]!)) }, lower = run.reversed().map { (x(xs[$0]), y(low[$0]!)) }
                canvas.add("<path class=\"band\" d=\"\(SVGCanvas.path(upper + lower, closed: true))\" fill=\"\(colour)\" fill-opacity=\"\(SVGCanvas.number(opacity, decimals: 2))\" stroke=\"none\"><title>\(SVGCanvas.escape(label))</title></path>")
            }
        case let .line(label, colour, xs, ys, dashed, step):
            for run in Self.runs(count: xs.count, where: { usable(ys[$0]) != nil }) {
                var points: [(x: Double, y: Double)] = []
                for index in run {
                    let point = (x: x(xs[index]), y: y(ys[index]!))
                    if step, let previous = points.last { points.append((point.x, previous.y)) }
                    points.append(point)
                }
                if step, let lastIndex = run.last, lastIndex + 1 < xs.count, let previous = points.last {
                    points.append((x(xs[lastIndex + 1]), previous.y))
                }
                if points.count == 1 { points.append((points[0].x + 1, points[0].y)) }
                canvas.add("<path class=\"line\" d=\"\(SVGCanvas.path(points))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"\(dashed ? " stroke-dasharray=\"6 4\"" : "")><title>\(SVGCanvas.escape(label))</title></path>")
            }
        case let .points(_, colour, radius, points):
            for point in points where usable(point.y) != nil {
                let fill = radius > 0 ? "fill=\"\(colour)\" stroke=\"#fff\" stroke-width=\"1\"" : "fill=\"transparent\""
                canvas.add("<circle class=\"point\" cx=\"\(SVGCanvas.number(x(point.x)))\" cy=\"\(SVGCanvas.number(y(point.y)))\" r=\"\(SVGCanvas.number(radius > 0 ? radius : 4))\" \(fill)><title>\(SVGCanvas.escape(point.tooltip))</title></circle>")
            }
        case let .rule(label, colour, value):
            guard usable(value) != nil else { return }
            canvas.line(x1: plot.left, y1: y(value), x2: plot.right, y2: y(value), colour: colour, width: 1.5, dashed: true)
            canvas.text(label, x: plot.right - 4, y: y(value) - 4, anchor: "end", size: 11, colour: colour)
        case let .marker(label, colour, value):
            canvas.line(x1: x(value), y1: plot.top, x2: x(value), y2: plot.bottom, colour: colour, width: 1.5, dashed: true)
            canvas.text(label, x: x(value) + 12, y: plot.top + 16, size: 11, colour: colour, rotate: false)
        case .span:
            break
        }
    }

    /// Runs of consecutive indices 0 ..< count where `included` holds.
    static func runs(count: Int, where included: (Int) -> Bool) -> [[Int]] {
        var runs: [[Int]] = [], current: [Int] = []
        for index in 0..<count {
            if included(index) { current.append(index) } else if !current.isEmpty { runs.append(current); current = [] }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    private func drawLegend(_ canvas: inout SVGCanvas) {
        canvas.text(title, x: Self.margin.left, y: 18, size: 14, colour: "#111", weight: "bold")
        var entries: [(label: String, colour: String, kind: String)] = []
        for mark in marks {
            switch mark {
            case let .band(label, colour, _, _, _, _) where !label.isEmpty: entries.append((label, colour, "band"))
            case let .line(label, colour, _, _, dashed, _) where !label.isEmpty: entries.append((label, colour, dashed ? "dash" : "line"))
            case let .points(label, colour, radius, _) where !label.isEmpty && radius > 0: entries.append((label, colour, "dot"))
            default: break
            }
        }
        var position = Self.margin.left
        let baseline = 34.0
        for entry in entries {
            switch entry.kind {
            case "band": canvas.rect(x: position, y: baseline - 9, width: 16, height: 10, fill: entry.colour, opacity: 0.35)
            case "dot": canvas.add("<circle cx=\"\(SVGCanvas.number(position + 8))\" cy=\"\(SVGCanvas.number(baseline - 4))\" r=\"4\" fill=\"\(entry.colour)\"/>")
            default: canvas.line(x1: position, y1: baseline - 4, x2: position + 16, y2: baseline - 4, colour: entry.colour, width: 2, dashed: entry.kind == "dash")
            }
            canvas.text(entry.label, x: position + 20, y: baseline, size: 11)
            position += 28 + SVGCanvas.textWidth(entry.label, size: 11)
        }
    }
}
