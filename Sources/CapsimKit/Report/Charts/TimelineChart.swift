import Foundation

/// What holds when, month by month: lanes of consecutive segments (phases, Supabase plans,
/// compute sizes, replicas), then one row per event with a diamond at its month.
public struct TimelineChart: Sendable {
    public struct Segment: Sendable {
        /// First month and the month after the last.
        public var from: Int
        public var to: Int
        public var label: String

        public init(from: Int, to: Int, label: String) {
            self.from = from
            self.to = to
            self.label = label
        }
    }

    public struct Lane: Sendable {
        public var name: String
        public var segments: [Segment]

        public init(name: String, segments: [Segment]) {
            self.name = name
            self.segments = segments
        }
    }

    public struct Event: Sendable {
        public var month: Int
        public var label: String
        public var tooltip: String

        public init(month: Int, label: String, tooltip: String) {
            self.month = month
            self.label = label
            self.tooltip = tooltip
        }
    }

    public var title: String
    public var months: MonthTicks
    public var lanes: [Lane]
    public var events: [Event]
    public var width: Double

    public init(title: String, months: MonthTicks, lanes: [Lane], events: [Event], width: Double = 1180) {
        self.title = title
        self.months = months
        self.lanes = lanes
        self.events = events
        self.width = width
    }

    static let laneHeight = 26.0
    static let eventHeight = 20.0
    static let labelWidth = 130.0

    /// Runs of equal labels in `labels` (one per month) as segments; nil labels leave gaps.
    public static func segments(_ labels: [String?]) -> [Segment] {
        var segments: [Segment] = []
        for (month, label) in labels.enumerated() {
            guard let label else { continue }
            if let last = segments.last, last.label == label, last.to == month {
                segments[segments.count - 1].to = month + 1
            } else {
                segments.append(Segment(from: month, to: month + 1, label: label))
            }
        }
        return segments
    }

    public func svg() -> String {
        let top = 30.0, bottom = 26.0
        let height = top + bottom + Double(lanes.count) * Self.laneHeight + Double(events.count) * Self.eventHeight + 8
        var canvas = SVGCanvas(width: width, height: height)
        let plot = (left: Self.labelWidth, right: width - 16, top: top, bottom: height - bottom)
        let x = ChartScale.exact(0, Double(months.months + 1), pixels: (plot.left, plot.right))

        canvas.text(title, x: 12, y: 18, size: 14, colour: "#111", weight: "bold")
        for tick in months.ticks {
            canvas.line(x1: x(Double(tick.month)), y1: plot.top, x2: x(Double(tick.month)), y2: plot.bottom, colour: "#E6E6E6")
            canvas.text(tick.label, x: x(Double(tick.month)), y: plot.bottom + 16, anchor: "middle", size: 11)
        }
        for (index, lane) in lanes.enumerated() {
            let y = plot.top + Double(index) * Self.laneHeight
            canvas.text(lane.name, x: plot.left - 8, y: y + 17, anchor: "end", size: 11, weight: "bold")
            let names = lane.segments.map(\.label).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            for segment in lane.segments {
                let left = x(Double(segment.from)), right = x(Double(segment.to))
                let colour = Palette.colour(names.firstIndex(of: segment.label) ?? 0)
                let first = months.start.adding(months: segment.from), last = months.start.adding(months: segment.to - 1)
                canvas.rect(x: left, y: y + 3, width: right - left - 1, height: Self.laneHeight - 6, fill: colour, opacity: 0.8,
                            tooltip: "\(lane.name): \(segment.label), \(first)–\(last) (months \(segment.from)–\(segment.to - 1))")
                if right - left > SVGCanvas.textWidth(segment.label, size: 11) + 6 {
                    canvas.text(segment.label, x: left + 4, y: y + 17, size: 11, colour: colour == Palette.yellow ? "#111" : "#fff")
                }
            }
        }
        let eventsTop = plot.top + Double(lanes.count) * Self.laneHeight + 8
        for (index, event) in events.enumerated() {
            let y = eventsTop + (Double(index) + 0.5) * Self.eventHeight
            let centre = x(Double(event.month) + 0.5)
            canvas.line(x1: plot.left, y1: y, x2: plot.right, y2: y, colour: "#F0F0F0")
            let diamond = [(centre, y - 6), (centre + 6, y), (centre, y + 6), (centre - 6, y)].map { (x: $0.0, y: $0.1) }
            canvas.add("<path class=\"point\" d=\"\(SVGCanvas.path(diamond, closed: true))\" fill=\"\(Palette.vermillion)\"><title>\(SVGCanvas.escape(event.tooltip))</title></path>")
            let text = "\(months.start.adding(months: event.month))  \(event.label)"
            let fitsRight = centre + 10 + SVGCanvas.textWidth(text, size: 11) < plot.right
            canvas.text(text, x: fitsRight ? centre + 10 : centre - 10, y: y + 4, anchor: fitsRight ? "start" : "end", size: 11)
        }
        return canvas.document(title: title, className: "chart timeline")
    }
}
